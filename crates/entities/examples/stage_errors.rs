//! The whole entity stage's mistakes on the held-out documents of CoNLL files (every
//! fifth, as `make ner-model` holds them out): counts by kind, then the most frequent
//! wrong and missed spans. A look at where the stage loses F1 before changing it.
//!
//! Usage: stage_errors FILE.conll[:N] ... (`:N` as for train_ner)

use std::collections::HashMap;

use newsprep_entities::ner::train::{self, stage_spans, stage_text};

fn main() {
    let config = newsprep_core::config::EntitiesConfig::default();
    let stage = newsprep_entities::Entities::new(&config).expect("entity stage");
    let mut kinds: HashMap<String, usize> = HashMap::new();
    let mut spans: HashMap<String, usize> = HashMap::new();
    for file in std::env::args().skip(1) {
        let (path, per_doc) = train::conll_arg(&file);
        let conll = std::fs::read_to_string(path).expect("readable CoNLL file");
        let docs = train::read_conll(&conll, per_doc);
        for doc in docs.iter().enumerate().filter(|(i, _)| train::held_out(*i)) {
            let (text, gold) = stage_text(doc.1);
            let found = stage_spans(&stage, &text);
            let chars: Vec<char> = text.chars().collect();
            let surface = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
            // Wrong: a found span not in the gold; missed: a gold span not found.
            for (what, ours, theirs) in [("wrong", &found, &gold), ("missed", &gold, &found)] {
                for span in ours.iter().filter(|s| !theirs.contains(s)) {
                    let why = if theirs.iter().any(|t| (t.0, t.1) == (span.0, span.1)) {
                        "other label"
                    } else if theirs.iter().any(|t| t.0 < span.1 && span.0 < t.1) {
                        "other bounds"
                    } else {
                        "no span"
                    };
                    let kind = format!("{what} {:?}, {why}", span.2);
                    *kinds.entry(kind.clone()).or_default() += 1;
                    let key = format!("{kind}: {}", surface(span.0, span.1));
                    *spans.entry(key).or_default() += 1;
                }
            }
        }
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort();
    for (kind, n) in kinds {
        println!("{n:5}  {kind}");
    }
    let mut spans: Vec<_> = spans.into_iter().collect();
    spans.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!();
    for (span, n) in spans.iter().take(60) {
        println!("{n:5}  {span}");
    }
}
