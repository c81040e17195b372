//! Stop-word lists per language, and picking the list that fits a document.
//!
//! Running prose is dense in function words in every language that spaces its words;
//! menus and link lists are not. The lists are jusText's (BSD 2-Clause), rebuilt by
//! `scripts/build_stopwords.py`; see `data/stopwords/LICENSE-jusText.rst`.

use std::collections::HashSet;

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

/// One language's stop words.
#[derive(Debug)]
pub struct Stoplist {
    pub language: &'static str,
    words: HashSet<&'static str>,
}

impl Stoplist {
    /// Stop words among the whitespace-separated tokens of `text`, compared lower-case
    /// without surrounding punctuation.
    pub fn count_in(&self, text: &str) -> usize {
        text.split_whitespace()
            .filter(|token| self.contains(token))
            .count()
    }

    fn contains(&self, token: &str) -> bool {
        let bare = token.trim_matches(|c: char| !c.is_alphanumeric());
        if bare.is_empty() {
            return false;
        }
        if bare.chars().all(|c| !c.is_uppercase()) {
            return self.words.contains(bare);
        }
        self.words.contains(bare.to_lowercase().as_str())
    }
}

/// Every stop-word list, parsed once when the stage is built.
#[derive(Debug)]
pub struct Stoplists {
    lists: Vec<Stoplist>,
}

impl Default for Stoplists {
    fn default() -> Self {
        Stoplists::new()
    }
}

impl Stoplists {
    pub fn new() -> Stoplists {
        let lists = LISTS
            .iter()
            .map(|(language, words)| Stoplist {
                language,
                words: words.lines().filter(|w| !w.is_empty()).collect(),
            })
            .collect();
        Stoplists { lists }
    }

    /// The list covering the most tokens of `text`, if it covers enough of them.
    pub fn detect(&self, text: &str) -> Option<&Stoplist> {
        // A sample is enough to tell languages apart, and keeps long texts cheap.
        let sample: Vec<&str> = text.split_whitespace().take(2000).collect();
        if sample.is_empty() {
            return None;
        }
        let (best, hits) = self
            .lists
            .iter()
            .map(|list| (list, sample.iter().filter(|t| list.contains(t)).count()))
            .max_by_key(|&(_, hits)| hits)?;
        (hits as f64 / sample.len() as f64 >= MIN_DOCUMENT_COVERAGE).then_some(best)
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
