//! The trained tagger: an averaged perceptron over word features ([`features`]),
//! decoded greedily left to right with BIO tags for PER, ORG, LOC and MISC. It finds
//! the names no rule has a cue for; [`crate::names`] then decides what each is
//! (canonical form, the place in the gazetteer, the person a last name means).
//!
//! The weights ship in the binary (`data/ner.model`, built by `make ner-model` from
//! the openly licensed data in `data/ner/`, see its README); nothing is downloaded.
//! Training lives in [`train`].

pub mod features;
pub mod tokens;
pub mod train;

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::ner::features::{history_features, sentence_features, DocContext, Lexicon, Prepared};
use crate::ner::tokens::Token;

/// The tags, in the order of the model's weight rows.
pub const TAGS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
pub const N_TAGS: usize = TAGS.len();
const MAGIC: &[u8; 8] = b"NPNER01\0";

/// The kind of name a span of tokens is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Per,
    Org,
    Loc,
    Misc,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Per => "PER",
            Kind::Org => "ORG",
            Kind::Loc => "LOC",
            Kind::Misc => "MISC",
        }
    }

    fn of_tag(tag: usize) -> Option<Kind> {
        match tag {
            1 | 2 => Some(Kind::Per),
            3 | 4 => Some(Kind::Org),
            5 | 6 => Some(Kind::Loc),
            7 | 8 => Some(Kind::Misc),
            _ => None,
        }
    }
}

/// A name the model found: byte offsets into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// A model that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("bad NER model: {0}")]
pub struct ModelError(&'static str);

/// Weights per feature hash, one per tag, as integers (scaled).
#[derive(Debug, Default)]
pub struct Model {
    weights: FxHashMap<u32, [i16; N_TAGS]>,
}

static BUILT_IN: LazyLock<Model> = LazyLock::new(|| {
    Model::from_bytes(include_bytes!("../../data/ner.model"))
        .expect("the committed NER model is readable (checked by a unit test)")
});

impl Model {
    /// The model committed in the repository, read once.
    pub fn built_in() -> &'static Model {
        &BUILT_IN
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(ModelError("not a newsprep NER model"))?;
        let (count, mut rest) = rest.split_at_checked(4).ok_or(ModelError("cut off"))?;
        let count = u32::from_le_bytes(count.try_into().unwrap_or_default()) as usize;
        const ROW: usize = 4 + 2 * N_TAGS;
        if rest.len() != count * ROW {
            return Err(ModelError("length does not match the row count"));
        }
        let mut weights = FxHashMap::with_capacity_and_hasher(count, Default::default());
        while let Some((row, tail)) = rest.split_at_checked(ROW) {
            let key = u32::from_le_bytes([row[0], row[1], row[2], row[3]]);
            let mut w = [0i16; N_TAGS];
            for (t, pair) in row[4..].chunks_exact(2).enumerate() {
                w[t] = i16::from_le_bytes([pair[0], pair[1]]);
            }
            weights.insert(key, w);
            rest = tail;
        }
        Ok(Model { weights })
    }

    /// The rows sorted by key, so the same weights give the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut keys: Vec<u32> = self.weights.keys().copied().collect();
        keys.sort_unstable();
        let mut out = MAGIC.to_vec();
        out.extend((keys.len() as u32).to_le_bytes());
        for key in keys {
            out.extend(key.to_le_bytes());
            for w in self.weights[&key] {
                out.extend(w.to_le_bytes());
            }
        }
        out
    }

    pub fn from_weights(weights: FxHashMap<u32, [i16; N_TAGS]>) -> Model {
        Model { weights }
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The tag of every token of one sentence, greedy from left to right.
    pub fn tag_sentence(&self, sentence: &Prepared) -> Vec<usize> {
        let mut tags = Vec::with_capacity(sentence.len());
        let (mut prev, mut prev2) = (0, 0);
        for i in 0..sentence.len() {
            if !sentence.scored(i, prev) {
                tags.push(0);
                (prev2, prev) = (prev, 0);
                continue;
            }
            let mut scores = [0i32; N_TAGS];
            let dynamic = history_features(prev, prev2, &sentence.lower[i], &sentence.shapes[i]);
            for key in sentence.statics(i).iter().chain(dynamic.iter()) {
                if let Some(w) = self.weights.get(key) {
                    for (s, &x) in scores.iter_mut().zip(w) {
                        *s += i32::from(x);
                    }
                }
            }
            let tag = best_allowed(&scores, prev);
            tags.push(tag);
            prev2 = prev;
            prev = tag;
        }
        tags
    }

    /// The names in `text`. Sentences written mostly in capitals (headlines,
    /// datelines) are skipped: capitals carry the model's main evidence, and a
    /// headline in capitals would come out as a string of false names.
    pub fn spans(&self, text: &str, lexicon: &Lexicon<'_>) -> Vec<Span> {
        let sentences = tokens::sentences(text);
        let doc = DocContext::new(sentences.iter().flatten().map(|t| t.text));
        let mut out = Vec::new();
        for sentence in &sentences {
            // Without a capital letter no word of the sentence is scored (see
            // `Prepared::scored`): every tag would be O.
            if in_capitals(sentence)
                || !sentence.iter().any(|t| t.text.contains(char::is_uppercase))
            {
                continue;
            }
            let words: Vec<&str> = sentence.iter().map(|t| t.text).collect();
            let prepared = sentence_features(&words, lexicon, &doc);
            let tags = self.tag_sentence(&prepared);
            out.extend(spans_of(&tags).into_iter().map(|(a, b, kind)| Span {
                start: sentence[a].start,
                end: sentence[b - 1].end,
                kind,
            }));
        }
        out
    }
}

/// The best-scoring tag that may follow `prev`: `I-X` only after `B-X` or `I-X`; the
/// first of equal scores. Scores are integers when tagging, floats when training.
pub fn best_allowed<T: PartialOrd>(scores: &[T; N_TAGS], prev: usize) -> usize {
    let mut best = 0;
    for tag in 1..N_TAGS {
        if allowed(prev, tag) && scores[tag] > scores[best] {
            best = tag;
        }
    }
    best
}

fn allowed(prev: usize, tag: usize) -> bool {
    // I- tags are the even ones from 2; each follows its B- (tag - 1) or itself.
    tag == 0 || tag % 2 == 1 || prev == tag || prev == tag - 1
}

/// Token ranges `[a, b)` with their kind, from BIO tags.
pub fn spans_of(tags: &[usize]) -> Vec<(usize, usize, Kind)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Kind)> = None;
    for (i, &tag) in tags.iter().enumerate() {
        let kind = Kind::of_tag(tag);
        let continues = tag != 0 && tag % 2 == 0 && open.is_some_and(|(_, k)| Some(k) == kind);
        if continues {
            continue;
        }
        if let Some((a, k)) = open.take() {
            out.push((a, i, k));
        }
        if let Some(k) = kind {
            open = Some((i, k));
        }
    }
    if let Some((a, k)) = open {
        out.push((a, tags.len(), k));
    }
    out
}

/// Most of the sentence's words (three or more) are written in capitals.
fn in_capitals(sentence: &[Token<'_>]) -> bool {
    let words: Vec<&str> = sentence
        .iter()
        .map(|t| t.text)
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect();
    let caps = words
        .iter()
        .filter(|w| !w.chars().any(char::is_lowercase))
        .count();
    caps >= 3 && caps * 2 > words.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn bio_tags_make_spans_and_stray_inside_tags_are_never_chosen() {
        // O B-PER I-PER O B-LOC B-LOC I-ORG(not allowed after B-LOC)
        assert_eq!(
            spans_of(&[0, 1, 2, 0, 5, 5]),
            vec![(1, 3, Kind::Per), (4, 5, Kind::Loc), (5, 6, Kind::Loc)]
        );
        let mut scores = [0; N_TAGS];
        scores[4] = 10; // I-ORG
        scores[5] = 3; // B-LOC
        assert_eq!(best_allowed(&scores, 0), 5);
        assert_eq!(best_allowed(&scores, 3), 4);
    }

    #[test]
    fn the_committed_model_loads_and_writes_back_the_same_bytes() {
        let bytes = include_bytes!("../../data/ner.model");
        let model = Model::from_bytes(bytes).unwrap();
        assert!(model.len() > 10_000, "{} rows", model.len());
        assert_eq!(model.to_bytes(), bytes.to_vec());
        assert!(Model::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        assert!(Model::from_bytes(b"GIF89a").is_err());
    }

    #[test]
    fn the_committed_model_tags_real_sentences() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let text = "The talks in Geneva were led by Catherine Ashton, who represents \
                    the European Union.\nAnalysts at Goldman Sachs expect the decision soon.";
        let found: Vec<(&str, &str)> = Model::built_in()
            .spans(text, &lexicon)
            .iter()
            .map(|s| (&text[s.start..s.end], s.kind.code()))
            .collect();
        for expected in [
            ("Geneva", "LOC"),
            ("Catherine Ashton", "PER"),
            ("Goldman Sachs", "ORG"),
        ] {
            assert!(found.contains(&expected), "{expected:?} not in {found:?}");
        }
        // A union of states: the training data has it both ways.
        assert!(
            found.iter().any(|(t, _)| *t == "European Union"),
            "{found:?}"
        );
    }

    #[test]
    fn odd_text_gives_spans_inside_it() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let names = "Anna Berg ".repeat(200);
        for text in [
            "",
            "A",
            "Mr.",
            "Ōsaka’s Tanaka met Müller in Zürich 👍🏽.",
            "\u{200f}Cairo\u{200f} and Smith's",
            names.as_str(),
        ] {
            for span in Model::built_in().spans(text, &lexicon) {
                assert!(span.start < span.end && span.end <= text.len(), "{text:?}");
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
    }

    #[test]
    fn capitals_are_not_a_string_of_names() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let text = "BREAKING: GOVERNMENT FALLS AFTER LONG NIGHT OF TALKS IN PARLIAMENT\n";
        assert_eq!(Model::built_in().spans(text, &lexicon), vec![]);
    }
}
