//! Organisations by what the sentence has them do: a club that beats another or
//! stands beside a score ("Bologna beat Roma 2-1", a standings line "Bologna 12 8 2
//! 2"), a company with shares or one that "said it would". The gazetteer and the
//! cues of a person read such names as a city or a person; here the sentence decides,
//! and the name is that organisation wherever the text does not put it as a place
//! ("fans in Bologna"). A club is counted apart from its city: it has no GeoNames id.

use rustc_hash::{FxHashMap, FxHashSet};

use super::label::names_event;
use super::{strip_possessive, Name};
use crate::gazetteer::fold;
use crate::known;
use crate::lexicon::{COMPANY_AFTER, MATCH_VERBS, ORG_NOUNS, PERSON_NOUNS, TITLES};
use newsprep_core::document::Label;

/// Words after "shares" that make it a verb.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "this", "that", "how", "what", "my", "our",
    "your",
];

/// Verbs of a result that name a match only with a score after them: "Roma drew
/// 1-1", "Milan won 3-0" (but "drew crowds", "won the vote").
const SCORED_VERBS: &[&str] = &[
    "drew", "draw", "draws", "won", "win", "wins", "lost", "lose", "loses", "tied", "ties", "led",
    "leads", "trailed", "trail", "trails",
];

/// A team's staff and its players' positions: "Sabres center Casey Mittelstadt".
const POSITIONS: &[&str] = &[
    "coach",
    "manager",
    "captain",
    "goalie",
    "goalkeeper",
    "keeper",
    "defenseman",
    "defender",
    "center",
    "centre",
    "winger",
    "forward",
    "midfielder",
    "quarterback",
    "pitcher",
    "guard",
    "linebacker",
    "receiver",
    "rookie",
    "star",
    "teammate",
];

/// Words between a result and the other side: "drew 1-1 with Napoli", "a 2-1 defeat
/// to Napoli", "victory over Napoli".
const RESULT_LINKS: &[&str] = &["with", "to", "against", "over", "at", "past"];

/// Results that name a match by themselves before a link: "victory over Napoli".
const RESULT_NOUNS: &[&str] = &["win", "victory", "defeat", "loss", "draw"];

/// Words before a name that put it as a place: "fans in Bologna", "the mayor of
/// Toyota".
const PLACED_BY: &[&str] = &["in", "at", "near", "from", "outside", "across", "of", "to"];

/// Makes an organisation of each name the sentence shows acting as one, and of every
/// other mention of that name the text does not put as a place. A country stays a
/// country: "Spain beat Italy" names the countries' teams by the countries.
pub(super) fn organisations_acting(
    names: &mut [Name<'_>],
    text: &str,
    lower_words: &FxHashSet<&str>,
    is_place: impl Fn(&str) -> bool,
) {
    // A club is read as a place (not a country, "Spain beat Italy", nor a place of
    // the lists, "the Netherlands") or left unlabelled as one word; a company may be
    // read as a person too. Not a person a full name claims ("Neumann said it"), nor
    // two words the rules left ("defeated Taylor Fritz 7-6" is a tennis player), nor
    // a word the text writes in lower case ("Small investors"), nor an event ("the
    // World Series drew crowds"). One word read as a person plays as a club only when
    // it names a place or the text has other clubs (`team_page`: "Lazio lost 2-0 to
    // Torino"); "Federer beat Nadal" are people.
    let may_be = |n: &Name<'_>, acts: Acts, team_page: bool| {
        let surface = &text[n.start..n.end];
        let one_word = !surface.contains(' ');
        let proper = !lower_words.contains(surface.to_lowercase().as_str())
            && !surface
                .rsplit(['-', ' '])
                .next()
                .is_some_and(|w| w.starts_with(char::is_lowercase));
        acts != Acts::No
            && proper
            && !names_event(surface.split(' '))
            && match n.label {
                Some(Label::Loc) if !matches!(acts, Acts::Described | Acts::Team | Acts::Squad) => {
                    match n.place {
                        Some(p) => !p.is_country && !p.is_region,
                        None => known::place(surface).is_none(),
                    }
                }
                None => one_word && !matches!(acts, Acts::Described | Acts::Team | Acts::Squad),
                Some(Label::Person) if n.canonical.contains(' ') => false,
                Some(Label::Person) => match acts {
                    Acts::Company | Acts::Described => true,
                    Acts::Club => one_word && (team_page || is_place(surface)),
                    Acts::Team => one_word,
                    Acts::Squad => one_word && (team_page || surface.ends_with('s')),
                    Acts::No => false,
                },
                _ => false,
            }
    };
    let mut acting: FxHashMap<String, Acts> = FxHashMap::default();
    let mut team_page = false;
    for pass in [false, true] {
        for name in names.iter() {
            let acts = acts_as_organisation(text, name.start, name.end);
            if may_be(name, acts, pass) {
                acting.insert(fold(strip_possessive(&text[name.start..name.end])), acts);
                // A page of clubs is one where a place or an unnamed word plays: a
                // surname that is also a town ("Murray beat Wawrinka") makes none.
                team_page |= acts == Acts::Club && name.label != Some(Label::Person);
            }
        }
        // The second pass only for a page where the first found a club.
        if !team_page {
            break;
        }
    }
    if acting.is_empty() {
        return;
    }
    for name in names.iter_mut() {
        let surface = strip_possessive(&text[name.start..name.end]);
        let Some(&acts) = acting.get(&fold(surface)) else {
            continue;
        };
        let here = acts_as_organisation(text, name.start, name.end) != Acts::No;
        let placed = PLACED_BY.contains(&word_before(text, name.start).as_str());
        if may_be(name, acts, team_page) && (here || !placed) {
            name.label = Some(Label::Org);
            name.canonical = surface.to_owned();
            name.place = None;
            name.part = false;
        }
    }
}

/// What a sentence shows a name doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Acts {
    No,
    Club,
    Company,
    /// An apposition calls it a company: taken only from a name read as a person
    /// ("Ascom, a global solutions provider"); after a place or a sentence's first
    /// word it is as often the next clause's subject ("Frankfurt, the CDF team went").
    Described,
    /// One word after "the" ("the Sabres", "the Wild's win"): a person is not. Taken
    /// only from a name read as a person: "the Hague" is a place.
    Team,
    /// One word before a team's role and a name: "Wild coach Bruce Boudreau",
    /// "Sabres center Casey Mittelstadt". A person's aide is as often named so ("Trump
    /// lawyer Rudy Giuliani"), so only plural or on a page of clubs.
    Squad,
}

/// A match verb before or after the name or a score after it, a standings line
/// after it, or a company's words after it; "the" before one word, or a team's
/// position and a name after it.
fn acts_as_organisation(text: &str, start: usize, end: usize) -> Acts {
    let before = word_before(text, start);
    let rest = &text[end..];
    // "Toyota's profit": the company's words may follow a possessive.
    let unowned = rest.strip_prefix("'s").or_else(|| rest.strip_prefix("’s"));
    let after: Vec<String> = unowned
        .unwrap_or(rest)
        .split([' ', '\n'])
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|w| w.trim_end_matches([',', '.', ';', ':']).to_lowercase())
        .collect();
    let next = after.first().map_or("", String::as_str);
    let word = |k: usize| after.get(k).map_or("", String::as_str);
    // "Sabatier shares the formula": a verb, not the company's shares.
    let shares_verb = next == "shares" && DETERMINERS.contains(&word(1));
    // "X said it would close", "X said its profit": a person says "it was" as often,
    // and "it would be".
    let said_it = unowned.is_none()
        && ["said", "says"].contains(&next)
        && (word(1) == "its"
            || (word(1) == "it"
                && ["would", "will", "plans", "expects", "had", "has"].contains(&word(2))
                && !["be", "been"].contains(&word(3))));
    let company = (COMPANY_AFTER.contains(&next) && !shares_verb) || said_it;
    let squad = unowned.is_none()
        && POSITIONS.contains(&next)
        && !text[start..end].contains(' ')
        && rest
            .split([' ', '\n'])
            .filter(|w| !w.is_empty())
            .nth(1)
            .is_some_and(|w| w.starts_with(char::is_uppercase));
    // "the Steelers spent", "the Wild's win", "for the Wild."; not "the Trump
    // administration", where one name stands before the noun it qualifies.
    let the_team = before == "the"
        && (text[start..end].ends_with('s')
            || !rest
                .strip_prefix(' ')
                .is_some_and(|w| w.starts_with(char::is_lowercase)));
    let team = the_team && !text[start..end].contains(' ');
    // "Viera d. Rockledge 3-1" in results, but "Group D. The day".
    let defeated = before == "d." && text[..start].trim_end().ends_with(" d.");
    // "drew 1-1 with Napoli", "a 2-1 defeat to Napoli": the other side of a result.
    let other_side = RESULT_LINKS.contains(&before.as_str()) && {
        let head = text[..start].trim_end();
        let result = word_before(text, head.rfind([' ', '\n', '(']).unwrap_or(0));
        score(&result) || RESULT_NOUNS.contains(&result.as_str())
    };
    let club = (MATCH_VERBS.contains(&before.as_str()) && before != "d.")
        || defeated
        || other_side
        || (unowned.is_none()
            && (MATCH_VERBS.contains(&next)
                || score(next)
                || (SCORED_VERBS.contains(&next) && score(word(1)))))
        || standings(text, start, end);
    if company {
        Acts::Company
    } else if club {
        Acts::Club
    } else if team {
        Acts::Team
    } else if squad {
        Acts::Squad
    } else if described(rest) {
        Acts::Described
    } else {
        Acts::No
    }
}

/// An apposition that says the name is an organisation: ", a global solutions
/// provider focused on ...", ", the Serie A side". Not one that names a person's role
/// too: ", a former company director".
fn described(rest: &str) -> bool {
    let Some(apposition) = rest.strip_prefix(", ") else {
        return false;
    };
    let mut words: Vec<String> = Vec::new();
    for word in apposition.split(' ').take(APPOSITION_WORDS) {
        let bare = word.trim_end_matches([',', '.', ';', ':']);
        words.push(strip_possessive(bare).to_lowercase());
        if bare.len() < word.len() {
            break;
        }
    }
    let opens = words
        .first()
        .is_some_and(|w| ["a", "an", "the"].contains(&w.as_str()));
    let role = words
        .iter()
        .any(|w| TITLES.contains(&w.as_str()) || PERSON_NOUNS.contains(&w.as_str()));
    opens && !role && words.iter().any(|w| ORG_NOUNS.contains(&w.as_str()))
}

/// How many words of an apposition may come before its head noun: "a global
/// solutions provider" has four.
const APPOSITION_WORDS: usize = 5;

/// "2-1", "110-102": a score.
fn score(word: &str) -> bool {
    let word = word.trim_end_matches([',', '.', ';', ')']);
    let Some((a, b)) = word.split_once(['-', '–']) else {
        return false;
    };
    let digits = |s: &str| (1..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit());
    digits(a) && digits(b)
}

/// A standings or results line after the name: nothing but numbers (and maybe other
/// names and their numbers) to the end of the line, three numbers at least: "Bologna
/// 12 8 2 2 26"; "Leeds 2 Everton 1" is too short to tell. Written as a list in prose
/// ("Napoli 28, Roma 25, Lazio 24", the last between a number and its own) only when
/// its line says it is a table: "Phoenix 112, Tucson 106" are temperatures.
fn standings(text: &str, start: usize, end: usize) -> bool {
    let number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    let score_like = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '–')
    };
    let line = text[end..].split('\n').next().unwrap_or("");
    let of_numbers = |words: &[&str]| {
        let numbers = words.iter().filter(|w| score_like(w)).count();
        words.first().is_some_and(|w| number(w)) && numbers >= 3 && numbers * 2 >= words.len()
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    if of_numbers(&words) {
        return true;
    }
    let whole_line = text[..start]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .to_lowercase()
        + line;
    let table = ["points", "pts", "table", "standings"]
        .iter()
        .any(|cue| whole_line.contains(cue));
    if !table {
        return false;
    }
    let bare: Vec<&str> = words
        .iter()
        .map(|w| w.trim_end_matches([',', '.', ';']))
        .collect();
    // Points, not years: "In 2010, Paris 3 was filmed" is no list.
    let small = |w: &str| number(w) && w.len() <= 3;
    let before = text[..start].trim_end();
    let last_of_list = before.ends_with(',')
        && small(
            before
                .rsplit([' ', '\n'])
                .next()
                .unwrap_or("")
                .trim_end_matches(','),
        )
        && bare.first().is_some_and(|w| small(w));
    of_numbers(&bare) || last_of_list
}

/// The word before `at`, lower-case, without the punctuation after it.
fn word_before(text: &str, at: usize) -> String {
    text[..at]
        .trim_end()
        .rsplit([' ', '\n', '('])
        .next()
        .unwrap_or("")
        .trim_end_matches([',', ';', ':'])
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acts(text: &str, name: &str) -> bool {
        let start = text.find(name).expect("in text");
        acts_as_organisation(text, start, start + name.len()) != Acts::No
    }

    #[test]
    fn clubs_and_companies_act_as_organisations() {
        assert!(acts("Bologna beat Roma 2-1 on Sunday.", "Bologna"));
        assert!(acts("Bologna beat Roma 2-1 on Sunday.", "Roma"));
        assert!(acts("Lazio 3 Napoli 1\nBologna 12 8 2 2 26", "Bologna"));
        let table = "The table: Inter 30, Napoli 28, Roma 25, Lazio 24.";
        assert!(acts(table, "Napoli") && acts(table, "Lazio"));
        let weather = "Highs: Phoenix 112, Tucson 106, Yuma 110.";
        assert!(!acts(weather, "Phoenix") && !acts(weather, "Yuma"));
        assert!(!acts(
            "In 2010, Paris 3 was filmed, the table said.",
            "Paris"
        ));
        assert!(acts("Toyota said it would close the plant.", "Toyota"));
        assert!(acts("Toyota shares rose 2%.", "Toyota"));
        assert!(acts("Toyota's profit fell.", "Toyota"));
        assert!(acts(
            "Ascom, a global solutions provider focused on care.",
            "Ascom"
        ));
        assert!(!acts(
            "Jane Roe, a former company director, said.",
            "Jane Roe"
        ));
        assert!(acts("Roma drew 1-1 with Napoli.", "Roma"));
        assert!(acts("Roma drew 1-1 with Napoli.", "Napoli"));
        assert!(acts("Lazio lost 2-0 to Torino.", "Torino"));
        assert!(acts("A late victory over Genoa lifted them.", "Genoa"));
        assert!(!acts("Roma drew crowds with Napoli's dishes.", "Roma"));
        assert!(!acts("The mayor won the vote in Genoa.", "Genoa"));
        assert!(!acts("Flights to Torino resumed.", "Torino"));
        assert!(!acts("Officials in Bologna said on Sunday.", "Bologna"));
        assert!(!acts("Bologna said the vote was fair.", "Bologna"));
        assert!(!acts("The 2-1 vote in Bologna passed.", "Bologna"));
    }

    #[test]
    fn a_team_is_the_one_word_after_the_or_before_a_position_and_a_name() {
        let acts_so = |text: &str, name: &str| {
            let start = text.find(name).expect("in text");
            acts_as_organisation(text, start, start + name.len())
        };
        assert_eq!(
            acts_so("It was a dagger for the Sabres.", "Sabres"),
            Acts::Team
        );
        assert_eq!(
            acts_so("The Steelers spent Monday on it.", "Steelers"),
            Acts::Team
        );
        assert_eq!(
            acts_so("Doctors said the Trump administration lied.", "Trump"),
            Acts::No
        );
        assert_eq!(
            acts_so("Wild coach Bruce Boudreau said.", "Wild"),
            Acts::Squad
        );
        assert_eq!(
            acts_so("He stripped Sabres center Casey Mittelstadt.", "Sabres"),
            Acts::Squad
        );
        assert_eq!(
            acts_so("Trump lawyer Rudy Giuliani said.", "Trump"),
            Acts::No
        );
        assert_eq!(
            acts_so("Bruce Boudreau, the coach, said.", "Bruce"),
            Acts::No
        );
        // The role must be someone's: "Smith coach of the year" is no team's.
        assert_eq!(acts_so("Smith coach of the year again.", "Smith"), Acts::No);
    }
}
