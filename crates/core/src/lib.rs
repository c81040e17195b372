//! The shared core of newsprep: the document model, the configuration, the two stage
//! contracts and the streaming runner that every stage crate plugs into.
//!
//! Stage crates depend on this crate and never on each other; the CLI wires them
//! together into a [`runner::Pipeline`].

pub mod config;
pub mod document;
pub mod input;
pub mod manifest;
pub mod runner;
pub mod stage;

pub use config::{Config, ConfigError};
pub use document::{Document, QuarantineRecord, Reason, Rejection};
pub use input::{Compression, InputFile};
pub use runner::{Pipeline, Progress, RunError, RunReport, Sink};
pub use stage::{CorpusStage, Decode, DocStage};

/// The version of this build, recorded in every manifest and Parquet file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
