//! What the tagger looks at for each token: the word and its neighbours, their shapes
//! and affixes, where it stands in the sentence, and what newsprep's own word lists
//! and gazetteer say about it (a first name, a place, an organisation's head word, a
//! title before, a reporting verb after). Each feature is a string hashed to a `u32`;
//! the model stores weights per hash.
//!
//! Static features depend only on the words and are computed once per sentence; the
//! dynamic ones depend on the tags already given to the left and are added while
//! decoding.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::gazetteer::Gazetteer;
use crate::known;
use crate::lexicon::{COMPANY_AFTER, FIRST_NAMES, MATCH_VERBS, ORG_HEADS, REPORTING_VERBS, TITLES};

/// The word lists as sets: every token asks each of them.
static FIRST: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(FIRST_NAMES));
static HEADS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(ORG_HEADS));
static TITLE: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(TITLES));
static REPORTS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(REPORTING_VERBS));
static MATCH: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(MATCH_VERBS));
static COMPANY: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(COMPANY_AFTER));

fn set(list: &[&'static str]) -> FxHashSet<&'static str> {
    list.iter().copied().collect()
}

/// What the feature functions may consult besides the words.
pub struct Lexicon<'g> {
    pub gazetteer: &'g Gazetteer,
}

/// What the whole document tells about its words: the words it also writes in lower
/// case ("Police" opening a sentence is the word police when "police" occurs too);
/// what stands around each capitalised word anywhere in it, so that one mention's cue
/// reaches the others ("Bologna" after "beat" here and in "fans in Bologna" there:
/// the document-level consistency of the best perceptron taggers, cut down to
/// counting cues); and whether it reads as a sports page (scores, match verbs).
pub struct DocContext<'t> {
    lower_words: FxHashSet<&'t str>,
    cues: FxHashMap<&'t str, u8>,
    sports: bool,
}

/// The cues [`DocContext`] gathers for a capitalised word, one bit each.
const CUES: [&str; 6] = ["title", "head", "in", "reports", "match", "company"];

/// How many scores and match verbs make a sports page: a results table has dozens,
/// a politics story that mentions one game has one.
const SPORTS_PAGE: usize = 3;

impl<'t> DocContext<'t> {
    pub fn new(words: impl IntoIterator<Item = &'t str>) -> DocContext<'t> {
        let words: Vec<&'t str> = words.into_iter().collect();
        let mut lower_words = FxHashSet::default();
        let mut cues: FxHashMap<&'t str, u8> = FxHashMap::default();
        let mut sporting = 0;
        let lower = |i: usize| words.get(i).map(|w| w.to_lowercase());
        let in_list = |i: Option<String>, list: &FxHashSet<&str>| {
            i.is_some_and(|w| list.contains(w.trim_end_matches('.')))
        };
        for (i, word) in words.iter().enumerate() {
            if word.starts_with(char::is_lowercase) {
                lower_words.insert(*word);
                if MATCH.contains(word) {
                    sporting += 1;
                }
                continue;
            }
            if is_score(word) {
                sporting += 1;
                continue;
            }
            if !word.starts_with(char::is_uppercase) {
                continue;
            }
            let before = i.checked_sub(1).and_then(lower);
            let (next, next2) = (lower(i + 1), lower(i + 2));
            let found = [
                in_list(before.clone(), &TITLE),
                in_list(next.clone(), &HEADS),
                before
                    .as_deref()
                    .is_some_and(|w| ["in", "at", "from", "near"].contains(&w)),
                in_list(next.clone(), &REPORTS),
                in_list(before, &MATCH)
                    || in_list(next.clone(), &MATCH)
                    || next.as_deref().is_some_and(is_score),
                in_list(next.clone(), &COMPANY)
                    || (next.as_deref() == Some("said") && next2.as_deref() == Some("its")),
            ];
            let bits = found
                .iter()
                .enumerate()
                .fold(0u8, |acc, (b, &on)| acc | (u8::from(on) << b));
            if bits != 0 {
                *cues.entry(*word).or_default() |= bits;
            }
        }
        DocContext {
            lower_words,
            cues,
            sports: sporting >= SPORTS_PAGE,
        }
    }
}

/// "2-1", "110-102": a match's score.
fn is_score(word: &str) -> bool {
    let Some((a, b)) = word.split_once(['-', '–']) else {
        return false;
    };
    let digits = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
    digits(a) && digits(b)
}

/// Tokens that separate the items of menus, breadcrumbs and bylines.
const SEPARATORS: &[&str] = &[
    "|", "•", "·", "»", "«", "›", "‹", ">", "<", "*", "=", "~", "^", "\\", "►", "▶", "→",
];

/// One sentence ready for tagging: each token's lower case and shape, and its static
/// features (those of token `i` are `statics[bounds[i]..bounds[i + 1]]`).
#[derive(Debug, Default)]
pub struct Prepared {
    pub lower: Vec<String>,
    pub shapes: Vec<String>,
    /// Tokens the tagger scores; the others are outside any name (see [`Prepared::scored`]).
    scored: Vec<bool>,
    plain: Vec<bool>,
    statics: Vec<u32>,
    bounds: Vec<usize>,
}

impl Prepared {
    /// Whether token `i` is scored after the tag `prev`. Names are written with
    /// capitals: a word without one ("said", "the", "2010") opens no name, and
    /// continues one only as a connector before a capital within two words ("Bank
    /// of America", "Bank of the West"). Most tokens of news are such words, so this
    /// skips most of the work, and training skips the same tokens.
    pub fn scored(&self, i: usize, prev: usize) -> bool {
        self.scored[i] && !(self.plain[i] && prev == 0)
    }

    pub fn statics(&self, i: usize) -> &[u32] {
        &self.statics[self.bounds[i]..self.bounds[i + 1]]
    }

    pub fn len(&self) -> usize {
        self.lower.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }
}

/// The static features of every token of one sentence, in order.
pub fn sentence_features(words: &[&str], lexicon: &Lexicon<'_>, doc: &DocContext<'_>) -> Prepared {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let shapes: Vec<String> = words.iter().map(|w| shape(w)).collect();
    fn at(v: &[String], i: isize) -> &str {
        if i < 0 {
            "<s>"
        } else {
            v.get(i as usize).map_or("</s>", String::as_str)
        }
    }
    let plain: Vec<bool> = words
        .iter()
        .map(|w| !w.contains(char::is_uppercase))
        .collect();
    let capital = |i: isize| i >= 0 && plain.get(i as usize).is_some_and(|p| !p);
    // A separator of page chrome joins no name ("More In: International | News");
    // none of the training sets has one inside a name.
    let joins = |w: &str| !SEPARATORS.contains(&w);
    let scored: Vec<bool> = (0..words.len() as isize)
        .map(|i| {
            capital(i)
                || (joins(words[i as usize])
                    && (capital(i - 1) || capital(i - 2))
                    && (capital(i + 1) || capital(i + 2)))
        })
        .collect();
    let mut f = Features(Vec::with_capacity(words.len() * 36));
    let mut bounds = Vec::with_capacity(words.len() + 1);
    bounds.push(0);
    // What the gazetteer says of each pair of capitalised neighbours ("New York"),
    // asked once per pair: token i sees it forward, token i + 1 backward.
    let pairs: Vec<Option<&str>> = words
        .windows(2)
        .map(|p| {
            (p[0].starts_with(char::is_uppercase) && p[1].starts_with(char::is_uppercase))
                .then(|| place_class(lexicon, &format!("{} {}", p[0], p[1])))
        })
        .collect();
    for (i, word) in words.iter().enumerate() {
        if !scored[i] {
            bounds.push(f.0.len());
            continue;
        }
        let k = i as isize;
        let w = lower[i].as_str();
        f.add(0, &[]);
        f.add(1, &[w]);
        f.add(2, &[word]);
        f.add(3, &[at(&lower, k - 1)]);
        f.add(4, &[at(&lower, k + 1)]);
        f.add(5, &[at(&lower, k - 2)]);
        f.add(6, &[at(&lower, k + 2)]);
        f.add(7, &[&shapes[i]]);
        f.add(8, &[at(&shapes, k - 1)]);
        f.add(9, &[at(&shapes, k + 1)]);
        f.add(10, &[at(&shapes, k - 1), &shapes[i], at(&shapes, k + 1)]);
        for e in w
            .char_indices()
            .map(|(b, _)| b)
            .skip(1)
            .chain([w.len()])
            .take(3)
        {
            f.add(11, &[&w[..e]]);
        }
        for (b, _) in w.char_indices().rev().take(4) {
            f.add(12, &[&w[b..]]);
        }
        let n_chars = w.chars().count();
        if i == 0 {
            f.add(13, &[&shapes[i]]);
        }
        f.add(14, &[at(&lower, k - 1), w]);
        f.add(15, &[w, at(&lower, k + 1)]);
        f.add(16, &[length_class(n_chars)]);

        let capitalised = word.starts_with(char::is_uppercase);
        if capitalised {
            f.add(17, &[place_class(lexicon, word)]);
            if let Some(Some(class)) = pairs.get(i) {
                f.add(18, &[class]);
            }
            if let Some(Some(class)) = i.checked_sub(1).and_then(|j| pairs.get(j)) {
                f.add(19, &[class]);
            }
            if doc.lower_words.contains(w) {
                f.add(20, &[if i == 0 { "start" } else { "inside" }]);
            }
            for list in known::lists_naming(word) {
                f.add(21, &[list]);
            }
            // The cues of this word's other mentions, and a city on a sports page.
            let cues = doc.cues.get(word).copied().unwrap_or(0);
            for (b, cue) in CUES.iter().enumerate() {
                if cues & (1 << b) != 0 {
                    f.add(25, &[cue]);
                }
            }
            if doc.sports {
                f.add(26, &[place_class(lexicon, word)]);
            }
        }
        // A match or a company's results around this word: "beat [Bologna] 2-1",
        // "[Toyota] shares".
        let (before, next) = (at(&lower, k - 1), at(&lower, k + 1));
        if MATCH.contains(before) || MATCH.contains(next) || is_score(next) {
            f.add(27, &["match"]);
        }
        if COMPANY.contains(next) || (next == "said" && at(&lower, k + 2) == "its") {
            f.add(27, &["company"]);
        }
        if FIRST.contains(w) {
            f.add(22, &["this"]);
        }
        if i > 0 && FIRST.contains(lower[i - 1].as_str()) {
            f.add(22, &["before"]);
        }
        for (place, j) in [("this", k), ("before", k - 1), ("after", k + 1)] {
            if HEADS.contains(at(&lower, j)) {
                f.add(23, &[place]);
            }
        }
        if TITLE.contains(at(&lower, k - 1).trim_end_matches('.')) {
            f.add(24, &["title"]);
        }
        let next = at(&lower, k + 1);
        if REPORTS.contains(next) || (next == "," && REPORTS.contains(at(&lower, k + 2))) {
            f.add(24, &["reports"]);
        }
        if next == "," && at(&lower, k + 2) == "who" {
            f.add(24, &["who"]);
        }
        bounds.push(f.0.len());
    }
    Prepared {
        lower,
        shapes,
        scored,
        plain,
        statics: f.0,
        bounds,
    }
}

/// The features that depend on the two tags given before this token.
pub fn history_features(prev: usize, prev2: usize, word_lower: &str, word_shape: &str) -> [u32; 4] {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let (p, p2) = (DIGITS[prev % 10], DIGITS[prev2 % 10]);
    [
        hash(30, &[p]),
        hash(31, &[p2, p]),
        hash(32, &[p, word_lower]),
        hash(33, &[p, word_shape]),
    ]
}

#[derive(Default)]
struct Features(Vec<u32>);

impl Features {
    fn add(&mut self, template: u8, parts: &[&str]) {
        self.0.push(hash(template, parts));
    }
}

/// The template number and the parts, eight bytes at a step (each part's length
/// mixed in, so `["ab", "c"]` and `["a", "bc"]` differ), then finalised with
/// MurmurHash3's mixer. Little-endian reads: stable across platforms and builds, so
/// trained weights keep their meaning. Hashing is most of the feature cost, hence
/// not a byte at a time.
pub fn hash(template: u8, parts: &[&str]) -> u32 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = u64::from(template).wrapping_mul(K);
    let mut mix = |x: u64| h = (h.rotate_left(23) ^ x).wrapping_mul(K);
    for part in parts {
        let bytes = part.as_bytes();
        mix(bytes.len() as u64 | 0xff00_0000_0000_0000);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            mix(u64::from_le_bytes(word));
        }
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    (h ^ (h >> 32)) as u32
}

/// `Bakiyev` → `Xx`, `U.S.` → `X.X.`, `1,000` → `d,d`, `McCain` → `XxXx`: each run
/// of one kind of character written once.
pub fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if last != Some(class) {
            out.push(class);
            last = Some(class);
        }
        if out.len() > 8 {
            break;
        }
    }
    out
}

fn length_class(n: usize) -> &'static str {
    match n {
        0..=1 => "1",
        2 => "2",
        3 => "3",
        4 => "4",
        5..=7 => "5-7",
        _ => "8+",
    }
}

/// What the gazetteer knows of a name: a country or region, a city of a million or
/// more, a smaller city, or nothing.
fn place_class(lexicon: &Lexicon<'_>, name: &str) -> &'static str {
    let places = lexicon.gazetteer.lookup(name);
    if places.iter().any(|p| p.is_country || p.is_region) {
        "country"
    } else if places.iter().any(|p| p.population >= 1_000_000) {
        "big-city"
    } else if places.is_empty() {
        "none"
    } else {
        "city"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_one_of_each_run() {
        assert_eq!(shape("Bakiyev"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1,000"), "d,d");
        assert_eq!(shape("McCain"), "XxXx");
        assert_eq!(shape("Jalal-Abad"), "Xx-Xx");
    }

    #[test]
    fn cues_from_the_word_lists_become_features() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let words = ["President", "Roza", "Otunbayeva", "said", "in", "Osh"];
        let doc = DocContext::new(words);
        let prepared = sentence_features(&words, &lexicon, &doc);
        assert_eq!(prepared.len(), 6);
        let features: Vec<&[u32]> = (0..6).map(|i| prepared.statics(i)).collect();
        // "Roza" follows a title and is a first name; "Otunbayeva" follows a first
        // name and precedes a reporting verb; "Osh" is a city.
        assert!(features[1].contains(&hash(24, &["title"])));
        assert!(features[1].contains(&hash(22, &["this"])));
        assert!(features[2].contains(&hash(22, &["before"])));
        assert!(features[2].contains(&hash(24, &["reports"])));
        assert!(
            features[5].contains(&hash(17, &["city"]))
                || features[5].contains(&hash(17, &["big-city"]))
        );
        // Lower-case words are never looked up as places.
        assert!(!features[3].contains(&hash(17, &["none"])));
    }

    #[test]
    fn a_cue_of_one_mention_reaches_the_others() {
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let lexicon = Lexicon {
            gazetteer: &gazetteer,
        };
        let first = ["Bologna", "beat", "Roma", "2-1", "."];
        let second = ["Fans", "in", "Bologna", "cheered", "."];
        let doc = DocContext::new(first.iter().chain(&second).copied());
        let prepared = sentence_features(&second, &lexicon, &doc);
        // "Bologna" of the second sentence has its own "in" and the first's match.
        assert!(prepared.statics(2).contains(&hash(25, &["match"])));
        assert!(prepared.statics(2).contains(&hash(25, &["in"])));
        assert!(!prepared.statics(2).contains(&hash(27, &["match"])));
        let prepared = sentence_features(&first, &lexicon, &doc);
        assert!(prepared.statics(2).contains(&hash(27, &["match"])));
        // One match and one score make no sports page.
        assert!(!doc.sports);
    }
}
