//! Domain logic of the Nylas Microsoft Setup Wizard.
//!
//! Everything worth testing lives here; the Tauri shell (`src-tauri`) and the
//! CLI (`crates/cli`) are thin adapters over this crate. It must never depend
//! on Tauri.

// Foundation
pub mod answers;
pub mod bulk;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod ids;
mod names;
pub mod paths;
pub mod plan;
pub mod remote_ops;
pub mod secrets;
pub mod session;
pub mod state;

// What the admin takes away
pub mod changes;
pub mod handoff;
pub mod report;
pub mod summary;

// Remote services
pub mod microsoft;
pub mod migrate;
pub mod nylas;
pub mod nylas_v2;
pub mod tenant;

// Knowing what Microsoft needs
pub mod audit;
pub mod catalog;
pub mod diagnose;
pub mod manifest;
pub mod portal;
pub mod redirect_uris;
pub mod regions;
pub mod scopes;
pub mod what_changed;

pub use error::{ErrorCode, WizardError};
