//! The output folder as a scheduler needs it: one writer at a time (a lock file beside
//! the folder), and all-or-nothing replacement (the run writes into a temporary folder
//! beside it and swaps it in only when everything succeeded).
//!
//! Both live beside the output folder, not in it, because the folder itself is what
//! gets swapped: `processed/` has `.processed.lock` and `.processed.newsprep-tmp-PID/`
//! next to it.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tracing::warn;

/// A step on the output folder or beside it failed: what was being done, with the
/// path, and the system's reason.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct OutputError {
    what: String,
    #[source]
    source: Option<io::Error>,
}

/// Names what failed, as `anyhow`'s `with_context` did before this module left the
/// binary, so the messages stay the same.
trait Context<T> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, OutputError>;
}

impl<T> Context<T> for io::Result<T> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, OutputError> {
        self.map_err(|source| OutputError {
            what: what(),
            source: Some(source),
        })
    }
}

/// Held while a run writes to an output folder; released on drop.
pub struct Lock {
    path: PathBuf,
}

/// Why the lock could not be taken.
pub enum LockError {
    /// Another live run holds it.
    Held {
        path: PathBuf,
        holder: String,
    },
    Io(OutputError),
}

impl Lock {
    /// Takes the lock of `output`, or reports who holds it. A lock left by a process
    /// that is gone is taken over with a warning.
    pub fn acquire(output: &Path) -> Result<Lock, LockError> {
        let path = beside(output, "lock");
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))
                .map_err(LockError::Io)?;
        }
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let started = humantime::format_rfc3339_seconds(SystemTime::now());
                    writeln!(file, "pid={}\nstarted={started}", std::process::id())
                        .with_context(|| format!("cannot write {}", path.display()))
                        .map_err(LockError::Io)?;
                    return Ok(Lock { path });
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    if holder_alive(&holder) {
                        return Err(LockError::Held {
                            path,
                            holder: holder.split_whitespace().collect::<Vec<_>>().join(" "),
                        });
                    }
                    warn!(lock = %path.display(), holder = %holder.trim().replace('\n', " "), "Taking over a stale lock: the process that held it is gone.");
                    fs::remove_file(&path)
                        .with_context(|| format!("cannot remove stale lock {}", path.display()))
                        .map_err(LockError::Io)?;
                }
                Err(err) => {
                    return Err(LockError::Io(OutputError {
                        what: format!("cannot create lock {}", path.display()),
                        source: Some(err),
                    }))
                }
            }
        }
        Err(LockError::Io(OutputError {
            what: format!("cannot take lock {}", path.display()),
            source: None,
        }))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether the process named in a lock file still runs. Without /proc to ask (not
/// Linux), a lock is assumed live: a false "locked" is safer than two writers.
fn holder_alive(lock: &str) -> bool {
    let pid = lock
        .lines()
        .find_map(|l| l.strip_prefix("pid="))
        .and_then(|p| p.trim().parse::<u32>().ok());
    let Some(pid) = pid else {
        return false;
    };
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// The temporary folder a run writes into, beside the output folder.
pub fn staging(output: &Path) -> PathBuf {
    beside(output, &format!("newsprep-tmp-{}", std::process::id()))
}

/// Folders inside an output folder that belong to other runs, not to the one writing
/// the output: the shards a merge joins. A swap carries them over.
const CARRIED: &[&str] = &["shards"];

/// Puts the finished staging folder in the place of `output`. The old output is moved
/// aside first and removed last, so at every moment one complete output exists under
/// one of the two names.
pub fn swap_in(staging: &Path, output: &Path) -> Result<(), OutputError> {
    let old = beside(output, &format!("newsprep-old-{}", std::process::id()));
    let had_output = output.exists();
    if had_output {
        fs::rename(output, &old)
            .with_context(|| format!("cannot move {} aside", output.display()))?;
    }
    fs::rename(staging, output)
        .with_context(|| format!("cannot move the new output to {}", output.display()))?;
    if had_output {
        carry_over(&old, output)?;
        fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the old output {}", old.display()))?;
    }
    Ok(())
}

/// Moves the [`CARRIED`] folders of `old` into `output`, where it has none.
fn carry_over(old: &Path, output: &Path) -> Result<(), OutputError> {
    for name in CARRIED {
        let (from, to) = (old.join(name), output.join(name));
        if from.is_dir() && !to.exists() {
            fs::rename(&from, &to)
                .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
        }
    }
    Ok(())
}

/// Cleans up after a run that was killed (SIGKILL, power loss): removes its staging
/// folder, and if it died between moving the old output aside and moving the new one
/// in, puts the old output back. Call it holding the lock, so no other run is writing.
pub fn recover(output: &Path) -> Result<(), OutputError> {
    let (parent, name) = parent_and_name(output);
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!(".{name}.newsprep-tmp-")) {
            warn!(path = %entry.path().display(), "Removing the unfinished output of a run that was killed.");
            fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        } else if file.starts_with(&format!(".{name}.newsprep-old-")) {
            if output.exists() {
                carry_over(&entry.path(), output)?;
                fs::remove_dir_all(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            } else {
                warn!(path = %entry.path().display(), "Restoring the output a killed run had moved aside.");
                fs::rename(entry.path(), output)
                    .with_context(|| format!("cannot restore {}", output.display()))?;
            }
        }
    }
    Ok(())
}

/// Removes a staging folder a failed or stopped run leaves behind.
pub fn discard(staging: &Path) {
    let _ = fs::remove_dir_all(staging);
}

/// `.NAME.SUFFIX` in the folder that holds `output`.
fn beside(output: &Path, suffix: &str) -> PathBuf {
    let (parent, name) = parent_and_name(output);
    parent.join(format!(".{name}.{suffix}"))
}

/// The folder holding `output` (`.` for a bare name) and the output folder's name.
fn parent_and_name(output: &Path) -> (&Path, String) {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (parent, name)
}
