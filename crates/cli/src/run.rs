//! `newsprep run`: loads the configuration, wires the stages into a pipeline, runs it
//! on a thread pool of the requested size and writes the output.

use std::path::Path;
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
use tracing::{error, info};
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::progress::Bars;
use crate::{ExitStatus, RunArgs};

/// The config file read when `--config` is not given, if it exists.
const DEFAULT_CONFIG: &str = "pipeline.toml";

pub fn run(args: RunArgs) -> ExitStatus {
    let bars = Bars::new(args.quiet);
    init_logging(&args, &bars);

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

    match pool.install(|| {
        execute(
            config,
            pipeline,
            discovery,
            &bars,
            pool.current_num_threads(),
        )
    }) {
        Ok(()) => ExitStatus::Success,
        Err(err) => {
            error!("{err:#}");
            ExitStatus::Failure
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

fn execute(
    config: Config,
    mut pipeline: Pipeline,
    discovery: input::Discovery,
    bars: &Bars,
    threads: usize,
) -> anyhow::Result<()> {
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
    let mut sink = ParquetSink::create(&config.output_dir, &config.export, &meta)?;
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
    info!(
        read = manifest.counts.read,
        written = manifest.counts.written,
        quarantined = manifest.counts.quarantined,
        output = %manifest.output_dir.display(),
        "Output written."
    );
    Ok(())
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
    tracing_subscriber::fmt()
        .with_writer((move || writer.clone()).with_max_level(level))
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
