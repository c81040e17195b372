//! Finding the input files: a recursive walk of the input directory in sorted order,
//! which never follows a symbolic link out of it.

use std::path::{Path, PathBuf};

use tracing::warn;
use walkdir::WalkDir;

use crate::config::HTML_EXTENSIONS;
use crate::document::{DocId, Format, QuarantineRecord, Reason};

/// How an input file's bytes are wrapped, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where to open it.
    pub path: PathBuf,
    /// Path relative to the input directory, `/`-separated.
    pub rel_path: String,
    /// Size on disk.
    pub size: u64,
    pub compression: Compression,
}

/// What a walk of the input directory found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The files to read, sorted by path so that every run sees the same order.
    pub files: Vec<InputFile>,
    /// Inputs turned away before reading: links leading outside, unreadable entries.
    pub rejected: Vec<QuarantineRecord>,
    /// Files whose names do not match the input extensions.
    pub ignored: u64,
}

/// One of `count` disjoint parts of the inputs, for running a corpus on several
/// machines: `newsprep run --shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with `0 <= K < N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?} is not K/N, e.g. 0/4"))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("{k:?} is not a number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("{n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: K runs from 0 to N-1"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether the input at `rel_path` belongs to this shard: decided by the hash of
    /// the path (the document id), so every machine agrees without talking.
    pub fn owns(&self, rel_path: &str) -> bool {
        let id = DocId::for_path(rel_path);
        id.0 % u64::from(self.count) == u64::from(self.index)
    }

    /// The shard's folder name under `DIR/shards/`: `K-of-N`.
    pub fn dir_name(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }

    /// `(K, N)` from a folder name [`Shard::dir_name`] could have written, without
    /// judging whether K and N fit together (a merge reports that, naming the folder).
    pub fn parse_dir_name(name: &str) -> Option<(u32, u32)> {
        let (k, n) = name.split_once("-of-")?;
        let number = |part: &str| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u32>().ok())
                .flatten()
        };
        Some((number(k)?, number(n)?))
    }
}

impl Discovery {
    /// Files and rejections in input path order: documents then come out in that order
    /// (within a WARC file, in record order), so the output's row order is stable
    /// whatever the walk, the list or the threads.
    fn in_path_order(mut self) -> Discovery {
        self.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        self.rejected
            .sort_by(|a, b| a.source_path.cmp(&b.source_path));
        self
    }

    /// Keeps only the inputs of `shard`.
    pub fn only(self, shard: Shard) -> Discovery {
        Discovery {
            files: self
                .files
                .into_iter()
                .filter(|f| shard.owns(&f.rel_path))
                .collect(),
            rejected: self
                .rejected
                .into_iter()
                .filter(|r| shard.owns(&r.source_path))
                .collect(),
            ignored: self.ignored,
        }
    }
}

/// The input directory cannot be walked at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("input directory {path} does not exist")]
    Missing { path: PathBuf },
    #[error("input path {path} is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("cannot resolve input directory {path}: {source}")]
    Resolve {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the input list {path}: {source}")]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The files named in `list`, one path per line (relative to the list's folder, or
/// absolute; blank lines and lines starting with `#` are skipped), as Common Crawl
/// publishes its `warc.paths`: `newsprep run --input-list FILE`. A listed file that is
/// missing or not a regular file is quarantined, a name that is no input by
/// `extensions` is counted in `ignored` and logged, a line listed twice is read once.
pub fn discover_list(list: &Path, extensions: &[String]) -> Result<Discovery, InputError> {
    let text = std::fs::read_to_string(list).map_err(|source| InputError::List {
        path: list.to_owned(),
        source,
    })?;
    let parent = list.parent().filter(|p| !p.as_os_str().is_empty());
    let root = std::path::absolute(parent.unwrap_or(Path::new("."))).map_err(|source| {
        InputError::List {
            path: list.to_owned(),
            source,
        }
    })?;
    let root = root.as_path();
    let mut found = Discovery::default();
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || !seen.insert(line) {
            continue;
        }
        let path = root.join(line);
        // A path under the list's folder is named from there, any other as written.
        let rel_path = match path.strip_prefix(root) {
            Ok(_) => relative(root, &path),
            Err(_) => line.to_owned(),
        };
        let reject = |reason: Reason, detail: String| QuarantineRecord {
            source_path: rel_path.clone(),
            stage: "decode",
            reason,
            detail,
            source_bytes: 0,
            url: None,
            source_offset: None,
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(compression) = name.as_deref().and_then(|n| input_kind(n, extensions)) else {
            warn!(path = %rel_path, "Ignored: listed, but not an input by its name.");
            found.ignored += 1;
            continue;
        };
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => found.files.push(InputFile {
                path,
                rel_path,
                size: meta.len(),
                compression,
            }),
            Ok(_) => found.rejected.push(reject(
                Reason::NotAFile,
                "is listed but is not a regular file, and was not opened".to_owned(),
            )),
            Err(err) => found.rejected.push(reject(
                Reason::Unreadable,
                format!("is listed but cannot be read: {err}"),
            )),
        }
    }
    Ok(found.in_path_order())
}

/// Walks `root` recursively and returns the files whose names end in one of
/// `extensions` (optionally followed by `.gz` or `.zst`).
///
/// Symbolic links are followed only while they resolve inside `root`; a link that leads
/// outside is reported as rejected with reason `outside_input`, so a hostile corpus
/// cannot make the run read `/etc/passwd`.
pub fn discover(root: &Path, extensions: &[String]) -> Result<Discovery, InputError> {
    if !root.exists() {
        return Err(InputError::Missing {
            path: root.to_owned(),
        });
    }
    if !root.is_dir() {
        return Err(InputError::NotADirectory {
            path: root.to_owned(),
        });
    }
    let canonical_root = root.canonicalize().map_err(|source| InputError::Resolve {
        path: root.to_owned(),
        source,
    })?;

    let mut found = Discovery::default();
    let mut outside = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if !entry.path_is_symlink() {
                return true;
            }
            let inside = entry
                .path()
                .canonicalize()
                .map(|target| target.starts_with(&canonical_root))
                .unwrap_or(false);
            if !inside {
                outside.push(entry.path().to_owned());
            }
            inside
        });

    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(Path::to_owned).unwrap_or_default();
                found.rejected.push(QuarantineRecord {
                    source_path: relative(root, &path),
                    stage: "decode",
                    reason: Reason::Unreadable,
                    detail: format!("cannot walk this entry: {err}"),
                    source_bytes: 0,
                    url: None,
                    source_offset: None,
                });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let kind = input_kind(entry.file_name().to_string_lossy().as_ref(), extensions);
        // A FIFO, socket or device node is never opened: reading a FIFO blocks until a
        // writer comes, and a device can be endless. Its name still decides whether it
        // was meant as an input (quarantined, so it is counted and listed) or not
        // (ignored like any other non-input name, and logged).
        if let Some(special) = special_kind(&entry.file_type()) {
            let rel_path = relative(root, entry.path());
            if kind.is_some() {
                found.rejected.push(QuarantineRecord {
                    source_path: rel_path,
                    stage: "decode",
                    reason: Reason::NotAFile,
                    detail: format!("is {special}, not a regular file, and was not opened"),
                    source_bytes: 0,
                    url: None,
                    source_offset: None,
                });
            } else {
                warn!(path = %rel_path, kind = special, "Ignored: not a regular file, and not named as an input.");
                found.ignored += 1;
            }
            continue;
        }
        let Some(compression) = kind else {
            found.ignored += 1;
            continue;
        };
        found.files.push(InputFile {
            path: entry.path().to_owned(),
            rel_path: relative(root, entry.path()),
            size: entry.metadata().map(|m| m.len()).unwrap_or(0),
            compression,
        });
    }

    for path in outside {
        found.rejected.push(QuarantineRecord {
            source_path: relative(root, &path),
            stage: "decode",
            reason: Reason::OutsideInput,
            detail: "symbolic link leads outside the input directory and was not followed"
                .to_owned(),
            source_bytes: 0,
            url: None,
            source_offset: None,
        });
    }
    Ok(found.in_path_order())
}

/// What a directory entry that is neither a folder nor a regular file is, in words:
/// `None` for a regular file.
fn special_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() || file_type.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a Unix socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device node");
        }
    }
    Some("a special file")
}

/// `Some(compression)` when the file name is an input, judged by its extensions.
fn input_kind(name: &str, extensions: &[String]) -> Option<Compression> {
    let lower = name.to_ascii_lowercase();
    let (ext, compression) = extension(&lower)?;
    extensions
        .iter()
        .any(|wanted| wanted.eq_ignore_ascii_case(ext))
        .then_some(compression)
}

/// The format a file's name gives: HTML for the [`HTML_EXTENSIONS`], optionally
/// compressed, else text.
pub fn named_format(name: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    match extension(&lower) {
        Some((ext, _)) if HTML_EXTENSIONS.contains(&ext) => Format::Html,
        _ => Format::Text,
    }
}

/// The extension of a lower-cased file name under its compression suffix, and the
/// compression: `a.html.gz` is `("html", Gzip)`.
fn extension(lower: &str) -> Option<(&str, Compression)> {
    let (stem, compression) = if let Some(stem) = lower.strip_suffix(".gz") {
        (stem, Compression::Gzip)
    } else if let Some(stem) = lower.strip_suffix(".zst") {
        (stem, Compression::Zstd)
    } else {
        (lower, Compression::None)
    };
    let (_, ext) = stem.rsplit_once('.')?;
    Some((ext, compression))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_inputs_into_disjoint_parts_that_cover_them() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        assert_eq!(Shard::parse_dir_name("3-of-4"), Some((3, 4)));
        assert_eq!(Shard::parse_dir_name("scratch"), None);
        assert_eq!(Shard::parse_dir_name("-of-4"), None);
        let paths: Vec<String> = (0..400).map(|i| format!("site/{i}.txt")).collect();
        let shards: Vec<Shard> = (0..4).map(|index| Shard { index, count: 4 }).collect();
        for path in &paths {
            assert_eq!(shards.iter().filter(|s| s.owns(path)).count(), 1, "{path}");
        }
        let first = paths.iter().filter(|p| shards[0].owns(p)).count();
        assert!((60..140).contains(&first), "{first} of 400 in shard 0");
    }
    use std::fs;

    fn exts() -> Vec<String> {
        vec!["txt".into(), "text".into()]
    }

    #[test]
    fn recognises_inputs_by_extension_and_compression() {
        assert_eq!(input_kind("a.txt", &exts()), Some(Compression::None));
        assert_eq!(input_kind("a.TEXT", &exts()), Some(Compression::None));
        assert_eq!(input_kind("a.txt.gz", &exts()), Some(Compression::Gzip));
        assert_eq!(input_kind("a.text.zst", &exts()), Some(Compression::Zstd));
        assert_eq!(input_kind("a.gz", &exts()), None);
        assert_eq!(input_kind("NOTICE.md", &exts()), None);
        assert_eq!(input_kind("txt", &exts()), None);
        assert_eq!(named_format("site/Page.HTML.gz"), Format::Html);
        assert_eq!(named_format("page.htm"), Format::Html);
        assert_eq!(named_format("page.txt"), Format::Text);
        assert_eq!(named_format("html"), Format::Text);
    }

    #[test]
    fn walks_recursively_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        fs::write(dir.path().join("b/c/z.txt"), "z").unwrap();
        fs::write(dir.path().join("a.txt.gz"), "a").unwrap();
        fs::write(dir.path().join("b/m.text"), "m").unwrap();
        fs::write(dir.path().join("README.md"), "not an input").unwrap();
        let found = discover(dir.path(), &exts()).unwrap();
        let paths: Vec<_> = found.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(
            paths,
            ["a.txt.gz", "b/c/z.txt", "b/m.text"],
            "in path order"
        );
        assert_eq!(found.ignored, 1);
        assert!(found.rejected.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_outside_the_input_are_rejected_and_inside_ones_followed() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real.txt"), "real").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("leak.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("leakdir")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("alias.txt"))
            .unwrap();
        let found = discover(dir.path(), &exts()).unwrap();
        let mut paths: Vec<_> = found.files.iter().map(|f| f.rel_path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["alias.txt", "real.txt"]);
        let rejected: Vec<_> = found
            .rejected
            .iter()
            .map(|r| (r.source_path.as_str(), r.reason))
            .collect();
        assert_eq!(
            rejected,
            [
                ("leak.txt", Reason::OutsideInput),
                ("leakdir", Reason::OutsideInput)
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_never_read_and_never_vanish() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real.txt"), "real").unwrap();
        let fifo = dir.path().join("pipe.txt");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
        let found = discover(dir.path(), &exts()).unwrap();
        let paths: Vec<_> = found.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(paths, ["real.txt"]);
        let rejected: Vec<_> = found
            .rejected
            .iter()
            .map(|r| (r.source_path.as_str(), r.reason))
            .collect();
        assert_eq!(rejected, [("pipe.txt", Reason::NotAFile)]);
        assert!(found.rejected[0].detail.contains("FIFO"));
        assert_eq!(found.ignored, 1, "the socket, whose name is not an input's");
    }

    #[test]
    fn a_list_names_the_inputs_relative_to_its_folder_or_absolute() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("crawl/a")).unwrap();
        std::fs::write(dir.path().join("crawl/a/one.warc.gz"), "x").unwrap();
        std::fs::write(dir.path().join("two.html"), "y").unwrap();
        let absolute = dir.path().join("two.html");
        let list = dir.path().join("paths.txt");
        std::fs::write(
            &list,
            format!(
                "# a segment\ncrawl/a/one.warc.gz\n\n{}\ncrawl/a/gone.warc.gz\nnotes.pdf\ncrawl/a/one.warc.gz\n",
                absolute.display()
            ),
        )
        .unwrap();
        let exts = vec!["warc".to_owned(), "html".to_owned()];
        let found = discover_list(&list, &exts).unwrap();
        let mut paths: Vec<&str> = found.files.iter().map(|f| f.rel_path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["crawl/a/one.warc.gz", "two.html"]);
        assert_eq!(
            found
                .files
                .iter()
                .find(|f| f.rel_path == "crawl/a/one.warc.gz")
                .map(|f| f.compression),
            Some(Compression::Gzip)
        );
        assert_eq!(found.rejected.len(), 1);
        assert_eq!(found.rejected[0].source_path, "crawl/a/gone.warc.gz");
        assert_eq!(found.ignored, 1);
        assert!(discover_list(&dir.path().join("nope.txt"), &exts).is_err());
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = discover(&dir.path().join("nope"), &exts()).unwrap_err();
        assert!(err.to_string().contains("does not exist"));
    }
}
