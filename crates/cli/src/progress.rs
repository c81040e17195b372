//! Progress bars on a terminal, one per pass over the inputs, and a log writer that
//! keeps log lines from tearing through them. Nothing is drawn when stderr is not a
//! terminal or `--quiet` is given.

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsprep_core::Progress;

/// Draws the runner's passes as indicatif bars.
pub struct Bars {
    multi: MultiProgress,
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// Bars that draw on stderr when it is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Bars {
        let target = if quiet || !io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            current: Mutex::new(None),
        }
    }

    /// A writer for log lines that hides the bars while a line is printed.
    pub fn log_writer(&self) -> LogWriter {
        LogWriter {
            multi: self.multi.clone(),
        }
    }

    fn with_current(&self, f: impl FnOnce(&mut Option<ProgressBar>)) {
        // A poisoned lock only means another thread panicked mid-draw; drawing on is fine.
        let mut guard = self.current.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard);
    }
}

impl Progress for Bars {
    fn begin(&self, pass: &str, total: u64) {
        let bar = self.multi.add(ProgressBar::new(total));
        let style = ProgressStyle::with_template(
            "{prefix:>24} [{bar:32}] {pos}/{len} files  {per_sec}  eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(pass.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        self.with_current(|current| *current = Some(bar));
    }

    fn advance(&self, n: u64) {
        self.with_current(|current| {
            if let Some(bar) = current {
                bar.inc(n);
            }
        });
    }

    fn finish(&self) {
        self.with_current(|current| {
            if let Some(bar) = current.take() {
                bar.finish();
                tracing::debug!(
                    pass = %bar.prefix(),
                    seconds = bar.elapsed().as_secs_f64(),
                    resident_mib = resident_mib(),
                    "Pass finished."
                );
            }
        });
    }
}

/// Resident memory of this process now, in MiB, where the system tells (Linux).
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}

/// Writes to stderr with the progress bars suspended.
#[derive(Clone)]
pub struct LogWriter {
    multi: MultiProgress,
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.multi.suspend(|| io::stderr().write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}
