//! A newsprep run as one library call, the same for the `newsprep` binary and the
//! Python bindings: the configuration with its overrides, the inputs, the checks that
//! keep the user's files safe, the output lock, the pipeline on a thread pool of the
//! requested size, and the all-or-nothing swap of the output folder.
//!
//! The caller brings the front end: how options are spelled ([`Options`] is plain
//! data), how progress is drawn ([`Progress`]), when to stop (a cancel flag it owns)
//! and how an [`Error`] ends the process or the call. Nothing here parses a command
//! line, draws on a terminal or sets up logging; it emits `tracing` events.

mod guard;
mod job;
mod output;
mod stages;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub use newsprep_core::config::Config;
pub use newsprep_core::input::Shard;
pub use newsprep_core::manifest::Manifest;
pub use newsprep_core::runner::NoProgress;
pub use newsprep_core::{Pipeline, Progress};
pub use stages::{build_pipeline, build_stages, BuildError};

/// The config file read when [`ConfigSource::Lookup`] is asked for, if it exists.
pub const DEFAULT_CONFIG: &str = "pipeline.toml";

/// What a run is asked to do: the `newsprep run` and `newsprep merge` flags as data.
/// The overrides are laid over the configuration as the flags are over the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where the configuration comes from.
    pub config: ConfigSource,
    /// Overrides the configuration's `input_dir`.
    pub input: Option<PathBuf>,
    /// Reads the input files named in this file, one path per line (relative to its
    /// folder, or absolute; `#` starts a comment), instead of walking the input folder.
    /// Cannot be given together with `input`.
    pub input_list: Option<PathBuf>,
    /// Overrides the configuration's `output_dir`.
    pub output: Option<PathBuf>,
    /// Worker threads for per-document work; `None` is one per CPU core.
    pub threads: Option<NonZeroUsize>,
    /// Sets `boilerplate.keep_removed` (it cannot unset it).
    pub keep_removed: bool,
    /// What the run reads besides its inputs, and where it writes.
    pub mode: Mode,
}

/// Where the configuration comes from.
#[derive(Debug, Clone, Default)]
pub enum ConfigSource {
    /// `./pipeline.toml` ([`DEFAULT_CONFIG`]) when it exists, else the built-in
    /// defaults: what `newsprep run` does without `--config`.
    #[default]
    Lookup,
    /// This file.
    File(PathBuf),
    /// A configuration the caller built; it is validated like a file's.
    Given(Box<Config>),
}

/// What a job reads besides its inputs, and where it writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every input, into the output folder.
    #[default]
    Full,
    /// Inputs changed since the last run; the rest from the output folder.
    Incremental,
    /// One part of the inputs, into `OUTPUT/shards/K-of-N/`, incremental or not.
    Shard { shard: Shard, incremental: bool },
    /// Every shard's output under `OUTPUT/shards/` joined into the output folder,
    /// deduplicated across shards (`newsprep merge`).
    Merge,
}

/// Why a run did not finish. Each variant is one exit code of `newsprep`; the message
/// (the `Display` text) is what the binary logs, the one sentence a user acts on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The options, the configuration or the paths are wrong; nothing was written.
    /// Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// Another run holds the output folder's lock (`lock`, a file beside the folder;
    /// `holder` is what that run wrote into it); nothing was written. Exit code 3.
    #[error("another run is writing to this output folder (lock {lock}, {holder}); not starting a second one")]
    Locked { lock: PathBuf, holder: String },
    /// The run itself failed: output could not be written, for instance. The previous
    /// output is untouched. Exit code 1.
    #[error("{0}")]
    Failure(String),
    /// The cancel flag was set; the previous output in `output` is untouched. The
    /// binary exits with the code of the signal that set it: 130 for SIGINT, 143 for
    /// SIGTERM.
    #[error(
        "the run was stopped before it finished; the previous output in {output} is left as it was"
    )]
    Cancelled { output: PathBuf },
}

/// Runs a job as `newsprep run` (or, with [`Mode::Merge`], `newsprep merge`) does and
/// returns the manifest it wrote into the output folder.
///
/// `cancel` is checked between documents; once it is set the run stops cleanly, its
/// temporary files removed and the previous output left as it was, and returns
/// [`Error::Cancelled`]. `progress` hears of each pass over the inputs. The caller's
/// `tracing` subscriber, if any, receives the run's log events.
pub fn run(
    options: Options,
    cancel: Arc<AtomicBool>,
    progress: &dyn Progress,
) -> Result<Manifest, Error> {
    job::run(options, cancel, progress)
}

/// The configuration `options` describe: the file (or the defaults), with the input,
/// output and `keep_removed` overrides laid over it, validated. [`run`] starts here.
pub fn load_config(options: &Options) -> Result<Config, Error> {
    let mut config = match &options.config {
        ConfigSource::File(path) => Config::from_file(path).map_err(usage)?,
        ConfigSource::Lookup if Path::new(DEFAULT_CONFIG).exists() => {
            Config::from_file(Path::new(DEFAULT_CONFIG)).map_err(usage)?
        }
        ConfigSource::Lookup => Config::default(),
        ConfigSource::Given(config) => (**config).clone(),
    };
    if let Some(input) = &options.input {
        config.input_dir = input.clone();
    }
    if let Some(output) = &options.output {
        config.output_dir = output.clone();
    }
    if options.keep_removed {
        config.boilerplate.keep_removed = true;
    }
    config
        .validate()
        .map_err(|err| Error::Usage(format!("invalid configuration: {}", chain(&err))))?;
    Ok(config)
}

fn usage(err: impl std::error::Error) -> Error {
    Error::Usage(chain(&err))
}

/// An error and its causes as one line, `outer: cause: cause`: the way the binary
/// printed them (anyhow's `{:#}`) when this code was part of it.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Options for a run of `dir/raw` (one text dump) into `dir/out`.
    fn options(dir: &Path) -> Options {
        let raw = dir.join("raw");
        std::fs::create_dir_all(&raw).unwrap();
        std::fs::write(
            raw.join("a.txt"),
            "A headline\n\nThe council met on Tuesday in Leeds to discuss the new library budget for the city.\n",
        )
        .unwrap();
        Options {
            config: ConfigSource::Given(Box::default()),
            input: Some(raw),
            output: Some(dir.join("out")),
            threads: NonZeroUsize::new(2),
            ..Options::default()
        }
    }

    fn no_cancel() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    #[test]
    fn a_set_cancel_flag_stops_the_run_and_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = run(options(dir.path()), no_cancel(), &NoProgress).unwrap();
        assert_eq!((manifest.counts.files_read, manifest.threads), (1, 2));
        let written = dir.path().join("out").join(newsprep_export::MANIFEST_FILE);
        let before = std::fs::read(&written).unwrap();

        let cancel = Arc::new(AtomicBool::new(true));
        match run(options(dir.path()), cancel, &NoProgress) {
            Err(Error::Cancelled { output }) => assert_eq!(output, dir.path().join("out")),
            other => panic!("expected a cancelled run, got {other:?}"),
        }
        assert_eq!(std::fs::read(&written).unwrap(), before);
        let mut beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, ["out", "raw"], "no lock or staging folder is left");
    }

    /// Sets the cancel flag when the first pass begins, as Ctrl-C in a notebook would
    /// while the run works.
    struct CancelOnBegin(Arc<AtomicBool>);

    impl Progress for CancelOnBegin {
        fn begin(&self, _: &str, _: u64) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        fn advance(&self, _: u64) {}
        fn finish(&self) {}
    }

    #[test]
    fn a_cancel_during_the_run_discards_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        run(options(dir.path()), no_cancel(), &NoProgress).unwrap();
        let written = dir.path().join("out").join(newsprep_export::MANIFEST_FILE);
        let before = std::fs::read(&written).unwrap();

        let cancel = no_cancel();
        let progress = CancelOnBegin(cancel.clone());
        let stopped = run(options(dir.path()), cancel, &progress);
        assert!(
            matches!(stopped, Err(Error::Cancelled { .. })),
            "{stopped:?}"
        );
        assert_eq!(std::fs::read(&written).unwrap(), before);
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 2, "only out and raw: no staging folder, no lock");
    }

    #[test]
    fn refusals_are_usage_errors_and_a_live_lock_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let same = Options {
            output: Some(dir.path().join("raw")),
            ..options(dir.path())
        };
        match run(same, no_cancel(), &NoProgress) {
            Err(Error::Usage(message)) => {
                assert!(message.contains("is the input folder"), "{message}")
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
        let both = Options {
            input_list: Some(dir.path().join("list.txt")),
            ..options(dir.path())
        };
        assert!(matches!(
            run(both, no_cancel(), &NoProgress),
            Err(Error::Usage(_))
        ));

        // This test's own process holds the lock, so it is live.
        let lock = dir.path().join(".out.lock");
        std::fs::write(&lock, format!("pid={}\n", std::process::id())).unwrap();
        match run(options(dir.path()), no_cancel(), &NoProgress) {
            Err(Error::Locked { lock: held, holder }) => {
                assert_eq!(held, lock);
                assert!(holder.contains(&std::process::id().to_string()), "{holder}");
            }
            other => panic!("expected a locked output, got {other:?}"),
        }
        assert!(!dir.path().join("out").exists(), "nothing was written");
    }

    #[test]
    fn a_chain_of_causes_is_one_line() {
        let err = guard::Refusal::Unreadable {
            path: PathBuf::from("out"),
            source: std::io::Error::other("denied"),
        };
        // The Display already names the cause; the chain repeats it as anyhow did.
        assert_eq!(
            chain(&err),
            "cannot check the output folder out: denied: denied"
        );
    }
}
