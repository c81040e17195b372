//! How a `newsprep` process ends: one documented exit code per outcome.

use std::process::ExitCode;

/// How the process ends; each variant is one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// The run finished, possibly with some documents quarantined.
    Success,
    /// The run itself failed: output could not be written, for instance.
    Failure,
    /// The command line or the configuration is wrong; nothing was run.
    UsageError,
    /// Another run holds the output folder's lock; nothing was run.
    Locked,
    /// Stopped by SIGINT (Ctrl-C); the previous output is untouched.
    Interrupted,
    /// Stopped by SIGTERM; the previous output is untouched.
    Terminated,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::UsageError => 2,
            ExitStatus::Locked => 3,
            ExitStatus::Interrupted => 130,
            ExitStatus::Terminated => 143,
        })
    }
}
