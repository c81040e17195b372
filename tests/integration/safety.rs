//! Path mistakes never cost the user a byte: an output folder that is, holds or lies in
//! the input, or holds files newsprep did not write, is refused with exit 2 before
//! anything is written; special files among the inputs are counted, never opened; a
//! merge runs only over the inputs its shards read.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{manifest, stderr, TestDir};

/// Every regular file under `root` with its bytes, and every other entry by kind, so
/// a test can say that nothing was moved, renamed, deleted or added.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            let kind = entry.file_type().expect("file type");
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                found.insert(rel, format!("link to {}", target.display()).into_bytes());
            } else if kind.is_dir() {
                found.insert(rel, b"folder".to_vec());
                stack.push(path);
            } else if kind.is_file() {
                found.insert(rel, std::fs::read(&path).expect("read file"));
            } else {
                found.insert(rel, b"special".to_vec());
            }
        }
    }
    found
}

/// Two of the sample articles: enough for a full pipeline run.
fn articles(dir: &TestDir, folder: &str) {
    let raw = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    let mut seeds: Vec<_> = std::fs::read_dir(raw)
        .expect("raw/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    for seed in seeds.iter().take(3) {
        let name = seed.file_name().expect("name").to_string_lossy();
        let path = dir.path().join(folder).join(name.as_ref());
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::copy(seed, path).expect("copy seed");
    }
}

/// Runs newsprep in `dir` and asserts that it refused with exit 2, left every file as
/// it was, and said why in words that contain each of `words`.
fn assert_refused(dir: &TestDir, args: &[&str], words: &[&str]) {
    let before = tree(dir.path());
    let out = dir.run(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for word in words {
        assert!(err.contains(word), "{args:?}: {word:?} not in: {err}");
    }
    assert_eq!(tree(dir.path()), before, "{args:?} changed files");
}

#[test]
fn an_output_that_is_the_input_folder_is_refused_and_every_input_stays() {
    let dir = TestDir::new();
    articles(&dir, "raw");
    std::fs::write(dir.path().join("raw/notes.md"), "my notes").expect("notes");
    for output in ["raw", "./raw", "raw/", "raw/."] {
        assert_refused(
            &dir,
            &["run", "--input", "raw", "--output", output],
            &["is the input folder", "raw", output],
        );
    }
    assert_refused(
        &dir,
        &["run", "--incremental", "--input", "raw", "--output", "raw"],
        &["is the input folder"],
    );
    assert_refused(
        &dir,
        &["run", "--shard", "0/2", "--input", "raw", "--output", "raw"],
        &["is the input folder"],
    );
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symlink_to_the_input_is_refused() {
    let dir = TestDir::new();
    articles(&dir, "raw");
    std::os::unix::fs::symlink(dir.path().join("raw"), dir.path().join("alias")).expect("link");
    assert_refused(
        &dir,
        &["run", "--input", "raw", "--output", "alias"],
        &["is the input folder", "alias", "raw"],
    );
    assert_refused(
        &dir,
        &["run", "--input", "alias", "--output", "raw/"],
        &["is the input folder"],
    );
}

#[test]
fn an_output_that_contains_the_input_is_refused_and_its_other_files_stay() {
    let dir = TestDir::new();
    articles(&dir, "data/raw");
    std::fs::write(dir.path().join("data/budget.xlsx"), "numbers").expect("user file");
    assert_refused(
        &dir,
        &["run", "--input", "data/raw", "--output", "data"],
        &["contains the input folder", "data/raw"],
    );
    assert_refused(
        &dir,
        &["run", "--input", "data/raw", "--output", "data/raw/.."],
        &["contains the input folder"],
    );
}

#[test]
fn an_output_inside_the_input_is_refused() {
    let dir = TestDir::new();
    articles(&dir, "raw");
    assert_refused(
        &dir,
        &["run", "--input", "raw", "--output", "raw/processed"],
        &["lies inside the input folder"],
    );
    assert!(!dir.path().join("raw/processed").exists());
}

#[test]
fn an_output_folder_holding_the_users_files_is_never_replaced() {
    let dir = TestDir::new();
    articles(&dir, "input");
    std::fs::create_dir(dir.path().join("out")).expect("out");
    std::fs::write(dir.path().join("out/notes.md"), "my notes").expect("notes");
    assert_refused(
        &dir,
        &["run", "--input", "input", "--output", "out"],
        &[
            "notes.md",
            "newsprep did not write",
            "choose another --output",
        ],
    );

    // An earlier output may be replaced, until the user puts a file of theirs in it.
    let out = dir.run(&["run", "-q", "--input", "input", "--output", "fresh"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = dir.run(&["run", "-q", "--input", "input", "--output", "fresh"]);
    assert_eq!(out.status.code(), Some(0), "a second run: {}", stderr(&out));
    std::fs::create_dir(dir.path().join("fresh/analysis")).expect("user folder");
    std::fs::write(dir.path().join("fresh/analysis/plot.png"), "png").expect("plot");
    assert_refused(
        &dir,
        &["run", "--input", "input", "--output", "fresh"],
        &["fresh/analysis", "newsprep did not write"],
    );
    assert_refused(
        &dir,
        &[
            "run", "--shard", "1/2", "--input", "input", "--output", "fresh",
        ],
        &["fresh/analysis"],
    );
}

#[test]
fn an_output_path_that_is_a_file_is_left_untouched() {
    let dir = TestDir::new();
    articles(&dir, "input");
    std::fs::write(dir.path().join("out.txt"), "my file").expect("file");
    assert_refused(
        &dir,
        &["run", "--input", "input", "--output", "out.txt"],
        &["out.txt", "is a file"],
    );
    assert_eq!(
        std::fs::read(dir.path().join("out.txt")).expect("still there"),
        b"my file"
    );
}

#[cfg(unix)]
#[test]
fn an_output_link_to_a_folder_is_written_through_and_stays_a_link() {
    let dir = TestDir::new();
    articles(&dir, "input");
    std::fs::create_dir(dir.path().join("disk")).expect("disk");
    std::os::unix::fs::symlink(dir.path().join("disk"), dir.path().join("out")).expect("link");
    for _ in 0..2 {
        let out = dir.run(&["run", "-q", "--input", "input", "--output", "out"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let link = std::fs::symlink_metadata(dir.path().join("out")).expect("out");
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert!(dir.path().join("disk/documents.parquet").exists());
}

/// Waits for a run with a deadline: a run that opened a FIFO would block for ever.
fn run_with_deadline(dir: &TestDir, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsprep"))
        .args(args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsprep");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run hung on a special file");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_among_the_inputs_are_counted_and_never_opened() {
    let dir = TestDir::new();
    articles(&dir, "input");
    let made = Command::new("mkfifo")
        .arg(dir.input().join("pipe.txt"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let _named =
        std::os::unix::net::UnixListener::bind(dir.input().join("socket.txt")).expect("socket");
    let _other =
        std::os::unix::net::UnixListener::bind(dir.input().join("agent.sock")).expect("socket");
    // A device node only where this test may make one (root outside a locked-down
    // container).
    let device = Command::new("mknod")
        .arg(dir.input().join("zero.txt"))
        .args(["c", "1", "5"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());

    let out = run_with_deadline(&dir, &["run", "--input", "input", "--output", "output"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("pipe.txt"), "the log names the FIFO: {err}");
    assert!(
        err.contains("agent.sock"),
        "the log names the socket: {err}"
    );
    let m = manifest(&dir.output());
    let c = &m.counts;
    let special = 2 + u64::from(device);
    assert_eq!(m.quarantined_by_reason["not_a_file"], special);
    assert_eq!(c.read, 3 + special);
    assert_eq!(c.read, c.kept + c.duplicates + c.quarantined);
    assert_eq!(c.files_ignored, 1, "agent.sock is not named as an input");
}

/// Runs the shards of a two-way split over `input` into `output`.
fn shards(dir: &TestDir, input: &str) -> u64 {
    let mut read = 0;
    for k in 0..2 {
        let shard = format!("{k}/2");
        let out = dir.run(&[
            "run", "-q", "--input", input, "--output", "output", "--shard", &shard,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let m = manifest(&dir.output().join(format!("shards/{k}-of-2")));
        read += m.counts.read;
    }
    read
}

#[test]
fn a_merge_without_input_reads_the_folder_the_shards_read_not_the_configs() {
    let dir = TestDir::new();
    articles(&dir, "corpus");
    // The project folder's config names raw/, which holds other documents.
    std::fs::write(dir.path().join("pipeline.toml"), "input_dir = \"raw\"\n").expect("config");
    articles(&dir, "raw");
    std::fs::write(
        dir.path().join("raw/extra.txt"),
        "Another article entirely.",
    )
    .expect("extra");
    let read = shards(&dir, "corpus");

    let out = dir.run(&["merge", "-q", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(&dir.output());
    assert_eq!(m.counts.read, read);
    assert_eq!(m.reuse.removed, 0);
    assert!(
        m.input_root.as_ref().is_some_and(|p| p.ends_with("corpus")),
        "{:?}",
        m.input_root
    );
}

#[test]
fn a_merge_over_other_inputs_than_the_shards_read_is_refused() {
    let dir = TestDir::new();
    articles(&dir, "corpus");
    shards(&dir, "corpus");
    let shards_before = tree(&dir.output());

    // Another folder: the shards' files are missing there.
    std::fs::create_dir(dir.path().join("elsewhere")).expect("folder");
    std::fs::write(dir.path().join("elsewhere/other.txt"), "Other text.").expect("other");
    assert_refused(
        &dir,
        &["merge", "--input", "elsewhere", "--output", "output"],
        &[
            "does not hold what the shards read",
            "was read by a shard but is missing",
        ],
    );
    // A file added since the shards ran.
    std::fs::write(dir.path().join("corpus/late.txt"), "A late article.").expect("late");
    assert_refused(
        &dir,
        &["merge", "--input", "corpus", "--output", "output"],
        &["late.txt", "is not among the shards' inputs"],
    );
    std::fs::remove_file(dir.path().join("corpus/late.txt")).expect("remove late");
    // Other settings than the shards ran with: a usage error too, since nothing ran.
    std::fs::write(dir.path().join("other.toml"), "[dedup]\nthreshold = 0.5\n").expect("config");
    assert_refused(
        &dir,
        &[
            "merge",
            "--config",
            "other.toml",
            "--input",
            "corpus",
            "--output",
            "output",
        ],
        &["other settings"],
    );
    assert_eq!(tree(&dir.output()), shards_before);

    let out = dir.run(&["merge", "-q", "--input", "corpus", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
