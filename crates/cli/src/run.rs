//! `newsprep run` and `newsprep merge`: turns the flags into the library's options,
//! sets up logging, progress bars and signal handling, and maps the outcome of
//! [`newsprep_run::run`] to an exit code.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use newsprep_run::{ConfigSource, Error, Mode, Options};
use tracing::{error, info, warn};

use crate::progress::Bars;
use crate::{ExitStatus, JobArgs, LogFormat, RunArgs};

pub fn run(args: RunArgs) -> ExitStatus {
    let mode = match (args.shard, args.incremental) {
        (Some(shard), incremental) => Mode::Shard { shard, incremental },
        (None, true) => Mode::Incremental,
        (None, false) => Mode::Full,
    };
    job(args.job, mode)
}

pub fn merge(args: JobArgs) -> ExitStatus {
    job(args, Mode::Merge)
}

fn job(args: JobArgs, mode: Mode) -> ExitStatus {
    let bars = Bars::new(args.quiet);
    init_logging(&args, &bars);
    // First, so that a signal during start-up (loading the gazetteer takes a moment)
    // also ends the run cleanly.
    let signals = Signals::install();
    let options = Options {
        config: args.config.map_or(ConfigSource::Lookup, ConfigSource::File),
        input: args.input,
        input_list: args.input_list,
        output: args.output,
        threads: args.threads.and_then(|n| NonZeroUsize::new(usize::from(n))),
        keep_removed: args.keep_removed,
        mode,
    };
    match newsprep_run::run(options, signals.any.clone(), &bars) {
        Ok(manifest) => {
            // The last line a scheduler reads: the manifest's counts.
            let c = &manifest.counts;
            info!(
                read = c.read,
                kept = c.kept,
                duplicates = c.duplicates,
                quarantined = c.quarantined,
                written = c.written,
                restored = manifest.reuse.restored,
                output = %manifest.output_dir.display(),
                "Run summary."
            );
            ExitStatus::Success
        }
        Err(Error::Usage(message)) => {
            error!("{message}");
            ExitStatus::UsageError
        }
        Err(Error::Locked { lock, holder }) => {
            error!(lock = %lock.display(), holder = %holder, "Another run is writing to this output folder; not starting a second one.");
            ExitStatus::Locked
        }
        Err(Error::Failure(message)) => {
            error!("{message}");
            ExitStatus::Failure
        }
        // The library has said, where it matters, that the previous output was kept.
        Err(Error::Cancelled { .. }) => signals.status().unwrap_or(ExitStatus::Interrupted),
    }
}

/// SIGINT and SIGTERM set flags the runner checks between documents, so a stop is
/// clean (temporary files removed, previous output untouched) and reports which signal.
struct Signals {
    /// The library's cancel flag: set by either signal.
    any: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
    terminated: Arc<AtomicBool>,
}

impl Signals {
    fn install() -> Signals {
        let signals = Signals {
            any: Arc::new(AtomicBool::new(false)),
            interrupted: Arc::new(AtomicBool::new(false)),
            terminated: Arc::new(AtomicBool::new(false)),
        };
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            for (signal, flag) in [
                (SIGINT, &signals.interrupted),
                (SIGTERM, &signals.terminated),
            ] {
                let registered = signal_hook::flag::register(signal, signals.any.clone())
                    .and_then(|_| signal_hook::flag::register(signal, flag.clone()));
                if let Err(err) = registered {
                    warn!("Cannot handle signal {signal}: {err}. A stop will not be clean.");
                }
            }
        }
        signals
    }

    /// The exit status of a run stopped by a signal, if one arrived.
    fn status(&self) -> Option<ExitStatus> {
        if self.interrupted.load(Ordering::Relaxed) {
            Some(ExitStatus::Interrupted)
        } else if self.terminated.load(Ordering::Relaxed) {
            Some(ExitStatus::Terminated)
        } else {
            None
        }
    }
}

fn init_logging(args: &JobArgs, bars: &Bars) {
    let level = if args.quiet {
        tracing::Level::WARN
    } else if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    let writer = bars.log_writer();
    // The subscriber's own filter (INFO unless told) comes before the writer's.
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_target(false);
    match args.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}
