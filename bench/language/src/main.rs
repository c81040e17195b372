//! Accuracy and speed of newsprep's language stage (whatlang) and of lingua on labelled
//! texts: each argument is a TSV file of `code<TAB>text` lines (`#` comments).

use std::collections::BTreeMap;
use std::time::Instant;

use lingua::LanguageDetectorBuilder;
use newsprep_core::config::LanguageConfig;
use newsprep_language::Language;

fn main() {
    let stage = Language::new(&LanguageConfig::default()).expect("default config");
    // Models loaded before timing starts; the first of the three timed rounds of
    // `report` would otherwise pay for any that still load lazily.
    let lingua = LanguageDetectorBuilder::from_all_languages()
        .with_preloaded_language_models()
        .build();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let cases: Vec<(&str, &str)> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t'))
            .collect();
        let bytes: usize = cases.iter().map(|(_, t)| t.len()).sum();
        println!(
            "\n{path}: {} texts, {:.2} MB",
            cases.len(),
            bytes as f64 / 1e6
        );
        let whatlang = |t: &str| stage.identify(t).code;
        let lingua = |t: &str| {
            lingua
                .detect_language_of(t)
                .map(|l| l.iso_code_639_1().to_string())
                .unwrap_or_else(|| "und".to_owned())
        };
        report("newsprep (whatlang)", &cases, bytes, whatlang);
        report("lingua 1.8 (27 languages)", &cases, bytes, lingua);
    }
}

/// Accuracy, and speed on one thread as the best of three timed rounds.
fn report(name: &str, cases: &[(&str, &str)], bytes: usize, detect: impl Fn(&str) -> String) {
    let mut found = Vec::new();
    let mut seconds = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        found = cases.iter().map(|(_, t)| detect(t)).collect();
        seconds = seconds.min(started.elapsed().as_secs_f64());
    }
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for ((code, text), got) in cases.iter().zip(&found) {
        let entry = per.entry(code).or_default();
        entry.1 += 1;
        if got == code {
            entry.0 += 1;
        } else {
            wrong.push(format!(
                "{code} as {got}: {}",
                text.chars().take(70).collect::<String>()
            ));
        }
    }
    let right: usize = per.values().map(|v| v.0).sum();
    println!(
        "{name}: {right}/{} right ({:.1}%), {:.1} MB/s",
        cases.len(),
        100.0 * right as f64 / cases.len() as f64,
        bytes as f64 / seconds / 1e6
    );
    let below: Vec<String> = per
        .iter()
        .filter(|(_, v)| v.0 < v.1)
        .map(|(k, v)| format!("{k} {}/{}", v.0, v.1))
        .collect();
    println!("  languages with misses: {}", below.join(", "));
    for line in wrong.iter().take(8) {
        println!("  {line}");
    }
}
