//! The trained tagger: an averaged structured perceptron over word features
//! ([`features`]), decoded by beam search ([`decode`]) with BIO tags for PER, ORG,
//! LOC and MISC. It finds
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

    /// The tag of every token of one sentence: the best sequence [`decode`] finds.
    pub fn tag_sentence(&self, sentence: &Prepared) -> Vec<usize> {
        let add = |key: u32, scores: &mut [i32; N_TAGS]| {
            if let Some(w) = self.weights.get(&key) {
                for (s, &x) in scores.iter_mut().zip(w) {
                    *s += i32::from(x);
                }
            }
        };
        decode(sentence, BEAM, add, None).into_tags()
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
            for (a, mut b, kind) in spans_of(&tags) {
                // "Napoli 28, Roma 25": in a list of names and numbers, a place or a
                // person ends before its number ("Route 66" and "Area 51" keep theirs,
                // as an organisation's "Channel 4" does).
                let number = |t: &Token<'_>| t.text.bytes().all(|c| c.is_ascii_digit());
                let listed = sentence.get(b).is_some_and(|t| t.text == ",")
                    && sentence
                        .get(b + 1)
                        .is_some_and(|t| t.text.starts_with(char::is_uppercase));
                if matches!(kind, Kind::Loc | Kind::Per)
                    && b - a > 1
                    && listed
                    && number(&sentence[b - 1])
                {
                    b -= 1;
                }
                out.push(Span {
                    start: sentence[a].start,
                    end: sentence[b - 1].end,
                    kind,
                });
            }
        }
        out
    }
}

/// How many tag sequences the decoder keeps at each token. Greedy decoding (one)
/// settles each token before seeing the next, so "Bank" is tagged before "of
/// America" is read; a few sequences let the better reading of the whole name win.
/// The history features look two tags back, so sequences that end in the same two
/// tags are merged (the lower can never overtake the higher): a beam as wide as the
/// pairs of tags that may follow each other would be exact.
pub const BEAM: usize = 6;

/// What [`decode`] gives: the best tags, or, when it was given the gold tags and the
/// gold sequence fell out of the beam, the best tags up to and including that token
/// (training updates there: early update).
#[derive(Debug, PartialEq)]
pub enum Decoded {
    Tags(Vec<usize>),
    Violation(Vec<usize>),
}

impl Decoded {
    /// The tags found, whole or up to the violation.
    pub fn into_tags(self) -> Vec<usize> {
        match self {
            Decoded::Tags(tags) | Decoded::Violation(tags) => tags,
        }
    }
}

/// One sequence in the beam: its last two tags, its summed score, where its tags are
/// kept (its row in the steps of the token, each step pointing to the one before),
/// and whether it is the gold sequence so far.
#[derive(Clone, Copy)]
struct Hypothesis<S> {
    last: usize,
    last2: usize,
    score: S,
    step: usize,
    on_gold: bool,
}

/// Beam search over the sentence's tags. `add` adds a feature's weights to a row of
/// scores: integers when tagging, floats when training. Ties go to the sequence
/// found first, so decoding is deterministic.
pub fn decode<S>(
    sentence: &Prepared,
    beam: usize,
    add: impl Fn(u32, &mut [S; N_TAGS]),
    gold: Option<&[usize]>,
) -> Decoded
where
    S: Copy + Default + PartialOrd + std::ops::Add<Output = S>,
{
    // Every step taken: (the step before, or usize::MAX at the start; the tag).
    let mut steps: Vec<(usize, usize)> = Vec::with_capacity(sentence.len() * 2);
    let path = |steps: &[(usize, usize)], mut step: usize| {
        let mut tags = Vec::new();
        while step != usize::MAX {
            let (before, tag) = steps[step];
            tags.push(tag);
            step = before;
        }
        tags.reverse();
        tags
    };
    let mut hyps = vec![Hypothesis {
        last: 0,
        last2: 0,
        score: S::default(),
        step: usize::MAX,
        on_gold: true,
    }];
    let mut next: Vec<Hypothesis<S>> = Vec::with_capacity(beam);
    let mut candidates: Vec<(S, usize, usize)> = Vec::new();
    for i in 0..sentence.len() {
        let gold_tag = gold.map(|g| g[i]);
        // Most tokens of news are words no name holds: one sequence goes on with O.
        if hyps.len() == 1 && !sentence.scored(i, hyps[0].last) {
            let hyp = &mut hyps[0];
            steps.push((hyp.step, 0));
            (hyp.last2, hyp.last, hyp.step) = (hyp.last, 0, steps.len() - 1);
            hyp.on_gold &= gold_tag.is_none_or(|g| g == 0);
        } else {
            let mut statics = [S::default(); N_TAGS];
            for &key in sentence.statics(i) {
                add(key, &mut statics);
            }
            candidates.clear();
            for (h, hyp) in hyps.iter().enumerate() {
                if !sentence.scored(i, hyp.last) {
                    candidates.push((hyp.score, h, 0));
                    continue;
                }
                let mut scores = statics;
                let history =
                    history_features(hyp.last, hyp.last2, &sentence.lower[i], &sentence.shapes[i]);
                for key in history {
                    add(key, &mut scores);
                }
                for (tag, &score) in scores.iter().enumerate() {
                    if allowed(hyp.last, tag) {
                        candidates.push((hyp.score + score, h, tag));
                    }
                }
            }
            // Best first; equal scores keep the order they were found in.
            candidates.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
            next.clear();
            for &(score, h, tag) in &candidates {
                let from = hyps[h];
                if next.iter().any(|n| (n.last, n.last2) == (tag, from.last)) {
                    continue;
                }
                steps.push((from.step, tag));
                next.push(Hypothesis {
                    last: tag,
                    last2: from.last,
                    score,
                    step: steps.len() - 1,
                    on_gold: from.on_gold && gold_tag.is_none_or(|g| g == tag),
                });
                if next.len() == beam {
                    break;
                }
            }
            std::mem::swap(&mut hyps, &mut next);
        }
        if gold.is_some() && !hyps.iter().any(|h| h.on_gold) {
            return Decoded::Violation(path(&steps, hyps[0].step));
        }
    }
    Decoded::Tags(path(&steps, hyps[0].step))
}

/// The gold tags as the decoder can reach them: a token it does not score after the
/// tag before is `O`, and an `I-` tag left without its `B-` opens the name instead.
pub fn reachable(sentence: &Prepared, gold: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(gold.len());
    for (i, &tag) in gold.iter().enumerate() {
        let prev = out.last().copied().unwrap_or(0);
        let tag = if !sentence.scored(i, prev) {
            0
        } else if allowed(prev, tag) {
            tag
        } else {
            tag - 1
        };
        out.push(tag);
    }
    out
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
        assert!(!allowed(5, 4) && !allowed(0, 2) && allowed(3, 4) && allowed(4, 4));
    }

    /// A two-token sentence and a model in which the first token's best tag alone
    /// (B-LOC) is not the start of the best sequence (B-ORG I-ORG).
    fn garden_path() -> (Prepared, Model) {
        use crate::ner::features::hash;
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let words = ["Bank", "Zed"];
        let prepared = sentence_features(&words, &lexicon, &DocContext::new(words));
        let mut weights = FxHashMap::default();
        let mut bank = [0i16; N_TAGS];
        (bank[5], bank[3]) = (10, 8);
        weights.insert(hash(1, &["bank"]), bank);
        let mut zed = [0i16; N_TAGS];
        zed[0] = 5;
        weights.insert(hash(1, &["zed"]), zed);
        let mut after_org = [0i16; N_TAGS];
        after_org[4] = 20;
        weights.insert(hash(32, &["3", "zed"]), after_org);
        (prepared, Model::from_weights(weights))
    }

    fn scorer(model: &Model) -> impl Fn(u32, &mut [i32; N_TAGS]) + '_ {
        move |key, scores| {
            if let Some(w) = model.weights.get(&key) {
                for (s, &x) in scores.iter_mut().zip(w) {
                    *s += i32::from(x);
                }
            }
        }
    }

    #[test]
    fn the_beam_finds_the_sequence_greedy_decoding_misses() {
        let (sentence, model) = garden_path();
        // One sequence kept is greedy decoding: B-LOC (10), then O (5).
        assert_eq!(
            decode(&sentence, 1, scorer(&model), None),
            Decoded::Tags(vec![5, 0])
        );
        // B-ORG (8) then I-ORG (20) scores more.
        assert_eq!(model.tag_sentence(&sentence), vec![3, 4]);
        // Training's early update: the gold sequence leaves a one-wide beam at the
        // first token, so the guess stops there.
        assert_eq!(
            decode(&sentence, 1, scorer(&model), Some(&[3, 4])),
            Decoded::Violation(vec![5])
        );
        assert_eq!(
            decode(&sentence, BEAM, scorer(&model), Some(&[3, 4])),
            Decoded::Tags(vec![3, 4])
        );
    }

    #[test]
    fn gold_tags_the_decoder_cannot_give_become_ones_it_can() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let words = ["said", "Bank", "of", "the", "West", "and", "it"];
        let sentence = sentence_features(&words, &lexicon, &DocContext::new(words));
        // "said" is never scored and "it" not after O: both O. An I-ORG opening a
        // name becomes B-ORG; a connector inside the name keeps its tag.
        assert_eq!(
            reachable(&sentence, &[4, 4, 4, 4, 4, 0, 4]),
            vec![0, 3, 4, 4, 4, 0, 0]
        );
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
