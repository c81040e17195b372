//! `manifest.json`: what a run read, wrote and quarantined, with which settings and how
//! long each part took. A scheduler or a notebook reads it to check a run at a glance.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::runner::plan::PlanRecord;
use crate::runner::{PassReport, RunReport, StageReport};

/// The manifest of one run. Field names are part of the output contract. The CLI, the
/// report and the tests read it back as this type too; a field an older release did not
/// write reads as its default, so `newsprep report` still reads that release's outputs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Manifest {
    pub newsprep_version: String,
    pub schema_version: u32,
    pub started_at: String,
    pub finished_at: String,
    pub wall_ms: u64,
    pub threads: usize,
    pub input_dir: PathBuf,
    /// The input folder as a canonical absolute path: where `newsprep merge` finds the
    /// inputs a shard read when it is not told.
    pub input_root: Option<PathBuf>,
    pub output_dir: PathBuf,
    pub config_hash: String,
    pub config: Config,
    /// `read = kept + duplicates + quarantined`.
    pub counts: Counts,
    pub quarantined_by_reason: BTreeMap<String, u64>,
    /// Entity mentions written, by label.
    pub mentions_by_label: BTreeMap<String, u64>,
    /// Where documents came from besides decoding: earlier outputs reused.
    pub reuse: Reuse,
    /// `K-of-N` for the output of `newsprep run --shard K/N`; `null` otherwise.
    pub shard: Option<String>,
    pub stages: Vec<StageReport>,
    pub passes: Vec<PassReport>,
    /// The passes the run planned: what each read, applied, observed and wrote.
    pub plan: PlanRecord,
}

/// How much of the run was taken from earlier outputs instead of decoded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reuse {
    /// `full` (every input decoded), `incremental` (`run --incremental`) or `merge`.
    pub mode: String,
    /// The outputs documents were restored from.
    pub sources: Vec<PathBuf>,
    /// Documents those outputs held.
    pub earlier_documents: u64,
    /// Documents taken from them unchanged: their inputs were skipped, not decoded.
    pub restored: u64,
    /// Earlier documents whose input is gone, left out of this output.
    pub removed: u64,
    /// Documents decoded, over all passes.
    pub decodes: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Documents read: kept + duplicates + quarantined (a WARC file counts each record
    /// that became a document or a quarantine row).
    pub read: u64,
    /// Input files found, whatever became of them.
    pub files_read: u64,
    /// Documents that are not a duplicate of another.
    pub kept: u64,
    /// Documents marked as a duplicate of a kept one.
    pub duplicates: u64,
    pub quarantined: u64,
    /// Rows in `documents.parquet`: kept, plus duplicates unless they are dropped.
    pub written: u64,
    /// Files in the input directory that are not inputs by name.
    pub files_ignored: u64,
    /// Records of WARC files that are no document (requests, images, ...), by reason.
    pub records_skipped: BTreeMap<String, u64>,
    /// Records the crawler marked `WARC-Truncated`, processed as usual.
    pub records_truncated: u64,
}

/// What the sink counted while writing.
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub quarantined_by_reason: BTreeMap<String, u64>,
    pub mentions_by_label: BTreeMap<String, u64>,
}

/// What the manifest needs beyond the run report.
pub struct RunContext {
    pub config: Config,
    pub schema_version: u32,
    pub threads: usize,
    pub started: SystemTime,
    pub finished: SystemTime,
    pub reuse: Reuse,
    pub shard: Option<String>,
}

impl Manifest {
    pub fn new(ctx: RunContext, report: RunReport, tallies: Tallies) -> Manifest {
        let wall = ctx.finished.duration_since(ctx.started).unwrap_or_default();
        Manifest {
            newsprep_version: crate::VERSION.to_owned(),
            schema_version: ctx.schema_version,
            started_at: humantime::format_rfc3339_millis(ctx.started).to_string(),
            finished_at: humantime::format_rfc3339_millis(ctx.finished).to_string(),
            wall_ms: wall.as_millis() as u64,
            threads: ctx.threads,
            input_dir: ctx.config.input_dir.clone(),
            input_root: ctx.config.input_dir.canonicalize().ok(),
            output_dir: ctx.config.output_dir.clone(),
            config_hash: ctx.config.hash(),
            config: ctx.config,
            counts: Counts {
                read: report.read,
                files_read: report.files_read,
                kept: report.kept,
                duplicates: report.duplicates,
                quarantined: report.quarantined,
                written: report.written,
                files_ignored: report.files_ignored,
                records_skipped: report.records_skipped,
                records_truncated: report.records_truncated,
            },
            quarantined_by_reason: tallies.quarantined_by_reason,
            mentions_by_label: tallies.mentions_by_label,
            reuse: Reuse {
                restored: report.restored,
                decodes: report.decoded,
                ..ctx.reuse
            },
            shard: ctx.shard,
            stages: report.stages,
            passes: report.passes,
            plan: report.plan,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_it_was_written() {
        let now = SystemTime::now();
        let ctx = RunContext {
            config: Config::default(),
            schema_version: 4,
            threads: 2,
            started: now,
            finished: now,
            reuse: Reuse {
                mode: "incremental".into(),
                ..Reuse::default()
            },
            shard: Some("1-of-2".into()),
        };
        let report = RunReport {
            read: 6,
            kept: 5,
            quarantined: 1,
            ..RunReport::default()
        };
        let mut tallies = Tallies::default();
        tallies.quarantined_by_reason.insert("empty".into(), 1);
        let written = Manifest::new(ctx, report, tallies);
        let json = serde_json::to_string_pretty(&written).unwrap();
        let read: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string_pretty(&read).unwrap(), json);
        assert_eq!((read.counts.read, read.counts.kept), (6, 5));
        assert_eq!(read.quarantined_by_reason["empty"], 1);
        assert_eq!(read.config, Config::default());
    }

    /// What a release before the plan, the passes and the reuse record wrote.
    #[test]
    fn an_older_manifest_reads_with_defaults_for_what_it_lacks() {
        let json = r#"{"newsprep_version": "0.1.0", "schema_version": 2,
            "counts": {"read": 5, "kept": 4, "duplicates": 0, "quarantined": 1, "written": 4},
            "quarantined_by_reason": {"empty": 1}}"#;
        let read: Manifest = serde_json::from_str(json).unwrap();
        assert_eq!((read.counts.read, read.counts.quarantined), (5, 1));
        assert_eq!(read.schema_version, 2);
        assert!(read.plan.passes.is_empty() && read.stages.is_empty());
        assert_eq!(read.reuse.mode, "");
    }
}
