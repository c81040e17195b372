//! `newsprep run`: loads the configuration, wires the stages into a pipeline, runs it
//! on a thread pool of the requested size and writes the output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::Config;
use newsprep_core::input;
use newsprep_core::manifest::{Manifest, Reuse, RunContext};
use newsprep_core::stage::Stage;
use newsprep_core::Pipeline;
use newsprep_decode::Decoder;
use newsprep_dedup::Dedup;
use newsprep_entities::link::LinkPeople;
use newsprep_entities::Entities;
use newsprep_export::restore::{Earlier, Fingerprinter};
use newsprep_export::{FileMetadata, ParquetSink, SpillFile};
use newsprep_language::Language;
use tracing::{error, info, warn};

use crate::guard;
use crate::output;
use crate::progress::Bars;
use crate::{ExitStatus, JobArgs, LogFormat, RunArgs};

/// The config file read when `--config` is not given, if it exists.
const DEFAULT_CONFIG: &str = "pipeline.toml";

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

/// What a job reads besides its inputs, and where it writes.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Every input, into the output folder.
    Full,
    /// Inputs changed since the last run; the rest from the output folder.
    Incremental,
    /// One part of the inputs, into `OUTPUT/shards/K-of-N/`.
    Shard {
        shard: input::Shard,
        incremental: bool,
    },
    /// Every shard's output joined into the output folder.
    Merge,
}

fn job(args: JobArgs, mode: Mode) -> ExitStatus {
    let input_list = args.input_list.clone();
    let bars = Bars::new(args.quiet);
    init_logging(&args, &bars);
    // First, so that a signal during start-up (loading the gazetteer takes a moment)
    // also ends the run cleanly.
    let signals = Signals::install();

    let mut config = match load_config(&args) {
        Ok(config) => config,
        Err(err) => {
            error!("{err:#}");
            return ExitStatus::UsageError;
        }
    };
    follow_output_link(&mut config);
    let dataset_dir = config.output_dir.clone();
    // A merge reads its shards first: which they are, and where their inputs were.
    let shards = match mode {
        Mode::Merge => match shard_outputs(&dataset_dir) {
            Ok(shards) => Some(shards),
            Err(err) => {
                error!("{err:#}");
                return ExitStatus::UsageError;
            }
        },
        _ => None,
    };
    if let (Some(shards), None, None) = (&shards, &args.input, &input_list) {
        if let Some(root) = recorded_input(shards) {
            info!(input = %root.display(), "Merging over the input folder the shards recorded.");
            config.input_dir = root;
        }
    }
    if let Mode::Shard { shard, .. } = mode {
        config.output_dir = dataset_dir.join(SHARDS_DIR).join(shard.dir_name());
    }
    if let Some(list) = &input_list {
        // Relative lines are read from the list's folder, which the manifest records.
        config.input_dir = list
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
    }
    let found = match &input_list {
        Some(list) => input::discover_list(list, &config.decode.extensions),
        None => input::discover(&config.input_dir, &config.decode.extensions),
    };
    let mut discovery = match found {
        Ok(found) => found,
        Err(err) => {
            error!("{err}");
            return ExitStatus::UsageError;
        }
    };
    if let Mode::Shard { shard, .. } = mode {
        discovery = discovery.only(shard);
    }
    let listed = input_list.is_some();
    if let Err(err) =
        refuse_unsafe_paths(&config, &dataset_dir, shards.as_deref(), &discovery, listed)
    {
        error!("{err:#}");
        return ExitStatus::UsageError;
    }
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
    let (pipeline, reuse) = match earlier(&config, mode, shards, &discovery) {
        Ok(Some((earlier, reuse))) => (pipeline.with_restorer(Box::new(earlier)), reuse),
        Ok(None) => (pipeline, mode.reuse()),
        Err(err) => {
            error!("{err:#}");
            // A merge that cannot use its shards refuses before writing anything.
            return match mode {
                Mode::Merge => ExitStatus::UsageError,
                _ => ExitStatus::Failure,
            };
        }
    };
    let pipeline = pipeline.with_cancel(signals.any.clone());
    let staging = output::staging(&config.output_dir);
    output::discard(&staging);
    let final_dir = config.output_dir.clone();
    let threads = pool.current_num_threads();
    let shard = match mode {
        Mode::Shard { shard, .. } => Some(shard.dir_name()),
        _ => None,
    };
    let job = Job {
        config,
        pipeline,
        discovery,
        threads,
        reuse,
        shard,
    };
    let result = pool.install(|| execute(job, &bars, &staging));
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
                restored = manifest.reuse.restored,
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

/// Where documents wait between passes, inside the staging folder.
const SPILL_DIR: &str = "_spill";

/// The folder under the output folder that holds the shards' outputs.
const SHARDS_DIR: &str = "shards";

impl Mode {
    /// The manifest's `reuse` section before the run fills in its counts.
    fn reuse(self) -> Reuse {
        let name = match self {
            Mode::Full
            | Mode::Shard {
                incremental: false, ..
            } => "full",
            Mode::Incremental
            | Mode::Shard {
                incremental: true, ..
            } => "incremental",
            Mode::Merge => "merge",
        };
        Reuse {
            mode: name.to_owned(),
            ..Reuse::default()
        }
    }
}

/// The earlier outputs this job restores documents from, if any. An incremental run
/// without a usable earlier output processes everything (and says why); a merge
/// without every shard fails.
fn earlier(
    config: &Config,
    mode: Mode,
    shards: Option<Vec<PathBuf>>,
    discovery: &input::Discovery,
) -> anyhow::Result<Option<(Earlier, Reuse)>> {
    let (sources, fingerprint): (Vec<PathBuf>, Option<Fingerprinter>) = match mode {
        Mode::Full
        | Mode::Shard {
            incremental: false, ..
        } => return Ok(None),
        Mode::Incremental
        | Mode::Shard {
            incremental: true, ..
        } => {
            let max_bytes = config.decode.max_bytes;
            let check: Fingerprinter =
                Box::new(move |file| newsprep_decode::fingerprint(file, max_bytes));
            (vec![config.output_dir.clone()], Some(check))
        }
        Mode::Merge => (shards.unwrap_or_default(), None),
    };
    let earlier = match Earlier::open(&sources, &config.hash(), fingerprint) {
        Ok(earlier) => earlier,
        Err(err) if !matches!(mode, Mode::Merge) => {
            let first = !config
                .output_dir
                .join(newsprep_export::MANIFEST_FILE)
                .exists();
            if first {
                info!(output = %config.output_dir.display(), "No earlier output to build on; processing every input.");
            } else {
                warn!("Cannot build on the earlier output ({err}); processing every input.");
            }
            return Ok(None);
        }
        Err(err) => return Err(anyhow::Error::new(err).context("cannot merge the shards")),
    };
    let reuse = Reuse {
        sources: sources.clone(),
        earlier_documents: earlier.len() as u64,
        removed: earlier.gone(&discovery.files) as u64,
        ..mode.reuse()
    };
    info!(
        earlier = reuse.earlier_documents,
        removed = reuse.removed,
        sources = sources.len(),
        "Building on earlier output."
    );
    Ok(Some((earlier, reuse)))
}

/// Refuses, before anything is written, a job that could cost the user files: an
/// output folder that is, holds or lies in the input folder, or that holds files
/// newsprep did not write (for a shard, its own folder too); and a merge over other
/// inputs than its shards read.
fn refuse_unsafe_paths(
    config: &Config,
    dataset_dir: &Path,
    shards: Option<&[PathBuf]>,
    discovery: &input::Discovery,
    listed: bool,
) -> anyhow::Result<()> {
    // Inputs from a list may sit anywhere, the output beside them included: what must
    // not happen is an output folder that holds one of them.
    let separate = |output: &Path| -> anyhow::Result<()> {
        if listed {
            let files: Vec<&Path> = discovery.files.iter().map(|f| f.path.as_path()).collect();
            guard::holds_none(output, &files)?;
        } else {
            guard::separate(&config.input_dir, output)?;
        }
        Ok(())
    };
    separate(dataset_dir)?;
    guard::replaceable(dataset_dir)?;
    if config.output_dir != dataset_dir {
        separate(&config.output_dir)?;
        guard::replaceable(&config.output_dir)?;
    }
    if let Some(shards) = shards {
        let mut read = BTreeSet::new();
        for shard in shards {
            let paths = newsprep_export::restore::input_paths(shard)
                .with_context(|| format!("cannot read the inputs of shard {}", shard.display()))?;
            read.extend(paths);
        }
        let found: BTreeSet<String> = discovery
            .files
            .iter()
            .map(|f| f.rel_path.clone())
            .chain(discovery.rejected.iter().map(|r| r.source_path.clone()))
            .collect();
        guard::same_inputs(&config.input_dir, &read, &found)?;
    }
    Ok(())
}

/// The input folder the shards recorded (`input_root` in their manifests), when it
/// exists on this machine; shards on other machines may mount the corpus elsewhere.
fn recorded_input(shards: &[PathBuf]) -> Option<PathBuf> {
    let shard = shards.first()?;
    let text = std::fs::read_to_string(shard.join(newsprep_export::MANIFEST_FILE)).ok()?;
    let manifest: Manifest = serde_json::from_str(&text).ok()?;
    let root = manifest.input_root?;
    root.is_dir().then_some(root)
}

/// An output path that is a symbolic link to a folder is written through: the run
/// swaps the folder the link leads to, and the link stays.
fn follow_output_link(config: &mut Config) {
    let is_link = std::fs::symlink_metadata(&config.output_dir)
        .is_ok_and(|meta| meta.file_type().is_symlink());
    if !is_link {
        return;
    }
    if let Ok(real) = config.output_dir.canonicalize() {
        if real.is_dir() {
            info!(output = %config.output_dir.display(), target = %real.display(), "Writing into the folder the output link leads to.");
            config.output_dir = real;
        }
    }
}

/// The outputs under `DIR/shards/`: all N of one `K-of-N` series, each complete.
fn shard_outputs(dataset: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = dataset.join(SHARDS_DIR);
    let entries = std::fs::read_dir(&dir)
        .with_context(|| format!("no shards to merge: cannot read {}", dir.display()))?;
    let mut found: Vec<(u32, u32, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((k, n)) = input::Shard::parse_dir_name(&name) {
            found.push((k, n, entry.path()));
        }
    }
    found.sort();
    let Some(&(_, count, _)) = found.first() else {
        anyhow::bail!(
            "no shards to merge in {}: expected folders named K-of-N",
            dir.display()
        );
    };
    if let Some((_, other, path)) = found.iter().find(|(_, n, _)| *n != count) {
        anyhow::bail!(
            "{} belongs to a split into {other} shards, the others to {count}: remove the shards of the old split",
            path.display()
        );
    }
    for k in 0..count {
        let path = dir.join(format!("{k}-of-{count}"));
        if !path.join(newsprep_export::MANIFEST_FILE).exists() {
            anyhow::bail!(
                "shard {} is missing or unfinished: run `newsprep run --shard {k}/{count}` first",
                path.display()
            );
        }
    }
    Ok(found.into_iter().map(|(_, _, path)| path).collect())
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
    let decoder = Decoder::new(&config.decode)
        .keeping_removed(config.boilerplate.enabled && config.boilerplate.keep_removed);
    let mut pipeline = Pipeline::new(decoder, config.export.row_group_size);
    if config.boilerplate.enabled {
        pipeline = pipeline.with_stage(Stage::corpus(Boilerplate::new(&config.boilerplate)));
    }
    if config.language.enabled {
        pipeline = pipeline.with_stage(Stage::document(Language::new(&config.language)?));
    }
    if config.dedup.enabled {
        pipeline = pipeline.with_stage(Stage::corpus(Dedup::new(&config.dedup)));
    }
    if config.entities.enabled {
        pipeline = pipeline.with_stage(Stage::document(Entities::new(&config.entities)?));
        if config.entities.link_people {
            pipeline = pipeline.with_stage(Stage::corpus(LinkPeople::default()));
        }
    }
    Ok(pipeline)
}

/// A job ready to run.
struct Job {
    config: Config,
    pipeline: Pipeline,
    discovery: input::Discovery,
    threads: usize,
    reuse: Reuse,
    shard: Option<String>,
}

/// Runs the pipeline into `staging` and returns the manifest written there.
fn execute(job: Job, bars: &Bars, staging: &Path) -> anyhow::Result<Manifest> {
    let Job {
        config,
        mut pipeline,
        discovery,
        threads,
        reuse,
        shard,
    } = job;
    let started = SystemTime::now();
    info!(
        input = %config.input_dir.display(),
        output = %config.output_dir.display(),
        files = discovery.files.len(),
        threads,
        stages = ?pipeline.stage_names(),
        mode = %reuse.mode,
        "Run started."
    );

    let meta = FileMetadata {
        config_hash: config.hash(),
    };
    let mut sink = ParquetSink::create(staging, &config.export, &meta)?;
    // Inside the staging folder, so that a failed or killed run leaves nothing behind.
    let spill_dir = staging.join(SPILL_DIR);
    let (export, spill_meta, spills) = (config.export.clone(), meta.clone(), spill_dir.clone());
    pipeline = pipeline.with_spill(Box::new(move |n| {
        let spill = SpillFile::create(&spills.join(n.to_string()), &export, &spill_meta)?;
        Ok(Box::new(spill) as Box<dyn newsprep_core::runner::Spill>)
    }));
    let report = pipeline.run(discovery, &mut sink, bars)?;
    if spill_dir.exists() {
        std::fs::remove_dir_all(&spill_dir)
            .with_context(|| format!("cannot remove {}", spill_dir.display()))?;
    }
    let ctx = RunContext {
        config,
        schema_version: newsprep_export::schema::SCHEMA_VERSION,
        threads,
        started,
        finished: SystemTime::now(),
        reuse,
        shard,
    };
    let manifest = Manifest::new(ctx, report, sink.tallies());
    sink.finish(&manifest)?;
    Ok(manifest)
}

/// The config file (explicit, else ./pipeline.toml when present, else defaults) with
/// the command-line flags laid over it, validated.
fn load_config(args: &JobArgs) -> anyhow::Result<Config> {
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
