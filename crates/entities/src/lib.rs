//! The entity stage: tags people, places, organisations, groups, dates and counts in
//! the article text and resolves each mention to one canonical entity. Everything it
//! needs ships in the repository: the GeoNames gazetteer ([`gazetteer`]) and the
//! curated word lists ([`lexicon`]); no model is downloaded.
//!
//! [`names`] finds and labels capitalised names, with the trained tagger of [`ner`]
//! for the names no rule has a cue for; [`patterns`] finds dates and counts;
//! this file merges them, drops what overlaps, and turns byte offsets into the code
//! point offsets notebooks index strings by.

pub mod gazetteer;
pub mod known;
pub mod lexicon;
pub mod link;
pub mod names;
pub mod ner;
pub mod patterns;

use newsprep_core::config::EntitiesConfig;
use newsprep_core::document::{Document, Label, Mention, Rejection};
use newsprep_core::DocStage;

use crate::gazetteer::{Gazetteer, GazetteerError};
use crate::link::Links;
use crate::names::Tagger;
use crate::ner::Model;
use crate::patterns::Found;

/// The entity stage, built from `[entities]`.
pub struct Entities {
    gazetteer: Gazetteer,
    labels: Vec<Label>,
    min_population_alone: u64,
    model: Option<&'static Model>,
}

impl Entities {
    /// Loads the gazetteer (built in, then the user's files); fails on a user file
    /// that cannot be read or parsed, naming it.
    pub fn new(config: &EntitiesConfig) -> Result<Entities, GazetteerError> {
        Ok(Entities {
            gazetteer: Gazetteer::load(config.min_population, &config.gazetteer_files)?,
            labels: config
                .labels
                .iter()
                .filter_map(|l| Label::parse(l))
                .collect(),
            min_population_alone: config.min_population_alone,
            model: config.model.then(Model::built_in),
        })
    }

    /// The same stage with another trained tagger, or none (rules alone).
    pub fn with_model(mut self, model: Option<&'static Model>) -> Entities {
        self.model = model;
        self
    }

    /// Every mention in `text`, in text order, with offsets in code points.
    pub fn tag(&self, text: &str) -> Vec<Mention> {
        self.tag_in(text, true)
    }

    /// Every mention in `text`; without PERSON, ORG and COUNT unless the text may be
    /// English.
    pub fn tag_in(&self, text: &str, english: bool) -> Vec<Mention> {
        let tagger = Tagger {
            gazetteer: &self.gazetteer,
            min_population_alone: self.min_population_alone,
            // The model was trained on English and labels PER/ORG/LOC together;
            // elsewhere the rules' places and groups stand alone.
            model: self.model.filter(|_| english),
        };
        let mut byte_mentions: Vec<(usize, usize, Mention)> = Vec::new();
        // A count's unit is the English word after its number: in Portuguese "22 de
        // outubro" and "25 anos" would be 22 of "de" and 25 of "anos".
        let wants = |label| {
            self.labels.contains(&label)
                && (english || !matches!(label, Label::Person | Label::Org | Label::Count))
        };
        // Dates are found once: as mentions, to keep counts off them and to end the
        // names that run into them, whatever labels are asked for.
        let dates = patterns::dates(text);
        let mut counts = Vec::new();
        if wants(Label::Count) {
            // A count never overlaps a date: "13 March" is a day, not 13 of March.
            counts.extend(
                patterns::counts(text)
                    .into_iter()
                    .filter(|c| !dates.iter().any(|d| c.start < d.end && d.start < c.end))
                    .map(|f| found(f, Label::Count)),
            );
        }
        let date_spans: Vec<(usize, usize)> = dates.iter().map(|d| (d.start, d.end)).collect();
        if wants(Label::Date) {
            byte_mentions.extend(dates.into_iter().map(|f| found(f, Label::Date)));
        }
        for mut name in tagger.names(text) {
            let Some(label) = name.label.filter(|&l| wants(l)) else {
                continue;
            };
            // A name read on into a date ends before it: "Nature Astronomy on Monday"
            // is the journal, and Monday the day. Only where the date ends the name
            // after a lower-case word: "Good Friday Agreement" holds its day.
            let into_date = date_spans
                .iter()
                .find(|&&(d, e)| name.start < d && e == name.end)
                .and_then(|&(d, _)| {
                    let head = text[name.start..d].trim_end();
                    let (rest, last) = head.rsplit_once(' ')?;
                    let kept = rest.trim_end().trim_end_matches([',', ';', ':']);
                    (last.starts_with(char::is_lowercase) && kept.contains(char::is_uppercase))
                        .then_some(kept)
                });
            if let Some(kept) = into_date {
                if name.canonical == text[name.start..name.end] {
                    name.canonical = kept.to_owned();
                }
                name.end = name.start + kept.len();
            }
            let place = name.place;
            byte_mentions.push((
                name.start,
                name.end,
                Mention {
                    label: Some(label),
                    canonical: name.canonical,
                    geonames_id: place.map(|p| p.geonames_id),
                    country_code: place.map(|p| p.country_code.clone()),
                    lat: place.and_then(|p| p.lat),
                    lon: place.and_then(|p| p.lon),
                    ..Mention::default()
                },
            ));
        }
        // Dates win where they overlap a name ("Saturday" opening a sentence is no
        // one's name; "Theresa May" matches no date pattern).
        byte_mentions
            .sort_by_key(|(start, end, m)| (*start, std::cmp::Reverse(*end), priority(m.label)));
        let mut kept: Vec<(usize, usize, Mention)> = Vec::new();
        for mention in byte_mentions {
            if kept.last().is_some_and(|(_, end, _)| mention.0 < *end) {
                continue;
            }
            kept.push(mention);
        }
        // A count may hold a name: "80,000 ethnic Uzbeks" is a count and "Uzbeks" a group.
        kept.extend(counts);
        kept.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
        with_char_offsets(text, kept)
    }
}

fn priority(label: Option<Label>) -> u8 {
    match label {
        Some(Label::Date) => 0,
        _ => 1,
    }
}

fn found(f: Found, label: Label) -> (usize, usize, Mention) {
    (
        f.start,
        f.end,
        Mention {
            label: Some(label),
            canonical: f.canonical,
            value: f.value,
            date: f.date,
            ..Mention::default()
        },
    )
}

/// Fills `text`, `start` and `end` from byte offsets, converting them to code points
/// in one walk over the text.
fn with_char_offsets(text: &str, mentions: Vec<(usize, usize, Mention)>) -> Vec<Mention> {
    let mut bounds: Vec<usize> = mentions.iter().flat_map(|(s, e, _)| [*s, *e]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut chars_at = rustc_hash::FxHashMap::default();
    let mut next = bounds.iter().peekable();
    let byte_starts = text
        .char_indices()
        .map(|(byte, _)| byte)
        .chain([text.len()]);
    for (chars, byte) in byte_starts.enumerate() {
        while next.peek().is_some_and(|&&b| b <= byte) {
            if let Some(&b) = next.next() {
                chars_at.insert(b, chars as u64);
            }
        }
    }
    mentions
        .into_iter()
        .map(|(s, e, mut m)| {
            m.text = text[s..e].to_owned();
            m.start = chars_at.get(&s).copied().unwrap_or(0);
            m.end = chars_at.get(&e).copied().unwrap_or(0);
            m
        })
        .collect()
}

impl DocStage for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }

    fn process(&self, doc: &mut Document) -> Result<(), Rejection> {
        // The name rules read English: capitalised words, English titles and cue
        // words. In German every noun is capitalised, so people and organisations
        // are tagged only where the text may be English; places (the gazetteer),
        // dates and counts everywhere.
        let english = doc.language.as_ref().is_none_or(|l| l.may_be_english());
        let mut mentions = self.tag_in(&doc.text, english);
        // Ids for the names as this document gives them; [`link::LinkPeople`], when
        // it runs, links people across the corpus and gives their ids again.
        Links::default().resolve(&mut mentions);
        doc.entities = Some(mentions);
        Ok(())
    }

    /// Mentions come from the text alone and replace any found before.
    fn reapplies(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn stage() -> Entities {
        Entities::new(&EntitiesConfig::default()).unwrap()
    }

    fn find<'a>(mentions: &'a [Mention], text: &str) -> Vec<&'a Mention> {
        mentions.iter().filter(|m| m.text == text).collect()
    }

    fn labelled(mentions: &[Mention], label: Label) -> impl Iterator<Item = &Mention> {
        mentions.iter().filter(move |m| m.label == Some(label))
    }

    #[test]
    fn offsets_are_code_points_for_every_mention_of_random_documents() {
        // Property: for any text, text[start..end] (in code points) is the mention.
        let pieces = [
            "Roza Otunbayeva told reporters in Bishkek on Friday.",
            "“The sky is grey,” said Tatyana Shapovalova from Osh — 63 people had been killed.",
            "Ош и Жалал-Абад, 東京 ",
            "the ICRC, Al Jazeera's Robin Forestier-Walker and 80,000 ethnic Uzbeks in Jalal'abad.",
            "é́ 😀 ",
            "\n\n",
            "Mr. Bakiyev fled to Kazakhstan on April 7th.",
        ];
        let stage = stage();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..300 {
            let text: String = (0..rng.random_range(1..12))
                .map(|_| pieces[rng.random_range(0..pieces.len())])
                .collect();
            let chars: Vec<char> = text.chars().collect();
            for m in stage.tag(&text) {
                let slice: String = chars[m.start as usize..m.end as usize].iter().collect();
                assert_eq!(slice, m.text, "in {text:?}");
            }
        }
    }

    #[test]
    fn three_spellings_are_one_kyrgyz_city() {
        let text = "Protests spread from Osh in Kyrgyzstan to Jalal-Abad. Refugees reached Jalal'abad, and Jalalabad was calm. Flights to Afghanistan stopped.";
        let mentions = stage().tag(text);
        for spelling in ["Jalal-Abad", "Jalal'abad", "Jalalabad"] {
            let m = find(&mentions, spelling);
            assert_eq!(m.len(), 1, "{spelling} in {mentions:?}");
            assert_eq!(m[0].label, Some(Label::Loc));
            assert_eq!(m[0].geonames_id, Some(1528249), "{spelling}");
            assert_eq!(m[0].canonical, "Jalal-Abad");
            assert_eq!(m[0].country_code.as_deref(), Some("KG"));
        }
    }

    #[test]
    fn people_are_found_by_cues_and_propagated() {
        let text = "Interim President Roza Otunbayeva told reporters. Ms. Otunbayeva spoke to Russia's Prime Minister Vladimir Putin. Otunbayeva said more.";
        let mentions = stage().tag(text);
        let people: Vec<(&str, &str)> = labelled(&mentions, Label::Person)
            .map(|m| (m.text.as_str(), m.canonical.as_str()))
            .collect();
        assert_eq!(
            people,
            [
                ("Roza Otunbayeva", "Roza Otunbayeva"),
                ("Otunbayeva", "Roza Otunbayeva"),
                ("Vladimir Putin", "Vladimir Putin"),
                ("Otunbayeva", "Roza Otunbayeva")
            ]
        );
        assert_eq!(find(&mentions, "Russia")[0].label, Some(Label::Loc));
    }

    #[test]
    fn particles_join_a_name_and_its_surname_claims_it() {
        let text = "European Commission President Ursula von der Leyen met officials in Rio de Janeiro. Von der Leyen said Charles de Gaulle was right.";
        let mentions = stage().tag(text);
        let named: Vec<(&str, Option<Label>, &str)> = mentions
            .iter()
            .filter(|m| matches!(m.label, Some(Label::Person | Label::Loc)))
            .map(|m| (m.text.as_str(), m.label, m.canonical.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (
                    "Ursula von der Leyen",
                    Some(Label::Person),
                    "Ursula von der Leyen"
                ),
                ("Rio de Janeiro", Some(Label::Loc), "Rio de Janeiro"),
                ("Von der Leyen", Some(Label::Person), "Ursula von der Leyen"),
                (
                    "Charles de Gaulle",
                    Some(Label::Person),
                    "Charles de Gaulle"
                ),
            ]
        );
        // Without the particle between capitals there is nothing to join.
        let apart = stage().tag("Talks in Paris de facto ended.");
        assert_eq!(find(&apart, "Paris")[0].text, "Paris");
    }

    #[test]
    fn a_place_or_event_head_makes_no_person_of_a_name() {
        let text = "George River rose after the storm, and fishermen on George River left. Spain won the Davis Cup Finals in Madrid. The Davis Cup returns next year.";
        let mentions = stage().tag(text);
        let river: Vec<Option<Label>> = mentions
            .iter()
            .filter(|m| m.text == "George River")
            .map(|m| m.label)
            .collect();
        assert_eq!(river, [Some(Label::Loc), Some(Label::Loc)]);
        for word in ["Davis", "Cup"] {
            assert!(
                !mentions.iter().any(|m| m.text.contains(word)),
                "{word} tagged in {mentions:?}"
            );
        }
        assert_eq!(find(&mentions, "Madrid")[0].label, Some(Label::Loc));
        let text = "Taylor Swift's Eras Tour grossed $1 billion. The Super Bowl and the \
                    World Series drew crowds.";
        let mentions = stage().tag(text);
        for event in ["Eras", "Bowl", "Series"] {
            assert!(
                !mentions.iter().any(|m| m.text.contains(event)),
                "{event} tagged in {mentions:?}"
            );
        }
        assert_eq!(
            find(&mentions, "Taylor Swift")[0].label,
            Some(Label::Person)
        );
    }

    #[test]
    fn a_teaser_word_opening_a_sentence_is_no_name() {
        // News outlets' tweets, the held-out documents of `make ner-model`: "... the
        // general. Watch LIVE: http://..." where the model alone reads "Watch" as a
        // person, and the rules read "general." as a title before a name.
        let conll = include_str!("../data/ner/btc_g.conll");
        let docs = ner::train::read_conll(conll, Some(50));
        let stage = stage();
        let mut teasers = Vec::new();
        for doc in docs
            .iter()
            .enumerate()
            .filter(|(i, _)| ner::train::held_out(*i))
        {
            let (text, _) = ner::train::stage_text(doc.1);
            let chars: Vec<char> = text.chars().collect();
            for (start, end, _) in ner::train::stage_spans(&stage, &text) {
                let word: String = chars[start..end].iter().collect();
                if ["Watch", "Read", "Live", "Video"].contains(&word.as_str()) {
                    let before = chars[start.saturating_sub(30)..start].iter();
                    teasers.push(before.chain(&chars[start..end]).collect::<String>());
                }
            }
        }
        assert!(teasers.is_empty(), "{teasers:?}");
        let mentions = stage.tag("Police said the general. Watch LIVE: the briefing in Kabul.");
        assert!(!mentions.iter().any(|m| m.text == "Watch"), "{mentions:?}");
        assert_eq!(find(&mentions, "Kabul")[0].label, Some(Label::Loc));
    }

    #[test]
    fn no_name_holds_a_date() {
        // The model reads "Nature Astronomy on Monday" as one journal.
        let text = "The findings were published in Nature Astronomy on Monday by the team.";
        let mentions = stage().tag(text);
        assert_eq!(
            find(&mentions, "Nature Astronomy")[0].label,
            Some(Label::Org)
        );
        assert_eq!(find(&mentions, "Monday")[0].label, Some(Label::Date));
        assert!(
            !mentions
                .iter()
                .any(|m| m.label != Some(Label::Date) && m.text.contains("Monday")),
            "{mentions:?}"
        );
    }

    #[test]
    fn a_product_is_no_person_and_its_words_are_no_surnames() {
        // Tech news (the extraction benchmark's pages): ", the $49 adapter" is no
        // apposition of a person's, and once one reading made "Retina MacBook Pro" a
        // person, every "MacBook Pro" became "Pro", that person's surname.
        let text = "If you have an older dock from your 2012 or later Retina MacBook Pro, \
                    the $49 Apple adapter will connect.\n\nWelcome to the new 16-inch \
                    MacBook Pro. The MacBook Pro is larger.";
        let people = |stage: Entities| -> Vec<String> {
            let mentions = stage.tag(text);
            labelled(&mentions, Label::Person)
                .map(|m| m.text.clone())
                .collect()
        };
        assert!(people(stage().with_model(None)).is_empty());
        // Nor the models of other products (the model reads "Pro" as a person).
        let products = "Apple's latest iPad Pro drops to $799. The iPhone 11 Pro and the \
                        iPhone 11 Pro Max sold out, and my MacBook Pro has a Touch Bar.";
        let mentions = stage().tag(products);
        assert!(
            !mentions.iter().any(|m| m.label == Some(Label::Person)),
            "{mentions:?}"
        );
        // Should the model read the full product name as a person, none of the other
        // mentions follows it.
        let with_model = people(stage());
        assert!(
            with_model.iter().all(|p| p == "Retina MacBook Pro"),
            "{with_model:?}"
        );
        // An apposition with a person's noun still is one.
        let mentions = stage()
            .with_model(None)
            .tag("Jorge Alvarado, a former US senator, spoke. Later Alvarado left.");
        assert_eq!(
            find(&mentions, "Jorge Alvarado")[0].label,
            Some(Label::Person)
        );
        assert_eq!(find(&mentions, "Alvarado")[0].canonical, "Jorge Alvarado");
    }

    #[test]
    fn a_common_word_opening_a_sentence_is_no_part_of_a_name() {
        let text = "Dust will descend upon the residents of Delhi this week.\n\nWithin \
                    Delhi, schools closed. Delhi has turned into a gas chamber, said Arvind \
                    Kejriwal.";
        let mentions = stage().tag(text);
        assert!(
            !mentions.iter().any(|m| m.text.starts_with("Within")),
            "{mentions:?}"
        );
        assert!(
            find(&mentions, "Delhi")
                .iter()
                .all(|m| m.label == Some(Label::Loc)),
            "{mentions:?}"
        );
        // After a dateline, and for a person anywhere.
        let text = "LOS ANGELES (AP) — To LeBron James, triple-doubles are not a goal.";
        let mentions = stage().tag(text);
        assert_eq!(
            find(&mentions, "LeBron James")[0].label,
            Some(Label::Person)
        );
        assert!(
            !mentions.iter().any(|m| m.text.starts_with("To")),
            "{mentions:?}"
        );
    }

    #[test]
    fn a_known_place_keeps_its_first_word_at_a_sentence_start() {
        // "New" opens many sentences as a common word ("New rules apply"), and opened
        // these three as their places' first word: "York", "Zealand" and a person
        // "Delhi" before. A city of two words that "said" speaks for its government.
        let text = "He left. New York is big. New Zealand won: New Delhi said no. New \
                    rules apply.";
        for stage in [stage(), stage().with_model(None)] {
            let mentions = stage.tag(text);
            for place in ["New York", "New Zealand", "New Delhi"] {
                let found = find(&mentions, place);
                assert_eq!(found.len(), 1, "{place}: {mentions:?}");
                assert_eq!(found[0].label, Some(Label::Loc), "{place}");
            }
            assert!(
                !mentions.iter().any(|m| m.text.starts_with("New rules")),
                "{mentions:?}"
            );
        }
    }

    #[test]
    fn sports_scores_and_short_names_are_not_misread() {
        let text = "The Los Angeles Lakers beat the Boston Celtics 110-102 behind LeBron \
                    James. The UN met. Kim Jong Un fired 2 missiles.";
        let mentions = stage().tag(text);
        // The second number of a score, and a preposition after a number, count nothing.
        let counts: Vec<&str> = labelled(&mentions, Label::Count)
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(counts, ["2 missiles"]);
        // "UN" is the United Nations; the "Un" of Kim Jong Un is not.
        assert_eq!(find(&mentions, "UN")[0].canonical, "United Nations");
        assert!(
            !mentions
                .iter()
                .any(|m| m.canonical == "United Nations" && m.text == "Un"),
            "{mentions:?}"
        );
    }

    #[test]
    fn titles_of_a_house_and_its_leaders() {
        let mentions = stage().tag("House Speaker Nancy Pelosi disagreed. Pelosi left.");
        let pelosi = find(&mentions, "Nancy Pelosi");
        assert_eq!(pelosi.len(), 1, "{mentions:?}");
        assert_eq!(pelosi[0].label, Some(Label::Person));
        assert_eq!(find(&mentions, "Pelosi")[0].canonical, "Nancy Pelosi");
        // After an organisation in the same run of capitals.
        let mentions = stage()
            .with_model(None)
            .tag("Senate Majority Leader Chuck Schumer, D-N.Y., praised it.");
        assert_eq!(find(&mentions, "Senate")[0].label, Some(Label::Org));
        assert_eq!(
            find(&mentions, "Chuck Schumer")[0].label,
            Some(Label::Person)
        );
        // After a known organisation, before a title.
        let mentions = stage()
            .with_model(None)
            .tag("NATO Secretary-General Jens Stoltenberg and Apple CEO Tim Cook spoke.");
        for (name, label) in [
            ("NATO", Label::Org),
            ("Jens Stoltenberg", Label::Person),
            ("Apple", Label::Org),
            ("Tim Cook", Label::Person),
        ] {
            assert_eq!(find(&mentions, name)[0].label, Some(label), "{mentions:?}");
        }
    }

    #[test]
    fn agencies_coaches_and_capitals_in_news() {
        let text = "The Department of Health and Human Services, the Bank of America and \
                    Wells Fargo, and the Department of Justice and FBI spoke. Manchester \
                    United manager Erik ten Hag was sacked. Officials in Kyiv said 12 \
                    people died.";
        for stage in [stage(), stage().with_model(None)] {
            let mentions = stage.tag(text);
            let label = |text: &str| find(&mentions, text).first().and_then(|m| m.label);
            assert_eq!(
                label("Department of Health and Human Services"),
                Some(Label::Org)
            );
            assert_eq!(label("Bank of America"), Some(Label::Org));
            assert_eq!(label("Department of Justice"), Some(Label::Org));
            assert_eq!(label("FBI"), Some(Label::Org));
            // The rules have no cue for him ("manager" is no title), the model has;
            // neither reads "Hag" as The Hague any more.
            assert!(find(&mentions, "Hag").is_empty(), "{mentions:?}");
            assert_eq!(label("Kyiv"), Some(Label::Loc), "{mentions:?}");
        }
        let mentions = stage().tag(text);
        assert_eq!(
            find(&mentions, "Erik ten Hag")[0].label,
            Some(Label::Person)
        );
    }

    #[test]
    fn a_headline_in_title_case_names_nothing_by_its_capitals() {
        let text = "Biden Signs Executive Order On Artificial Intelligence As Congress \
                    Stalls\n\nBy Sarah Johnson and Michael Lee, CNN\n\nPresident Biden on \
                    Monday signed an executive order on artificial intelligence. \"This is \
                    a big deal,\" Biden said as the jobs debate stalls.\n\nRead more: How \
                    AI Will Change Jobs";
        for stage in [stage(), stage().with_model(None)] {
            let mentions = stage.tag(text);
            let names: Vec<(&str, Option<Label>)> = mentions
                .iter()
                .filter(|m| !matches!(m.label, Some(Label::Date | Label::Count)))
                .map(|m| (m.text.as_str(), m.label))
                .collect();
            assert_eq!(
                names,
                [
                    ("Sarah Johnson", Some(Label::Person)),
                    ("Michael Lee", Some(Label::Person)),
                    ("CNN", Some(Label::Org)),
                    ("Biden", Some(Label::Person)),
                    ("Biden", Some(Label::Person)),
                ]
            );
        }
    }

    #[test]
    fn a_place_inside_a_longer_place_gives_way_to_it() {
        let text = "Officials met envoys from New South Wales and Southeast Asia in St. \
                    Petersburg, the Russian Interfax news agency reported.";
        let mentions = stage().tag(text);
        let label = |text: &str| find(&mentions, text).first().and_then(|m| m.label);
        // The model reads the whole run; the rules found only "Wales" and "Asia".
        assert_eq!(label("New South Wales"), Some(Label::Loc), "{mentions:?}");
        assert_eq!(label("Southeast Asia"), Some(Label::Loc), "{mentions:?}");
        assert!(find(&mentions, "Wales").is_empty() && find(&mentions, "Asia").is_empty());
        // A group and an organisation the rules found in a run stand.
        assert_eq!(label("Russian"), Some(Label::Norp), "{mentions:?}");
        assert_eq!(label("Interfax"), Some(Label::Org), "{mentions:?}");
        // After a place and a comma, its state: Maine, not Des Plaines (also "Maine").
        let mentions = stage().tag("A storm hit Portland, Maine, on Monday.");
        assert_eq!(
            find(&mentions, "Maine")[0].canonical,
            "Maine",
            "{mentions:?}"
        );
        // "St." is a saint's title in a place's name, not a person's.
        let rules = stage().with_model(None).tag(text);
        let petersburg = find(&rules, "St. Petersburg");
        assert_eq!(petersburg.len(), 1, "{rules:?}");
        assert_eq!(petersburg[0].label, Some(Label::Loc));
    }

    #[test]
    fn names_and_numbers_of_markets() {
        let text = "Elon Musk sold shares, filings with the Securities and Exchange \
                    Commission showed. The S&P 500 fell and the FTSE 100 rose as 300 \
                    traders watched. Fed Chair Jerome Powell declined to comment.";
        for stage in [stage(), stage().with_model(None)] {
            let mentions = stage.tag(text);
            let sec = find(&mentions, "Securities and Exchange Commission");
            assert_eq!(sec.len(), 1, "{mentions:?}");
            assert_eq!(sec[0].label, Some(Label::Org));
            let counts: Vec<&str> = labelled(&mentions, Label::Count)
                .map(|m| m.text.as_str())
                .collect();
            assert_eq!(counts, ["300 traders"]);
            assert_eq!(
                find(&mentions, "Jerome Powell")[0].label,
                Some(Label::Person)
            );
        }
    }

    #[test]
    fn a_person_named_in_full_claims_a_span_with_no_cue_whole() {
        let text = "Taylor Swift said the label lied. Talks must go through Taylor \
                    Swift's management team, the label said.";
        let mentions = stage().with_model(None).tag(text);
        let swift = find(&mentions, "Taylor Swift");
        assert_eq!(swift.len(), 2, "{mentions:?}");
        assert_eq!(swift[1].start, 56);
        assert_eq!(swift[1].label, Some(Label::Person));
        assert_eq!(swift[1].canonical, "Taylor Swift");
        // So does the model's one reading of the full name as an organisation.
        let text = "Taylor Swift said the label lied. Big Machine Label Group has handled \
                    their ongoing public schism with Taylor Swift, according to a report.";
        let mentions = stage().tag(text);
        let swift = find(&mentions, "Taylor Swift");
        assert_eq!(swift.len(), 2, "{mentions:?}");
        assert!(
            swift.iter().all(|m| m.label == Some(Label::Person)),
            "{swift:?}"
        );
    }

    #[test]
    fn organisations_from_lists_heads_and_acronyms() {
        let text = "Yves Giovannoni, the head of the International Committee of the Red Cross (ICRC) delegation, spoke. The ICRC said the Kyrgyz Health Ministry and the Collective Security Treaty Organisation met, as the BBC and Reuters reported.";
        let mentions = stage().tag(text);
        let orgs: Vec<(&str, &str)> = labelled(&mentions, Label::Org)
            .map(|m| (m.text.as_str(), m.canonical.as_str()))
            .collect();
        assert_eq!(
            orgs,
            [
                (
                    "International Committee of the Red Cross",
                    "International Committee of the Red Cross"
                ),
                ("ICRC", "International Committee of the Red Cross"),
                ("ICRC", "International Committee of the Red Cross"),
                ("Kyrgyz Health Ministry", "Kyrgyz Health Ministry"),
                (
                    "Collective Security Treaty Organisation",
                    "Collective Security Treaty Organisation"
                ),
                ("BBC", "BBC"),
                ("Reuters", "Reuters")
            ]
        );
        assert_eq!(
            find(&mentions, "Yves Giovannoni")[0].label,
            Some(Label::Person)
        );
    }

    #[test]
    fn counts_keep_the_number_and_groups_their_singular() {
        let text = "The Kyrgyz Health Ministry said 63 people had been killed. Ethnic Uzbeks fled.";
        let mentions = stage().tag(text);
        let count = find(&mentions, "63 people")[0];
        assert_eq!((count.label, count.value), (Some(Label::Count), Some(63)));
        let uzbeks = find(&mentions, "Uzbeks")[0];
        assert_eq!(
            (uzbeks.label, uzbeks.canonical.as_str()),
            (Some(Label::Norp), "Uzbek")
        );
    }

    #[test]
    fn labels_can_be_switched_off() {
        let config = EntitiesConfig {
            labels: vec!["LOC".into()],
            ..EntitiesConfig::default()
        };
        let mentions = Entities::new(&config)
            .unwrap()
            .tag("On Friday Roza Otunbayeva said 63 people died in Osh.");
        assert!(mentions.iter().all(|m| m.label == Some(Label::Loc)));
        assert_eq!(mentions.len(), 1);
    }
}
