//! Prints the whole entity stage's mentions of a text file (rules and model, as a run
//! tags a document, before linking across documents): label, canonical form and the
//! words around each, to look at a page's mistakes in their context.
//!
//! Usage: tag_file FILE [--rules-only]

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: tag_file FILE [--rules-only]");
    let rules_only = args.next().is_some_and(|a| a == "--rules-only");
    let text = std::fs::read_to_string(&path).expect("readable file");
    let config = newsprep_core::config::EntitiesConfig::default();
    let mut stage = newsprep_entities::Entities::new(&config).expect("entity stage");
    if rules_only {
        stage = stage.with_model(None);
    }
    let chars: Vec<char> = text.chars().collect();
    let around = |a: usize, b: usize| -> String {
        chars[a..b]
            .iter()
            .map(|&c| if c == '\n' { ' ' } else { c })
            .collect()
    };
    for m in stage.tag(&text) {
        let (start, end) = (m.start as usize, m.end as usize);
        let label = m.label.map_or("-", |l| l.as_str());
        println!(
            "{label:7} {:30} {:30} …{}[{}]{}…",
            m.text,
            m.canonical,
            around(start.saturating_sub(30), start),
            around(start, end),
            around(end, (end + 30).min(chars.len())),
        );
    }
}
