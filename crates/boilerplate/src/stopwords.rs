//! Stop-word lists per language, and picking the list that fits a document.
//!
//! Running prose is dense in function words in every language that spaces its words;
//! menus and link lists are not. The lists are jusText's (BSD 2-Clause), rebuilt by
//! `scripts/build_stopwords.py`; see `data/stopwords/LICENSE-jusText.rst`.

use rustc_hash::FxHashMap;

/// (language, newline-separated lower-case words)
const LISTS: &[(&str, &str)] = &[
    ("Arabic", include_str!("../data/stopwords/Arabic.txt")),
    ("Catalan", include_str!("../data/stopwords/Catalan.txt")),
    ("Czech", include_str!("../data/stopwords/Czech.txt")),
    ("Danish", include_str!("../data/stopwords/Danish.txt")),
    ("Dutch", include_str!("../data/stopwords/Dutch.txt")),
    ("English", include_str!("../data/stopwords/English.txt")),
    ("Finnish", include_str!("../data/stopwords/Finnish.txt")),
    ("French", include_str!("../data/stopwords/French.txt")),
    ("German", include_str!("../data/stopwords/German.txt")),
    ("Greek", include_str!("../data/stopwords/Greek.txt")),
    ("Hindi", include_str!("../data/stopwords/Hindi.txt")),
    ("Hungarian", include_str!("../data/stopwords/Hungarian.txt")),
    (
        "Indonesian",
        include_str!("../data/stopwords/Indonesian.txt"),
    ),
    ("Italian", include_str!("../data/stopwords/Italian.txt")),
    ("Korean", include_str!("../data/stopwords/Korean.txt")),
    ("Malay", include_str!("../data/stopwords/Malay.txt")),
    (
        "Norwegian_Bokmal",
        include_str!("../data/stopwords/Norwegian_Bokmal.txt"),
    ),
    ("Persian", include_str!("../data/stopwords/Persian.txt")),
    ("Polish", include_str!("../data/stopwords/Polish.txt")),
    (
        "Portuguese",
        include_str!("../data/stopwords/Portuguese.txt"),
    ),
    ("Romanian", include_str!("../data/stopwords/Romanian.txt")),
    ("Russian", include_str!("../data/stopwords/Russian.txt")),
    ("Spanish", include_str!("../data/stopwords/Spanish.txt")),
    ("Swedish", include_str!("../data/stopwords/Swedish.txt")),
    ("Turkish", include_str!("../data/stopwords/Turkish.txt")),
    ("Ukrainian", include_str!("../data/stopwords/Ukrainian.txt")),
    (
        "Vietnamese",
        include_str!("../data/stopwords/Vietnamese.txt"),
    ),
];

/// Below this share of stop words in the whole document no list fits it (CJK text,
/// or a language we have no list for), and stop-word density is not used.
const MIN_DOCUMENT_COVERAGE: f64 = 0.08;

/// Tokens of a text that language detection looks at.
const DETECTION_TOKENS: usize = 2000;

/// Every stop-word list, parsed once when the stage is built into one map from word
/// to the set of languages (a bit each) that list it, so a token costs one lookup
/// whatever the number of languages.
#[derive(Debug)]
pub struct Stoplists {
    words: FxHashMap<&'static str, u32>,
}

/// The stop-word list of one language.
#[derive(Debug, Clone, Copy)]
pub struct Stoplist<'a> {
    pub language: &'static str,
    bit: u32,
    lists: &'a Stoplists,
}

impl Default for Stoplists {
    fn default() -> Self {
        Stoplists::new()
    }
}

impl Stoplists {
    pub fn new() -> Stoplists {
        let mut words: FxHashMap<&'static str, u32> = FxHashMap::default();
        for (i, (_, list)) in LISTS.iter().enumerate() {
            for word in list.lines().filter(|w| !w.is_empty()) {
                *words.entry(word).or_default() |= 1 << i;
            }
        }
        Stoplists { words }
    }

    /// The languages whose lists hold `token`, compared lower-case without
    /// surrounding punctuation.
    fn languages_of(&self, token: &str) -> u32 {
        let bare = token.trim_matches(|c: char| !c.is_alphanumeric());
        if bare.is_empty() {
            return 0;
        }
        if !bare.chars().any(char::is_uppercase) {
            return self.words.get(bare).copied().unwrap_or(0);
        }
        // Most capitalised tokens are short ASCII words; lower-case those on the stack.
        let mut buf = [0u8; 32];
        if bare.is_ascii() && bare.len() <= buf.len() {
            let lower = &mut buf[..bare.len()];
            lower.copy_from_slice(bare.as_bytes());
            lower.make_ascii_lowercase();
            let lower = std::str::from_utf8(lower).unwrap_or_default();
            return self.words.get(lower).copied().unwrap_or(0);
        }
        self.words
            .get(bare.to_lowercase().as_str())
            .copied()
            .unwrap_or(0)
    }

    /// The languages of each whitespace-separated token of `text`, in order, so that a
    /// page's tokens are looked up once for language detection and line features both.
    pub fn masks(&self, text: &str) -> Vec<u32> {
        text.split_whitespace()
            .map(|token| self.languages_of(token))
            .collect()
    }

    /// The list covering the most tokens of `text`, if it covers enough of them.
    pub fn detect(&self, text: &str) -> Option<Stoplist<'_>> {
        let masks: Vec<u32> = text
            .split_whitespace()
            .take(DETECTION_TOKENS)
            .map(|token| self.languages_of(token))
            .collect();
        self.detect_from(&masks)
    }

    /// [`Stoplists::detect`] from the tokens' [`Stoplists::masks`].
    pub fn detect_from(&self, masks: &[u32]) -> Option<Stoplist<'_>> {
        // A sample is enough to tell languages apart, and keeps long texts cheap.
        let mut hits = [0usize; LISTS.len()];
        let mut tokens = 0usize;
        for &mask in masks.iter().take(DETECTION_TOKENS) {
            tokens += 1;
            let mut mask = mask;
            while mask != 0 {
                hits[mask.trailing_zeros() as usize] += 1;
                mask &= mask - 1;
            }
        }
        let (best, &count) = hits
            .iter()
            .enumerate()
            .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))?;
        (tokens > 0 && count as f64 / tokens as f64 >= MIN_DOCUMENT_COVERAGE).then_some(Stoplist {
            language: LISTS[best].0,
            bit: 1 << best,
            lists: self,
        })
    }
}

impl Stoplist<'_> {
    /// Whether one whitespace-separated token is a stop word of this language.
    pub fn contains(&self, token: &str) -> bool {
        self.holds(self.lists.languages_of(token))
    }

    /// [`Stoplists::masks`] of `text`.
    pub fn masks(&self, text: &str) -> Vec<u32> {
        self.lists.masks(text)
    }

    /// Whether a token whose languages are `mask` (see [`Stoplists::masks`]) is a stop
    /// word of this language.
    pub fn holds(&self, mask: u32) -> bool {
        mask & self.bit != 0
    }

    /// Stop words among the whitespace-separated tokens of `text`.
    pub fn count_in(&self, text: &str) -> usize {
        text.split_whitespace().filter(|t| self.contains(t)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_language_of_prose() {
        let lists = Stoplists::new();
        let english =
            "The government said that it would not use force in the south of the country.";
        assert_eq!(lists.detect(english).unwrap().language, "English");
        let german =
            "Die Regierung sagte, dass sie im Süden des Landes keine Gewalt anwenden werde.";
        assert_eq!(lists.detect(german).unwrap().language, "German");
        let russian = "Правительство заявило, что не будет применять силу на юге страны.";
        assert_eq!(lists.detect(russian).unwrap().language, "Russian");
        assert!(lists
            .detect("吉尔吉斯斯坦临时政府呼吁俄罗斯派兵平息南部城市奥什的民族暴力。")
            .is_none());
    }

    #[test]
    fn counts_stop_words_ignoring_case_and_punctuation() {
        let lists = Stoplists::new();
        let english = lists.detect("the of and to in is was it that").unwrap();
        assert_eq!(english.count_in("The situation (in Osh) is grave."), 3);
    }
}
