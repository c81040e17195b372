//! The command line as a user and a scheduler see it: the sample corpus, the help,
//! the config file, exit codes and repeatable output.

use std::path::Path;

use crate::util::{manifest, stderr, Table, TestDir};

/// The repository's sample corpus, the five seed articles.
fn sample_corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"))
}

fn copy_sample_corpus(dir: &TestDir) {
    for entry in std::fs::read_dir(sample_corpus()).expect("raw/ exists") {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        dir.write(&name, std::fs::read(&path).expect("read seed"));
    }
}

#[test]
fn sample_corpus_decodes_to_one_row_per_article() {
    let dir = TestDir::new();
    copy_sample_corpus(&dir);
    dir.run_pipeline(&["--config", dir.decode_only()]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(
        docs.column_names(),
        [
            "doc_id",
            "source_path",
            "source_bytes",
            "format",
            "encoding",
            "encoding_source",
            "mojibake_repairs",
            "repairs",
            "title",
            "published",
            "attribution",
            "author",
            "site_name",
            "url",
            "canonical_url",
            "page_language",
            "language",
            "language_score",
            "warc_record_id",
            "warc_date",
            "source_offset",
            "text",
            "n_chars",
            "n_words",
            "content_hash",
            "boilerplate_lines",
            "removed_words",
            "removed_text",
            "removed_rules",
            "dup_cluster",
            "is_duplicate",
            "duplicate_of",
            "dup_similarity",
            "entities"
        ]
    );
    // Rows come in input path order, whatever the walk or the threads.
    let paths = docs.strings("source_path");
    assert_eq!(
        paths,
        [
            "000_0b339d3020d50040.txt",
            "001_e235f158d9148f5d.txt",
            "002_dc011476645fddff.txt",
            "003_d687500d7c2a08b1.txt",
            "004_7c9b3d24237c106f.txt"
        ]
    );
    assert_eq!(docs.strings("encoding"), vec!["UTF-8"; 5]);
    let by_path = docs.map("source_path", "text");
    let text = |prefix: &str| {
        by_path
            .iter()
            .find(|(p, _)| p.starts_with(prefix))
            .map(|(_, t)| t.clone())
            .expect("seed")
    };
    assert!(text("000").starts_with("Kyrgyzstan's interim government has appealed to Russia"));
    assert!(text("000").contains("“The situation is spinning out of control."));
    // Lynx-style indentation is gone, the words are not.
    assert!(text("001")
        .contains("\nAl Jazeera's Robin Forestier-Walker reports\nfrom the Kyrgyz-Uzbek border"));
    assert!(
        text("003").starts_with("[an error occurred while processing this directive]\nBBC News")
    );

    let texts = docs.strings("text");
    for (text, (n_words, n_chars)) in texts
        .iter()
        .zip(docs.ints("n_words").into_iter().zip(docs.ints("n_chars")))
    {
        assert_eq!(n_words as usize, text.split_whitespace().count());
        assert_eq!(n_chars as usize, text.chars().count());
    }
    let sizes = docs.ints("source_bytes");
    for (path, size) in docs.strings("source_path").iter().zip(sizes) {
        let on_disk = std::fs::metadata(sample_corpus().join(path))
            .expect("seed")
            .len();
        assert_eq!(size as u64, on_disk);
    }

    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    assert_eq!(quarantine.rows(), 0);
    assert_eq!(
        quarantine.column_names(),
        [
            "source_path",
            "stage",
            "reason",
            "detail",
            "source_bytes",
            "url",
            "source_offset"
        ]
    );
    let manifest = manifest(&dir.output());
    assert_eq!(manifest.counts.read, 5);
    assert_eq!(manifest.counts.written, 5);
    assert_eq!(manifest.counts.quarantined, 0);
    assert_eq!(manifest.stages[0].name, "decode");
    assert_eq!(manifest.stages[0].docs_out, 5);
}

#[test]
fn doc_ids_are_stable_and_output_is_identical_whatever_the_threads() {
    let dir = TestDir::new();
    copy_sample_corpus(&dir);
    dir.run_threads("one", 1);
    dir.run_threads("four", 4);
    for file in [
        "documents.parquet",
        "entities.parquet",
        "quarantine.parquet",
        "_state/trace.parquet",
    ] {
        let one = std::fs::read(dir.path().join("one").join(file)).expect("one");
        let four = std::fs::read(dir.path().join("four").join(file)).expect("four");
        assert!(one == four, "{file} differs between 1 and 4 threads");
    }
    let ids = Table::read(&dir.path().join("one/documents.parquet")).strings("doc_id");
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    assert!(ids.iter().all(|id| id.len() == 16));
}

#[test]
fn config_file_is_read_and_flags_override_it() {
    let dir = TestDir::new();
    dir.write("a.txt", "Osh");
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    std::fs::write(dir.path().join("elsewhere/b.txt"), "Bishkek").expect("write");
    std::fs::write(
        dir.path().join("pipeline.toml"),
        "input_dir = \"elsewhere\"\noutput_dir = \"from_config\"\n[boilerplate]\nenabled = false\n",
    )
    .expect("config");

    // ./pipeline.toml is picked up without --config.
    let out = dir.run(&["run", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = Table::read(&dir.path().join("from_config/documents.parquet"));
    assert_eq!(docs.strings("text"), ["Bishkek"]);
    let used = manifest(&dir.path().join("from_config"));
    assert!(!used.config.boilerplate.enabled);
    let stages: Vec<&str> = used.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        stages,
        ["decode", "language", "dedup", "entities", "link_people"],
        "a switched-off stage does not run"
    );

    // --input and --output win over the file.
    dir.run_pipeline(&[]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.strings("text"), ["Osh"]);
}

#[test]
fn an_empty_config_file_runs_every_stage_with_defaults() {
    let dir = TestDir::new();
    copy_sample_corpus(&dir);
    dir.write("short.txt", "Osh");
    std::fs::write(dir.path().join("empty.toml"), "").expect("config");
    dir.run_pipeline(&["--config", "empty.toml"]);
    let manifest = manifest(&dir.output());
    assert_eq!(manifest.counts.read, 6);
    assert_eq!(manifest.counts.written, 5);
    assert_eq!(manifest.quarantined_by_reason["no_article"], 1);
    assert_eq!(manifest.stages[1].name, "boilerplate");
}

#[test]
fn config_errors_name_the_key_and_the_line_and_exit_2() {
    let dir = TestDir::new();
    dir.write("a.txt", "Osh");
    for (config, key, line) in [
        (
            "[decode]\nmax_bytes = 100\nmax_bites = 3\n",
            "max_bites",
            "line 3",
        ),
        (
            "\n\n[export]\nrow_group_size = \"lots\"\n",
            "row_group_size",
            "line 4",
        ),
        ("[boilerplate]\nenabled = \"no\"\n", "enabled", "line 2"),
        ("colour = \"blue\"\n", "colour", "line 1"),
    ] {
        std::fs::write(dir.path().join("bad.toml"), config).expect("config");
        let out = dir.run(&[
            "run", "--config", "bad.toml", "--input", "input", "--output", "output",
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(key) && err.contains(line),
            "{config:?} gave: {err}"
        );
        assert!(err.contains("bad.toml"), "{err}");
    }
    std::fs::write(
        dir.path().join("bad.toml"),
        "[export]\ncompression_level = 99\n",
    )
    .expect("config");
    let out = dir.run(&["run", "--config", "bad.toml", "--input", "input"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("compression_level"));
    assert!(
        !dir.output().exists(),
        "nothing is written on a usage error"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let dir = TestDir::new();
    let out = dir.run(&["run", "--input", "no_such_dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_such_dir"), "{}", stderr(&out));

    let out = dir.run(&["run", "--config", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));

    let out = dir.run(&["run", "--threads", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let out = dir.run(&["run", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

/// An output path that is a file was exit 1 here once; it is now refused as a usage
/// error before anything is written (tests/integration/safety.rs). A folder nobody may
/// write in, even root, still fails the run itself.
#[cfg(target_os = "linux")]
#[test]
fn a_run_that_cannot_write_its_output_exits_1() {
    let dir = TestDir::new();
    dir.write("a.txt", "Osh");
    let output = "/proc/newsprep-test-output";
    let out = dir.run(&["run", "--quiet", "--input", "input", "--output", output]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("/proc"), "{}", stderr(&out));
}

#[test]
fn help_explains_every_option() {
    let dir = TestDir::new();
    let out = dir.run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let top = String::from_utf8_lossy(&out.stdout);
    assert!(top.contains("run") && top.contains("merge") && top.contains("report"));
    // The measuring commands live in newsprep-bench, out of the users' help (the
    // package's own tests check that its help lists them: crates/bench/tests/cli.rs).
    for command in ["eval-boilerplate", "eval-html", "gen-corpus"] {
        assert!(
            !top.contains(command),
            "{command} in newsprep --help: {top}"
        );
    }
    let out = dir.run(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--config",
        "--input",
        "--output",
        "--threads",
        "--quiet",
        "--verbose",
    ] {
        assert!(help.contains(flag), "run --help lacks {flag}: {help}");
    }
}

#[test]
fn quarantined_files_are_logged_with_their_path() {
    let dir = TestDir::new();
    dir.write("good.txt", "Osh");
    dir.write("empty.txt", "");
    let out = dir.run(&["run", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("empty.txt") && err.contains("Quarantined"),
        "{err}"
    );
}
