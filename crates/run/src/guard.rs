//! The checks a job makes before it writes a byte: a run replaces its output folder
//! whole, so that folder must never be, hold or lie inside the input, and must hold
//! nothing newsprep did not write there. A mistyped `--output` then costs an exit code
//! (2, a usage error), never the user's files.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use newsprep_core::input::Shard;
use newsprep_export::{is_output_entry, is_state_entry};

/// Why a job refuses to start; the message names the paths and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the output folder {output} is the input folder {input}: a run replaces its output whole and would delete the inputs; choose another --output")]
    OutputIsInput { input: PathBuf, output: PathBuf },
    #[error("the output folder {output} contains the input folder {input}: a run replaces its output whole and would delete the inputs; choose an --output outside {input}")]
    OutputHoldsInput { input: PathBuf, output: PathBuf },
    #[error("the output folder {output} holds {input}, one of the listed inputs: a run replaces its output whole and would delete it; choose an --output that holds no listed file")]
    OutputHoldsListed { input: PathBuf, output: PathBuf },
    #[error("the output folder {output} lies inside the input folder {input}: later runs would read it as input; choose an --output outside {input}")]
    OutputInsideInput { input: PathBuf, output: PathBuf },
    #[error("the output path {output} is a file, not a folder; nothing was changed: choose another --output")]
    OutputIsAFile { output: PathBuf },
    #[error("the output folder {output} holds {entry}, which newsprep did not write: a run replaces its output folder whole, so it writes only to a folder that is missing, empty or an earlier newsprep output; nothing was changed: move {entry} elsewhere, or choose another --output")]
    ForeignEntry { output: PathBuf, entry: PathBuf },
    #[error("cannot check the output folder {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("the input folder {input} does not hold what the shards read: {path} {what}; merge the shards with the --input they ran on")]
    OtherInputs {
        input: PathBuf,
        path: String,
        what: &'static str,
    },
}

/// Refuses an output folder that is the input folder, contains it or lies inside it.
/// Paths are compared canonical, so `raw`, `./raw/` and a symbolic link to `raw` are one
/// folder; an output that does not exist yet is resolved through its nearest existing
/// parent.
pub fn separate(input: &Path, output: &Path) -> Result<(), Refusal> {
    let (Ok(input_real), Ok(output_real)) = (resolve(input), resolve(output)) else {
        // The input's absence is reported by the walk; an unresolvable output by the
        // write that fails on it, before anything is replaced.
        return Ok(());
    };
    let (input, output) = (input.to_owned(), output.to_owned());
    if input_real == output_real {
        Err(Refusal::OutputIsInput { input, output })
    } else if input_real.starts_with(&output_real) {
        Err(Refusal::OutputHoldsInput { input, output })
    } else if output_real.starts_with(&input_real) {
        Err(Refusal::OutputInsideInput { input, output })
    } else {
        Ok(())
    }
}

/// For inputs named in a list: refuses an output folder that is or holds one of `files`.
pub fn holds_none(output: &Path, files: &[&Path]) -> Result<(), Refusal> {
    let Ok(output_real) = resolve(output) else {
        return Ok(());
    };
    for file in files {
        if resolve(file).is_ok_and(|real| real.starts_with(&output_real)) {
            return Err(Refusal::OutputHoldsListed {
                input: file.to_path_buf(),
                output: output.to_owned(),
            });
        }
    }
    Ok(())
}

/// Refuses to replace `output` unless it is missing, empty, or holds only what newsprep
/// writes: its tables, `manifest.json`, `_state/` and `shards/K-of-N/` folders that are
/// newsprep outputs themselves. The first foreign entry, in name order, is named.
pub fn replaceable(output: &Path) -> Result<(), Refusal> {
    let unreadable = |source| Refusal::Unreadable {
        path: output.to_owned(),
        source,
    };
    let meta = match fs::metadata(output) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            // A dangling symbolic link is somebody's too.
            return match fs::symlink_metadata(output) {
                Ok(_) => Err(Refusal::OutputIsAFile {
                    output: output.to_owned(),
                }),
                Err(_) => Ok(()),
            };
        }
        Err(err) => return Err(unreadable(err)),
    };
    if !meta.is_dir() {
        return Err(Refusal::OutputIsAFile {
            output: output.to_owned(),
        });
    }
    let foreign = |entry: PathBuf| Refusal::ForeignEntry {
        output: output.to_owned(),
        entry,
    };
    for (name, is_dir) in entries(output).map_err(unreadable)? {
        let path = output.join(&name);
        if name == "shards" && is_dir {
            for (shard, is_dir) in entries(&path).map_err(unreadable)? {
                if !is_dir || Shard::parse_dir_name(&shard).is_none() {
                    return Err(foreign(path.join(shard)));
                }
                replaceable(&path.join(shard))?;
            }
        } else if name == newsprep_export::STATE_DIR && is_dir {
            for (entry, is_dir) in entries(&path).map_err(unreadable)? {
                if !is_state_entry(&entry, is_dir) {
                    return Err(foreign(path.join(entry)));
                }
            }
        } else if !is_output_entry(&name, is_dir) {
            return Err(foreign(path));
        }
    }
    Ok(())
}

/// Refuses a merge whose input folder does not hold exactly the inputs the shards
/// read (`paths`): the first input missing or extra, in path order, is named.
pub fn same_inputs(
    input: &Path,
    read_by_shards: &BTreeSet<String>,
    found: &BTreeSet<String>,
) -> Result<(), Refusal> {
    let refuse = |path: &String, what| Refusal::OtherInputs {
        input: input.to_owned(),
        path: path.clone(),
        what,
    };
    let missing = read_by_shards.difference(found).next();
    let extra = found.difference(read_by_shards).next();
    match (missing, extra) {
        (Some(m), Some(e)) if e < m => Err(refuse(e, "is not among the shards' inputs")),
        (Some(m), _) => Err(refuse(m, "was read by a shard but is missing")),
        (None, Some(e)) => Err(refuse(e, "is not among the shards' inputs")),
        (None, None) => Ok(()),
    }
}

/// A folder's entries as (name, is a folder), sorted by name. Links count as what they
/// lead to, so a link to a folder of the user's inside `shards/` is still checked.
fn entries(dir: &Path) -> io::Result<Vec<(String, bool)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let is_dir = fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
        found.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    found.sort();
    Ok(found)
}

/// The canonical form of `path`, which need not exist: its longest existing ancestor
/// canonicalised (links resolved), then the rest of the path with `.` and `..` applied.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let components: Vec<Component> = absolute.components().collect();
    for split in (1..=components.len()).rev() {
        let head: PathBuf = components[..split].iter().collect();
        let Ok(mut real) = head.canonicalize() else {
            continue;
        };
        for part in &components[split..] {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other),
            }
        }
        return Ok(real);
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!("no part of {} exists", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_sees_one_folder_behind_every_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("raw");
        fs::create_dir(&raw).unwrap();
        let real = raw.canonicalize().unwrap();
        assert_eq!(resolve(&dir.path().join("raw/")).unwrap(), real);
        assert_eq!(resolve(&dir.path().join("raw/./")).unwrap(), real);
        assert_eq!(resolve(&dir.path().join("raw/new/..")).unwrap(), real);
        assert_eq!(
            resolve(&dir.path().join("raw/not/yet")).unwrap(),
            real.join("not/yet")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&raw, dir.path().join("alias")).unwrap();
            assert_eq!(resolve(&dir.path().join("alias")).unwrap(), real);
        }
    }

    #[test]
    fn the_output_may_not_be_hold_or_lie_in_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir_all(data.join("raw")).unwrap();
        let raw = data.join("raw");
        assert!(matches!(
            separate(&raw, &raw),
            Err(Refusal::OutputIsInput { .. })
        ));
        assert!(matches!(
            separate(&raw, &data),
            Err(Refusal::OutputHoldsInput { .. })
        ));
        assert!(matches!(
            separate(&raw, &raw.join("out")),
            Err(Refusal::OutputInsideInput { .. })
        ));
        assert!(separate(&raw, &data.join("processed")).is_ok());
        // A sibling whose name starts with the input's is another folder.
        assert!(separate(&raw, &data.join("raw-out")).is_ok());
    }

    #[test]
    fn only_a_missing_empty_or_newsprep_folder_may_be_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        assert!(replaceable(&out).is_ok(), "missing");
        fs::create_dir(&out).unwrap();
        assert!(replaceable(&out).is_ok(), "empty");
        for name in [
            "documents.parquet",
            "entities-00001.parquet",
            "quarantine.parquet",
            "manifest.json",
            // `newsprep report --html processed/report.html`: the page of this output.
            "report.html",
            ".report.html.partial",
            "_state/trace.parquet",
            "shards/0-of-2/manifest.json",
        ] {
            let path = out.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        assert!(replaceable(&out).is_ok(), "an earlier output");
        for foreign in [
            "notes.md",
            "_state/mine.csv",
            "shards/scratch",
            "shards/0-of-2/notes.md",
            "documents.parquet.bak",
            "report.htm",
        ] {
            let path = out.join(foreign);
            fs::write(&path, "mine").unwrap();
            match replaceable(&out) {
                Err(Refusal::ForeignEntry { entry, .. }) => assert_eq!(entry, path),
                other => panic!("{foreign}: {other:?}"),
            }
            fs::remove_file(path).unwrap();
        }
        let file = dir.path().join("out.txt");
        fs::write(&file, "mine").unwrap();
        assert!(matches!(
            replaceable(&file),
            Err(Refusal::OutputIsAFile { .. })
        ));
    }

    #[test]
    fn a_merge_names_the_first_input_missing_or_extra() {
        let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        let read = set(&["a.txt", "b.txt", "c.txt"]);
        assert!(same_inputs(Path::new("in"), &read, &read).is_ok());
        let err = same_inputs(Path::new("in"), &read, &set(&["a.txt", "c.txt"]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.txt was read by a shard but is missing"),
            "{err}"
        );
        let err = same_inputs(
            Path::new("in"),
            &read,
            &set(&["a.txt", "b.txt", "c.txt", "d.txt"]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("d.txt is not among"), "{err}");
    }
}
