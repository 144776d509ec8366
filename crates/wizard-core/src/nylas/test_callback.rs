//! The loopback address Nylas sends the test sign-in back to. The
//! configure plan registers it as a callback URI of the Nylas application
//! and the test sign-in listens on it, so both read it from here.

/// The path of the test sign-in's loopback callback.
pub const TEST_SIGN_IN_PATH: &str = "/nylas-wizard/test-sign-in";

/// The port the window listens on. Fixed, because Nylas compares callback
/// URIs exactly, port included; tests pass their own free port.
pub const DEFAULT_TEST_SIGN_IN_PORT: u16 = 47615;

/// `http://localhost:PORT/nylas-wizard/test-sign-in` (Nylas accepts http
/// only for localhost).
pub fn test_sign_in_callback(port: u16) -> String {
    format!("http://localhost:{port}{TEST_SIGN_IN_PATH}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_plain_http_on_localhost_with_the_port() {
        assert_eq!(
            test_sign_in_callback(DEFAULT_TEST_SIGN_IN_PORT),
            "http://localhost:47615/nylas-wizard/test-sign-in"
        );
        assert_eq!(
            test_sign_in_callback(8080),
            "http://localhost:8080/nylas-wizard/test-sign-in"
        );
    }
}
