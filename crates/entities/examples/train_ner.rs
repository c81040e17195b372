//! `make ner-model`: trains the entity tagger on the CoNLL files in
//! `crates/entities/data/ner/` (every fifth document held out), prints its exact-span
//! F1 on the held-out documents, and writes the weights.
//!
//! Usage: train_ner OUT.model [--epochs N] [--floor W] FILE.conll[:N] ...
//! (`:N` reads a file without `-DOCSTART-` as documents of N sentences.)

use std::process::ExitCode;

use newsprep_entities::gazetteer::Gazetteer;
use newsprep_entities::ner::features::Lexicon;
use newsprep_entities::ner::train::{self, Doc, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: train_ner OUT.model [--epochs N] [--floor W] FILE.conll[:N] ...");
        return ExitCode::from(2);
    };
    let mut options = Options::default();
    let mut files = Vec::new();
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        if arg == "--floor" {
            match rest.next().and_then(|n| n.parse().ok()) {
                Some(n) => options.floor = n,
                None => {
                    eprintln!("--floor needs a number");
                    return ExitCode::from(2);
                }
            }
        } else if arg == "--epochs" {
            match rest.next().and_then(|n| n.parse().ok()) {
                Some(n) => options.epochs = n,
                None => {
                    eprintln!("--epochs needs a number");
                    return ExitCode::from(2);
                }
            }
        } else {
            files.push(arg.clone());
        }
    }
    let (mut train_docs, mut test_docs) = (Vec::new(), Vec::new());
    let mut test_sets: Vec<(String, Vec<Doc>)> = Vec::new();
    for file in &files {
        let (path, per_doc) = train::conll_arg(file);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::from(1);
            }
        };
        let docs = train::read_conll(&text, per_doc);
        let tokens: usize = docs.iter().flat_map(|d| &d.sentences).map(Vec::len).sum();
        println!("{path}: {} documents, {tokens} tokens", docs.len());
        let mut held = Vec::new();
        for (i, doc) in docs.into_iter().enumerate() {
            if train::held_out(i) {
                held.push(doc);
            } else {
                train_docs.push(doc);
            }
        }
        test_docs.extend(held.iter().cloned());
        test_sets.push((path.to_owned(), held));
    }
    // The places a run's tagger sees with the default settings.
    let config = newsprep_core::config::EntitiesConfig::default();
    let gazetteer = match Gazetteer::load(config.min_population, &[]) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let lexicon = Lexicon {
        gazetteer: &gazetteer,
    };
    let count = |docs: &[Doc]| docs.iter().map(|d| d.sentences.len()).sum::<usize>();
    println!(
        "training on {} sentences, {} epochs; {} sentences held out",
        count(&train_docs),
        options.epochs,
        count(&test_docs)
    );
    let model = train::train(&train_docs, &lexicon, options);
    test_sets.push(("all held-out documents".to_owned(), test_docs));
    for (name, docs) in &test_sets {
        let score = train::evaluate(&model, docs, &lexicon);
        println!("{name}, held out, exact spans:");
        for kinds in [
            &["PER"][..],
            &["ORG"],
            &["LOC"],
            &["MISC"],
            &["PER", "ORG", "LOC"],
        ] {
            let (p, r, f) = score.prf(kinds);
            println!("  {:<12} P {p:.3}  R {r:.3}  F1 {f:.3}", kinds.join("+"));
        }
    }
    // The whole stage, as a run tags (rules alone, then rules and this model), on
    // the held-out documents written out as text.
    let rules = match newsprep_entities::Entities::new(&config) {
        Ok(e) => e.with_model(None),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let bytes = model.to_bytes();
    let model: &'static _ = Box::leak(Box::new(model));
    let both = match newsprep_entities::Entities::new(&config) {
        Ok(e) => e.with_model(Some(model)),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    for (name, docs) in &test_sets {
        for (what, stage) in [("rules alone", &rules), ("rules and model", &both)] {
            let score = train::evaluate_stage(stage, docs);
            let line: Vec<String> = [&["PER"][..], &["ORG"], &["LOC"], &["PER", "ORG", "LOC"]]
                .iter()
                .map(|k| format!("{} {:.3}", k.join("+"), score.prf(k).2))
                .collect();
            println!("stage, {what}, {name}: F1 {}", line.join("  "));
        }
    }
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("cannot write {out}: {e}");
        return ExitCode::from(1);
    }
    println!(
        "wrote {out}: {} features, {} bytes",
        model.len(),
        bytes.len()
    );
    ExitCode::SUCCESS
}
