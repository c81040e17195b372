//! Names the text says are things: "Jupiter's moon Europa", "Stadia, Google's
//! streaming gaming platform". Such a name is no person and no place anywhere in the
//! text, however it reads elsewhere ("Stadia can do", "on Stadia").

use rustc_hash::FxHashSet;

use super::{strip_possessive, Name};
use crate::gazetteer::fold;
use crate::lexicon::THING_NOUNS;
use newsprep_core::document::Label;

/// Units of a thing's size or capacity after a number: "16-inch", "64GB". Not a
/// person's height: "the 7-foot Embiid", "the 190cm Smith".
const UNITS: &[&str] = &[
    "inch", "gb", "tb", "mb", "mp", "mah", "hz", "ghz", "w", "kw", "kwh", "nm", "core",
];

/// Words before a thing one has or counts: "a MacBook Pro", "my iPad".
pub(super) const OWNING: &[&str] = &["a", "an", "my", "your", "our", "their", "his", "its"];

/// Whether the name ending at `end` ends its noun phrase: punctuation or a word that
/// follows a phrase comes next ("a MacBook Pro to the limit"), not a noun the name
/// qualifies ("a Trump supporter").
pub(super) fn ends_phrase(text: &str, end: usize) -> bool {
    let next = text[end..]
        .trim_start_matches(['’', '\''])
        .split_whitespace()
        .next();
    next.is_none_or(|w| {
        !w.starts_with(char::is_alphanumeric)
            || PHRASE_ENDS.contains(&w.trim_end_matches([',', '.', ';', ':']))
    })
}

/// Words that follow a noun phrase, not a noun it qualifies.
const PHRASE_ENDS: &[&str] = &[
    "to", "when", "with", "and", "or", "in", "on", "at", "for", "from", "while", "that", "which",
    "is", "was", "has", "had", "will", "can", "but",
];

/// How many words an apposition may have before its head noun: "Google's new
/// cloud gaming platform" has five.
const APPOSITION_WORDS: usize = 6;

/// Takes the person or place label off every name the text calls a thing somewhere.
pub(super) fn drop_things(names: &mut [Name<'_>], text: &str) {
    let things: FxHashSet<String> = names
        .iter()
        .filter(|n| said_to_be_a_thing(text, n.start, n.end))
        .map(|n| fold(strip_possessive(&text[n.start..n.end])))
        .collect();
    if things.is_empty() {
        return;
    }
    for name in names.iter_mut() {
        let person_or_place = matches!(name.label, Some(Label::Person | Label::Loc));
        // A country stays a country whatever the text compares it to.
        let country = name.place.is_some_and(|p| p.is_country);
        if person_or_place
            && !country
            && things.contains(&fold(strip_possessive(&text[name.start..name.end])))
        {
            name.label = None;
        }
    }
}

/// A thing's noun, a measure, or "a" or "my" before a name that ends its phrase
/// ("the streaming service Stadia", "moon Europa", "the 16-inch MacBook Pro",
/// "charging a MacBook Pro —"), or a thing's noun heading an apposition right after
/// it (", Google's gaming platform,", ", one of Jupiter's 79 moons."). The noun must
/// end the apposition: in "Trump, who played the game," or "Biden, the app's
/// critic," no thing is named.
fn said_to_be_a_thing(text: &str, start: usize, end: usize) -> bool {
    let thing = |word: &str| {
        let word = word.to_lowercase();
        THING_NOUNS.contains(&word.as_str())
            || word
                .strip_suffix('s')
                .is_some_and(|one| THING_NOUNS.contains(&one))
    };
    let before = text[..start].strip_suffix(' ').unwrap_or("");
    let previous = before.rsplit([' ', '\n']).next().unwrap_or("");
    if previous.starts_with(char::is_lowercase) && thing(previous) {
        return true;
    }
    // A size or a capacity before it: "the 16-inch MacBook Pro", "a 64GB iPad"; an
    // age or a rank is a person's ("the 45-year-old Smith", "the 14th-ranked
    // Schwartzman").
    let unit = previous
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start_matches('-')
        .to_lowercase();
    let measure =
        previous.starts_with(|c: char| c.is_ascii_digit()) && UNITS.contains(&unit.as_str());
    if measure {
        return true;
    }
    // Something one has or counts: "charging a MacBook Pro —", "in my MacBook Pro
    // when". Not "a Trump supporter", where the name qualifies the noun after it.
    // Only a name shaped as a product's ("MacBook", "iPad", "Galaxy S10"): "a Kennedy
    // has run", "a London that works" name a person and a place.
    let name = &text[start..end];
    let product_shaped = name.split(' ').any(|w| {
        w.contains(|c: char| c.is_ascii_digit())
            || w.chars()
                .skip(1)
                .zip(w.chars())
                .any(|(c, before)| c.is_uppercase() && before.is_lowercase())
    });
    let owned = OWNING.contains(&previous) && product_shaped;
    if owned && ends_phrase(text, end) {
        return true;
    }
    let Some(apposition) = text[end..].strip_prefix(", ") else {
        return false;
    };
    let close = apposition
        .find(|c: char| !(c.is_alphanumeric() || [' ', '-', '\'', '’'].contains(&c)))
        .unwrap_or(apposition.len());
    let words: Vec<&str> = apposition[..close].split(' ').collect();
    let relative = words
        .first()
        .is_some_and(|w| ["who", "whose", "which", "that"].contains(w));
    !relative
        && words.len() <= APPOSITION_WORDS
        && words
            .last()
            .is_some_and(|w| w.starts_with(char::is_lowercase) && thing(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(text: &str, name: &str) -> bool {
        let start = text.find(name).expect("in text");
        said_to_be_a_thing(text, start, start + name.len())
    }

    #[test]
    fn a_thing_is_said_by_a_noun_before_or_an_apposition_after() {
        assert!(said("water on Jupiter's icy moon Europa.", "Europa"));
        assert!(said(
            "Stadia, Google's streaming gaming platform, launches",
            "Stadia"
        ));
        assert!(said(
            "plumes on Europa, one of Jupiter's 79 moons.",
            "Europa"
        ));
        assert!(said(
            "Following the 16-inch MacBook Pro, Apple",
            "MacBook Pro"
        ));
        assert!(said("a 64GB iPad Air", "iPad Air"));
        assert!(!said("The 45-year-old Smith was charged.", "Smith"));
        assert!(!said("the 14th-ranked Schwartzman said", "Schwartzman"));
        assert!(said("push a MacBook Pro to the limit", "MacBook Pro"));
        assert!(said("battery in my MacBook Pro when", "MacBook Pro"));
        assert!(!said("He is a Trump supporter.", "Trump"));
        assert!(!said("the first time a Kennedy has run", "Kennedy"));
        assert!(!said("He built a London that works.", "London"));
        assert!(!said("the 7-foot Embiid scored", "Embiid"));
        assert!(!said("In 2019 Smith was charged.", "Smith"));
        assert!(!said("Trump, who played the game, left.", "Trump"));
        assert!(!said("Biden, the app's fiercest critic, spoke.", "Biden"));
        assert!(!said(
            "Mary Smith, a spokeswoman, said the service was fine.",
            "Mary Smith"
        ));
    }
}
