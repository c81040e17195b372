//! Names: capitalised spans found in the text, then labelled PERSON, LOC, ORG or NORP
//! by the evidence around them, and resolved to one canonical name each.
//!
//! The order of the evidence matters and is the order of [`Tagger::label`]: known
//! organisations and acronyms the text defines, then heads ("Ministry"), then cues of
//! a person (a title before, a reporting verb after, an apposition, a first name),
//! then places from the gazetteer, chosen by the countries the document talks about,
//! then groups of people. A name seen as a person once is that person throughout.
//!
//! One step a file, in the order [`Tagger::names`] runs them: [`spans`] finds the
//! capitalised spans, [`label`] labels them by the rules, [`merge`] adds the trained
//! tagger's names where no rule gave one, [`propagate`] makes a person named in full
//! that person wherever a part of the name stands, [`acting`] makes organisations of
//! the clubs and companies the sentence shows acting as one, and [`things`] takes the
//! label off the names the text says are products or moons. The lists of known names
//! they read are [`crate::known`], shared with the tagger's features.

mod acting;
mod label;
mod merge;
mod propagate;
mod spans;
mod things;

use rustc_hash::{FxHashMap, FxHashSet};
use unicode_segmentation::UnicodeSegmentation;

use crate::gazetteer::{Gazetteer, Place};
use crate::ner::{features::Lexicon, Model};
use newsprep_core::document::Label;

/// Lower-case particles inside personal and place names, between two capitalised
/// words: "Ursula von der Leyen", "Charles de Gaulle", "Rio de Janeiro".
const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "des", "la", "le", "bin",
    "ibn", "dos", "das", "ten", "ter", "zu",
];

/// A name found in the text, with its label once decided. Offsets are in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Name<'p> {
    pub start: usize,
    pub end: usize,
    /// `None` while no rule has named it; such names are kept only until people are
    /// propagated ("Bakiyev" alone becomes a person once "Bakiyev, who" is one).
    pub label: Option<Label>,
    pub canonical: String,
    pub place: Option<&'p Place>,
    /// Labelled by the trained tagger, where no rule did.
    pub by_model: bool,
    /// A word of a longer capitalised run that no rule names whole ("Wales" of "New
    /// South Wales"): the model's reading of the whole run as a place replaces it.
    pub part: bool,
}

/// One segment of the text by Unicode word boundaries.
#[derive(Debug, Clone, Copy)]
struct Seg<'a> {
    start: usize,
    text: &'a str,
    word: bool,
}

impl Seg<'_> {
    fn capitalised(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    fn lower(&self) -> String {
        self.text.to_lowercase()
    }
}

/// What the whole text tells about each of its names.
struct Context<'t> {
    acronyms: FxHashMap<String, String>,
    evidence: FxHashMap<String, usize>,
    /// Borrowed from the text: most words are lower-case, and copying each costs.
    lower_words: FxHashSet<&'t str>,
}

/// Finds and labels the names of one text.
pub struct Tagger<'g> {
    pub gazetteer: &'g Gazetteer,
    pub min_population_alone: u64,
    /// The trained tagger, for the names the rules leave without a label.
    pub model: Option<&'g Model>,
}

impl<'g> Tagger<'g> {
    pub fn names(&self, text: &str) -> Vec<Name<'g>> {
        let segs: Vec<Seg<'_>> = text
            .split_word_bound_indices()
            .map(|(start, s)| Seg {
                start,
                text: s,
                word: s.chars().any(char::is_alphanumeric),
            })
            .collect();
        let spans = spans::spans(&segs, &|text| self.is_known_name(text));
        let context = Context {
            acronyms: label::defined_acronyms(&segs, &spans),
            evidence: self.country_evidence(&segs, &spans),
            // Words the text also writes in lower case are words, not town names:
            // "Save", "Center", "Brick".
            lower_words: segs
                .iter()
                .filter(|s| s.word && s.text.starts_with(char::is_lowercase))
                .map(|s| s.text)
                .collect(),
        };

        let mut names: Vec<Name<'g>> = Vec::new();
        for span in &spans {
            names.extend(self.label(&segs, span, &context));
        }
        if let Some(model) = self.model {
            let lexicon = Lexicon {
                gazetteer: self.gazetteer,
            };
            let spans = model.spans(text, &lexicon);
            self.add_model_names(&mut names, spans, text, &segs, &context);
        }
        // A headline in title case gives no evidence by its capitals: "Biden Signs
        // Executive Order On Artificial Intelligence" is no organisation, "Read more:
        // How AI Will Change Jobs" no person.
        let headlines = spans::title_case_lines(&segs, &context.lower_words);
        names.retain(|n| !headlines.iter().any(|h| h.contains(&n.start)));
        propagate::propagate_people(&mut names, text);
        // A city big enough to be named alone: a surname that is also a small town
        // ("Murray") is no club's.
        acting::organisations_acting(&mut names, text, &context.lower_words, |name| {
            self.gazetteer
                .lookup(strip_possessive(name))
                .iter()
                .any(|p| !p.is_country && p.population >= self.min_population_alone)
        });
        propagate::first_names_alone(&mut names, text);
        things::drop_things(&mut names, text);
        names.retain(|n| n.label.is_some());
        names
    }
}

/// The text without a final possessive `'s` (straight or curly apostrophe).
pub fn strip_possessive(text: &str) -> &str {
    text.strip_suffix("'s")
        .or_else(|| text.strip_suffix("’s"))
        .unwrap_or(text)
}
