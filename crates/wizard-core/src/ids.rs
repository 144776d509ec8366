//! The shapes of Microsoft identifiers: GUIDs (application, tenant and
//! permission ids) and DNS domain names (verified tenant domains). One place,
//! so every check, link and look-up agrees on what counts as which.

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits (any case).
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `contoso.com`, `contoso.onmicrosoft.com`: at least two labels of
/// letters, digits and hyphens (not at either end of a label), at most 253
/// characters, and a top-level label with a letter (so not an IP address).
/// Safe to put in a URL path as is.
pub fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|l| l.chars().any(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_shape() {
        assert!(is_guid("e1fe6dd8-ba31-4d61-89e7-88639da4683d"));
        assert!(is_guid("E1FE6DD8-BA31-4D61-89E7-88639DA4683D"));
        assert!(!is_guid("e1fe6dd8ba314d6189e788639da4683d"));
        assert!(!is_guid("g1fe6dd8-ba31-4d61-89e7-88639da4683d"));
        assert!(!is_guid("{e1fe6dd8-ba31-4d61-89e7-88639da4683d}"));
    }

    #[test]
    fn domain_shape() {
        assert!(is_domain("contoso.onmicrosoft.com"));
        assert!(is_domain("Contoso.com"));
        assert!(is_domain("xn--bcher-kva.example"));
        for bad in [
            "contoso",
            "-a.com",
            "a-.com",
            "a..com",
            ".com",
            "1.2.3.4",
            "a b.com",
            "x.com/v2.0?y",
            "../common",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
        assert!(!is_domain(&format!("{}.com", "a".repeat(64))));
    }
}
