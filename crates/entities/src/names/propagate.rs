//! People across a text: once a full name is a person, its parts are that person
//! wherever they stand.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{strip_possessive, Name, PARTICLES};
use crate::gazetteer::fold;
use crate::lexicon::{FIRST_NAMES, TITLES};
use newsprep_core::document::Label;

/// Once a full name is a person, its last word and the full name are that person
/// wherever they stand; a single name of a known person takes the full name. A place
/// the rules found gives way to a full name's last word ("Diego Silang", then the town
/// of Silang) or to a person the rules found, not to one word the model alone read as
/// a person once ("Will Toronto's airport"), which would make every "Toronto" one.
pub(super) fn propagate_people(names: &mut [Name<'_>], text: &str) {
    let mut by_name: FxHashMap<String, String> = FxHashMap::default();
    // The names claimed by more than one word of the model's.
    let mut firm: FxHashSet<String> = FxHashSet::default();
    for name in names.iter().filter(|n| n.label == Some(Label::Person)) {
        let parts: Vec<&str> = name.canonical.split(' ').collect();
        if !name.by_model || parts.len() > 1 {
            firm.insert(fold(parts[parts.len() - 1]));
            firm.insert(fold(&name.canonical));
        }
        // A full name claims its last word, and its surname from a particle on ("von
        // der Leyen"); a single name claims only itself.
        let particle = parts[1..]
            .iter()
            .position(|p| PARTICLES.contains(&p.to_lowercase().as_str()));
        let surnames = parts
            .last()
            .map(|last| fold(last))
            .into_iter()
            .chain(particle.map(|k| fold(&parts[k + 1..].join(" "))));
        for key in surnames {
            let entry = by_name.entry(key).or_insert_with(|| name.canonical.clone());
            // The fullest name wins: "Ursula von der Leyen" over "Von der Leyen".
            let longer = parts.len() > entry.split(' ').count();
            if longer && fold(&name.canonical).ends_with(&fold(entry)) {
                *entry = name.canonical.clone();
            }
        }
        by_name
            .entry(fold(&name.canonical))
            .or_insert_with(|| name.canonical.clone());
    }
    for name in names.iter_mut() {
        let surface = strip_possessive(&text[name.start..name.end]);
        let key = fold(surface);
        let Some(full) = by_name.get(&key) else {
            continue;
        };
        // The model's one reading of a person's full name as an organisation gives
        // way ("schism with [Taylor Swift]"); a rule's organisation stands.
        let model_full_name = name.by_model && surface.contains(' ');
        if (matches!(name.label, Some(Label::Org | Label::Norp)) && !model_full_name)
            || name.place.is_some_and(|p| p.is_country)
            || (name.place.is_some() && !name.by_model && !firm.contains(&key))
        {
            continue;
        }
        name.label = Some(Label::Person);
        name.canonical = full.clone();
        name.place = None;
    }
}

/// The word before `at`, lower-case without a final period, and as written.
fn word_before(text: &str, at: usize) -> (String, &str) {
    let word = text[..at]
        .trim_end_matches(' ')
        .rsplit([' ', '\n'])
        .next()
        .unwrap_or("");
    (word.trim_end_matches('.').to_lowercase(), word)
}

/// Titles that go with a first name alone and make a name of it: "Prince Andrew",
/// "Pope Francis", "Queen Elizabeth".
const FIRST_NAME_TITLES: &[&str] = &[
    "prince", "princess", "king", "queen", "pope", "duke", "duchess", "emperor", "empress",
    "sheikh", "sultan", "emir",
];

/// A person named by a common first name alone ("Andrew", "Mike") is the one person of
/// the text whose full name starts with it; with a royal or religious title before it
/// the title and the name are the name ("Prince Andrew"); after another title ("Mr.
/// Thomas", "President Xi") it is a surname and stays. Otherwise it names no one the
/// corpus can count, and loses its label: twenty "Mike"s of one obituary are no
/// entity of the top lists, and "Andrew" of one article no one of another's.
pub(super) fn first_names_alone(names: &mut [Name<'_>], text: &str) {
    let mut full: Vec<String> = names
        .iter()
        .filter(|n| n.label == Some(Label::Person) && n.canonical.contains(' '))
        .map(|n| n.canonical.clone())
        .collect();
    // Titled ones first: "Prince Charles visited. Charles waved." is one person.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| {
        !FIRST_NAME_TITLES.contains(&word_before(text, names[i].start).0.as_str())
    });
    for i in order {
        let name = &mut names[i];
        let alone = name.label == Some(Label::Person)
            && !name.canonical.contains(' ')
            && FIRST_NAMES.contains(&name.canonical.to_lowercase().as_str());
        if !alone {
            continue;
        }
        let first = fold(&name.canonical);
        // "Mike Pence" gives "Mike", "Prince Charles" gives "Charles".
        let gives = |f: &&String| {
            let mut words = f.split(' ');
            let (one, two) = (words.next().unwrap_or(""), words.next());
            fold(one) == first
                || (FIRST_NAME_TITLES.contains(&one.to_lowercase().as_str())
                    && two.is_some_and(|w| fold(w) == first)
                    && words.next().is_none())
        };
        let mut given: Vec<&String> = full.iter().filter(gives).collect();
        given.sort_unstable();
        given.dedup();
        if let [one] = given[..] {
            name.canonical = one.clone();
            continue;
        }
        let (title_lower, title) = word_before(text, name.start);
        if FIRST_NAME_TITLES.contains(&title_lower.as_str())
            && title.starts_with(char::is_uppercase)
        {
            name.canonical = format!("{title} {}", name.canonical);
            full.push(name.canonical.clone());
        } else if !TITLES.contains(&title_lower.as_str()) {
            name.label = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Place;

    fn place(name: &str) -> Place {
        Place {
            geonames_id: 1,
            name: name.to_owned(),
            is_country: false,
            is_region: false,
            country_code: "CA".to_owned(),
            lat: None,
            lon: None,
            population: 2_600_000,
        }
    }

    fn name<'p>(
        text: &str,
        at: &str,
        label: Label,
        place: Option<&'p Place>,
        by_model: bool,
    ) -> Name<'p> {
        let start = text.find(at).expect("in text");
        Name {
            start,
            end: start + at.len(),
            label: Some(label),
            canonical: at.to_owned(),
            place,
            by_model,
            part: false,
        }
    }

    #[test]
    fn one_word_the_model_read_as_a_person_does_not_take_a_place_from_the_rules() {
        let text = "Toronto airport. Flights to Toronto. Diego Silang was born in Silang.";
        let (toronto, silang) = (place("Toronto"), place("Silang"));
        let mut names = vec![
            name(text, "Toronto", Label::Person, None, true),
            name(&text[17..], "Toronto", Label::Loc, Some(&toronto), false),
            name(text, "Diego Silang", Label::Person, None, true),
            name(&text[50..], "Silang", Label::Loc, Some(&silang), false),
        ];
        names[1].start += 17;
        names[1].end += 17;
        names[3].start += 50;
        names[3].end += 50;
        propagate_people(&mut names, text);
        let labels: Vec<(&str, Option<Label>)> = names
            .iter()
            .map(|n| (&text[n.start..n.end], n.label))
            .collect();
        assert_eq!(
            labels,
            [
                ("Toronto", Some(Label::Person)),
                ("Toronto", Some(Label::Loc)),
                ("Diego Silang", Some(Label::Person)),
                ("Silang", Some(Label::Person)),
            ]
        );
        assert_eq!(names[3].canonical, "Diego Silang");
    }
}
