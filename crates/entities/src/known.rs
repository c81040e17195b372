//! The known names of the lexicon's lists (organisations, places, groups of people) as
//! maps from folded names, built once so that a name costs one lookup per list. The
//! rules ([`crate::names`]) and the trained tagger's features ([`crate::ner`]) both
//! read them, so they live apart from either.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::gazetteer::fold;
use crate::lexicon::{GROUPS, KNOWN_ORGS, KNOWN_PLACES};

static ORG_NAMES: LazyLock<FxHashMap<String, &'static str>> =
    LazyLock::new(|| by_folded_name(KNOWN_ORGS));
/// The folded names of known organisations that the list writes only in capitals.
static ORG_ACRONYMS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    let spellings = || {
        KNOWN_ORGS
            .iter()
            .flat_map(|(canonical, other)| std::iter::once(canonical).chain(other.iter()))
    };
    let mixed: FxHashSet<String> = spellings()
        .filter(|name| name.chars().any(char::is_lowercase))
        .map(|name| fold(name))
        .collect();
    spellings()
        .map(|name| fold(name))
        .filter(|key| !mixed.contains(key))
        .collect()
});
static PLACE_NAMES: LazyLock<FxHashMap<String, &'static str>> =
    LazyLock::new(|| by_folded_name(KNOWN_PLACES));
static GROUP_NAMES: LazyLock<FxHashMap<String, (&'static str, Option<&'static str>)>> =
    LazyLock::new(|| {
        let mut map = FxHashMap::default();
        for (canonical, other, country) in GROUPS {
            for name in std::iter::once(canonical).chain(other.iter()) {
                map.insert(fold(name), (*canonical, *country));
            }
        }
        map
    });

fn by_folded_name(list: &[(&'static str, &[&'static str])]) -> FxHashMap<String, &'static str> {
    let mut map = FxHashMap::default();
    for (canonical, other) in list {
        for name in std::iter::once(canonical).chain(other.iter()) {
            map.insert(fold(name), *canonical);
        }
    }
    map
}

/// The canonical name of the known organisation `text` spells, in any of its spellings
/// and whatever its case.
pub fn org(text: &str) -> Option<&'static str> {
    ORG_NAMES.get(&fold(text)).copied()
}

/// Whether the list writes the organisation `text` names only in capitals ("UN"), so
/// that only a text in capitals can mean it.
pub fn org_in_capitals_only(text: &str) -> bool {
    ORG_ACRONYMS.contains(&fold(text))
}

/// The canonical name of the known place `text` spells.
pub fn place(text: &str) -> Option<&'static str> {
    PLACE_NAMES.get(&fold(text)).copied()
}

/// The group of people a name means, with the country it points to.
pub fn group(text: &str) -> Option<(&'static str, Option<&'static str>)> {
    GROUP_NAMES.get(&fold(text)).copied()
}

/// Which of the lists of known organisations, places and groups hold `text`, in
/// any of its spellings (folded once for all three).
pub fn lists_naming(text: &str) -> impl Iterator<Item = &'static str> {
    let key = fold(text);
    [
        ORG_NAMES.contains_key(&key).then_some("org"),
        PLACE_NAMES.contains_key(&key).then_some("place"),
        GROUP_NAMES.contains_key(&key).then_some("group"),
    ]
    .into_iter()
    .flatten()
}
