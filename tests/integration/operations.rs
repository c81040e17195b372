//! The run as a scheduler sees it: one writer at a time, a clean stop on SIGINT and
//! SIGTERM, all-or-nothing output even when killed, and a JSON log whose last line
//! sums the run up.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{manifest, stderr, Table, TestDir};

/// A corpus big enough that a debug build takes several seconds over it.
fn big_corpus(dir: &TestDir, copies: usize) {
    let raw = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(raw)
        .expect("raw/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read(p).expect("seed"))
        .collect();
    for i in 0..copies {
        dir.write(
            &format!("batch{}/doc{i}.txt", i % 10),
            &seeds[i % seeds.len()],
        );
    }
}

fn spawn(dir: &TestDir) -> Child {
    Command::new(env!("CARGO_BIN_EXE_newsprep"))
        .args([
            "run",
            "--quiet",
            "--input",
            "input",
            "--output",
            "output",
            "--threads",
            "2",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsprep")
}

/// Waits until the run has started writing (its staging folder exists), so the test
/// measures the stop of a working run, not of one still loading its gazetteer.
fn wait_until_writing(dir: &TestDir, pid: u32) {
    let staging = dir.path().join(format!(".output.newsprep-tmp-{pid}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !staging.exists() {
        assert!(Instant::now() < deadline, "the run never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn snapshot(output: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(output)
        .expect("output exists")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_name().to_string_lossy().ends_with(".parquet"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

fn leftovers(dir: &TestDir) -> Vec<String> {
    std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output."))
        .collect()
}

#[test]
fn a_second_run_on_a_locked_output_exits_3_and_a_stale_lock_is_taken_over() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    // A live holder: this test process.
    std::fs::write(
        dir.path().join(".output.lock"),
        format!("pid={}\nstarted=now\n", std::process::id()),
    )
    .expect("lock");
    let out = dir.run(&["run", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Another run is writing"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.output().exists());

    // A dead holder: no process has this pid.
    std::fs::write(
        dir.path().join(".output.lock"),
        "pid=4000000\nstarted=long ago\n",
    )
    .expect("lock");
    let out = dir.run(&["run", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("stale lock"), "{}", stderr(&out));
    assert!(
        leftovers(&dir).is_empty(),
        "lock released: {:?}",
        leftovers(&dir)
    );
}

#[cfg(unix)]
#[test]
fn sigint_and_sigterm_stop_cleanly_with_130_and_143_and_keep_the_previous_output() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    dir.run_pipeline(&[]);
    let before = snapshot(&dir.output());
    big_corpus(&dir, 1500);

    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let mut child = spawn(&dir);
        wait_until_writing(&dir, child.id());
        std::thread::sleep(Duration::from_millis(200));
        let sent = Instant::now();
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        assert!(
            sent.elapsed() < Duration::from_secs(2),
            "stopped in {:?}",
            sent.elapsed()
        );
        assert_eq!(status.code(), Some(code), "exit code after {signal}");
        assert_eq!(
            snapshot(&dir.output()),
            before,
            "previous output untouched after {signal}"
        );
        assert!(
            leftovers(&dir).is_empty(),
            "temporary files removed: {:?}",
            leftovers(&dir)
        );
    }
}

#[cfg(unix)]
#[test]
fn sigkill_at_any_moment_leaves_the_previous_output_whole() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    dir.run_pipeline(&[]);
    let before = snapshot(&dir.output());
    big_corpus(&dir, 600);

    for delay_ms in [50, 300, 900, 1600] {
        let mut child = spawn(&dir);
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        let now = snapshot(&dir.output());
        // Either the run had finished (a complete new output) or the old one is intact.
        if now != before {
            let docs = Table::read(&dir.output().join("documents.parquet"));
            assert_eq!(docs.rows(), 600, "a swapped-in output is complete");
        }
        let _ = Table::read(&dir.output().join("documents.parquet"));
    }
    // The next run cleans up after the killed ones and finishes.
    let out = dir.run(&["run", "--quiet", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));
    assert_eq!(
        Table::read(&dir.output().join("documents.parquet")).rows(),
        600
    );
}

#[test]
fn json_logs_end_with_a_summary_of_the_counts() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    dir.write("empty.txt", "");
    let out = dir.run(&[
        "run",
        "--input",
        "input",
        "--output",
        "output",
        "--log-format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let last = &lines.last().expect("a line")["fields"];
    assert_eq!(last["message"], "Run summary.");
    assert_eq!(
        (
            last["read"].as_u64(),
            last["kept"].as_u64(),
            last["quarantined"].as_u64()
        ),
        (Some(6), Some(5), Some(1))
    );
}

#[test]
fn verbose_logs_show_each_pass_with_its_resident_memory() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    let out = dir.run(&["run", "-v", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = stderr(&out);
    let passes: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Pass finished."))
        .collect();
    assert_eq!(passes.len(), 5, "{log}");
    assert!(passes.iter().all(|l| l.contains("seconds=")), "{log}");
    if cfg!(target_os = "linux") {
        assert!(passes.iter().all(|l| l.contains("resident_mib=")), "{log}");
    }
}

#[test]
fn run_v_prints_the_plan_and_the_manifest_records_it() {
    let dir = TestDir::new();
    big_corpus(&dir, 5);
    let out = dir.run(&["run", "-v", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = stderr(&out);
    for line in [
        "Plan: 5 passes; incremental: off",
        "1. boilerplate observes: reads inputs, applies decode, boilerplate observes, writes spill 0",
        "2. dedup observes (1 of 2): reads spill 0, applies boilerplate → language, dedup observes, writes spill 1",
        "3. dedup observes (2 of 2): reads spill 1, dedup observes",
        "4. link_people observes: reads spill 1, applies dedup → entities, link_people observes, writes spill 2",
        "5. final: reads spill 2, applies link_people, writes output",
    ] {
        assert!(log.contains(line), "{line:?} missing from:\n{log}");
    }
    let written = manifest(&dir.output());
    let passes = &written.plan.passes;
    assert_eq!(passes.len(), 5);
    assert_eq!(passes[4].writes.as_deref(), Some("output"));
    assert_eq!(passes[1].applies, ["boilerplate", "language"]);
    // Each pass's figures sit beside it (processor time included: the typed manifest
    // has no pass without it), named as the plan names it.
    let timed: Vec<&str> = written.passes.iter().map(|p| p.name.as_str()).collect();
    let planned: Vec<&str> = passes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(timed, planned);

    // Building on that output, unchanged inputs skip boilerplate, and the plan says so.
    let out = dir.run(&[
        "run",
        "-v",
        "--incremental",
        "--input",
        "input",
        "--output",
        "output",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unchanged inputs come from the earlier output and skip boilerplate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(manifest(&dir.output()).reuse.decodes, 0);
}
