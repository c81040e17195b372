//! `newsprep report --html`: the page's figures against the tables it was drawn from,
//! and the page in a real browser (Debian's headless Chromium, offline), for a run with
//! everything in it, an empty run and a run where every input was quarantined.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{manifest, stderr, Table, TestDir};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

const HOSTILE_TITLE: &str =
    "Budget <script>alert(\"title\")</script> passes </svg> 'quoted' & more";
const HOSTILE_SITE: &str = "</svg><b>Evil Site</b>";

/// The sample texts, a copy of one (a duplicate), two HTML pages, a page whose title
/// and site name hold markup, an empty and a binary file (quarantined). Entity names
/// holding markup are checked in crates/report/src/html/page.rs: the tagger makes no
/// such entity of a page's text.
fn corpus(dir: &TestDir) {
    let mut texts = 0;
    for entry in std::fs::read_dir(repo("raw")).expect("raw/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") {
            let bytes = std::fs::read(entry.path()).expect("read raw file");
            if texts == 0 {
                dir.write(&format!("copies.example.org/{name}"), &bytes);
            }
            dir.write(&format!("texts/{name}"), bytes);
            texts += 1;
        }
    }
    for page in ["cbsnews.html.gz", "latimes.html.gz"] {
        let bytes = std::fs::read(repo("tests/fixtures/html").join(page)).expect("fixture");
        dir.write(&format!("pages/{page}"), bytes);
    }
    let title = HOSTILE_TITLE
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let site = HOSTILE_SITE.replace('<', "&lt;").replace('>', "&gt;");
    let hostile = format!(
        r#"<html><head><title>{title}</title><meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}"></head><body><article>
<h1>{title}</h1>
<p>The council approved the budget on Tuesday in Osh, after a long debate that lasted well into the night and left the members tired.</p>
<p>Councillors said the plan would add teachers in the villages around Osh, where classes are crowded and schools are old.</p>
<p>The mayor of Osh said the vote showed that the town could agree on what matters most to the families who live there.</p>
</article></body></html>"#
    );
    dir.write("pages/hostile.html", hostile);
    dir.write("broken/empty.txt", "");
    dir.write(
        "broken/binary.txt",
        [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 0, 0],
    );
}

/// Runs `newsprep report` with `args` and returns the page written to `file`.
fn report(dir: &TestDir, args: &[&str], file: &Path) -> String {
    let out = dir.run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "newsprep {} in {}: {}",
        args.join(" "),
        dir.path().display(),
        stderr(&out)
    );
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()))
}

/// The JSON the page embeds for scripts, parsed.
fn embedded_data(page: &str) -> Value {
    let open = r#"<script type="application/json" id="report-data">"#;
    let start = page.find(open).expect("the page embeds its data") + open.len();
    let end = start + page[start..].find("</script>").expect("data element ends");
    let json = &page[start..end];
    assert!(!json.contains('<'), "`<` in the data is written \\u003c");
    serde_json::from_str(json).expect("the embedded data is JSON")
}

/// `(key, count)` rows of a JSON array of pairs.
fn pairs(value: &Value) -> Vec<(String, i64)> {
    value
        .as_array()
        .expect("array of pairs")
        .iter()
        .map(|p| {
            (
                p[0].as_str().expect("key").to_owned(),
                p[1].as_i64().expect("count"),
            )
        })
        .collect()
}

/// `YYYY-MM-DD` of microseconds since the epoch.
fn day_of(micros: i64) -> String {
    let z = micros.div_euclid(86_400_000_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// No `src` or `href` names anything outside the page.
fn assert_offline(page: &str) {
    for attribute in ["src=", "href="] {
        for (at, _) in page.match_indices(attribute) {
            let value = page[at + attribute.len()..].trim_start_matches(['"', '\'']);
            assert!(
                value.starts_with('#'),
                "{attribute} outside the page: {}",
                &page[at..(at + 80).min(page.len())]
            );
        }
    }
    assert!(
        !page.contains("@import") && !page.contains("url("),
        "no CSS fetches"
    );
}

#[test]
fn the_page_shows_the_counts_and_top_lists_of_the_tables() {
    let dir = TestDir::new();
    corpus(&dir);
    dir.run_pipeline(&["--keep-removed"]);
    let output = dir.output();
    let file = output.join("report.html");
    let page = report(
        &dir,
        &[
            "report",
            "output",
            "--html",
            "output/report.html",
            "--doc",
            "pages/hostile.html",
            "--doc",
            "broken/empty.txt",
        ],
        &file,
    );
    assert_offline(&page);
    let data = embedded_data(&page);

    let m = manifest(&output);
    let docs = Table::read(&output.join("documents.parquet"));
    let mentions = Table::read(&output.join("entities.parquet"));
    let quarantine = Table::read(&output.join("quarantine.parquet"));
    assert_eq!(data["counts"]["read"], m.counts.read);
    assert_eq!(data["counts"]["kept"], m.counts.kept);
    assert_eq!(data["counts"]["duplicates"], m.counts.duplicates);
    assert_eq!(data["counts"]["quarantined"], m.counts.quarantined);
    assert!(
        m.counts.duplicates >= 1 && m.counts.quarantined == 2,
        "{:?}",
        m.counts
    );
    assert_eq!(data["rows"]["documents"], docs.rows() as i64);
    assert_eq!(data["rows"]["mentions"], mentions.rows() as i64);
    assert_eq!(data["rows"]["quarantine"], quarantine.rows() as i64);
    assert_eq!(data["warnings"], serde_json::json!([]), "the counts add up");

    // Per reason, per language and per day of publication, from the tables.
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for reason in quarantine.strings("reason") {
        *reasons.entry(reason).or_default() += 1;
    }
    let page_reasons: BTreeMap<String, i64> =
        pairs(&data["quarantined_by_reason"]).into_iter().collect();
    assert_eq!(page_reasons, reasons);
    let mut languages: BTreeMap<String, i64> = BTreeMap::new();
    for language in docs.optional_strings("language") {
        *languages
            .entry(language.unwrap_or_else(|| "(none)".into()))
            .or_default() += 1;
    }
    let page_languages: BTreeMap<String, i64> = pairs(&data["by_language"]).into_iter().collect();
    assert_eq!(page_languages, languages);
    let mut days: BTreeMap<String, i64> = BTreeMap::new();
    for micros in docs.timestamps("published").into_iter().flatten() {
        *days.entry(day_of(micros)).or_default() += 1;
    }
    let page_days: BTreeMap<String, i64> = pairs(&data["by_published_day"]).into_iter().collect();
    assert_eq!(page_days, days);
    assert!(!days.is_empty(), "the sample states publication dates");
    let sites: i64 = pairs(&data["by_site"]).iter().map(|(_, n)| n).sum();
    assert_eq!(sites, docs.rows() as i64, "every document has a site");
    // A dump filed under a folder named like a host is that site's.
    assert!(
        pairs(&data["by_site"]).contains(&("copies.example.org".to_owned(), 1)),
        "{:?}",
        data["by_site"]
    );

    // Top entities per label: mentions and distinct documents per entity_id.
    let mut per_entity: BTreeMap<(String, String), (String, i64, BTreeSet<String>)> =
        BTreeMap::new();
    let labels = mentions.strings("label");
    let ids = mentions.strings("entity_id");
    let names = mentions.strings("canonical");
    let doc_ids = mentions.strings("doc_id");
    for i in 0..mentions.rows() {
        let entry = per_entity
            .entry((labels[i].clone(), ids[i].clone()))
            .or_insert_with(|| (names[i].clone(), 0, BTreeSet::new()));
        entry.1 += 1;
        entry.2.insert(doc_ids[i].clone());
    }
    let groups = data["entities"].as_array().expect("entity groups");
    assert!(groups.iter().any(|g| g["label"] == "PERSON"), "{groups:?}");
    for group in groups {
        let label = group["label"].as_str().expect("label");
        let mut expected: Vec<(String, i64, i64)> = per_entity
            .iter()
            .filter(|((l, _), _)| l == label)
            .map(|(_, (name, n, docs))| (name.clone(), *n, docs.len() as i64))
            .collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        expected.truncate(10);
        let shown: Vec<(String, i64, i64)> = group["top"]
            .as_array()
            .expect("top")
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().expect("name").to_owned(),
                    r["mentions"].as_i64().expect("mentions"),
                    r["documents"].as_i64().expect("documents"),
                )
            })
            .collect();
        assert_eq!(shown, expected, "top {label}");
    }
    let places = data["places"].as_array().expect("places");
    assert!(
        !places.is_empty(),
        "the sample names places with coordinates"
    );

    // The explained documents: lines struck through with their rule, the duplicate
    // with its original, the quarantined input asked for with its reason.
    let explained = data["explained"].as_array().expect("explained");
    let with_rules = explained.iter().find(|d| {
        d["removed"]
            .as_array()
            .is_some_and(|r| r.iter().any(|line| line[1].is_string()))
    });
    assert!(
        with_rules.is_some(),
        "a document with removed lines and rules: {explained:?}"
    );
    assert!(page.contains("<del>") && page.contains(r#"class="rule""#));
    let duplicate = explained
        .iter()
        .find(|d| d["duplicate_of"].is_string())
        .expect("a duplicate is explained");
    assert!(duplicate["similarity"].as_f64().is_some());
    assert!(duplicate["duplicate_title"].is_string() || duplicate["duplicate_title"].is_null());
    assert!(explained
        .iter()
        .any(|d| d["source_path"] == "pages/hostile.html" && d["why"] == "asked"));
    assert!(
        page.contains("<code>broken/empty.txt</code> was quarantined by decode: empty"),
        "the asked-for quarantined input"
    );

    // report.html is newsprep's in an output folder: the next run replaces the folder.
    dir.run_pipeline(&[]);
    assert!(!file.exists(), "the old page went with the old output");
}

#[test]
fn a_run_without_keep_removed_says_what_it_cannot_show() {
    let dir = TestDir::new();
    corpus(&dir);
    dir.run_pipeline(&[]);
    let file = dir.path().join("page.html");
    let page = report(&dir, &["report", "output", "--html", "page.html"], &file);
    assert!(
        page.contains("this run was without `--keep-removed`"),
        "the page says so"
    );
    assert!(page.contains("their text was not kept"));
}

#[test]
fn compare_marks_the_sources_that_changed() {
    let dir = TestDir::new();
    corpus(&dir);
    dir.run_pipeline(&[]);
    std::fs::rename(dir.output(), dir.path().join("before")).expect("move output");
    std::fs::remove_dir_all(dir.input().join("pages")).expect("remove the pages");
    // All the text dumps but one: their site stays on the chart with fewer documents.
    let mut texts: Vec<_> = std::fs::read_dir(dir.input().join("texts"))
        .expect("texts/")
        .flatten()
        .map(|e| e.path())
        .collect();
    texts.sort();
    assert!(texts.len() > 1);
    for text in &texts[1..] {
        std::fs::remove_file(text).expect("remove a text");
    }
    dir.run_pipeline(&[]);
    let file = dir.path().join("page.html");
    let page = report(
        &dir,
        &[
            "report",
            "output",
            "--html",
            "page.html",
            "--compare",
            "before",
        ],
        &file,
    );
    let data = embedded_data(&page);
    let sites = data["compare"]["sites"].as_array().expect("changed sites");
    assert!(
        sites
            .iter()
            .any(|c| c["after"] == 0 && c["before"].as_i64() > Some(0)),
        "the sites of the removed pages are marked: {sites:?}"
    );
    assert!(
        sites
            .iter()
            .any(|c| c["after"].as_i64() > Some(0) && c["before"].as_i64() > c["after"].as_i64()),
        "the site that shrank is marked: {sites:?}"
    );
    // And its bar on the chart of this run is drawn as changed.
    assert!(page.contains(r#"class="bar changed""#));
}

// In a real browser.

/// Debian's `chromium` (or `NEWSPREP_CHROMIUM`); the tests fail without it: `make test`
/// installs it.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("NEWSPREP_CHROMIUM") {
        return PathBuf::from(path);
    }
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let path = dir.join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!("no chromium on PATH: `make test` installs it (apt-get install chromium), or set NEWSPREP_CHROMIUM");
}

/// What the browser made of a page: its DOM after scripts ran, the console lines it
/// logged, and the path of a screenshot.
struct Browsed {
    dom: String,
    console: Vec<String>,
    screenshot: PathBuf,
}

/// Opens `page` in headless Chromium, offline: no sandbox (tests run as root in CI
/// containers), no background networking, a throwaway profile, every host name
/// unresolvable and a proxy that goes nowhere, so any fetch would fail and show.
fn browse(dir: &TestDir, page: &Path, name: &str) -> Browsed {
    let profile = dir.path().join(format!("chromium-{name}"));
    let url = format!("file://{}", page.display());
    let run = |extra: &[String]| {
        let mut command = Command::new(chromium());
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=127.0.0.1:9",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url);
        let out = command
            .output()
            .unwrap_or_else(|e| panic!("run {command:?}: {e}"));
        assert!(
            out.status.success(),
            "{command:?} in {}: {}",
            dir.path().display(),
            stderr(&out)
        );
        out
    };
    let dumped = run(&["--dump-dom".to_owned()]);
    let console = stderr(&dumped)
        .lines()
        .filter(|l| l.contains("CONSOLE"))
        .map(str::to_owned)
        .collect();
    // A wide window, and a phone's (the page must work narrow too).
    let screenshot = dir.path().join(format!("{name}.png"));
    let narrow = dir.path().join(format!("{name}-narrow.png"));
    for (path, size) in [(&screenshot, "1280,2600"), (&narrow, "390,2600")] {
        run(&[
            format!("--screenshot={}", path.display()),
            format!("--window-size={size}"),
        ]);
        assert!(
            std::fs::metadata(path).is_ok_and(|m| m.len() > 10_000),
            "no screenshot at {}",
            path.display()
        );
    }
    Browsed {
        dom: String::from_utf8_lossy(&dumped.stdout).into_owned(),
        console,
        screenshot,
    }
}

/// The checks every page passes in the browser: its charts and map are there, its
/// script ran (it marks the root element) and nothing was logged to the console.
fn assert_renders(browsed: &Browsed, documents: i64) {
    assert!(browsed.console.is_empty(), "console: {:?}", browsed.console);
    assert!(
        browsed
            .dom
            .contains(&format!(r#"data-documents="{documents}""#)),
        "the page's script ran and read its data"
    );
    for id in [
        r#"<svg class="chart" id="flow""#,
        r#"<svg class="chart" id="map""#,
    ] {
        assert!(browsed.dom.contains(id), "{id} in the DOM");
    }
    assert!(
        browsed.dom.contains(r#"<path class="land""#),
        "the world outline"
    );
    // Kept for a person to look at when the test is run with --nocapture.
    println!("screenshot: {}", browsed.screenshot.display());
}

#[test]
fn the_page_opens_in_a_browser_with_its_charts_and_map_and_hostile_text_as_text() {
    let dir = TestDir::new();
    corpus(&dir);
    dir.run_pipeline(&["--keep-removed"]);
    let file = dir.path().join("report.html");
    let page = report(
        &dir,
        &[
            "report",
            "output",
            "--html",
            "report.html",
            "--doc",
            "pages/hostile.html",
        ],
        &file,
    );
    let data = embedded_data(&page);
    let browsed = browse(&dir, &file, "full");
    assert_renders(&browsed, data["rows"]["documents"].as_i64().expect("rows"));
    assert!(
        browsed.dom.contains(r#"<circle class="place""#),
        "places on the map"
    );
    assert!(
        browsed.dom.contains(r#"id="published""#),
        "documents per day"
    );
    assert!(browsed.dom.contains(r#"id="sites""#), "documents per site");

    // Hostile text: the browser built no element from it, and shows it as text.
    let scripts = browsed.dom.matches("<script").count();
    assert_eq!(scripts, 2, "only the page's own data and script elements");
    assert!(
        !browsed.dom.contains("<b>Evil Site</b>"),
        "no element from a site name"
    );
    assert_eq!(
        browsed.dom.matches("<svg").count(),
        browsed.dom.matches("</svg>").count()
    );
    assert_eq!(
        page.matches("<svg").count(),
        browsed.dom.matches("<svg").count()
    );
    let title_as_text = "Budget &lt;script&gt;alert(\"title\")&lt;/script&gt; passes &lt;/svg&gt; 'quoted' &amp; more";
    assert!(
        browsed.dom.contains(title_as_text),
        "the title as text in the DOM"
    );
    assert!(
        browsed
            .dom
            .contains("&lt;/svg&gt;&lt;b&gt;Evil Site&lt;/b&gt;"),
        "the site as text"
    );
}

#[test]
fn an_empty_run_gives_a_page_that_opens() {
    let dir = TestDir::new();
    dir.run_pipeline(&[]);
    let file = dir.path().join("empty.html");
    let page = report(&dir, &["report", "output", "--html", "empty.html"], &file);
    let data = embedded_data(&page);
    assert_eq!(data["counts"]["read"], 0);
    assert_eq!(data["warnings"], serde_json::json!([]));
    assert_renders(&browse(&dir, &file, "empty"), 0);
}

#[test]
fn a_run_where_everything_was_quarantined_gives_a_page_that_opens() {
    let dir = TestDir::new();
    dir.write("empty.txt", "");
    dir.write("binary.txt", [0u8, 1, 2, 3, 0, 0, 0, 0, 5, 0]);
    dir.write("short.txt", "Too short.");
    dir.run_pipeline(&[]);
    let file = dir.path().join("quarantined.html");
    let page = report(
        &dir,
        &["report", "output", "--html", "quarantined.html"],
        &file,
    );
    let data = embedded_data(&page);
    assert_eq!(data["counts"]["quarantined"], 3);
    assert_eq!(data["rows"]["quarantine"], 3);
    assert_eq!(data["quarantine"].as_array().map(Vec::len), Some(3));
    let browsed = browse(&dir, &file, "quarantined");
    assert_renders(&browsed, 0);
    assert!(browsed.dom.contains(r#"id="quarantine-table""#));
}
