//! Words and sentences the way the training data writes them (CoNLL style): split on
//! white space, then quotes, brackets and final punctuation peeled off as tokens of
//! their own, `'s` and `n't` split off, and abbreviations (`U.S.`, `Mr.`) kept whole.
//! The tagger must see the same tokens at run time as in training, or its word
//! features mean nothing.

/// One token, with byte offsets into the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'t> {
    pub start: usize,
    pub end: usize,
    pub text: &'t str,
}

/// Characters that open a word and stand alone.
const OPENERS: &[char] = &['"', '\'', '“', '‘', '(', '[', '{', '«', '„', '‚'];
/// Characters that close a word and stand alone.
const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', ')', ']', '}', '»', ',', ';', ':', '!', '?', '.', '…',
];
/// Words written with a final period that ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "inc", "corp", "co", "ltd", "gen", "col", "lt",
    "sgt", "capt", "cpl", "maj", "rep", "sen", "gov", "prof", "rev", "vs", "no", "mt", "ft", "jan",
    "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "approx",
];
/// Sentences longer than this are cut: decoding is linear in the tokens, but a page
/// of words with no full stop is no sentence, and its features mean little.
const MAX_SENTENCE: usize = 150;

/// The sentences of `text`, each a list of tokens. A sentence ends at `.`, `!`, `?`
/// standing alone, and at every line break.
pub fn sentences(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut done = Vec::new();
    let mut sentence: Vec<Token<'_>> = Vec::new();
    let mut chunk_start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = chunk_start.take() {
                let from = sentence.len();
                split_chunk(text, s, i, &mut sentence);
                cut(&mut sentence, from, &mut done);
            }
            if c == '\n' && !sentence.is_empty() {
                done.push(std::mem::take(&mut sentence));
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(s) = chunk_start {
        let from = sentence.len();
        split_chunk(text, s, text.len(), &mut sentence);
        cut(&mut sentence, from, &mut done);
    }
    if !sentence.is_empty() {
        done.push(sentence);
    }
    done
}

/// Moves finished sentences out of `sentence`: after a lone `.`, `!`, `?`, or at the
/// length limit. Only the tokens from `from` on are new; those before held no stop.
fn cut<'t>(sentence: &mut Vec<Token<'t>>, from: usize, done: &mut Vec<Vec<Token<'t>>>) {
    let mut from = from.min(sentence.len());
    loop {
        let end = sentence[from..]
            .iter()
            .position(|t| matches!(t.text, "." | "!" | "?" | "…"))
            .map(|p| from + p + 1);
        match end {
            Some(p) => {
                let rest = sentence.split_off(p);
                done.push(std::mem::replace(sentence, rest));
            }
            None if sentence.len() >= MAX_SENTENCE => {
                let rest = sentence.split_off(MAX_SENTENCE);
                done.push(std::mem::replace(sentence, rest));
            }
            None => return,
        }
        from = 0;
    }
}

/// Splits one white-space-free chunk `text[start..end]` into tokens.
fn split_chunk<'t>(text: &'t str, mut start: usize, mut end: usize, out: &mut Vec<Token<'t>>) {
    let push = |out: &mut Vec<Token<'t>>, s: usize, e: usize| {
        if s < e {
            out.push(Token {
                start: s,
                end: e,
                text: &text[s..e],
            });
        }
    };
    while let Some(c) = text[start..end].chars().next() {
        if !OPENERS.contains(&c) || start + c.len_utf8() == end {
            break;
        }
        push(out, start, start + c.len_utf8());
        start += c.len_utf8();
    }
    let mut closing = Vec::new();
    while let Some(c) = text[start..end].chars().next_back() {
        if !CLOSERS.contains(&c) || start + c.len_utf8() == end {
            break;
        }
        if c == '.' && is_abbreviation(&text[start..end - 1]) {
            break;
        }
        closing.push((end - c.len_utf8(), end));
        end -= c.len_utf8();
    }
    let word = &text[start..end];
    let lower_tail = |suffix: &str| {
        word.len() > suffix.len()
            && word.is_char_boundary(word.len() - suffix.len())
            && word[word.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if let Some(suffix) = ["'s", "’s"].into_iter().find(|s| lower_tail(s)) {
        push(out, start, end - suffix.len());
        push(out, end - suffix.len(), end);
    } else if lower_tail("n't") && word.len() > 3 {
        push(out, start, end - 3);
        push(out, end - 3, end);
    } else {
        push(out, start, end);
    }
    for (s, e) in closing.into_iter().rev() {
        push(out, s, e);
    }
}

/// `U.S`, `a.m`, `Mr`, `J`: a word whose final period belongs to it.
fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    (word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.'))
        || (letters == 1 && word.chars().count() == 1)
        || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<&str>> {
        sentences(text)
            .into_iter()
            .map(|s| s.into_iter().map(|t| t.text).collect())
            .collect()
    }

    #[test]
    fn tokens_follow_the_training_data() {
        assert_eq!(
            words("Mr. Bakiyev's aides, in the U.S. capital, didn't say (\"no\")."),
            vec![vec![
                "Mr.", "Bakiyev", "'s", "aides", ",", "in", "the", "U.S.", "capital", ",", "did",
                "n't", "say", "(", "\"", "no", "\"", ")", "."
            ]]
        );
    }

    #[test]
    fn sentences_end_at_stops_and_line_breaks() {
        assert_eq!(
            words("He left. She stayed!\nHEADLINE HERE\nOn Jan. 5 it ended"),
            vec![
                vec!["He", "left", "."],
                vec!["She", "stayed", "!"],
                vec!["HEADLINE", "HERE"],
                vec!["On", "Jan.", "5", "it", "ended"],
            ]
        );
    }

    #[test]
    fn odd_text_gives_valid_tokens_and_never_panics() {
        let long = "x".repeat(10_000);
        for text in [
            "",
            "   \n\t ",
            "....!!!???",
            "'s n't 's",
            "\"'(",
            ".",
            "a.",
            "U.S.",
            "Ōsaka’s 東京 Москва 👍🏽 e\u{301}te\u{301}.",
            "ال\u{200f}قاهرة. Smith.",
            long.as_str(),
            &"word ".repeat(400),
        ] {
            let sentences = sentences(text);
            for sentence in &sentences {
                assert!(!sentence.is_empty() && sentence.len() <= MAX_SENTENCE);
                for t in sentence {
                    assert!(t.start < t.end, "{text:?}");
                    assert_eq!(&text[t.start..t.end], t.text);
                }
            }
        }
        // A page of words with no stop is cut, not one sentence.
        assert_eq!(sentences(&"word ".repeat(400)).len(), 3);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "«Reuters» — Jalal-Abad, Kyrgyzstan’s south…";
        for sentence in sentences(text) {
            for t in sentence {
                assert_eq!(&text[t.start..t.end], t.text);
            }
        }
    }
}
