//! Entity tagging end to end on the seeds: the people, places, organisations and
//! counts the seeds name come out labelled and resolved, in both tables, with offsets
//! that index the document text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::{manifest, Table, TestDir};

const SEEDS: [&str; 5] = [
    "000_0b339d3020d50040.txt",
    "001_e235f158d9148f5d.txt",
    "002_dc011476645fddff.txt",
    "003_d687500d7c2a08b1.txt",
    "004_7c9b3d24237c106f.txt",
];

/// Runs the pipeline on the seeds with `config` as the config file's text.
fn run_on_seeds(config: &str) -> TestDir {
    let dir = TestDir::new();
    let raw = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../raw"));
    for name in SEEDS {
        dir.write(name, std::fs::read(raw.join(name)).expect("seed"));
    }
    std::fs::write(dir.path().join("run.toml"), config).expect("config");
    dir.run_pipeline(&["--config", "run.toml"]);
    dir
}

/// (text, label) -> canonical names seen for it, over all mentions.
fn mentions(dir: &TestDir) -> BTreeMap<(String, String), BTreeSet<String>> {
    let table = Table::read(&dir.output().join("entities.parquet"));
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for ((text, label), canonical) in table
        .strings("text")
        .into_iter()
        .zip(table.strings("label"))
        .zip(table.strings("canonical"))
    {
        out.entry((text, label)).or_default().insert(canonical);
    }
    out
}

fn has(found: &BTreeMap<(String, String), BTreeSet<String>>, text: &str, label: &str) -> bool {
    found.contains_key(&(text.to_owned(), label.to_owned()))
}

#[test]
fn the_seeds_people_places_and_organisations() {
    // Boilerplate off, so the "Reuters" line at the end of the Reuters page stays in.
    let dir = run_on_seeds("[boilerplate]\nenabled = false\n");
    let found = mentions(&dir);

    for person in [
        "Roza Otunbayeva",
        "Kurmanbek Bakiyev",
        "Vladimir Putin",
        "Askar Akayev",
        "Robin Forestier-Walker",
        "Ban Ki-moon",
    ] {
        assert!(has(&found, person, "PERSON"), "{person} is a PERSON");
    }
    // Later mentions resolve to the full name.
    assert_eq!(
        found[&("Otunbayeva".into(), "PERSON".into())],
        BTreeSet::from(["Roza Otunbayeva".to_owned()])
    );
    assert_eq!(
        found[&("Bakiyev".into(), "PERSON".into())],
        BTreeSet::from(["Kurmanbek Bakiyev".to_owned()])
    );
    for place in [
        "Osh",
        "Bishkek",
        "Uzbekistan",
        "Kazakhstan",
        "Russia",
        "Batken",
    ] {
        assert!(has(&found, place, "LOC"), "{place} is a LOC");
    }
    for org in [
        "ICRC",
        "Al Jazeera",
        "BBC",
        "Reuters",
        "Collective Security Treaty Organisation",
    ] {
        assert!(has(&found, org, "ORG"), "{org} is an ORG");
    }
    assert!(has(&found, "63 people", "COUNT"));
}

#[test]
fn three_spellings_of_jalal_abad_are_one_place_with_exact_offsets() {
    let dir = run_on_seeds("");
    let table = Table::read(&dir.output().join("entities.parquet"));
    let texts = table.strings("text");
    let ids = table.optional_ints("geonames_id");
    let mut jalal: BTreeMap<String, BTreeSet<Option<i64>>> = BTreeMap::new();
    for (text, id) in texts.iter().zip(&ids) {
        if text.starts_with("Jalal") {
            jalal.entry(text.clone()).or_default().insert(*id);
        }
    }
    let spellings: Vec<&String> = jalal.keys().collect();
    assert_eq!(spellings, ["Jalal'abad", "Jalal-Abad", "Jalalabad"]);
    assert!(
        jalal
            .values()
            .all(|ids| ids == &BTreeSet::from([Some(1_528_249)])),
        "{jalal:?}"
    );

    // Offsets count code points into documents.text: slicing gives the mention.
    let docs = Table::read(&dir.output().join("documents.parquet"));
    let text_of = docs.map("doc_id", "text");
    let starts = table.ints("start");
    let ends = table.ints("end");
    for (i, doc_id) in table.strings("doc_id").iter().enumerate() {
        let chars: Vec<char> = text_of[doc_id].chars().collect();
        let slice: String = chars[starts[i] as usize..ends[i] as usize].iter().collect();
        assert_eq!(slice, texts[i]);
    }
    let counts = &manifest(&dir.output()).mentions_by_label;
    assert_eq!(counts["LOC"], ids.len() as u64 - count_other(&table));
}

fn count_other(table: &Table) -> u64 {
    table
        .strings("label")
        .iter()
        .filter(|l| *l != "LOC")
        .count() as u64
}

/// (canonical, entity_id) of every PERSON mention in the run's entities table.
fn people(dir: &TestDir) -> Vec<(String, String)> {
    let table = Table::read(&dir.output().join("entities.parquet"));
    table
        .strings("label")
        .into_iter()
        .zip(
            table
                .strings("canonical")
                .into_iter()
                .zip(table.strings("entity_id")),
        )
        .filter(|(label, _)| label == "PERSON")
        .map(|(_, person)| person)
        .collect()
}

#[test]
fn a_last_name_alone_is_linked_to_the_one_full_name_across_articles() {
    // As make pipeline runs: boilerplate removal takes the headline naming
    // "Kurmanbek Bakiyev" out of one article, which then calls him "Bakiyev" only.
    let unlinked = people(&run_on_seeds("[entities]\nlink_people = false\n"));
    let alone = unlinked
        .iter()
        .filter(|(name, _)| name == "Bakiyev")
        .count();
    assert_eq!(
        alone, 10,
        "the premise: some article names him by last name only"
    );

    let linked = people(&run_on_seeds(""));
    assert!(
        !linked.iter().any(|(name, _)| name == "Bakiyev"),
        "{linked:?}"
    );
    let full = |people: &[(String, String)]| {
        people
            .iter()
            .filter(|(name, _)| name == "Kurmanbek Bakiyev")
            .count()
    };
    assert_eq!(full(&linked), full(&unlinked) + alone);
    // One id per person, whatever the document: ids and names pair one to one.
    let ids: BTreeMap<&String, BTreeSet<&String>> =
        linked.iter().fold(BTreeMap::new(), |mut ids, (name, id)| {
            ids.entry(id).or_insert_with(BTreeSet::new).insert(name);
            ids
        });
    let names: BTreeSet<&String> = linked.iter().map(|(name, _)| name).collect();
    assert!(ids.values().all(|n| n.len() == 1));
    assert_eq!(ids.len(), names.len());
}

/// (text, label) of every PERSON, ORG and LOC mention of `file` run with `config`.
fn names_in(file: &str, config: &str) -> BTreeSet<(String, String)> {
    let dir = TestDir::new();
    let fixture = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/entities"
    ));
    dir.write(file, std::fs::read(fixture.join(file)).expect("fixture"));
    std::fs::write(dir.path().join("run.toml"), config).expect("config");
    dir.run_pipeline(&["--config", "run.toml"]);
    let table = Table::read(&dir.output().join("entities.parquet"));
    table
        .strings("text")
        .into_iter()
        .zip(table.strings("label"))
        .filter(|(_, label)| ["PERSON", "ORG", "LOC"].contains(&label.as_str()))
        .collect()
}

#[test]
fn the_trained_tagger_finds_names_without_cues_and_can_be_switched_off() {
    let pair = |t: &str, l: &str| (t.to_owned(), l.to_owned());
    // People with no title, no reporting verb and no first name on our lists, and a
    // bank on no list: only the model knows them.
    let model_only = [
        pair("Olaf Scholz", "PERSON"),
        pair("Jacinda Ardern", "PERSON"),
        pair("Pedro Sanchez", "PERSON"),
        pair("Unicredit", "ORG"),
        // One name across its particles, where the model alone reads two.
        pair("Ursula von der Leyen", "PERSON"),
    ];
    let with_model = names_in("no_cues.txt", "");
    let rules_only = names_in("no_cues.txt", "[entities]\nmodel = false\n");
    for name in &model_only {
        assert!(with_model.contains(name), "{name:?} in {with_model:?}");
        assert!(!rules_only.contains(name), "{name:?} in {rules_only:?}");
    }
    // What the rules find stays found, with or without the model.
    for name in [
        pair("Deutsche Bank", "ORG"),
        pair("Frankfurt", "LOC"),
        pair("Tokyo", "LOC"),
    ] {
        assert!(
            with_model.contains(&name) && rules_only.contains(&name),
            "{name:?}"
        );
    }
    // The headline in capitals gives no names.
    for word in ["MARKETS", "BANKS", "RATE FEARS", "SLIDE"] {
        assert!(
            !with_model.iter().any(|(t, _)| t.contains(word)),
            "{word} tagged"
        );
    }
}
