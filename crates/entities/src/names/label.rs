//! The rules that label a capitalised span PERSON, LOC, ORG or NORP, or leave it
//! unlabelled, from the words in and around it and what the whole text tells.

use rustc_hash::FxHashMap;

use super::spans::{span_text, strip_titles, Span};
use super::{strip_possessive, Context, Name, Seg, Tagger, PARTICLES};
use crate::gazetteer::Place;
use crate::known;
use crate::lexicon::{
    EVENT_HEADS, FIRST_NAMES, ORG_HEADS, PERSON_NOUNS, PLACE_HEADS, REPORTING_VERBS, TITLES,
    TITLE_MODIFIERS,
};
use newsprep_core::document::Label;

/// The first words of clubs' names: "Real Madrid", "AC Milan", "Borussia Dortmund".
const CLUB_PREFIXES: &[&str] = &[
    "ac",
    "afc",
    "as",
    "atletico",
    "atlético",
    "bayer",
    "borussia",
    "dinamo",
    "dynamo",
    "fc",
    "olympique",
    "racing",
    "real",
    "sc",
    "sporting",
    "ss",
];

/// The last words of clubs' names: "Leeds United", "Blackburn Rovers".
const CLUB_SUFFIXES: &[&str] = &[
    "afc",
    "albion",
    "athletic",
    "fc",
    "hotspur",
    "rovers",
    "sc",
    "united",
    "wanderers",
];

/// Words before a name that say where: a place follows them, not a person.
const LOCATIVES: &[&str] = &["in", "at", "near", "from", "outside", "across"];

impl<'g> Tagger<'g> {
    /// A place the gazetteer or the lists know, or a known organisation, by this
    /// whole name. Single words are often such names by chance ("Police", "One").
    pub(super) fn is_known_name(&self, text: &str) -> bool {
        !self.gazetteer.lookup(text).is_empty()
            || known::place(text).is_some()
            || known::org(text).is_some()
    }

    /// How much the document talks about each country: a country named counts 2, a
    /// city 1 when one reading of its name clearly dominates (five times the people of
    /// any other), a group of people ("Kyrgyz") 1. Names as ambiguous as Jalalabad
    /// (Kyrgyz or Afghan) give no evidence; they are what the evidence is for.
    pub(super) fn country_evidence(
        &self,
        segs: &[Seg<'_>],
        spans: &[Span],
    ) -> FxHashMap<String, usize> {
        let mut evidence: FxHashMap<String, usize> = FxHashMap::default();
        for span in spans {
            let text = span_text(segs, &span.words);
            let mut places = self.gazetteer.lookup(&text);
            places.sort_by_key(|p| {
                (
                    std::cmp::Reverse(p.is_country),
                    std::cmp::Reverse(p.population),
                )
            });
            if let Some(top) = places.first() {
                let dominant = places.iter().skip(1).all(|p| {
                    p.country_code == top.country_code
                        || p.population.saturating_mul(5) <= top.population
                });
                if top.is_country || dominant {
                    *evidence.entry(top.country_code.clone()).or_default() +=
                        if top.is_country { 2 } else { 1 };
                }
            }
            if let Some((_, Some(code))) = known::group(&text) {
                *evidence.entry(code.to_owned()).or_default() += 1;
            }
        }
        evidence
    }

    pub(super) fn label(
        &self,
        segs: &[Seg<'_>],
        span: &Span,
        context: &Context<'_>,
    ) -> Vec<Name<'g>> {
        let words = &span.words;
        let mut text = span_text(segs, words);
        // The text runs from the first word, without a final possessive.
        let start = segs[words[0]].start;
        let mut end = start + text.len();
        // "U.S." ends with its period, which the word segmenter leaves outside.
        let last = *words.last().unwrap_or(&words[0]);
        if text.contains('.')
            && segs.get(last + 1).is_some_and(|s| s.text == ".")
            && text.len() <= 6
        {
            text.push('.');
            end += 1;
        }
        let name = |label, canonical: String, place, start, end| Name {
            start,
            end,
            label: Some(label),
            canonical,
            place,
            by_model: false,
            part: false,
        };
        let unlabelled = |canonical: String| Name {
            label: None,
            ..name(Label::Person, canonical, None, start, end)
        };
        let located = |place: &'g Place, start| {
            vec![name(
                Label::Loc,
                place.name.clone(),
                Some(place),
                start,
                end,
            )]
        };

        if let Some(canonical) = known_org(&text, context) {
            return vec![name(Label::Org, canonical, None, start, end)];
        }
        if let Some(canonical) = known::place(&text) {
            return vec![name(Label::Loc, canonical.to_owned(), None, start, end)];
        }
        if span.head_after.is_some() {
            return vec![name(Label::Org, text, None, start, end)];
        }
        let lowers: Vec<String> = words.iter().map(|&w| segs[w].lower()).collect();
        // "Real Madrid", "AC Milan", "Leeds United": a club's prefix or suffix makes
        // an organisation of a city's name, which is then no place of its own.
        let club = lowers.len() > 1
            && text.contains(' ')
            && (CLUB_PREFIXES.contains(&lowers[0].as_str())
                || CLUB_SUFFIXES.contains(&lowers[lowers.len() - 1].as_str()));
        if club {
            return vec![name(Label::Org, text, None, start, end)];
        }
        // "State Department James Ereli": an organisation's head inside a span ends the
        // organisation, and what follows is a name of its own; so does a known
        // organisation before a title ("NATO Secretary-General Jens Stoltenberg").
        let head = lowers[..lowers.len() - 1]
            .iter()
            .rposition(|w| ORG_HEADS.contains(&w.as_str()))
            .filter(|&k| segs[words[k + 1]].capitalised());
        let before_title = || {
            (0..words.len() - 1).find(|&k| {
                let next = lowers[k + 1].trim_end_matches('.');
                let is_title = |w: &str| TITLES.contains(&w) || TITLE_MODIFIERS.contains(&w);
                // The title run must be followed by a name: "Fed Chair Jerome Powell".
                let titles = lowers[k + 1..]
                    .iter()
                    .take_while(|w| is_title(w.trim_end_matches('.')))
                    .count();
                is_title(next)
                    && !is_title(lowers[k].trim_end_matches('.'))
                    && k + 1 + titles < words.len()
                    && lowers[k + 1..k + 1 + titles]
                        .iter()
                        .any(|w| TITLES.contains(&w.trim_end_matches('.')))
            })
        };
        if let Some(k) = head.or_else(before_title) {
            let (org, rest) = words.split_at(k + 1);
            // "Senate Majority Leader Chuck Schumer": a title may follow the organisation.
            let mut rest = rest.to_vec();
            let titled = strip_titles(segs, &mut rest);
            let mut out = self.label(
                segs,
                &Span {
                    words: org.to_vec(),
                    titled: false,
                    head_after: None,
                },
                context,
            );
            out.extend(self.label(
                segs,
                &Span {
                    words: rest,
                    titled,
                    head_after: span.head_after,
                },
                context,
            ));
            return out;
        }
        if lowers.len() > 1 && lowers.iter().any(|w| ORG_HEADS.contains(&w.as_str())) {
            return vec![name(Label::Org, text, None, start, end)];
        }
        if let Some((canonical, _)) = known::group(&text) {
            return vec![name(Label::Norp, canonical.to_owned(), None, start, end)];
        }
        // "George River", "Davis Cup": the last word makes a place or an event of a name
        // that would otherwise pass for a person.
        if let Some(head) = lowers.last().filter(|_| lowers.len() > 1) {
            if names_event(lowers.iter().map(String::as_str)) {
                // Kept unlabelled, so that the model names no part of it either.
                return vec![unlabelled(text)];
            }
            if PLACE_HEADS.contains(&head.as_str()) {
                let place = self.place(segs, span, &text, context);
                let canonical = place.map_or_else(|| text.clone(), |p| p.name.clone());
                return vec![name(Label::Loc, canonical, place, start, end)];
            }
        }
        // "St. Petersburg", "Saint Louis": the saint's title is part of a place's name.
        let saint = segs[..words[0]]
            .iter()
            .rposition(|s| s.word)
            .filter(|&k| ["st", "saint"].contains(&segs[k].lower().as_str()));
        if let Some(k) = saint {
            let whole = format!("Saint {text}");
            if let Some(place) = likeliest(self.gazetteer.lookup(&whole), &context.evidence) {
                return located(place, segs[k].start);
            }
        }
        if self.looks_like_person(segs, span, &lowers) {
            return vec![name(Label::Person, text, None, start, end)];
        }
        if let Some(place) = self.place(segs, span, &text, context) {
            return located(place, start);
        }
        // A span no rule names as a whole may still hold a group, a known name or a
        // place: "Ethnic Uzbek", "Russian Interfax". Not one joined by particles,
        // which make one name of it. Without such a part it stays one unlabelled
        // name, which a person named in full elsewhere claims whole ("Taylor Swift's
        // management"); its words are no names of their own ("MacBook Pro" is no "Pro").
        if words.len() > 1 && !has_particle(segs, words) {
            let mut parts = Vec::new();
            for &w in words {
                let one = Span {
                    words: vec![w],
                    titled: false,
                    head_after: None,
                };
                // A fragment is no person, and a place only if a country: "Russia-led"
                // yes, "Central" of "Central Asian" no.
                let part = self.label(segs, &one, context);
                parts.extend(
                    part.into_iter()
                        .map(|n| Name { part: true, ..n })
                        .filter(|n| {
                            n.label.is_some()
                                && n.label != Some(Label::Person)
                                && n.place.is_none_or(|p| p.is_country)
                        }),
                );
            }
            if !parts.is_empty() {
                return parts;
            }
        }
        vec![unlabelled(text)]
    }

    fn looks_like_person(&self, segs: &[Seg<'_>], span: &Span, lowers: &[String]) -> bool {
        let words = &span.words;
        let last = *words.last().unwrap_or(&words[0]);
        // "NASA said", "VW told": capitals alone name organisations, not people.
        if words.len() == 1 && !segs[words[0]].text.chars().any(char::is_lowercase) {
            return false;
        }
        // "Officials in Kyiv said": after "in" or "from" a name is where, not who.
        let located = previous_word(segs, words[0]).is_some_and(|w| {
            LOCATIVES.contains(&w.as_str()) || ["inside", "throughout"].contains(&w.as_str())
        });
        if span.titled || (next_word_in(segs, last, REPORTING_VERBS) && !located) {
            return !self.speaks_as_a_place(segs, span);
        }
        let multi = words.len() > 1;
        if multi && FIRST_NAMES.contains(&lowers[0].as_str()) {
            return true;
        }
        // "Yves Giovannoni, the head of ...", "Michael Andersen, a Danish filmmaker";
        // "Bakiyev, who fled" even alone.
        let unknown_place = self.gazetteer.lookup(&span_text(segs, words)).is_empty();
        unknown_place && (who_follows(segs, last) || (multi && appositive_follows(segs, last)))
    }

    /// "Kyrgyzstan said", "New Delhi said": a country, or a city or region of more
    /// than one word big enough to be named alone, speaks for its government. One word
    /// may be a surname too ("Jackson said").
    fn speaks_as_a_place(&self, segs: &[Seg<'_>], span: &Span) -> bool {
        let multi = span.words.len() > 1;
        self.gazetteer
            .lookup(&span_text(segs, &span.words))
            .iter()
            .any(|p| {
                p.is_country
                    || (multi && (p.is_region || p.population >= self.min_population_alone))
            })
    }

    /// The place a span names, if the gazetteer knows it and the context allows it:
    /// a country always; a city when big enough to be named alone, when the document
    /// talks about its country, or after "in", "at", "near" and the like.
    fn place(
        &self,
        segs: &[Seg<'_>],
        span: &Span,
        text: &str,
        context: &Context<'_>,
    ) -> Option<&'g Place> {
        let evidence = &context.evidence;
        // "SUV", "IPO": short capitals are acronyms; only countries and states are
        // written so ("US", "UK").
        let acronym = text.chars().count() <= 5 && !text.chars().any(char::is_lowercase);
        let common_word = context.lower_words.contains(text.to_lowercase().as_str());
        // "Portland, Maine", "Paris, Texas": after a place and a comma comes its state or
        // country, not a town that has the state's name among its other names (Des
        // Plaines is also "Maine").
        let w = span.words[0];
        let after_place = w >= 3
            && segs[w - 1].text == " "
            && segs[w - 2].text == ","
            && segs[w - 3].capitalised();
        let candidates = self.gazetteer.lookup(text);
        let wide = after_place && candidates.iter().any(|p| p.is_country || p.is_region);
        let best = likeliest(
            candidates
                .into_iter()
                .filter(|p| p.is_country || p.is_region || !(acronym || common_word || wide)),
            evidence,
        )?;
        // "to" and "of" too: "flew to Osh", "the city of Osh".
        let locative = previous_word(segs, span.words[0])
            .is_some_and(|w| LOCATIVES.contains(&w.as_str()) || ["to", "of"].contains(&w.as_str()));
        let allowed = best.is_country
            || best.is_region
            || best.population >= self.min_population_alone
            || evidence.contains_key(&best.country_code)
            || locative;
        allowed.then_some(best)
    }
}

/// The long form of a known organisation's name or of an acronym the text defines.
/// A name the list writes only in capitals matches only so written: "UN", not the
/// "Un" of "Kim Jong Un".
pub(super) fn known_org(text: &str, context: &Context<'_>) -> Option<String> {
    let capitals_only = known::org_in_capitals_only(text) && text.chars().any(char::is_lowercase);
    known::org(text)
        .filter(|_| !capitals_only)
        .map(str::to_owned)
        .or_else(|| context.acronyms.get(text).cloned())
}

/// The likeliest of a name's places: the one in the country the document talks about
/// most, then a country, then the most populous.
pub(super) fn likeliest<'g>(
    places: impl IntoIterator<Item = &'g Place>,
    evidence: &FxHashMap<String, usize>,
) -> Option<&'g Place> {
    places.into_iter().max_by_key(|p| {
        (
            evidence.get(&p.country_code).copied().unwrap_or(0),
            p.is_country,
            p.population,
        )
    })
}

/// Acronyms the text defines: "International Committee of the Red Cross (ICRC)".
pub(super) fn defined_acronyms(segs: &[Seg<'_>], spans: &[Span]) -> FxHashMap<String, String> {
    let mut acronyms = FxHashMap::default();
    for span in spans {
        let last = *span.words.last().unwrap_or(&span.words[0]);
        let (Some(space), Some(open), Some(acronym), Some(close)) = (
            segs.get(last + 1),
            segs.get(last + 2),
            segs.get(last + 3),
            segs.get(last + 4),
        ) else {
            continue;
        };
        let is_acronym =
            acronym.text.len() >= 2 && acronym.text.chars().all(|c| c.is_ascii_uppercase());
        if space.text == " " && open.text == "(" && close.text == ")" && is_acronym {
            let long = span_text(segs, &span.words);
            let canonical = known::org(&long).map(str::to_owned).unwrap_or(long);
            acronyms.insert(acronym.text.to_owned(), canonical);
        }
    }
    acronyms
}

fn previous_word(segs: &[Seg<'_>], i: usize) -> Option<String> {
    segs[..i].iter().rev().find(|s| s.word).map(|s| s.lower())
}

fn next_word_in(segs: &[Seg<'_>], i: usize, list: &[&str]) -> bool {
    segs.get(i + 1).is_some_and(|s| s.text == " ")
        && segs.get(i + 2).is_some_and(|s| list.contains(&s.text))
}

/// ", the head of ...", ", a Danish filmmaker": an apposition whose noun is a person's
/// role. A bare ", the" is no cue: "MacBook Pro, the $49 adapter", "Acme, a company".
fn appositive_follows(segs: &[Seg<'_>], i: usize) -> bool {
    let opens = segs.get(i + 1).is_some_and(|s| s.text == ",")
        && segs.get(i + 2).is_some_and(|s| s.text == " ")
        && segs
            .get(i + 3)
            .is_some_and(|s| ["the", "a", "an"].contains(&s.text));
    if !opens {
        return false;
    }
    // The role comes within a few words ("a former US senator", "the company's
    // chief executive"), before any other punctuation.
    segs[i + 4..]
        .iter()
        .take_while(|s| s.word || s.text == " " || s.text == "-")
        .filter(|s| s.word)
        .take(5)
        .any(|s| {
            let word = strip_possessive(s.text).to_lowercase();
            TITLES.contains(&word.as_str()) || PERSON_NOUNS.contains(&word.as_str())
        })
}

/// ", who" after a name: only people are "who".
fn who_follows(segs: &[Seg<'_>], i: usize) -> bool {
    segs.get(i + 1).is_some_and(|s| s.text == ",")
        && segs.get(i + 2).is_some_and(|s| s.text == " ")
        && segs.get(i + 3).is_some_and(|s| s.text == "who")
}

/// Whether a name's words after its first name an event or a prize ("Davis Cup
/// Finals", "Nobel Prize").
pub(super) fn names_event<'a>(words: impl Iterator<Item = &'a str>) -> bool {
    words
        .skip(1)
        .any(|w| EVENT_HEADS.contains(&w.to_lowercase().as_str()))
}

/// Whether a particle joins the span's words ("von der Leyen").
fn has_particle(segs: &[Seg<'_>], words: &[usize]) -> bool {
    words.iter().any(|&w| PARTICLES.contains(&segs[w].text))
}
