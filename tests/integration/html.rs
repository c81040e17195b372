//! HTML pages through the binary: real pages give their articles and metadata, hostile
//! ones a document or a quarantine row with a reason in bounded time, and incremental
//! runs, shards and merge treat pages as they treat text dumps.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{manifest, stderr, Table, TestDir};

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/html"
    ))
}

/// The fixture pages (name without `.html.gz`), copied into `input/`.
fn real_pages(dir: &TestDir) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(fixtures()).expect("fixtures").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = file.strip_suffix(".html.gz") {
            dir.write(&file, std::fs::read(entry.path()).expect("fixture"));
            names.push(name.to_owned());
        }
    }
    names.sort();
    assert_eq!(names.len(), 12);
    names
}

fn gold(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixtures().join("gold").join(format!("{name}.txt")))
        .expect("gold")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// What each page of tests/fixtures/html gives besides its article: the headline,
/// the address, the publication time its markup states (the time JSON-LD or the meta
/// tags give, to the second; none stated on sciencealert and sportsnet) and the number
/// of lines left out around the article.
const PAGES: [(&str, &str, &str, Option<i64>, usize); 12] = [
    (
        "cbsnews",
        "Video shows dramatic rescue of 8-year-old kidnapping victim: \"We got her!\"",
        "https://www.cbsnews.com/news/michael-webb-fort-worth-dramatic-video-shows-rescue-of-8-year-old-kidnapping-victim/",
        Some(1_574_169_409_000_000), // 2019-11-19T13:16:49Z
        314,
    ),
    (
        "cbssports",
        "Browns player on Mason Rudolph's role in fight with Myles Garrett: He asked for it",
        "https://www.cbssports.com/nfl/news/browns-player-on-mason-rudolphs-role-in-fight-with-myles-garrett-he-asked-for-it/",
        Some(1_574_130_240_000_000), // 2019-11-19T02:24:00Z
        179,
    ),
    (
        "cleveland",
        "Doobie Brothers to reunite with Michael McDonald for Blossom show",
        "https://www.cleveland.com/entertainment/2019/11/doobie-brothers-to-reunite-with-michael-mcdonald-for-blossom-show.html",
        Some(1_574_164_292_000_000), // 2019-11-19T11:51:32Z
        17,
    ),
    (
        "ctpost",
        "New SUVs and electric vehicles highlight L.A. Auto Show",
        "https://www.ctpost.com/news/us/article/New-SUVs-and-electric-vehicles-highlight-L-A-14848164.php",
        Some(1_574_231_739_000_000), // 2019-11-20T06:35:39Z
        148,
    ),
    (
        "latimes",
        "'We had some issues,' exec says on Disney+ glitches",
        "https://www.latimes.com/entertainment-arts/business/story/2019-11-19/disney-plus-kevin-mayer",
        Some(1_574_214_659_000_000), // 2019-11-20T01:50:59Z
        205,
    ),
    (
        "newsnation",
        "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300? - News Nation",
        "https://www.newsnation.in/fact-check/news/fact-check-is-an-oxygen-bar-in-delhi-offering-fresh-air-for-rs-300-244592.html",
        Some(1_574_134_302_000_000), // 2019-11-19T03:31:42Z
        99,
    ),
    (
        "sciencealert",
        "NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon Europa",
        "https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa",
        None,
        38,
    ),
    (
        "slashgear",
        "The VW ID. SPACE VIZZION is a weird EV sports wagon with a secret message",
        "https://www.slashgear.com/the-vw-id-space-vizzion-is-a-weird-ev-sports-wagon-with-a-secret-message-19600475/",
        Some(1_574_245_873_000_000), // 2019-11-20T10:31:13Z
        50,
    ),
    (
        "sportsnet",
        "Nadal keeps Spain alive against Russia in Davis Cup Finals - Sportsnet.ca",
        "https://www.sportsnet.ca/tennis/argentina-comfortably-wins-davis-cup-opener-chile/",
        None,
        192,
    ),
    (
        "techcrunch",
        "New York State Attorney General reportedly investigating WeWork – TechCrunch",
        "https://techcrunch.com/2019/11/18/new-york-state-attorney-general-reportedly-investigating-wework/",
        Some(1_574_139_526_000_000), // 2019-11-19T04:58:46Z
        2,
    ),
    (
        "theantijunecleaver",
        "Simple Hiking Survival Kit (with Kids) - The Anti-June Cleaver",
        "https://theantijunecleaver.com/2014/09/make-arrowhead-water-a-part-of-your-mountain-hike-survival-kit/",
        Some(1_410_812_522_000_000), // 2014-09-15T20:22:02Z
        219,
    ),
    (
        "twincities",
        "Zach Parise heating up, scores twice as Wild beat Sabres 4-1",
        "https://www.twincities.com/2019/11/19/parise-scores-2-goals-wild-beat-sabres-4-1/",
        Some(1_574_218_786_000_000), // 2019-11-20T02:59:46Z
        132,
    ),
];

/// A page's name, headline, address, publication time and removed lines, as read back.
type PageMeta<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
    usize,
);

/// The row of each source path, as a map from path to row index.
fn rows_by_path(docs: &Table) -> BTreeMap<String, usize> {
    docs.strings("source_path")
        .into_iter()
        .enumerate()
        .map(|(i, p)| (p, i))
        .collect()
}

#[test]
fn real_pages_give_their_article_and_metadata_and_text_dumps_stay_text() {
    let dir = TestDir::new();
    let names = real_pages(&dir);
    let seed = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    let dump = std::fs::read_dir(seed)
        .expect("raw/")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a seed");
    dir.write("dump.txt", std::fs::read(dump).expect("seed"));
    dir.run_pipeline(&["--keep-removed"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let rows = rows_by_path(&docs);
    let (text, format) = (docs.strings("text"), docs.strings("format"));
    let (title, url) = (docs.optional_strings("title"), docs.optional_strings("url"));
    let removed = docs.optional_strings("removed_text");
    let published = docs.timestamps("published");
    let mut found_meta: Vec<PageMeta> = Vec::new();
    for name in &names {
        let row = rows[&format!("{name}.html.gz")];
        let gold = gold(name);
        let article = &text[row];
        assert_eq!(format[row], "html", "{name}");
        assert!(
            article.starts_with(gold[0].as_str()),
            "{name}: the article does not start with the gold one's first line: {}\n---\n{article}",
            gold[0]
        );
        let found = gold.iter().filter(|l| article.contains(l.as_str())).count();
        assert!(
            found * 10 >= gold.len() * 8,
            "{name}: {found} of {} gold lines\n---\n{article}",
            gold.len()
        );
        let (words, gold_words) = (
            article.split_whitespace().count(),
            gold.iter()
                .map(|l| l.split_whitespace().count())
                .sum::<usize>(),
        );
        assert!(
            words * 10 <= gold_words * 13,
            "{name}: {words} words against {gold_words} in the gold article"
        );
        // What the page had around the article is still there to audit.
        let removed_lines = removed[row].as_deref().map_or(0, |r| r.lines().count());
        found_meta.push((
            name.as_str(),
            title[row].as_deref(),
            url[row].as_deref(),
            published[row],
            removed_lines,
        ));
    }
    // Each page's headline, address, publication time (every page whose address has
    // a date states it somewhere) and count of removed lines.
    let expected: Vec<PageMeta> = PAGES
        .iter()
        .map(|&(name, title, url, published, removed)| {
            (name, Some(title), Some(url), published, removed)
        })
        .collect();
    assert_eq!(found_meta, expected);
    let row = rows["dump.txt"];
    assert_eq!(format[row], "text");
    assert_eq!(url[row], None);
    // The headline is metadata, not the article's first line.
    let techcrunch = rows["techcrunch.html.gz"];
    let headline = title[techcrunch].clone().expect("title");
    assert!(!text[techcrunch].starts_with(&headline), "{headline}");
}

/// Writes a decode-only config with `max_bytes` and returns its name.
fn decode_only(dir: &TestDir, max_bytes: u64) -> &'static str {
    let config = format!("[decode]\nmax_bytes = {max_bytes}\n[boilerplate]\nenabled = false\n[dedup]\nenabled = false\n[entities]\nenabled = false\n");
    std::fs::write(dir.path().join("decode_only.toml"), config).expect("config");
    "decode_only.toml"
}

const PARAGRAPH: &str = "The council approved the budget on Tuesday, after a long debate that lasted well into the night and ended in a vote.";

#[test]
fn hostile_pages_give_a_document_or_a_reason_never_a_crash_or_a_hang() {
    let dir = TestDir::new();
    let depth = 100_000;
    dir.write(
        "deep.html",
        format!(
            "<html><body>{}<p>{PARAGRAPH}</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        ),
    );
    dir.write(
        "scripts.html",
        "<html><head><script>var a = 1;</script></head><body><script>document.write('x')</script><style>p{}</style></body></html>",
    );
    dir.write(
        "invalid.html",
        format!("<html><body><div><p>{PARAGRAPH}<table><b><i>unclosed</div></td></span><p class=\"x>{PARAGRAPH} again</body>"),
    );
    dir.write(
        "junk.html",
        b"\x00\x01PK\x03\x04\xff\xfe garbage \x00 bytes".repeat(50),
    );
    dir.write(
        "nonsense.html",
        format!("<html><head><meta charset=\"no-such-charset-2000\"></head><body><p>{PARAGRAPH} Caf\u{e9}.</p></body></html>"),
    );
    // Scraped pages re-saved as UTF-8 keep their old tag: the bytes win.
    dir.write(
        "resaved.html",
        format!("<html><head><meta charset=\"iso-8859-1\"></head><body><p>{PARAGRAPH} Caf\u{e9} \u{2014} \u{201c}quoted\u{201d}.</p></body></html>"),
    );
    let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body><p>\u{412} \u{41e}\u{448}\u{435} \u{43f}\u{440}\u{43e}\u{448}\u{43b}\u{438} \u{43f}\u{435}\u{440}\u{435}\u{433}\u{43e}\u{432}\u{43e}\u{440}\u{44b}, \u{441}\u{43e}\u{43e}\u{431}\u{449}\u{430}\u{435}\u{442} AKIpress.</p></body></html>",
    );
    dir.write("cyrillic.htm", cyrillic.as_ref());
    dir.write(
        "saved-as.txt",
        format!("\u{feff}<!DOCTYPE html><html><body><nav><a href=/>Home</a></nav><p>{PARAGRAPH}</p></body></html>"),
    );
    // Every paragraph distinct: an article does not repeat its paragraphs.
    let mut big = String::from("<html><body>");
    let mut i = 0;
    while big.len() <= 50_000_000 {
        big.push_str(&format!(
            "<div class=story><p>{PARAGRAPH} Number {i}.</p><ul><li><a href=/a>Another story</a></li></ul></div>\n"
        ));
        i += 1;
    }
    big.push_str("</body></html>");
    assert!(big.len() > 50_000_000);
    dir.write("big.html", &big);

    let config = decode_only(&dir, 64_000_000);
    dir.run_pipeline(&["--config", config]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let rows = rows_by_path(&docs);
    let (text, format) = (docs.strings("text"), docs.strings("format"));
    let encoding = docs.strings("encoding");
    let source = docs.strings("encoding_source");
    assert_eq!(text[rows["deep.html"]], PARAGRAPH);
    assert!(text[rows["invalid.html"]].contains(PARAGRAPH));
    assert!(text[rows["nonsense.html"]].ends_with("Café."));
    let resaved = rows["resaved.html"];
    assert!(
        text[resaved].ends_with("Café — “quoted”."),
        "{}",
        text[resaved]
    );
    assert_eq!(encoding[resaved], "UTF-8");
    let cyrillic = rows["cyrillic.htm"];
    assert!(
        text[cyrillic].starts_with("В Оше прошли переговоры"),
        "{}",
        text[cyrillic]
    );
    assert_eq!(
        (encoding[cyrillic].as_str(), source[cyrillic].as_str()),
        ("windows-1251", "declared")
    );
    let sniffed = rows["saved-as.txt"];
    assert_eq!(
        (format[sniffed].as_str(), text[sniffed].as_str()),
        ("html", PARAGRAPH)
    );
    // Every story's paragraph, in page order, one paragraph each; the link lists gone.
    let stories: Vec<String> = (0..i).map(|n| format!("{PARAGRAPH} Number {n}.")).collect();
    let big_text = &text[rows["big.html"]];
    assert!(
        *big_text == stories.join("\n\n"),
        "big.html: {} characters for {} stories, starting {:?}",
        big_text.len(),
        i,
        &big_text[..big_text.len().min(300)]
    );

    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    let reasons = quarantine.map("source_path", "reason");
    assert_eq!(reasons["scripts.html"], "no_article");
    assert_eq!(reasons["junk.html"], "binary");
    let m = manifest(&dir.output());
    assert_eq!(m.counts.read, 9);
    assert_eq!(m.counts.quarantined, 2);

    // With the default cap the big page is quarantined, not read whole.
    let out = dir.run(&["run", "-q", "--input", "input", "--output", "capped"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let quarantine = Table::read(&dir.path().join("capped/quarantine.parquet"));
    assert_eq!(
        quarantine.map("source_path", "reason")["big.html"],
        "too_large"
    );
}

#[test]
fn incremental_runs_shards_and_merge_work_on_pages_as_on_text() {
    let dir = TestDir::new();
    real_pages(&dir);
    dir.run_pipeline(&[]);
    let out = dir.run_pipeline(&["--incremental"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let m = manifest(&dir.output());
    assert_eq!(m.reuse.restored, 12);
    assert_eq!(m.reuse.decodes, 0);

    for k in 0..3 {
        let shard = format!("{k}/3");
        dir.run_pipeline(&["--shard", &shard]);
    }
    let out = dir.run(&["merge", "-q", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = dir.run(&["run", "-q", "--input", "input", "--output", "full"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for table in [
        "documents.parquet",
        "entities.parquet",
        "_state/trace.parquet",
    ] {
        let merged = std::fs::read(dir.output().join(table)).expect("merged");
        let full = std::fs::read(dir.path().join("full").join(table)).expect("full");
        assert!(
            merged == full,
            "{table} differs between merge and a full run"
        );
    }
}

const TEMPLATE: &str = "Sign up for our morning newsletter and get the most important stories of the day delivered to your inbox before breakfast.";

/// A page of the site: its own article, with the site's newsletter box inside it.
fn site_page(story: &str) -> String {
    format!(
        "<html><head><title>{story} | The Paper</title></head><body><article><h1>{story}</h1>\
         <p>The council of {story} approved the new budget on Tuesday, after a debate that lasted well into the night.</p>\
         <p>Councillors in {story} said the plan would add teachers in the villages, where classes are crowded and buses rare.</p>\
         <p>{TEMPLATE}</p>\
         <p>The opposition in {story} argued that the money should have gone to roads, and promised to raise it again.</p>\
         </article></body></html>"
    )
}

#[test]
fn a_prose_block_a_site_repeats_on_every_page_goes_and_copies_keep_theirs() {
    let dir = TestDir::new();
    let towns = ["Osh", "Naryn", "Talas", "Batken", "Karakol", "Tokmok"];
    for town in towns {
        dir.write(&format!("site/{town}.html"), site_page(town));
    }
    // Ten copies of one more story: every paragraph recurs ten times, the box too.
    for copy in 0..10 {
        dir.write(&format!("copies/{copy}.html"), site_page("Jalal-Abad"));
    }
    dir.run_pipeline(&["--keep-removed"]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let rows = rows_by_path(&docs);
    let text = docs.strings("text");
    for town in towns {
        let article = &text[rows[&format!("site/{town}.html")]];
        assert!(!article.contains("newsletter"), "{town}: {article}");
        assert!(
            article.contains(&format!("The opposition in {town}")),
            "{article}"
        );
    }
    for copy in 0..10 {
        let article = &text[rows[&format!("copies/{copy}.html")]];
        assert!(article.contains(TEMPLATE), "copy {copy}: {article}");
        assert_eq!(article.split("\n\n").count(), 4, "{article}");
    }

    // An incremental run over the same pages reuses them all and writes the same.
    let out = dir.run(&[
        "run",
        "-q",
        "--incremental",
        "--keep-removed",
        "--input",
        "input",
        "--output",
        "output",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(manifest(&dir.output()).reuse.restored, 16);
    let again = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(again.strings("text"), text);
}
