//! Why the sandbox could not load a scenario, accept a fault rule or start.
//! Messages are plain, start lowercase and end without a period, so callers
//! can embed them in a sentence.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not read the scenario file {}: {source}", path.display())]
    ReadScenario {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not JSON, or JSON that is not a scenario (serde names the line, the
    /// column and any unknown field).
    #[error("the scenario {origin} is not valid JSON for a scenario: {source}")]
    ParseScenario {
        origin: String,
        source: serde_json::Error,
    },
    #[error("the scenario {origin} is not usable: {reason}")]
    InvalidScenario { origin: String, reason: String },
    #[error("fault rule {index} is not valid: {reason}")]
    InvalidFault { index: usize, reason: String },
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}
