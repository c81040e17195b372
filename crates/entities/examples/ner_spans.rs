//! Prints the trained tagger's own spans for a text file (no rules): a look at what
//! the model finds before the rules decide.
fn main() {
    let path = std::env::args().nth(1).expect("usage: ner_spans FILE");
    let text = std::fs::read_to_string(&path).expect("readable file");
    let min_population = newsprep_core::config::EntitiesConfig::default().min_population;
    let gazetteer =
        newsprep_entities::gazetteer::Gazetteer::load(min_population, &[]).expect("gazetteer");
    let lexicon = newsprep_entities::ner::features::Lexicon {
        gazetteer: &gazetteer,
    };
    for span in newsprep_entities::ner::Model::built_in().spans(&text, &lexicon) {
        println!("{}\t{}", span.kind.code(), &text[span.start..span.end]);
    }
}
