//! `newsprep.run`: `newsprep run` as a call, through the library the binary uses
//! (newsprep-run), with its refusals as typed exceptions and Ctrl-C as the binary's
//! SIGINT.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newsprep_run::{ConfigSource, Error, Mode, NoProgress, Options, Shard};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    newsprep,
    UsageError,
    PyException,
    "The options, the configuration or the paths are wrong (the CLI's exit code 2); nothing was written."
);
pyo3::create_exception!(
    newsprep,
    LockedError,
    PyException,
    "Another run holds the output folder's lock (the CLI's exit code 3); nothing was written."
);
pyo3::create_exception!(
    newsprep,
    RunError,
    PyException,
    "The run failed (the CLI's exit code 1); the previous output is untouched."
);

/// How often the waiting thread looks for a Ctrl-C: well under what a person notices.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Runs `newsprep run` and returns the manifest as JSON text.
#[pyfunction]
#[pyo3(signature = (input, output, config=None, threads=None, incremental=false, shard=None))]
pub fn run(
    py: Python<'_>,
    input: PathBuf,
    output: PathBuf,
    config: Option<PathBuf>,
    threads: Option<usize>,
    incremental: bool,
    shard: Option<&str>,
) -> PyResult<String> {
    let threads = match threads {
        None => None,
        Some(n) => Some(NonZeroUsize::new(n).ok_or_else(|| {
            UsageError::new_err("threads must be at least 1 (None: one per CPU core)")
        })?),
    };
    let mode = match shard {
        Some(text) => Mode::Shard {
            shard: Shard::parse(text)
                .map_err(|e| UsageError::new_err(format!("invalid shard {text:?}: {e}")))?,
            incremental,
        },
        None if incremental => Mode::Incremental,
        None => Mode::Full,
    };
    let options = Options {
        config: config.map_or(ConfigSource::Lookup, ConfigSource::File),
        input: Some(input),
        output: Some(output),
        threads,
        mode,
        ..Options::default()
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = channel();
    // Waited on with the GIL released, which asks for something shareable.
    let receiver = Mutex::new(receiver);
    let flag = Arc::clone(&cancel);
    // The run on a thread of its own, so that this one can take Ctrl-C: Python
    // delivers a signal only to the main thread, between bytecodes.
    std::thread::spawn(move || {
        let _ = sender.send(newsprep_run::run(options, flag, &NoProgress));
    });
    let mut interrupted = None;
    let outcome = loop {
        let waited = py.detach(|| match receiver.lock() {
            Ok(receiver) => receiver.recv_timeout(SIGNAL_CHECK),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        });
        match waited {
            Ok(outcome) => break outcome,
            Err(RecvTimeoutError::Timeout) => {
                if interrupted.is_none() {
                    if let Err(err) = py.check_signals() {
                        // Stop the run as SIGINT stops the binary, and wait for it to
                        // put the previous output back before raising.
                        cancel.store(true, Ordering::Relaxed);
                        interrupted = Some(err);
                    }
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(RunError::new_err("the run's thread ended without a result"))
            }
        }
    };
    if let Some(err) = interrupted {
        return Err(err);
    }
    match outcome {
        Ok(manifest) => serde_json::to_string(&manifest)
            .map_err(|e| RunError::new_err(format!("cannot read the manifest: {e}"))),
        Err(err @ Error::Usage(_)) => Err(UsageError::new_err(err.to_string())),
        Err(err @ Error::Locked { .. }) => Err(LockedError::new_err(err.to_string())),
        Err(err @ Error::Failure(_)) => Err(RunError::new_err(err.to_string())),
        Err(err @ Error::Cancelled { .. }) => Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(
            err.to_string(),
        )),
    }
}
