//! Boilerplate removal on the five seed articles, line by line: every line of every
//! page is listed below as chrome (must go), the headline (goes to `title`), or "either
//! way" (subheads and standfirsts); every other line is article text and must stay.

use std::collections::HashSet;
use std::path::Path;

use crate::util::{stderr, Table, TestDir};

struct Seed {
    file: &'static str,
    title: Option<&'static str>,
    published: Option<&'static str>,
    attribution: Option<&'static str>,
    chrome: &'static [&'static str],
    either: &'static [&'static str],
}

const AJ_LINKS: &[&str] = &[
    "Kyrgyzstan's hollow revolution",
    "Profile: Roza Otunbayeva",
    "Interview: Kurmanbek Bakiyev",
    "Russia's growing influence",
    "Behind Kyrgyzstan's unrest",
    "Kyrgyz revolt backfires on economy",
    "Calm eludes post-revolt Kyrgyzstan",
    "SOURCE: Al Jazeera and agencies",
];

const SEEDS: &[Seed] = &[
    Seed {
        file: "000_0b339d3020d50040.txt",
        title: None,
        published: None,
        attribution: None,
        chrome: &["More In: International | News"],
        either: &[],
    },
    Seed {
        file: "001_e235f158d9148f5d.txt",
        title: Some("Violence rages in south Kyrgyzstan"),
        published: None,
        attribution: Some("Al Jazeera and agencies"),
        chrome: &[
            "Al Jazeera's Robin Forestier-Walker reports",
            "from the Kyrgyz-Uzbek border",
            "Focus: Kyrgyzstan's hollow revolution",
            "Inside Story:",
            "Uzbeks flee Kyrgyzstan violence",
            "Fears over ethnic unrest",
            "'Money can't buy us': Mapping Canada's oil pipeline battle",
            "We travel more than 2,000km and visit communities along the route of the oil pipeline that cuts across Indigenous land.",
            "Women under ISIL: The wives",
            "Women married to ISIL fighters share accounts of being made to watch executions and strap explosives to other women.",
            "Diplomats for sale: How an ambassadorship was bought and lost",
            "The story of Ali Reza Monfared, the Iranian who tried to buy diplomatic immunity after embezzling millions of dollars.",
        ],
        either: &[
            "At least 117 killed in unrest as tens of thousands of ethnic Uzbeks flee fighting.",
            "Refugees at border",
            "Russian troops",
        ],
    },
    Seed {
        file: "002_dc011476645fddff.txt",
        title: None,
        published: None,
        attribution: Some("Reuters"),
        chrome: &["Reuters"],
        either: &[],
    },
    Seed {
        file: "003_d687500d7c2a08b1.txt",
        title: Some("Kyrgyz protests hit second city"),
        published: Some("2005-03-21T10:14:00Z"),
        attribution: None,
        chrome: &[
            "[an error occurred while processing this directive]",
            "BBC News",
            "watch One-Minute World News",
            "Last Updated: Monday, 21 March, 2005, 10:14 GMT",
            "Soldiers flee from the administration building which later was captured by protesters in Osh - 21/3//05",
            "Security forces were forced to flee the building as protests mounted",
            "Scenes of violence on Kyrgyzstan's streets",
            "Kyrgyz protesters take over town",
            "21 Mar 05 | Asia-Pacific",
            "Voting ends in close Kyrgyz poll",
            "13 Mar 05 | Asia-Pacific",
            "Protests before Kyrgyzstan vote",
            "23 Feb 05 | Asia-Pacific",
            "Kyrgyzstan feels wind of change",
            "03 Feb 05 | Asia-Pacific",
            "Country profile: Kyrgyzstan",
            "23 Feb 05 | Country profiles",
            "The BBC is not responsible for the content of external internet sites",
            "News Front Page | Africa | Americas | Asia-Pacific | Europe | Middle East | South Asia",
            "UK | Business | Entertainment | Science/Nature | Technology | Health",
            "Have Your Say | In Pictures | Week at a Glance | Country Profiles | In Depth | Programmes",
            "Americas Africa Europe Middle East South Asia Asia Pacific",
        ],
        either: &["Call for talks"],
    },
    Seed {
        file: "004_7c9b3d24237c106f.txt",
        title: Some("Clashes erupt in south Kyrgyzstan"),
        published: None,
        attribution: Some("Al Jazeera and agencies"),
        chrome: &[
            "Tensions have been high in Kyrgyzstan since the president was ousted amid deadly clashes [AFP]",
            "in depth",
            "People&Power: Revolution gone wrong",
            "Inside Story",
            "Ousted Kyrgyz leader seeks UN help",
            "Kyrgyzstan mourns victims of unrest",
            "Roots of Kyrgyz uprising persist",
            "Interview: Roza Otunbayeva",
            "Survivor stories from Super Typhoon Haiyan",
            "The Philippines’ Typhoon Haiyan was the strongest storm ever to make landfall. Five years on, we revisit this story.",
            "How Moscow lost Riyadh in 1938",
            "Russian-Saudi relations could be very different today, if Stalin hadn't killed the Soviet ambassador to Saudi Arabia.",
            "Thou Shalt Not Kill: Israel's Hilltop Youth",
            "Meet the hardline group willing to do anything, including going against their government, to claim land for Israel.",
        ],
        either: &[
            "One person killed and dozens hurt as interim government loyalists move to retake buildings.",
            "'Forces approaching'",
            "Bakiyev 'influence'",
            "Power base",
        ],
    },
];

fn raw_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"))
}

/// A raw line as decode leaves it: trimmed, runs of spaces made one.
fn normalised(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn seeds_lose_every_chrome_line_and_keep_every_article_line() {
    let dir = TestDir::new();
    for seed in SEEDS {
        dir.write(
            seed.file,
            std::fs::read(raw_dir().join(seed.file)).expect("seed"),
        );
    }
    dir.run_pipeline(&["--keep-removed"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.rows(), SEEDS.len(), "no seed is quarantined");
    let texts = docs.map("source_path", "text");
    let titles = docs.optional_strings("title");
    let attributions = docs.optional_strings("attribution");
    let published = docs.timestamps("published");
    let removed = docs.optional_strings("removed_text");
    let removed_counts = docs.ints("boilerplate_lines");

    let paths = docs.strings("source_path");
    for seed in SEEDS {
        let row = paths
            .iter()
            .position(|p| p == seed.file)
            .expect("a row per seed");
        let kept: HashSet<&str> = texts[seed.file].lines().filter(|l| !l.is_empty()).collect();
        let raw = std::fs::read_to_string(raw_dir().join(seed.file)).expect("seed");
        let mut chrome: HashSet<&str> = seed.chrome.iter().copied().collect();
        if seed.file.starts_with("001") || seed.file.starts_with("004") {
            chrome.extend(AJ_LINKS);
        }
        for line in raw.lines().map(normalised).filter(|l| !l.is_empty()) {
            let line = line.as_str();
            if chrome.contains(line) || seed.title == Some(line) {
                assert!(
                    !kept.contains(line),
                    "{}: chrome survived: {line}",
                    seed.file
                );
            } else if !seed.either.contains(&line) {
                assert!(
                    kept.contains(line),
                    "{}: article line lost: {line}",
                    seed.file
                );
            }
        }
        assert_eq!(titles[row].as_deref(), seed.title, "title of {}", seed.file);
        assert_eq!(
            attributions[row].as_deref(),
            seed.attribution,
            "attribution of {}",
            seed.file
        );
        let expected_time = seed.published.map(|_| 1_111_400_040_000_000);
        assert_eq!(published[row], expected_time, "published of {}", seed.file);

        // --keep-removed: the removed lines are there to audit, and counted.
        let removed_lines: Vec<&str> = removed[row].as_deref().unwrap_or("").lines().collect();
        assert_eq!(
            removed_lines.len() as i64,
            removed_counts[row],
            "{}",
            seed.file
        );
        for line in seed.chrome {
            assert!(
                removed_lines.contains(line),
                "{}: {line} not in removed_text",
                seed.file
            );
        }
    }
}

#[test]
fn ten_copies_of_one_article_keep_the_article_ten_times() {
    // Syndication: the same paragraphs recur in every copy. Recurrence must not
    // remove them, only the short chrome lines that recur with them.
    let dir = TestDir::new();
    let page = std::fs::read(raw_dir().join("001_e235f158d9148f5d.txt")).expect("seed");
    for copy in 0..10 {
        dir.write(&format!("site{copy}/story.txt"), &page);
    }
    dir.run_pipeline(&[]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let texts = docs.strings("text");
    assert_eq!(texts.len(), 10);
    let first = &texts[0];
    assert!(
        texts.iter().all(|t| t == first),
        "every copy keeps the same article"
    );
    assert!(first.contains(
        "Yves Giovannoni, the head of the International Committee of the Red Cross (ICRC)"
    ));
    assert_eq!(first.lines().count(), 57, "the article is whole: {first}");
    assert!(!first.contains("Profile: Roza Otunbayeva"));
}

#[test]
fn a_page_without_an_article_is_quarantined_as_no_article() {
    let dir = TestDir::new();
    dir.write(
        "menu.txt",
        "Home | News | Sport | Weather\nSign in\nMost Read\n* Story one\n* Story two\n",
    );
    dir.write(
        "article.txt",
        std::fs::read(raw_dir().join("002_dc011476645fddff.txt")).expect("seed"),
    );
    let out = dir.run(&["run", "--input", "input", "--output", "output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    assert_eq!(
        quarantine.map("source_path", "reason")["menu.txt"],
        "no_article"
    );
    assert_eq!(quarantine.strings("stage"), ["boilerplate"]);
    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.strings("source_path"), ["article.txt"]);
    assert!(stderr(&out).contains("menu.txt"));
}
