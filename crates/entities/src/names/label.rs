//! Names: capitalised spans found in the text, then labelled PERSON, LOC, ORG or NORP
//! by the evidence around them, and resolved to one canonical name each.
//!
//! The order of the evidence matters and is the order of [`Tagger::label`]: known
//! organisations and acronyms the text defines, then heads ("Ministry"), then cues of
//! a person (a title before, a reporting verb after, an apposition, a first name),
//! then places from the gazetteer, chosen by the countries the document talks about,
//! then groups of people. A name seen as a person once is that person throughout.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use unicode_segmentation::UnicodeSegmentation;

use crate::gazetteer::{fold, Gazetteer, Place};
use crate::known;
use crate::lexicon::{
    CONNECTORS, EVENT_HEADS, FIRST_NAMES, ORG_HEADS, PERSON_NOUNS, PLACE_HEADS, REPORTING_VERBS,
    SENTENCE_STARTERS, SUFFIXES, TITLES, TITLE_MODIFIERS,
};
use crate::ner::{self, features::Lexicon, Model};
use newsprep_core::document::Label;

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

/// Lower-case particles inside personal and place names, between two capitalised
/// words: "Ursula von der Leyen", "Charles de Gaulle", "Rio de Janeiro".
const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "des", "la", "le", "bin",
    "ibn", "dos", "das", "ten", "ter", "zu",
];

/// Words before a name that say where: a place follows them, not a person.
const LOCATIVES: &[&str] = &["in", "at", "near", "from", "outside", "across"];

/// A name found in the text, with its label once decided. Offsets are in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Name<'p> {
    pub start: usize,
    pub end: usize,
    /// `None` while no rule has named it; such names are kept only until people are
    /// propagated ("Bakiyev" alone becomes a person once "Bakiyev, who" is one).
    pub label: Option<Label>,
    pub canonical: String,
    pub place: Option<&'p Place>,
    /// Labelled by the trained tagger, where no rule did.
    pub by_model: bool,
    /// A word of a longer capitalised run that no rule names whole ("Wales" of "New
    /// South Wales"): the model's reading of the whole run as a place replaces it.
    pub part: bool,
}

/// One segment of the text by Unicode word boundaries.
#[derive(Debug, Clone, Copy)]
struct Seg<'a> {
    start: usize,
    text: &'a str,
    word: bool,
}

impl Seg<'_> {
    fn capitalised(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    fn lower(&self) -> String {
        self.text.to_lowercase()
    }
}

/// What the whole text tells about each of its names.
struct Context<'t> {
    acronyms: FxHashMap<String, String>,
    evidence: FxHashMap<String, usize>,
    /// Borrowed from the text: most words are lower-case, and copying each costs.
    lower_words: FxHashSet<&'t str>,
}

/// A capitalised span before labelling: indices of its word segments.
#[derive(Debug, Clone)]
struct Span {
    words: Vec<usize>,
    /// A title or role came right before it.
    titled: bool,
    /// A lower-case organisation head follows ("Ata-Meken party").
    head_after: Option<usize>,
}

/// Finds and labels the names of one text.
pub struct Tagger<'g> {
    pub gazetteer: &'g Gazetteer,
    pub min_population_alone: u64,
    /// The trained tagger, for the names the rules leave without a label.
    pub model: Option<&'g Model>,
}

impl<'g> Tagger<'g> {
    pub fn names(&self, text: &str) -> Vec<Name<'g>> {
        let segs: Vec<Seg<'_>> = text
            .split_word_bound_indices()
            .map(|(start, s)| Seg {
                start,
                text: s,
                word: s.chars().any(char::is_alphanumeric),
            })
            .collect();
        let spans = spans(&segs, &|text| self.is_known_name(text));
        let context = Context {
            acronyms: defined_acronyms(&segs, &spans),
            evidence: self.country_evidence(&segs, &spans),
            // Words the text also writes in lower case are words, not town names:
            // "Save", "Center", "Brick".
            lower_words: segs
                .iter()
                .filter(|s| s.word && s.text.starts_with(char::is_lowercase))
                .map(|s| s.text)
                .collect(),
        };

        let mut names: Vec<Name<'g>> = Vec::new();
        for span in &spans {
            names.extend(self.label(&segs, span, &context));
        }
        if let Some(model) = self.model {
            let lexicon = Lexicon {
                gazetteer: self.gazetteer,
            };
            let spans = model.spans(text, &lexicon);
            self.add_model_names(&mut names, spans, text, &segs, &context);
        }
        // A headline in title case gives no evidence by its capitals: "Biden Signs
        // Executive Order On Artificial Intelligence" is no organisation, "Read more:
        // How AI Will Change Jobs" no person.
        let headlines = title_case_lines(&segs, &context.lower_words);
        names.retain(|n| !headlines.iter().any(|h| h.contains(&n.start)));
        propagate_people(&mut names, text);
        names.retain(|n| n.label.is_some());
        names
    }

    /// Adds the names the model found where no rule gave a label: a rule's label
    /// rests on a list, a head word or a cue and stands; the model fills the gaps
    /// ("Goldman Sachs", "Catherine Ashton" with no cue). A capitalised span the rules
    /// left unlabelled gives way to the model's span over it.
    fn add_model_names(
        &self,
        names: &mut Vec<Name<'g>>,
        spans: Vec<ner::Span>,
        text: &str,
        segs: &[Seg<'_>],
        context: &Context<'_>,
    ) {
        let overlaps = |a: (usize, usize), n: &Name<'_>| a.0 < n.end && n.start < a.1;
        let spans = join_particle_names(spans, names, text);
        // "Davis Cup Finals": a name the rules read as an event.
        let event =
            |n: &Name<'_>| n.label.is_none() && names_event(text[n.start..n.end].split(' '));
        let mut added: Vec<Name<'g>> = Vec::new();
        for mut span in spans {
            span.start = self.after_opening_words(text, segs, &span, context);
            if span.kind == ner::Kind::Per && !person_span(text, &mut span) {
                continue;
            }
            if span.start >= span.end {
                continue;
            }
            let range = (span.start, span.end);
            // "New South Wales", "Southeast Asia": a place of the rules' inside a place
            // the model read whole. A group or an organisation stands ("the Russian
            // Interfax news agency", "Kyrgyz-Uzbek border").
            let replaces = |n: &Name<'_>| {
                n.part
                    && n.label == Some(Label::Loc)
                    && span.kind == ner::Kind::Loc
                    && range.0 <= n.start
                    && n.end <= range.1
            };
            if names
                .iter()
                .any(|n| (n.label.is_some() || event(n)) && overlaps(range, n) && !replaces(n))
            {
                continue;
            }
            // "[MacBook] Pro", "[Trump] Tower": a span that stops before the next
            // capitalised word of the same run names a part of some other name.
            let next_word = text[span.end..]
                .strip_prefix(' ')
                .and_then(|rest| rest.split([' ', ',', '.', '\n']).next())
                .unwrap_or("");
            if next_word.starts_with(char::is_uppercase) && !SUFFIXES.contains(&next_word) {
                continue;
            }
            // Nor one that starts after the first word of a run the rules left whole
            // ("MacBook [Pro] has"); the rules' runs start after any title.
            if names
                .iter()
                .any(|n| n.label.is_none() && n.start < span.start && span.start < n.end)
            {
                continue;
            }
            let surface = strip_possessive(&text[span.start..span.end]);
            if !surface.chars().any(char::is_uppercase) {
                continue;
            }
            let end = span.start + surface.len();
            let name = |label, canonical, place| Name {
                start: span.start,
                end,
                label: Some(label),
                canonical,
                place,
                by_model: true,
                part: false,
            };
            let head = surface
                .rsplit(' ')
                .next()
                .filter(|_| surface.contains(' '))
                .map(str::to_lowercase);
            let head_in = |list: &[&str]| head.as_deref().is_some_and(|h| list.contains(&h));
            // A person's name does not end in "River", "Cup" or "Bank".
            let kind = match span.kind {
                ner::Kind::Per if head_in(EVENT_HEADS) => continue,
                ner::Kind::Per if head_in(PLACE_HEADS) => ner::Kind::Loc,
                ner::Kind::Per if head_in(ORG_HEADS) => ner::Kind::Org,
                kind => kind,
            };
            added.push(match kind {
                ner::Kind::Per => name(Label::Person, surface.to_owned(), None),
                ner::Kind::Org => name(
                    Label::Org,
                    known_org(surface, context).unwrap_or_else(|| surface.to_owned()),
                    None,
                ),
                ner::Kind::Loc => {
                    match likeliest(self.gazetteer.lookup(surface), &context.evidence) {
                        Some(place) => name(Label::Loc, place.name.clone(), Some(place)),
                        None => name(
                            Label::Loc,
                            known::place(surface).unwrap_or(surface).to_owned(),
                            None,
                        ),
                    }
                }
                // MISC holds nationalities, events and works; only the groups of
                // people are ours to tag.
                ner::Kind::Misc => match known::group(surface) {
                    Some((canonical, _)) => name(Label::Norp, canonical.to_owned(), None),
                    None => continue,
                },
            });
        }
        names.retain(|n| {
            (n.label.is_some() && !n.part) || !added.iter().any(|a| overlaps((a.start, a.end), n))
        });
        names.extend(added);
    }

    /// Where a span of the model's starts once the common words opening a sentence
    /// or a quote are off it: "Within Delhi", "Watch Alex Salmond's debate", and for
    /// a person a word the text also writes in lower case ("“Make Trump go away”");
    /// the end when nothing is left. No person's name starts with such a word
    /// wherever it stands ("(AP) — To LeBron James, ..."); "The" stays on a place or
    /// an organisation ("The Hague").
    fn after_opening_words(
        &self,
        text: &str,
        segs: &[Seg<'_>],
        span: &ner::Span,
        context: &Context<'_>,
    ) -> usize {
        let first_seg = segs.partition_point(|s| s.start < span.start);
        let opens = segs.get(first_seg).is_some_and(|s| s.start == span.start)
            && sentence_start(segs, first_seg);
        let person = span.kind == ner::Kind::Per;
        if !opens && !person {
            return span.start;
        }
        let mut start = span.start;
        let mut first = true;
        while start < span.end {
            let rest = &text[start..span.end];
            if rest.contains(' ') && self.is_known_name(strip_possessive(rest)) {
                break;
            }
            let word = rest.split(' ').next().unwrap_or(rest);
            let lower = strip_possessive(word).to_lowercase();
            let common = (SENTENCE_STARTERS.contains(&lower.as_str())
                && (person || lower != "the" || !rest.contains(' ')))
                || (person
                    && opens
                    && first
                    && rest.contains(' ')
                    && context.lower_words.contains(lower.as_str())
                    && !FIRST_NAMES.contains(&lower.as_str()));
            if !common {
                break;
            }
            start += word.len() + rest[word.len()..].len().min(1);
            first = false;
        }
        start.min(span.end)
    }

    /// A place the gazetteer or the lists know, or a known organisation, by this
    /// whole name. Single words are often such names by chance ("Police", "One").
    fn is_known_name(&self, text: &str) -> bool {
        !self.gazetteer.lookup(text).is_empty()
            || known::place(text).is_some()
            || known::org(text).is_some()
    }

    /// How much the document talks about each country: a country named counts 2, a
    /// city 1 when one reading of its name clearly dominates (five times the people of
    /// any other), a group of people ("Kyrgyz") 1. Names as ambiguous as Jalalabad
    /// (Kyrgyz or Afghan) give no evidence; they are what the evidence is for.
    fn country_evidence(&self, segs: &[Seg<'_>], spans: &[Span]) -> FxHashMap<String, usize> {
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

    fn label(&self, segs: &[Seg<'_>], span: &Span, context: &Context<'_>) -> Vec<Name<'g>> {
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

/// The byte ranges of the lines written in title case: four to 25 words, seven in
/// ten capitalised, two capitalised words after the first that the text also writes
/// in lower case or that are function words ("On", "As", "Will"), and no final period.
/// A byline ("By Sarah Johnson and Michael Lee, CNN") has no such words, a sentence
/// listing names ("The members were Sir George Thomas, Betty Uber and ...") its period.
fn title_case_lines(segs: &[Seg<'_>], lower_words: &FxHashSet<&str>) -> Vec<Range<usize>> {
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

/// Capitalised spans with their connectors, with sentence-initial common words and
/// leading titles taken off.
fn spans(segs: &[Seg<'_>], known: &dyn Fn(&str) -> bool) -> Vec<Span> {
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

/// Takes titles, and the modifiers of a title ("Interim President", "Prime
/// Minister"), off the front of a name's words, and says whether there was one; a
/// modifier alone ("State Department") stays.
fn strip_titles(segs: &[Seg<'_>], words: &mut Vec<usize>) -> bool {
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
    if sentence_start(segs, words[0])
        && SENTENCE_STARTERS.contains(&segs[words[0]].lower().as_str())
        && !(words.len() > 1 && known(&span_text(segs, &words)))
    {
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

/// The model's spans, with those over a name the rules joined by particles and left
/// unlabelled made one when they reach its last word: the model reads "Ursula" and
/// "Leyen" of "President Ursula von der Leyen" apart.
fn join_particle_names(
    mut spans: Vec<ner::Span>,
    names: &[Name<'_>],
    text: &str,
) -> Vec<ner::Span> {
    for name in names.iter().filter(|n| n.label.is_none()) {
        let joined = text[name.start..name.end]
            .split(' ')
            .any(|w| PARTICLES.contains(&w));
        if !joined {
            continue;
        }
        let inside: Vec<usize> = (0..spans.len())
            .filter(|&i| spans[i].start < name.end && name.start < spans[i].end)
            .collect();
        let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
            continue;
        };
        // The word after the particles decides when the model's readings differ: a name
        // with a particle that the gazetteer does not know whole is mostly a person's
        // ("Ursula" read as a place, "Leyen" as a person). Without particles, two pieces
        // are as often two names as one: "[LeBron] [James]", but "[MacBook] [Pro]".
        let kind = spans[last].kind;
        let agree = inside.iter().all(|&i| spans[i].kind == kind);
        if inside.len() > 1
            && (agree || kind == ner::Kind::Per)
            && spans[first].start >= name.start
            && spans[last].end >= name.end
        {
            // From the model's first word: a title before the name is no part of it.
            let (start, end) = (spans[first].start, spans[last].end);
            spans.drain(first..=last);
            spans.insert(first, ner::Span { start, end, kind });
        }
    }
    spans
}

/// Cuts a person's span of the model's to the words a person's name has, false when
/// it names no person. No lower-case word but a particle or a connector ("Duke of
/// Cambridge"): "MacBook [Pro has] a Touch Bar", "[Pro and MacBook Air]". Nor after a
/// product's number or a name that starts in lower case: "iPhone 11 [Pro]", "iPad
/// [Pro]".
fn person_span(text: &str, span: &mut ner::Span) -> bool {
    let mut at = span.start;
    for word in text[span.start..span.end].split(' ') {
        let joins = PARTICLES.contains(&word) || CONNECTORS.contains(&word);
        if word.starts_with(char::is_lowercase) && !joins {
            span.end = at.saturating_sub(1).max(span.start);
            break;
        }
        at += word.len() + 1;
    }
    let before = text[..span.start].strip_suffix(' ').unwrap_or("");
    let word = before.rsplit([' ', '\n']).next().unwrap_or("");
    let product =
        word.starts_with(char::is_lowercase) && word.chars().skip(1).any(char::is_uppercase);
    let number = !word.is_empty() && word.chars().all(|c| c.is_ascii_digit());
    !(product || number)
}

/// Whether a name's words after its first name an event or a prize ("Davis Cup
/// Finals", "Nobel Prize").
fn names_event<'a>(words: impl Iterator<Item = &'a str>) -> bool {
    words
        .skip(1)
        .any(|w| EVENT_HEADS.contains(&w.to_lowercase().as_str()))
}

/// Whether a particle joins the span's words ("von der Leyen").
fn has_particle(segs: &[Seg<'_>], words: &[usize]) -> bool {
    words.iter().any(|&w| PARTICLES.contains(&segs[w].text))
}

/// The text a span covers, without a final possessive `'s`.
fn span_text(segs: &[Seg<'_>], words: &[usize]) -> String {
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

pub fn strip_possessive(text: &str) -> &str {
    text.strip_suffix("'s")
        .or_else(|| text.strip_suffix("’s"))
        .unwrap_or(text)
}

/// The long form of a known organisation's name or of an acronym the text defines.
/// A name the list writes only in capitals matches only so written: "UN", not the
/// "Un" of "Kim Jong Un".
fn known_org(text: &str, context: &Context<'_>) -> Option<String> {
    let capitals_only = known::org_in_capitals_only(text) && text.chars().any(char::is_lowercase);
    known::org(text)
        .filter(|_| !capitals_only)
        .map(str::to_owned)
        .or_else(|| context.acronyms.get(text).cloned())
}

/// The likeliest of a name's places: the one in the country the document talks about
/// most, then a country, then the most populous.
fn likeliest<'g>(
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
fn defined_acronyms(segs: &[Seg<'_>], spans: &[Span]) -> FxHashMap<String, String> {
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

/// The first word of a sentence or a quote: nothing but spaces and brackets since the
/// start of the text, a line break, a sentence's final punctuation, a colon or dash
/// ("WATCH: ...", "(AP) — ...") or an opening quote.
fn sentence_start(segs: &[Seg<'_>], i: usize) -> bool {
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

/// Once a full name is a person, its last word and the full name are that person
/// wherever they stand; a single name of a known person takes the full name. A place
/// the rules found gives way to a full name's last word ("Diego Silang", then the town
/// of Silang) or to a person the rules found, not to one word the model alone read as
/// a person once ("Will Toronto's airport"), which would make every "Toronto" one.
fn propagate_people(names: &mut [Name<'_>], text: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
