//! Pages built around the traps real crawls hold (issue 28), through the binary: stray
//! NUL bytes, an unclosed `<title>`, `<textarea>`, `<noscript>`, `<style>` or comment,
//! an article in an element whose class says chrome, an element with 100,000
//! attributes. Each gives its article; what is binary or has no article is quarantined
//! with the rule that fired and the start of its largest block.

use std::collections::BTreeMap;

use crate::util::{Table, TestDir};

const PARAGRAPHS: [&str; 3] = [
    "The council approved the budget on Tuesday, after a long debate that lasted well into the night.",
    "Councillors said the plan would add teachers in the villages, where classes are crowded, and buses.",
    "Markets fell for a third day, as investors weighed the rate decision and the earnings of the banks.",
];

fn article() -> String {
    PARAGRAPHS.iter().map(|p| format!("<p>{p}</p>\n")).collect()
}

fn expected() -> String {
    PARAGRAPHS.join("\n\n")
}

/// Runs decode alone on the pages and returns the text of each document and the
/// detail of each quarantined one, by path.
fn run(pages: &[(&str, Vec<u8>)]) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let dir = TestDir::new();
    for (name, bytes) in pages {
        dir.write(name, bytes);
    }
    dir.run_pipeline(&["--config", dir.decode_only()]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    (
        docs.map("source_path", "text"),
        quarantine.map("source_path", "detail"),
    )
}

/// A page with 27 stray NUL bytes in an attribute, written by a broken CMS, was
/// quarantined as `binary` ("NUL byte at offset 25205"); a browser shows it.
#[test]
fn stray_nul_bytes_in_markup_do_not_make_a_page_binary() {
    // The real page was 50 KB, its NULs 25 KB in: a head of styles and scripts first.
    let head =
        "<style>.story p { margin: 0 0 1em; font: 18px/1.5 Georgia, serif }</style>\n".repeat(300);
    let mut page =
        format!("<html><head><title>Budget</title>{head}</head><body><div data-x=\"").into_bytes();
    page.extend_from_slice(&[0u8; 27]);
    page.extend_from_slice(format!("\">{}</div>\0</body></html>", article()).as_bytes());
    let mut dump = format!("{}\n", PARAGRAPHS.join("\n\n")).into_bytes();
    dump.insert(40, 0);
    let (texts, details) = run(&[("nul.html", page), ("nul.txt", dump)]);
    assert_eq!(texts.get("nul.html"), Some(&expected()), "{details:?}");
    assert_eq!(texts.get("nul.txt"), Some(&expected()), "{details:?}");
}

/// Decode counted what it mended and dropped the count; schema 5 writes it as `repairs`:
/// control characters in a dump, and in a page those plus the elements it closed.
#[test]
fn the_repairs_column_counts_the_damage_decode_mended() {
    let dir = TestDir::new();
    let clean = format!("{}\n", PARAGRAPHS.join("\n\n"));
    let mut damaged = clean.clone().into_bytes();
    damaged.insert(60, 0);
    damaged.insert(20, 0);
    dir.write("clean.txt", &clean);
    dir.write("damaged.txt", damaged);
    let unclosed = format!(
        "<html><head><title>Budget passes\n</head><body>{}</body></html>",
        article()
    );
    dir.write("unclosed.html", unclosed);
    dir.run_pipeline(&["--config", dir.decode_only()]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let repairs: BTreeMap<String, i64> = docs
        .strings("source_path")
        .into_iter()
        .zip(docs.ints("repairs"))
        .collect();
    assert_eq!(repairs["clean.txt"], 0);
    assert_eq!(repairs["damaged.txt"], 2);
    assert!(repairs["unclosed.html"] >= 1, "{repairs:?}");
}

/// A page whose `<title>` a crawl artifact left unclosed, script text inside it, was
/// read as one long title: "the page has no visible text". So for the other elements
/// whose content the parser reads as text up to their end tag, and for comments.
#[test]
fn unclosed_elements_do_not_swallow_the_article() {
    let article = article();
    let pages = [
        ("title.html", format!("<html><head><title>Budget passes\n<script>var a = '</b>';</script>\n</head><body>{article}<svg><title>Icon</title></svg></body></html>")),
        ("textarea.html", format!("<html><body><form><textarea name=c>Your comment\n</form>\n{article}</body></html>")),
        ("noscript.html", format!("<html><body><noscript><img src=/pixel.gif>\n<div>{article}</div></body></html>")),
        ("style.html", format!("<html><head><style>p {{ color: red }}\n</head><body>{article}</body></html>")),
        ("comment.html", format!("<html><body><!-- ad slot 3\n<div class=story>\n{article}</div></body></html>")),
    ];
    let pages: Vec<(&str, Vec<u8>)> = pages
        .into_iter()
        .map(|(name, page)| (name, page.into_bytes()))
        .collect();
    let (texts, details) = run(&pages);
    for (name, _) in &pages {
        assert_eq!(texts.get(*name), Some(&expected()), "{name}: {details:?}");
    }
}

/// A financial news page had all its blocks judged chrome, the article's paragraphs
/// of full sentences included: `no_article`.
#[test]
fn an_article_in_an_element_named_like_chrome_is_kept() {
    let rail = |name: &str| -> String {
        (0..6)
            .map(|i| format!("<li><a href=/{name}{i}>Story {i} of the {name} desk</a><p>The {name} desk's report number {i}, with the figures of the day and what the traders said.</p></li>"))
            .collect()
    };
    let page = format!(
        "<html><body><div class='sidebar-module widget'><div class=txt>{}</div></div>\
         <div class='related-stories'><ul>{}</ul></div><div class=promo><ul>{}</ul></div></body></html>",
        article(),
        rail("markets"),
        rail("business")
    );
    let (texts, details) = run(&[("markets.html", page.into_bytes())]);
    assert_eq!(texts.get("markets.html"), Some(&expected()), "{details:?}");
}

/// One `<div>` with 100,000 attributes took 4.5 s in a release build (the parser checks
/// each attribute against the element's others): the surplus is dropped before parsing.
#[test]
fn an_element_with_100000_attributes_gives_its_article() {
    let attributes: String = (0..100_000).map(|i| format!(" a{i}=x")).collect();
    let page = format!(
        "<html><body><div{attributes}>{}</div></body></html>",
        article()
    );
    let started = std::time::Instant::now();
    let (texts, details) = run(&[("attributes.html", page.into_bytes())]);
    assert_eq!(
        texts.get("attributes.html"),
        Some(&expected()),
        "{details:?}"
    );
    // Generous for a debug build on a busy machine; uncapped, this page takes minutes.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

/// U+FFFD written in a valid UTF-8 file (a copy saved by a lossy tool) made it
/// `undecodable`, "did not decode as UTF-8": they are the file's characters.
#[test]
fn literal_replacement_characters_are_kept() {
    let text = "The caf\u{FFFD} owner said the street was quiet that night, and the \u{FFFD}\u{FFFD} sign stayed dark.\n".repeat(3);
    let (texts, details) = run(&[("fffd.txt", text.clone().into_bytes())]);
    assert_eq!(
        texts.get("fffd.txt").map(String::as_str),
        Some(text.trim_end()),
        "{details:?}"
    );
}

/// A `binary` or `no_article` row says which rule fired and quotes the start of the
/// largest block, so a lost article shows at a glance.
#[test]
fn quarantine_details_name_the_rule_and_quote_the_largest_block() {
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
    zip.extend_from_slice(b"word/document.xml the largest run of text in this archive");
    let menu = "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/world>World news and analysis</a></li></ul></nav></body></html>";
    let (_, details) = run(&[("doc.txt", zip), ("menu.html", menu.as_bytes().to_vec())]);
    assert_eq!(
        details["doc.txt"],
        "starts with the signature of a zip archive: not a text file; largest block: \"word/document.xml the largest run of text in this archive\""
    );
    assert_eq!(
        details["menu.html"],
        "the page has no article: all 2 blocks of visible text are menus, link lists or other chrome; largest block: \"World news and analysis\""
    );
}
