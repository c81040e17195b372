//! One name per person across the corpus. Within a document, a last name alone
//! (`Bakiyev`, `Mr. Bakiyev`) already resolves to the full name the document gives; an
//! article that never gives it keeps the last name. Across the corpus, where one full
//! name ends in that last name, the last name is that person: `Bakiyev` in one article
//! and `Kurmanbek Bakiyev` in others become one entity. Where several full names share
//! it, one must be given by five times as many documents as all the others together
//! (`Donald Trump` in 30, `Melania Trump` in 2 and `Ivanka Trump` in 3), as a town
//! takes its name only from a reading five times as big; where none stands out so
//! (`Hillary Clinton`, `Bill Clinton`), the last name stays as written: guessing
//! would merge two people.
//!
//! Every mention then gets an `entity_id`, the same for every mention of one entity
//! in any document: a hash of its label, its canonical name and its GeoNames id.
//!
//! [`LinkPeople`] is the corpus stage that does it, after the entity stage: it
//! observes the mentions the entity stage found, so no text is tagged twice.

use crate::lexicon::SUFFIXES;
use newsprep_core::document::{Document, Label, Mention, Rejection};
use newsprep_core::stage::{BoxError, CorpusStage};
use rustc_hash::FxHashMap;

/// The corpus stage that links people across documents (`[entities] link_people`).
#[derive(Debug, Default)]
pub struct LinkPeople {
    links: Links,
}

impl LinkPeople {
    /// Decided from counts made elsewhere (an engine's group-by over every document's
    /// `observe`): documents per full name, as `absorb` would have counted them.
    pub fn from_counts(counts: impl IntoIterator<Item = (String, u32)>) -> LinkPeople {
        let mut links = Links::default();
        for (full_name, n) in counts {
            links.add_documents(full_name, n);
        }
        LinkPeople { links }
    }
}

impl CorpusStage for LinkPeople {
    type Summary = Vec<String>;

    fn name(&self) -> &'static str {
        "link_people"
    }

    fn observe(&self, _pass: usize, doc: &Document) -> Vec<String> {
        doc.entities.as_deref().map(full_names).unwrap_or_default()
    }

    fn absorb(&mut self, _pass: usize, summaries: Vec<Vec<String>>) -> Result<(), BoxError> {
        for name in summaries.into_iter().flatten() {
            self.links.add(name);
        }
        Ok(())
    }

    fn decide(&mut self, _pass: usize) -> Result<(), BoxError> {
        Ok(())
    }

    fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
        if let Some(mentions) = doc.entities.as_mut() {
            self.links.resolve(mentions);
        }
        Ok(())
    }

    /// The links are decided again from every document, restored ones included, whose
    /// mentions the entity stage has just found again.
    fn reapplies(&self) -> bool {
        true
    }
}

/// How many times the documents of all other full names together those of the one
/// a last name alone is taken for must number.
const DOMINANCE: u32 = 5;

/// The full names the corpus gives each last name.
#[derive(Debug, Default)]
pub struct Links {
    /// Last name -> the full names ending in it, each with the number of documents
    /// that give it.
    full_by_last: FxHashMap<String, FxHashMap<String, u32>>,
}

impl Links {
    /// Takes note of one document's full name of a person, as [`full_names`] lists
    /// them (each once per document).
    pub fn add(&mut self, full_name: String) {
        self.add_documents(full_name, 1);
    }

    /// Takes note of a full name given by `documents` documents at once.
    pub fn add_documents(&mut self, full_name: String, documents: u32) {
        if documents == 0 {
            return;
        }
        let Some(last) = last_name(&full_name) else {
            return;
        };
        let names = self.full_by_last.entry(last.to_owned()).or_default();
        let count = names.entry(full_name).or_default();
        *count = count.saturating_add(documents);
    }

    /// Rewrites the canonical name of every person named by a last name alone that
    /// the corpus links to one full name, then gives every mention its entity id.
    pub fn resolve(&self, mentions: &mut [Mention]) {
        for mention in mentions.iter_mut() {
            if mention.label == Some(Label::Person) && !mention.canonical.contains(' ') {
                if let Some(full) = self.full_name_of(&mention.canonical) {
                    mention.canonical = full.to_owned();
                }
            }
            mention.entity_id = entity_id(mention);
        }
    }

    /// The one full name a last name alone stands for, if one stands out.
    fn full_name_of(&self, last: &str) -> Option<&str> {
        let names = self.full_by_last.get(last)?;
        // The most documents, then the first name in order: the same on every run.
        let (best, &n) = names
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
        let others: u32 = names.values().sum::<u32>() - n;
        (n >= DOMINANCE * others).then_some(best.as_str())
    }
}

/// The distinct full names (two words or more) of the people among `mentions`.
pub fn full_names(mentions: &[Mention]) -> Vec<String> {
    let mut names: Vec<String> = mentions
        .iter()
        .filter(|m| m.label == Some(Label::Person) && m.canonical.contains(' '))
        .map(|m| m.canonical.clone())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The word of a full name its bearer is called by alone: the last, before a
/// generational suffix (`Martin Luther King Jr.` is King).
fn last_name(full_name: &str) -> Option<&str> {
    let mut words = full_name.split(' ').rev();
    let last = words.next()?;
    if SUFFIXES.contains(&last.trim_end_matches('.')) {
        words.next()
    } else {
        Some(last)
    }
}

/// The first 64 bits of BLAKE3 of the label, the canonical name and the GeoNames id:
/// stable across runs, versions and machines.
pub fn entity_id(mention: &Mention) -> u64 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(mention.label.map_or("", Label::as_str).as_bytes());
    hasher.update(b"\x1f");
    hasher.update(mention.canonical.as_bytes());
    hasher.update(b"\x1f");
    if let Some(id) = mention.geonames_id {
        hasher.update(&id.to_le_bytes());
    }
    let hash = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(text: &str, canonical: &str) -> Mention {
        Mention {
            text: text.to_owned(),
            label: Some(Label::Person),
            canonical: canonical.to_owned(),
            ..Mention::default()
        }
    }

    #[test]
    fn a_last_name_alone_joins_the_one_full_name_of_the_corpus() {
        let mut links = Links::default();
        for name in [
            "Kurmanbek Bakiyev",
            "Roza Otunbayeva",
            "Hillary Clinton",
            "Bill Clinton",
        ] {
            links.add(name.to_owned());
        }
        links.add("Kurmanbek Bakiyev".to_owned());
        let mut mentions = vec![
            person("Bakiyev", "Bakiyev"),
            person("Clinton", "Clinton"),
            person("Kurmanbek Bakiyev", "Kurmanbek Bakiyev"),
            person("Putin", "Putin"),
        ];
        links.resolve(&mut mentions);
        let canonical: Vec<&str> = mentions.iter().map(|m| m.canonical.as_str()).collect();
        assert_eq!(
            canonical,
            ["Kurmanbek Bakiyev", "Clinton", "Kurmanbek Bakiyev", "Putin"]
        );
        assert_eq!(mentions[0].entity_id, mentions[2].entity_id);
        assert_ne!(mentions[0].entity_id, mentions[1].entity_id);
    }

    #[test]
    fn counts_from_elsewhere_link_as_absorbing_each_document_does() {
        let counted = LinkPeople::from_counts([
            ("Donald Trump".to_owned(), 10),
            ("Melania Trump".to_owned(), 1),
            ("Hillary Clinton".to_owned(), 4),
            ("Bill Clinton".to_owned(), 1),
            ("Nobody".to_owned(), 3),
        ]);
        let mut absorbed = LinkPeople::default();
        let mut summaries = Vec::new();
        for (name, n) in [
            ("Donald Trump", 10),
            ("Melania Trump", 1),
            ("Hillary Clinton", 4),
            ("Bill Clinton", 1),
            ("Nobody", 3),
        ] {
            summaries.extend((0..n).map(|_| vec![name.to_owned()]));
        }
        absorbed.absorb(0, summaries).unwrap();
        assert_eq!(counted.links.full_by_last, absorbed.links.full_by_last);
        let mut doc = Document {
            entities: Some(vec![person("Trump", "Trump")]),
            ..Document::default()
        };
        counted.apply(&mut doc).unwrap();
        assert_eq!(doc.entities.unwrap()[0].canonical, "Donald Trump");
    }

    #[test]
    fn a_last_name_joins_the_full_name_five_times_as_many_documents_give() {
        let mut links = Links::default();
        let mut add = |name: &str, documents: usize| {
            for _ in 0..documents {
                links.add(name.to_owned());
            }
        };
        add("Donald Trump", 10);
        add("Melania Trump", 1);
        add("Ivanka Trump", 1);
        add("Hillary Clinton", 4);
        add("Bill Clinton", 1);
        let mut mentions = vec![person("Trump", "Trump"), person("Clinton", "Clinton")];
        links.resolve(&mut mentions);
        let canonical: Vec<&str> = mentions.iter().map(|m| m.canonical.as_str()).collect();
        assert_eq!(canonical, ["Donald Trump", "Clinton"]);
    }

    #[test]
    fn generational_suffixes_are_not_last_names() {
        assert_eq!(last_name("Martin Luther King Jr."), Some("King"));
        assert_eq!(last_name("Ban Ki-moon"), Some("Ki-moon"));
    }

    #[test]
    fn the_same_name_as_place_and_person_are_two_entities() {
        let place = Mention {
            label: Some(Label::Loc),
            canonical: "Jackson".to_owned(),
            geonames_id: Some(4431410),
            ..Mention::default()
        };
        assert_ne!(entity_id(&place), entity_id(&person("Jackson", "Jackson")));
        assert_eq!(entity_id(&place), entity_id(&place.clone()));
    }
}
