//! The `newsprep-bench` binary as `make eval*` and `make bench*` call it: its help, and
//! a corpus it generates.

use std::path::Path;
use std::process::{Command, Output};

fn bench(dir: &Path, args: &[&str]) -> Output {
    let binary = env!("CARGO_BIN_EXE_newsprep-bench");
    Command::new(binary)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("run {binary}: {e}"))
}

/// Moved here from tests/integration/cli.rs with the binary, which checks the other
/// half: that `newsprep --help` lists none of these commands.
#[test]
fn help_lists_the_measuring_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bench = bench(dir.path(), &["--help"]);
    assert_eq!(bench.status.code(), Some(0));
    let bench = String::from_utf8_lossy(&bench.stdout);
    assert!(
        bench.contains("eval-html") && bench.contains("gen-corpus"),
        "{bench}"
    );
}

/// The benchmarks compare runs on corpora made at different times: the same seed must
/// give the same files, byte for byte.
#[test]
fn gen_corpus_with_one_seed_writes_the_same_files_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/fixture/pages");
    let corpus = |out: &str, seed: &str| {
        let args = [
            "gen-corpus",
            "--kind",
            "pages",
            "--from",
            from,
            "--out",
            out,
            "--docs",
            "30",
            "--seed",
            seed,
        ];
        let run = bench(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{args:?} in {}: {stderr}",
            dir.path().display()
        );
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path().join(out))
            .expect("corpus folder")
            .flatten()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).expect("corpus file"))
            })
            .collect();
        files.sort();
        files
    };
    let first = corpus("a", "7");
    assert!(first.len() > 30, "{} files", first.len());
    assert_eq!(first, corpus("b", "7"));
    assert_ne!(first, corpus("c", "8"));
}

#[test]
fn a_missing_input_folder_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = bench(
        dir.path(),
        &[
            "gen-corpus",
            "--from",
            "absent",
            "--out",
            "out",
            "--docs",
            "5",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("absent"), "{stderr}");
}
