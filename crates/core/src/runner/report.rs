//! What a run reports: its counts, per-stage and per-pass figures and its plan, which
//! the CLI writes into `manifest.json`; and the ways a run as a whole can fail.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::plan::PlanRecord;
use super::ports::BoxError;

/// The run itself failed (as opposed to a document failing, which is quarantined).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("writing output failed: {0}")]
    Sink(BoxError),
    #[error("reading the earlier output failed: {0}")]
    Restore(BoxError),
    #[error("keeping documents between passes failed: {0}")]
    Spill(BoxError),
    /// A corpus stage could not take in what it observed, or could not decide.
    #[error("the {stage} stage failed while it {step}: {message}")]
    Stage {
        stage: &'static str,
        step: &'static str,
        message: String,
    },
    #[error("the run was stopped before it finished")]
    Cancelled,
}

/// What happened in a run, for the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    /// Documents read: the ones that became documents and the ones quarantined (a
    /// file that holds many, a WARC file, counts each).
    pub read: u64,
    /// Input files found, whatever became of them.
    pub files_read: u64,
    /// What the files held that is no document (WARC request records, images), by
    /// reason.
    pub records_skipped: std::collections::BTreeMap<String, u64>,
    /// Records the crawler marked as cut short (`WARC-Truncated`), processed as usual.
    pub records_truncated: u64,
    /// Documents handed to the sink: the kept ones, and the duplicates unless dropped.
    pub written: u64,
    /// Documents that are not a duplicate of another.
    pub kept: u64,
    /// Documents marked as a duplicate of a kept one (written or dropped).
    pub duplicates: u64,
    /// Documents quarantined, by any stage or before reading.
    pub quarantined: u64,
    /// Documents taken from an earlier output without decoding their files.
    pub restored: u64,
    /// Times a document was decoded, over all passes.
    pub decoded: u64,
    /// Files in the input directory whose names are not inputs.
    pub files_ignored: u64,
    /// One entry per stage, decode first.
    pub stages: Vec<StageReport>,
    /// One entry per pass over the inputs, in the plan's order.
    pub passes: Vec<PassReport>,
    /// The passes the run planned, as the manifest records them.
    pub plan: PlanRecord,
}

/// Counts and time of one stage, each document counted once (in the pass that keeps it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StageReport {
    pub name: String,
    pub docs_in: u64,
    pub docs_out: u64,
    pub quarantined: u64,
    /// Time spent inside the stage, summed over all threads.
    pub busy_ms: u64,
}

/// Wall time of one pass over the inputs, and the processor time the whole process
/// spent in it (all threads). On `n` threads, `cpu_ms` near `n * wall_ms` means the
/// pass kept every thread busy; `serial_share` is the part of its work that ran on one
/// thread, estimated from the two (Amdahl's law solved for the serial part).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PassReport {
    pub name: String,
    pub wall_ms: u64,
    pub cpu_ms: u64,
    pub serial_share: Option<f64>,
}

/// Measures one pass: wall time and the process's processor time.
pub(super) struct PassClock {
    started: Instant,
    cpu: Duration,
}

impl PassClock {
    pub fn start() -> PassClock {
        PassClock {
            started: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    pub fn report(&self, name: &str, threads: usize) -> PassReport {
        let wall = self.started.elapsed().as_secs_f64();
        let cpu = process_cpu_time().saturating_sub(self.cpu).as_secs_f64();
        PassReport {
            name: name.to_owned(),
            wall_ms: (wall * 1000.0) as u64,
            cpu_ms: (cpu * 1000.0) as u64,
            serial_share: serial_share(wall, cpu, threads),
        }
    }
}

/// The serial share `s` of a pass that took `wall` seconds and `cpu` processor seconds
/// on `threads` threads: with serial work `S` and parallel work `P`, `wall = S + P/n`
/// and `cpu = S + P`, so `S = (n * wall - cpu) / (n - 1)` and `s = S / cpu`.
pub fn serial_share(wall: f64, cpu: f64, threads: usize) -> Option<f64> {
    if threads < 2 || cpu <= 0.0 {
        return None;
    }
    let n = threads as f64;
    let serial = ((n * wall - cpu) / (n - 1.0)).max(0.0);
    Some((serial / cpu).min(1.0))
}

/// Processor time this process has used so far, over all its threads.
fn process_cpu_time() -> Duration {
    #[cfg(unix)]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Duration::new(
            t.tv_sec.max(0) as u64,
            t.tv_nsec.clamp(0, 999_999_999) as u32,
        )
    }
    #[cfg(not(unix))]
    {
        Duration::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_share_follows_amdahl() {
        // Perfectly parallel: two threads, twice the processor time of the wall time.
        assert_eq!(serial_share(1.0, 2.0, 2), Some(0.0));
        // All on one thread.
        assert_eq!(serial_share(1.0, 1.0, 2), Some(1.0));
        // S = 0.1, P = 1.8 on 2 threads: wall 1.0, cpu 1.9.
        let s = serial_share(1.0, 1.9, 2).unwrap();
        assert!((s - 0.1 / 1.9).abs() < 1e-9, "{s}");
        assert_eq!(serial_share(1.0, 1.0, 1), None);
    }
}
