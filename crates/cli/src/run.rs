//! `newsprep run`: loads the configuration, wires the stages into a pipeline, runs it
//! on a thread pool of the requested size and writes the output.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::input;
use newsprep_core::manifest::{Manifest, RunContext};
use newsprep_core::stage::Stage;
use newsprep_core::Pipeline;
use newsprep_decode::Decoder;
use newsprep_dedup::Dedup;
use newsprep_entities::Entities;
use newsprep_export::{FileMetadata, ParquetSink};
use tracing::{error, info, warn};
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::output;
use crate::progress::Bars;
use crate::{ExitStatus, LogFormat, RunArgs};

/// The config file read when `--config` is not given, if it exists.
const DEFAULT_CONFIG: &str = "pipeline.toml";

pub fn run(args: RunArgs) -> ExitStatus {
    let bars = Bars::new(args.quiet);
    init_logging(&args, &bars);
    // First, so that a signal during start-up (loading the gazetteer takes a moment)
    // also ends the run cleanly.
    let signals = Signals::install();

    let config = match load_config(&args) {
        Ok(config) => config,
        Err(err) => {
            error!("{err:#}");
            return ExitStatus::UsageError;
        }
    };
    let discovery = match input::discover(&config.input_dir, &config.decode.extensions) {
        Ok(found) => found,
        Err(err) => {
            error!("{err}");
            return ExitStatus::UsageError;
        }
    };
    // Stages are built before anything runs: a bad gazetteer file is a config error.
    let pipeline = match build_pipeline(&config) {
        Ok(pipeline) => pipeline,
        Err(err) => {
            error!("{err:#}");
            return ExitStatus::UsageError;
        }
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
    {
        Ok(pool) => pool,
        Err(err) => {
            error!("cannot start worker threads: {err}");
            return ExitStatus::Failure;
        }
    };
    let _lock = match output::Lock::acquire(&config.output_dir) {
        Ok(lock) => lock,
        Err(output::LockError::Held { path, holder }) => {
            error!(lock = %path.display(), holder = %holder, "Another run is writing to this output folder; not starting a second one.");
            return ExitStatus::Locked;
        }
        Err(output::LockError::Io(err)) => {
            error!("{err:#}");
            return ExitStatus::Failure;
        }
    };

    if let Err(err) = output::recover(&config.output_dir) {
        error!("{err:#}");
        return ExitStatus::Failure;
    }
    if let Some(status) = signals.status() {
        return status;
    }
    let pipeline = pipeline.with_cancel(signals.any.clone());
    let staging = output::staging(&config.output_dir);
    output::discard(&staging);
    let final_dir = config.output_dir.clone();
    let threads = pool.current_num_threads();
    let result = pool.install(|| execute(config, pipeline, discovery, &bars, threads, &staging));
    match result.and_then(|manifest| output::swap_in(&staging, &final_dir).map(|()| manifest)) {
        Ok(manifest) => {
            // The last line a scheduler reads: the manifest's counts.
            let c = &manifest.counts;
            info!(
                read = c.read,
                kept = c.kept,
                duplicates = c.duplicates,
                quarantined = c.quarantined,
                written = c.written,
                output = %final_dir.display(),
                "Run summary."
            );
            ExitStatus::Success
        }
        Err(err) => {
            output::discard(&staging);
            if let Some(status) = signals.status() {
                warn!(output = %final_dir.display(), "Stopped by a signal; the previous output is left as it was.");
                return status;
            }
            error!("{err:#}");
            ExitStatus::Failure
        }
    }
}

/// SIGINT and SIGTERM set flags the runner checks between documents, so a stop is
/// clean (temporary files removed, previous output untouched) and reports which signal.
struct Signals {
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

/// The stages the configuration switches on, in pipeline order.
fn build_pipeline(config: &Config) -> anyhow::Result<Pipeline> {
    let mut pipeline = Pipeline::new(Decoder::new(&config.decode), config.export.row_group_size);
    if config.boilerplate.enabled {
        pipeline = pipeline.with_stage(Stage::corpus(Boilerplate::new(&config.boilerplate)));
    }
    if config.dedup.enabled {
        pipeline = pipeline.with_stage(Stage::corpus(Dedup::new(&config.dedup)));
    }
    if config.entities.enabled {
        pipeline = pipeline.with_stage(Stage::document(Entities::new(&config.entities)?));
    }
    Ok(pipeline)
}

/// Runs the pipeline into `staging` and returns the manifest written there.
fn execute(
    config: Config,
    mut pipeline: Pipeline,
    discovery: input::Discovery,
    bars: &Bars,
    threads: usize,
    staging: &Path,
) -> anyhow::Result<Manifest> {
    let started = SystemTime::now();
    info!(
        input = %config.input_dir.display(),
        output = %config.output_dir.display(),
        files = discovery.files.len(),
        threads,
        stages = ?pipeline.stage_names(),
        "Run started."
    );

    let meta = FileMetadata {
        config_hash: config.hash(),
    };
    let mut sink = ParquetSink::create(staging, &config.export, &meta)?;
    let report = pipeline.run(discovery, &mut sink, bars)?;
    let ctx = RunContext {
        config,
        schema_version: newsprep_export::schema::SCHEMA_VERSION,
        threads,
        started,
        finished: SystemTime::now(),
    };
    let manifest = Manifest::new(ctx, report, sink.tallies());
    sink.finish(&manifest)?;
    Ok(manifest)
}

/// The config file (explicit, else ./pipeline.toml when present, else defaults) with
/// the command-line flags laid over it, validated.
fn load_config(args: &RunArgs) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None if Path::new(DEFAULT_CONFIG).exists() => Config::from_file(Path::new(DEFAULT_CONFIG))?,
        None => Config::default(),
    };
    if let Some(input) = &args.input {
        config.input_dir = input.clone();
    }
    if let Some(output) = &args.output {
        config.output_dir = output.clone();
    }
    if args.keep_removed {
        config.boilerplate.keep_removed = true;
    }
    config.validate().context("invalid configuration")?;
    Ok(config)
}

fn init_logging(args: &RunArgs, bars: &Bars) {
    let level = if args.quiet {
        tracing::Level::WARN
    } else if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    let writer = bars.log_writer();
    let builder = tracing_subscriber::fmt()
        .with_writer((move || writer.clone()).with_max_level(level))
        .with_target(false);
    match args.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}
