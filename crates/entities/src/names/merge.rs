//! The trained tagger's names merged with the rules': the model fills the gaps the
//! rules leave, and gives way where a rule has spoken, unless it reads more than the
//! rule did (a longer name, a club over the gazetteer's city; see `outreads`).

use rustc_hash::FxHashSet;

use super::label::{known_org, likeliest, names_event};
use super::spans::sentence_start;
use super::things::{ends_phrase, OWNING};
use super::{strip_possessive, Context, Name, Seg, Tagger, PARTICLES};
use crate::known;
use crate::lexicon::{
    CONNECTORS, EVENT_HEADS, FIRST_NAMES, OPENING_VERBS, ORG_HEADS, PLACE_HEADS, SENTENCE_STARTERS,
    SUFFIXES, TITLES,
};
use crate::ner;
use newsprep_core::document::Label;

impl<'g> Tagger<'g> {
    /// Adds the names the model found where no rule gave a label: a rule's label
    /// rests on a list, a head word or a cue and mostly stands; the model fills the
    /// gaps ("Goldman Sachs", "Catherine Ashton" with no cue) and replaces a rule's
    /// name where it reads more. A capitalised span the rules left unlabelled gives
    /// way to the model's span over it.
    pub(super) fn add_model_names(
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
        let starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
        let placed_names: FxHashSet<&str> = names
            .iter()
            .filter(|n| n.label == Some(Label::Loc) && locative_before(text, n.start))
            .map(|n| strip_possessive(&text[n.start..n.end]))
            .collect();
        let mut added: Vec<Name<'g>> = Vec::new();
        let mut outread: Vec<(usize, usize)> = Vec::new();
        let mut dropped: Vec<(usize, usize)> = Vec::new();
        for mut span in spans {
            let opened = span.start;
            span.start = self.after_opening_words(text, segs, &span, context);
            // "Will Denver's airport cope?": the question's auxiliary was read as a
            // first name; what is left is the place it stood before.
            let rest = strip_possessive(&text[span.start..span.end]);
            let auxiliary = text[opened..span.start].trim_end().to_lowercase();
            if span.kind == ner::Kind::Per
                && QUESTION_OPENERS.contains(&auxiliary.as_str())
                && !rest.contains(' ')
                && !self.gazetteer.lookup(rest).is_empty()
            {
                span.kind = ner::Kind::Loc;
            }
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
            // Where the model reads more than a rule, it wins: a longer organisation
            // over a shorter name inside it ("[USA] Badminton Hall of Fame", "National
            // Federation [Party]", "[U.S.] Securities and Exchange Commission"), a
            // longer name of any kind over a town or an organisation ("Betty [Uber]",
            // "[Fort Worth] Police Department"), a club over a city the gazetteer named
            // ("Bologna" in a results line, not where the text puts it as a place),
            // and a person over a town too small to be named without a cue ("Clinton",
            // "Mishima"; "Delhi has turned into a gas chamber" stays the city). Never
            // in capitals, where the model reads poorly ("LOS ANGELES (AP)",
            // "ARGENTINA CRUISES"), nor over a possessive ("Delhi's Saket") or a
            // country inside a place ("Australia beat Colombia"). A rule's person
            // stands (its title is left off on purpose: "Prince William" is William)
            // but for one word that ends an organisation a title opened ("Premier
            // League").
            let surface = &text[range.0..range.1];
            let readable = surface.contains(char::is_lowercase)
                && !surface.contains("'s ")
                && !surface.contains("’s ");
            // "fans in Bologna", and "the Jalal'abad administration" where the text
            // also says "in Jalal'abad": a city the text puts as a place stays one.
            let placed = placed_names.contains(strip_possessive(surface));
            let outreads = |n: &Name<'_>| {
                let inside = range.0 <= n.start && n.end <= range.1;
                let longer = inside && range.1 - range.0 > n.end - n.start;
                let city = n.place.is_some_and(|p| !p.is_country && !p.is_region);
                let kind = span.kind;
                readable
                    && match n.label {
                        Some(Label::Loc) if city && range == (n.start, n.end) => match kind {
                            ner::Kind::Org => !placed,
                            ner::Kind::Per => {
                                !placed
                                    && !locative_before(text, n.start)
                                    && n.place
                                        .is_some_and(|p| p.population < self.min_population_alone)
                            }
                            _ => false,
                        },
                        // Words around the town make a work; a number does not
                        // ("Napoli 28" in a table).
                        Some(Label::Loc) if kind == ner::Kind::Misc => {
                            longer && city && {
                                let (before, after) =
                                    (&text[range.0..n.start], &text[n.end..range.1]);
                                before.chars().chain(after.chars()).any(char::is_alphabetic)
                            }
                        }
                        Some(Label::Loc) if city => longer,
                        Some(Label::Loc) => longer && kind == ner::Kind::Org,
                        Some(Label::Org) => {
                            longer && matches!(kind, ner::Kind::Org | ner::Kind::Per)
                        }
                        // "Premier League": the rules made a person of the last
                        // word of an organisation's name ("Premier" is also a title).
                        Some(Label::Person) => {
                            longer
                                && kind == ner::Kind::Org
                                && n.end == range.1
                                && !text[n.start..n.end].contains(' ')
                        }
                        _ => false,
                    }
            };
            // A town's name inside a work, an award or an event the model reads whole
            // is no place ("Best Rock Video", "Mega Man", "Hunter Pass" aside).
            if span.kind == ner::Kind::Misc {
                dropped.extend(
                    names
                        .iter()
                        .filter(|n| n.label == Some(Label::Loc) && outreads(n))
                        .map(|n| (n.start, n.end)),
                );
            }
            if names.iter().any(|n| {
                (n.label.is_some() || event(n))
                    && overlaps(range, n)
                    && !replaces(n)
                    && !outreads(n)
            }) {
                continue;
            }
            outread.extend(
                names
                    .iter()
                    .filter(|n| n.label.is_some() && overlaps(range, n) && outreads(n))
                    .map(|n| (n.start, n.end)),
            );
            // "[MacBook] Pro", "[Trump] Tower": a span that stops before the next
            // capitalised word of the same run names a part of some other name. Not
            // when the model starts another name there ("UKIP European elections") or
            // the word is a title before a name ("AstraZeneca CEO Pascal Soriot"; not
            // "[John] Major said").
            let next_word = text[span.end..]
                .strip_prefix(' ')
                .and_then(|rest| rest.split([' ', ',', '.', '\n']).next())
                .unwrap_or("");
            let after_title = text[span.end..]
                .split_whitespace()
                .nth(1)
                .is_some_and(|w| w.starts_with(char::is_uppercase));
            let next_name = starts.contains(&(span.end + 1))
                || (TITLES.contains(&next_word.to_lowercase().trim_end_matches('.'))
                    && after_title);
            if next_word.starts_with(char::is_uppercase)
                && !SUFFIXES.contains(&next_word)
                && !next_name
            {
                continue;
            }
            // Nor one that starts after the first word of a run the rules left whole
            // ("MacBook [Pro] has"); the rules' runs start after any title, and the
            // run may start with the opening words taken off above.
            let inside_run = |n: &Name<'_>| {
                n.label.is_none()
                    && n.start < span.start
                    && span.start < n.end
                    && !(span.start > opened && n.start >= opened)
            };
            if names.iter().any(inside_run) {
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
        names.retain(|n| !dropped.contains(&(n.start, n.end)));
        names.retain(|n| {
            let kept = n.label.is_some() && !n.part && !outread.contains(&(n.start, n.end));
            kept || !added.iter().any(|a| overlaps((a.start, a.end), n))
        });
        names.extend(added);
    }

    /// Where a span of the model's starts once the common words opening a sentence
    /// or a quote are off it: "Within Delhi", "Watch Alex Salmond's debate", and for
    /// a person a word the text also writes in lower case or a verb ("“Make Trump go
    /// away”");
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
                || (person && first && rest.contains(' ') && opens_question(text, span, &lower))
                || (person && rest.contains(' ') && OPENING_VERBS.contains(&lower.as_str()))
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
}

/// "in", "at", "near", "from" or "outside" right before `at`: a place's word.
fn locative_before(text: &str, at: usize) -> bool {
    text[..at]
        .trim_end()
        .rsplit([' ', '\n'])
        .next()
        .is_some_and(|w| {
            ["in", "at", "near", "from", "outside"].contains(&w.to_lowercase().as_str())
        })
}

/// Auxiliaries that open a question ("Will Toronto's airport cope?", "Can Biden
/// win?"): before a name at the start of a sentence that ends in a question mark they
/// are no first name.
const QUESTION_OPENERS: &[&str] = &[
    "will", "can", "could", "would", "should", "shall", "may", "might", "must", "does", "did",
    "do", "is", "are", "was", "were", "has", "have", "had",
];

fn opens_question(text: &str, span: &ner::Span, lower_word: &str) -> bool {
    // At the start of the question, not inside it: "Did you see Will Smith's speech?"
    let after_a_word = text[..span.start]
        .trim_end()
        .rsplit([' ', '\n'])
        .next()
        .is_some_and(|w| {
            w.starts_with(char::is_lowercase) && !w.ends_with(['.', '!', '?', ':', ';', '"', '”'])
        });
    QUESTION_OPENERS.contains(&lower_word)
        && !after_a_word
        && text[span.end..]
            .split_inclusive(['.', '!', '?', '\n'])
            .next()
            .is_some_and(|sentence| sentence.ends_with('?'))
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
/// [Pro]". Nor after "a", "an" or a possessive determiner when the name ends its
/// phrase: one counts and owns things ("has a Touch Bar.", "my MacBook Pro when");
/// "a Trump supporter" names the person its noun follows, and "her" may be the
/// object before a name ("told her Trump won"). Nor one word of capitals and dots or
/// hyphens ("D-N.Y.").
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
    let article = OWNING.contains(&word.to_lowercase().as_str()) && ends_phrase(text, span.end);
    // "Chuck Schumer, D-N.Y.,": a party and a state's abbreviation.
    let surface = &text[span.start..span.end];
    let abbreviation =
        !surface.contains(|c: char| c == ' ' || c.is_lowercase()) && surface.contains(['.', '-']);
    !(product || number || article || abbreviation)
}
