//! One job from options to manifest: the configuration, the inputs (a folder, a list,
//! one shard of them, or the shards' outputs for a merge), the refusals, the lock, the
//! pipeline on its own thread pool, and the swap of the finished output into place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use newsprep_core::config::Config;
use newsprep_core::input;
use newsprep_core::manifest::{Manifest, Reuse, RunContext};
use newsprep_core::{Pipeline, Progress};
use newsprep_export::restore::{Earlier, Fingerprinter};
use newsprep_export::{FileMetadata, ParquetSink, SpillFile};
use tracing::{info, warn};

use crate::{chain, guard, load_config, output, stages, usage, Error, Mode, Options};

/// Where documents wait between passes, inside the staging folder.
const SPILL_DIR: &str = "_spill";

/// The folder under the output folder that holds the shards' outputs.
const SHARDS_DIR: &str = "shards";

pub(crate) fn run(
    options: Options,
    cancel: Arc<AtomicBool>,
    progress: &dyn Progress,
) -> Result<Manifest, Error> {
    if options.input.is_some() && options.input_list.is_some() {
        return Err(Error::Usage(
            "an input folder and an input list cannot be given together".to_owned(),
        ));
    }
    let mode = options.mode;
    let input_list = options.input_list.clone();
    let mut config = load_config(&options)?;
    follow_output_link(&mut config);
    let dataset_dir = config.output_dir.clone();
    // A merge reads its shards first: which they are, and where their inputs were.
    let shards = match mode {
        Mode::Merge => Some(shard_outputs(&dataset_dir).map_err(Error::Usage)?),
        _ => None,
    };
    if let (Some(shards), None, None) = (&shards, &options.input, &input_list) {
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
    // Only the discovery error's own sentence, as the binary always printed it.
    let mut discovery = found.map_err(|err| Error::Usage(err.to_string()))?;
    if let Mode::Shard { shard, .. } = mode {
        discovery = discovery.only(shard);
    }
    let listed = input_list.is_some();
    refuse_unsafe_paths(&config, &dataset_dir, shards.as_deref(), &discovery, listed)
        .map_err(Error::Usage)?;
    // Stages are built before anything runs: a bad gazetteer file is a config error.
    let pipeline = stages::build_pipeline(&config).map_err(usage)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.map_or(0, usize::from))
        .build()
        .map_err(|err| Error::Failure(format!("cannot start worker threads: {err}")))?;
    let _lock = match output::Lock::acquire(&config.output_dir) {
        Ok(lock) => lock,
        Err(output::LockError::Held { path, holder }) => {
            return Err(Error::Locked { lock: path, holder })
        }
        Err(output::LockError::Io(err)) => return Err(Error::Failure(chain(&err))),
    };

    output::recover(&config.output_dir).map_err(|err| Error::Failure(chain(&err)))?;
    let final_dir = config.output_dir.clone();
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled { output: final_dir });
    }
    let (pipeline, reuse) = match earlier(&config, mode, shards, &discovery) {
        Ok(Some((earlier, reuse))) => (pipeline.with_restorer(Box::new(earlier)), reuse),
        Ok(None) => (pipeline, reuse_of(mode)),
        // A merge that cannot use its shards refuses before writing anything.
        Err(message) if matches!(mode, Mode::Merge) => return Err(Error::Usage(message)),
        Err(message) => return Err(Error::Failure(message)),
    };
    let pipeline = pipeline.with_cancel(cancel.clone());
    let staging = output::staging(&config.output_dir);
    output::discard(&staging);
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
    let result = pool.install(|| execute(job, progress, &staging));
    let swapped = result.and_then(|manifest| {
        output::swap_in(&staging, &final_dir)
            .map(|()| manifest)
            .map_err(|err| chain(&err))
    });
    swapped.map_err(|message| {
        output::discard(&staging);
        if cancel.load(Ordering::Relaxed) {
            warn!(output = %final_dir.display(), "Stopped by a signal; the previous output is left as it was.");
            Error::Cancelled { output: final_dir }
        } else {
            Error::Failure(message)
        }
    })
}

/// The manifest's `reuse` section before the run fills in its counts.
fn reuse_of(mode: Mode) -> Reuse {
    let name = match mode {
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

/// The earlier outputs this job restores documents from, if any. An incremental run
/// without a usable earlier output processes everything (and says why); a merge
/// without every shard fails.
fn earlier(
    config: &Config,
    mode: Mode,
    shards: Option<Vec<PathBuf>>,
    discovery: &input::Discovery,
) -> Result<Option<(Earlier, Reuse)>, String> {
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
        Err(err) => return Err(format!("cannot merge the shards: {}", chain(&err))),
    };
    let reuse = Reuse {
        sources: sources.clone(),
        earlier_documents: earlier.len() as u64,
        removed: earlier.gone(&discovery.files) as u64,
        ..reuse_of(mode)
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
/// inputs than its shards read. The error is the message to show.
fn refuse_unsafe_paths(
    config: &Config,
    dataset_dir: &Path,
    shards: Option<&[PathBuf]>,
    discovery: &input::Discovery,
    listed: bool,
) -> Result<(), String> {
    let refused = |err: guard::Refusal| chain(&err);
    // Inputs from a list may sit anywhere, the output beside them included: what must
    // not happen is an output folder that holds one of them.
    let separate = |output: &Path| -> Result<(), String> {
        if listed {
            let files: Vec<&Path> = discovery.files.iter().map(|f| f.path.as_path()).collect();
            guard::holds_none(output, &files).map_err(refused)
        } else {
            guard::separate(&config.input_dir, output).map_err(refused)
        }
    };
    separate(dataset_dir)?;
    guard::replaceable(dataset_dir).map_err(refused)?;
    if config.output_dir != dataset_dir {
        separate(&config.output_dir)?;
        guard::replaceable(&config.output_dir).map_err(refused)?;
    }
    if let Some(shards) = shards {
        let mut read = BTreeSet::new();
        for shard in shards {
            let paths = newsprep_export::restore::input_paths(shard).map_err(|err| {
                format!(
                    "cannot read the inputs of shard {}: {}",
                    shard.display(),
                    chain(&err)
                )
            })?;
            read.extend(paths);
        }
        let found: BTreeSet<String> = discovery
            .files
            .iter()
            .map(|f| f.rel_path.clone())
            .chain(discovery.rejected.iter().map(|r| r.source_path.clone()))
            .collect();
        guard::same_inputs(&config.input_dir, &read, &found).map_err(refused)?;
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

/// The outputs under `DIR/shards/`: all N of one `K-of-N` series, each complete. The
/// error is the message to show.
fn shard_outputs(dataset: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = dataset.join(SHARDS_DIR);
    let entries = std::fs::read_dir(&dir).map_err(|err| {
        format!(
            "no shards to merge: cannot read {}: {}",
            dir.display(),
            chain(&err)
        )
    })?;
    let mut found: Vec<(u32, u32, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((k, n)) = input::Shard::parse_dir_name(&name) {
            found.push((k, n, entry.path()));
        }
    }
    found.sort();
    let Some(&(_, count, _)) = found.first() else {
        return Err(format!(
            "no shards to merge in {}: expected folders named K-of-N",
            dir.display()
        ));
    };
    if let Some((_, other, path)) = found.iter().find(|(_, n, _)| *n != count) {
        return Err(format!(
            "{} belongs to a split into {other} shards, the others to {count}: remove the shards of the old split",
            path.display()
        ));
    }
    for k in 0..count {
        let path = dir.join(format!("{k}-of-{count}"));
        if !path.join(newsprep_export::MANIFEST_FILE).exists() {
            return Err(format!(
                "shard {} is missing or unfinished: run `newsprep run --shard {k}/{count}` first",
                path.display()
            ));
        }
    }
    Ok(found.into_iter().map(|(_, _, path)| path).collect())
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

/// Runs the pipeline into `staging` and returns the manifest written there. The error
/// is the message to show.
fn execute(job: Job, progress: &dyn Progress, staging: &Path) -> Result<Manifest, String> {
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
    let mut sink =
        ParquetSink::create(staging, &config.export, &meta).map_err(|err| chain(&err))?;
    // Inside the staging folder, so that a failed or killed run leaves nothing behind.
    let spill_dir = staging.join(SPILL_DIR);
    let (export, spill_meta, spills) = (config.export.clone(), meta.clone(), spill_dir.clone());
    pipeline = pipeline.with_spill(Box::new(move |n| {
        let spill = SpillFile::create(&spills.join(n.to_string()), &export, &spill_meta)?;
        Ok(Box::new(spill) as Box<dyn newsprep_core::runner::Spill>)
    }));
    let report = pipeline
        .run(discovery, &mut sink, progress)
        .map_err(|err| chain(&err))?;
    if spill_dir.exists() {
        std::fs::remove_dir_all(&spill_dir)
            .map_err(|err| format!("cannot remove {}: {}", spill_dir.display(), chain(&err)))?;
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
    sink.finish(&manifest).map_err(|err| chain(&err))?;
    Ok(manifest)
}
