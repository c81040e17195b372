//! The capitalised spans of a text that may be names, with their connectors and
//! particles, titles and sentence-initial common words taken off; and the lines in
//! title case, whose capitals are no evidence.

use std::ops::Range;

use rustc_hash::FxHashSet;

use super::{strip_possessive, Seg, PARTICLES};
use crate::lexicon::{
    CONNECTORS, EVENT_HEADS, OPENING_VERBS, ORG_HEADS, PLACE_HEADS, SENTENCE_STARTERS, TITLES,
    TITLE_MODIFIERS,
};

/// Words after which "of"/"the" continue a name: organisations' heads and the
/// heads of places' long names.
const EXTENDERS: &[&str] = &[
    "commonwealth",
    "republic",
    "kingdom",
    "gulf",
    "bay",
    "sea",
    "island",
    "islands",
    "province",
    "region",
    "city",
    "lake",
    "mount",
    "state",
    "states",
];

/// A capitalised span before labelling: indices of its word segments.
#[derive(Debug, Clone)]
pub(super) struct Span {
    pub(super) words: Vec<usize>,
    /// A title or role came right before it.
    pub(super) titled: bool,
    /// A lower-case organisation head follows ("Ata-Meken party").
    pub(super) head_after: Option<usize>,
}

/// Capitalised spans with their connectors, with sentence-initial common words and
/// leading titles taken off.
pub(super) fn spans(segs: &[Seg<'_>], known: &dyn Fn(&str) -> bool) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let starts_name = segs[i].capitalised()
            || (segs[i].word
                && ["al", "el"].contains(&segs[i].text)
                && segs.get(i + 1).is_some_and(|s| s.text == "-"));
        if !starts_name {
            i += 1;
            continue;
        }
        let mut words = vec![i];
        let mut j = i;
        // Joined through "of" after a head: "Department of Health and Human Services".
        let mut head_of = false;
        loop {
            let current = segs[j].text;
            let possessive = current.ends_with("'s") || current.ends_with("’s");
            // A hyphen or apostrophe joins the next word, whatever its case.
            if let (Some(joint), Some(next)) = (segs.get(j + 1), segs.get(j + 2)) {
                if ["-", "'", "’"].contains(&joint.text) && next.word && !possessive {
                    words.push(j + 2);
                    j += 2;
                    continue;
                }
            }
            let next_cap = |k: usize| segs.get(k).is_some_and(|s| s.capitalised());
            let space = |k: usize| segs.get(k).is_some_and(|s| s.text == " ");
            if space(j + 1) && next_cap(j + 2) {
                let head_next = EXTENDERS.contains(&segs[j + 2].lower().as_str())
                    || ORG_HEADS.contains(&segs[j + 2].lower().as_str());
                if !possessive || head_next {
                    words.push(j + 2);
                    j += 2;
                    continue;
                }
            }
            // Particles join the next capitalised word: "von der Leyen".
            let mut k = j + 2;
            let mut particles = Vec::new();
            while space(k - 1) && segs.get(k).is_some_and(|s| PARTICLES.contains(&s.text)) {
                particles.push(k);
                k += 2;
            }
            if !particles.is_empty() && space(k - 1) && next_cap(k) && !possessive {
                words.extend(particles);
                words.push(k);
                j = k;
                continue;
            }
            let extendable = {
                let lower = segs[j].lower();
                EXTENDERS.contains(&lower.as_str()) || ORG_HEADS.contains(&lower.as_str())
            };
            if extendable && space(j + 1) {
                // "of", "of the", "for": only when a capitalised word follows.
                let mut k = j + 2;
                let mut joined = Vec::new();
                while segs.get(k).is_some_and(|s| CONNECTORS.contains(&s.text)) && space(k + 1) {
                    joined.push(k);
                    k += 2;
                }
                if !joined.is_empty() && next_cap(k) {
                    words.extend(joined);
                    words.push(k);
                    j = k;
                    head_of = true;
                    continue;
                }
            }
            // "Institute of Allergy and Infectious Diseases": within such a name "and"
            // joins capitalised words too, but not two names ("Bank of America and
            // Wells Fargo", "Department of Justice and FBI").
            let and = segs.get(j + 2).is_some_and(|s| s.text == "and")
                && space(j + 1)
                && space(j + 3)
                && next_cap(j + 4)
                && !possessive;
            let two_names = known(current)
                || segs
                    .get(j + 4)
                    .is_some_and(|s| !s.text.chars().any(char::is_lowercase));
            if head_of && and && !two_names {
                words.extend([j + 2, j + 4]);
                j += 4;
                continue;
            }
            // "Securities and Exchange Commission": a known name with "and" in it.
            if and {
                let mut whole = words.clone();
                whole.extend([j + 2, j + 4]);
                let mut m = j + 4;
                while space(m + 1) && next_cap(m + 2) {
                    m += 2;
                    whole.push(m);
                }
                if known(&span_text(segs, &whole)) {
                    words = whole;
                    j = m;
                    continue;
                }
            }
            break;
        }
        i = j + 1;
        if let Some(span) = trim_span(segs, words, known) {
            out.push(span);
        }
    }
    out
}

/// The byte ranges of the lines written in title case: four to 25 words, seven in
/// ten capitalised, two capitalised words after the first that the text also writes
/// in lower case or that are function words ("On", "As", "Will"), and no final period.
/// A byline ("By Sarah Johnson and Michael Lee, CNN") has no such words, a sentence
/// listing names ("The members were Sir George Thomas, Betty Uber and ...") its period.
pub(super) fn title_case_lines(
    segs: &[Seg<'_>],
    lower_words: &FxHashSet<&str>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // A line break is a segment of its own.
    for line in segs.split(|s| s.text.contains('\n')) {
        let (Some(first), Some(last)) = (line.first(), line.last()) else {
            continue;
        };
        let words: Vec<&str> = line
            .iter()
            .filter(|s| s.word && s.text.starts_with(char::is_alphabetic))
            .map(|s| s.text)
            .collect();
        if !(4..=25).contains(&words.len()) {
            continue;
        }
        let capital = |w: &&&str| w.starts_with(char::is_uppercase);
        let capitals = words.iter().filter(capital).count();
        let common = words[1..]
            .iter()
            .filter(capital)
            .filter(|w| {
                let lower = w.to_lowercase();
                lower_words.contains(lower.as_str()) || SENTENCE_STARTERS.contains(&lower.as_str())
            })
            .count();
        // A sentence of names ends with its period; a headline does not.
        let sentence = line
            .iter()
            .rev()
            .find(|s| !s.text.trim().is_empty())
            .is_some_and(|s| s.text.ends_with('.'));
        if capitals * 10 >= words.len() * 7 && common >= 2 && !sentence {
            out.push(first.start..last.start + last.text.len());
        }
    }
    out
}

/// Takes titles, and the modifiers of a title ("Interim President", "Prime
/// Minister"), off the front of a name's words, and says whether there was one; a
/// modifier alone ("State Department") stays.
pub(super) fn strip_titles(segs: &[Seg<'_>], words: &mut Vec<usize>) -> bool {
    let lowers: Vec<String> = words
        .iter()
        .map(|&w| segs[w].lower().trim_end_matches('.').to_owned())
        .collect();
    let run = lowers
        .iter()
        .take_while(|w| TITLES.contains(&w.as_str()) || TITLE_MODIFIERS.contains(&w.as_str()))
        .count()
        .min(words.len().saturating_sub(1));
    let titled = lowers[..run].iter().any(|w| TITLES.contains(&w.as_str()));
    if titled {
        words.drain(..run);
    }
    titled
}

/// `known` tells a name of the gazetteer or the lists, which keeps on a first word
/// that would otherwise come off ("New York", "New Zealand" opening a sentence; not
/// "Police" alone, though a Polish town has that name).
fn trim_span(
    segs: &[Seg<'_>],
    mut words: Vec<usize>,
    known: &dyn Fn(&str) -> bool,
) -> Option<Span> {
    let mut titled = title_before(segs, *words.first()?);
    let first = segs[words[0]].lower();
    // A verb opens a slogan or an imperative wherever it stands ("to shout “Make
    // Trump pay”"), which otherwise makes "Make Trump" a name, and every Trump of the
    // text that name's surname. A head keeps it: "Help Desk", "Call Center".
    let last = segs[words[words.len() - 1]].lower();
    let headed = [ORG_HEADS, PLACE_HEADS, EVENT_HEADS]
        .iter()
        .any(|heads| heads.contains(&last.as_str()));
    let opener = (sentence_start(segs, words[0]) && SENTENCE_STARTERS.contains(&first.as_str()))
        || (words.len() > 1 && !headed && OPENING_VERBS.contains(&first.as_str()));
    if opener && !(words.len() > 1 && known(&span_text(segs, &words))) {
        words.remove(0);
    }
    while words.len() > 1 && segs[words[0]].lower() == "the" {
        words.remove(0);
    }
    titled |= strip_titles(segs, &mut words);
    while words
        .first()
        .is_some_and(|&w| CONNECTORS.contains(&segs[w].text) || !segs[w].word)
    {
        words.remove(0);
    }
    let first = *words.first()?;
    if words.len() == 1 {
        let word = segs[first].text;
        // "I", and contractions: "I've", "We'd", "Don't".
        let contraction = [
            "'ve", "'d", "'ll", "'re", "'m", "n't", "’ve", "’d", "’ll", "’re", "’m", "n’t",
        ]
        .iter()
        .any(|c| word.ends_with(c));
        if word.chars().count() == 1
            || contraction
            || TITLES.contains(&segs[first].lower().as_str())
        {
            return None;
        }
    }
    let last = *words.last()?;
    let head_after = (segs.get(last + 1).is_some_and(|s| s.text == " ")
        && segs.get(last + 2).is_some_and(|s| {
            s.word
                && [
                    "party",
                    "ministry",
                    "agency",
                    "movement",
                    "group",
                    "committee",
                ]
                .contains(&s.text)
        }))
    .then_some(last + 2);
    Some(Span {
        words,
        titled,
        head_after,
    })
}

/// The text a span covers, without a final possessive `'s`.
pub(super) fn span_text(segs: &[Seg<'_>], words: &[usize]) -> String {
    let mut text = String::new();
    let mut previous: Option<usize> = None;
    for &w in words {
        if let Some(p) = previous {
            text.push_str(&segs[p + 1..w].iter().map(|s| s.text).collect::<String>());
        }
        text.push_str(segs[w].text);
        previous = Some(w);
    }
    strip_possessive(&text).to_owned()
}

/// A title or role right before the word, across a period or a comma:
/// "Mr. Bakiyev", "correspondent, Monica Whitlock".
fn title_before(segs: &[Seg<'_>], i: usize) -> bool {
    let mut k = i;
    let mut period = false;
    while k > 0 {
        k -= 1;
        let s = &segs[k];
        if s.word {
            return TITLES.contains(&s.lower().as_str()) && (!period || abbreviation(s.text));
        }
        if ![" ", ".", ","].contains(&s.text) {
            return false;
        }
        period |= s.text == ".";
    }
    false
}

/// A title a period may follow within a sentence: "Mr.", "Gen.", "Sgt."; after
/// "general." or "president." a sentence has ended.
fn abbreviation(word: &str) -> bool {
    word.chars().count() <= 4
}

/// The first word of a sentence or a quote: nothing but spaces and brackets since the
/// start of the text, a line break, a sentence's final punctuation, a colon or dash
/// ("WATCH: ...", "(AP) — ...") or an opening quote.
pub(super) fn sentence_start(segs: &[Seg<'_>], i: usize) -> bool {
    let mut k = i;
    while k > 0 {
        k -= 1;
        let t = segs[k].text;
        if t.contains('\n') || [":", "—", "–", "“", "‘"].contains(&t) {
            return true;
        }
        if [" ", "\"", "'", "(", "["].contains(&t) {
            continue;
        }
        if [".", "!", "?", "…"].contains(&t) {
            // "Mr. Bakiyev": a period after a title ends no sentence.
            return !segs[..k].iter().rev().find(|s| s.word).is_some_and(|s| {
                (TITLES.contains(&s.lower().as_str()) && abbreviation(s.text))
                    || s.text.chars().count() == 1
            });
        }
        return false;
    }
    true
}
