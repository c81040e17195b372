//! Organisation F1 of the whole entity stage on the held-out documents of CoNLL files
//! (every fifth, as `make ner-model` holds them out) that are about sports or
//! business: those with at least [`MIN_TOPIC_WORDS`] of the words below. The
//! documents no model of ours was trained on, chosen by their words alone, so the
//! same command gives the figure before and after a change (#30).
//!
//! Usage: topic_orgs [--model FILE] FILE.conll[:N] ... (`:N` as for train_ner; the
//! built-in model unless `--model` names weights `train_ner` wrote)

use newsprep_entities::ner::train::{self, stage_spans, stage_text, Score};
use newsprep_entities::ner::Model;

/// Words of match reports and results, and of company and market news.
const TOPIC_WORDS: &[&str] = &[
    "match",
    "game",
    "games",
    "season",
    "league",
    "cup",
    "club",
    "coach",
    "team",
    "teams",
    "goal",
    "goals",
    "scored",
    "beat",
    "defeated",
    "championship",
    "tournament",
    "player",
    "players",
    "shares",
    "stock",
    "company",
    "companies",
    "profit",
    "revenue",
    "market",
    "investors",
    "billion",
    "deal",
    "acquisition",
    "firm",
    "sales",
    "executive",
    "bank",
];

/// Enough topic words that the document is about the topic, not passing by it.
const MIN_TOPIC_WORDS: usize = 3;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let config = newsprep_core::config::EntitiesConfig::default();
    let mut both = newsprep_entities::Entities::new(&config).expect("entity stage");
    if args.first().is_some_and(|a| a == "--model") && args.len() > 1 {
        let bytes = std::fs::read(&args[1]).expect("readable model file");
        let model = Model::from_bytes(&bytes).expect("a model train_ner wrote");
        both = both.with_model(Some(Box::leak(Box::new(model))));
        args.drain(..2);
    }
    let rules = newsprep_entities::Entities::new(&config)
        .expect("entity stage")
        .with_model(None);
    let (mut with_model, mut alone) = (Score::default(), Score::default());
    let (mut documents, mut sentences) = (0, 0);
    for file in args {
        let (path, per_doc) = train::conll_arg(&file);
        let conll = std::fs::read_to_string(path).expect("readable CoNLL file");
        let docs = train::read_conll(&conll, per_doc);
        for (_, doc) in docs.iter().enumerate().filter(|(i, _)| train::held_out(*i)) {
            let topic = doc
                .sentences
                .iter()
                .flatten()
                .filter(|(w, _)| TOPIC_WORDS.contains(&w.to_lowercase().as_str()))
                .count();
            if topic < MIN_TOPIC_WORDS {
                continue;
            }
            documents += 1;
            sentences += doc.sentences.len();
            let (text, gold) = stage_text(doc);
            with_model.add(&stage_spans(&both, &text), &gold);
            alone.add(&stage_spans(&rules, &text), &gold);
        }
    }
    println!("{documents} held-out documents about sports or business, {sentences} sentences");
    for (what, score) in [("rules and model", &with_model), ("rules alone", &alone)] {
        for kinds in [&["ORG"][..], &["PER", "ORG", "LOC"]] {
            let (p, r, f) = score.prf(kinds);
            let gold: usize = kinds
                .iter()
                .map(|k| score.counts.get(k).map_or(0, |c| c[1]))
                .sum();
            println!(
                "{what:<16} {:<12} P {p:.3}  R {r:.3}  F1 {f:.3}  ({gold} in the gold)",
                kinds.join("+")
            );
        }
    }
}
