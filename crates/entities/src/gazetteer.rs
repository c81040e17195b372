//! The places newsprep knows: every country, every US state and every city of 15,000
//! people or more
//! from GeoNames (`data/gazetteer.tsv`, rebuilt by `scripts/build_gazetteer.py`; data
//! CC BY 4.0 GeoNames), plus the user's own files in the same format.
//!
//! Names are looked up folded (see [`fold`]), so `Jalal-Abad`, `Jalal'abad` and
//! `Jalalabad` meet under one key.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

const BUILT_IN: &str = include_str!("../data/gazetteer.tsv");

/// One place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub geonames_id: i64,
    pub name: String,
    pub is_country: bool,
    /// A state or province: named alone without doubt, like a country.
    pub is_region: bool,
    pub country_code: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: u64,
}

/// A gazetteer file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("cannot read gazetteer file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("gazetteer file {path}, line {line}: {reason}")]
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Places by folded name.
#[derive(Debug, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_name: FxHashMap<String, Vec<u32>>,
}

impl Gazetteer {
    /// The built-in places of at least `min_population` people (countries always),
    /// then the user's files.
    pub fn load(min_population: u64, extra: &[PathBuf]) -> Result<Gazetteer, GazetteerError> {
        let mut gazetteer = Gazetteer::default();
        gazetteer.add_tsv(BUILT_IN, Path::new("built-in gazetteer"), min_population)?;
        for path in extra {
            let text = std::fs::read_to_string(path).map_err(|source| GazetteerError::Read {
                path: path.clone(),
                source,
            })?;
            gazetteer.add_tsv(&text, path, 0)?;
        }
        Ok(gazetteer)
    }

    fn add_tsv(
        &mut self,
        text: &str,
        path: &Path,
        min_population: u64,
    ) -> Result<(), GazetteerError> {
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |reason: &str| GazetteerError::Line {
                path: path.to_owned(),
                line: i + 1,
                reason: reason.to_owned(),
            };
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 7 {
                return Err(bad(
                    "expected geonameid, name, kind, country_code, lat, lon, population, names",
                ));
            }
            let place = Place {
                geonames_id: fields[0]
                    .parse()
                    .map_err(|_| bad("geonameid is not a number"))?,
                name: fields[1].to_owned(),
                is_country: fields[2] == "country",
                is_region: fields[2] == "region",
                country_code: fields[3].to_owned(),
                lat: fields[4].parse().ok(),
                lon: fields[5].parse().ok(),
                population: fields[6]
                    .parse()
                    .map_err(|_| bad("population is not a number"))?,
            };
            if fields[2] == "city" && place.population < min_population {
                continue;
            }
            let index = self.places.len() as u32;
            let names = fields.get(7).map_or("", |n| *n);
            for name in std::iter::once(fields[1]).chain(names.split('|')) {
                let key = fold(name);
                // Two letters name countries only ("US", "UK"); for cities they are codes.
                if key.len() < 3 && !(place.is_country && key.len() == 2) {
                    continue;
                }
                let entry = self.by_name.entry(key).or_default();
                if !entry.contains(&index) {
                    entry.push(index);
                }
            }
            self.places.push(place);
        }
        Ok(())
    }

    /// Every place, in file order (the built-in ones first).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Every place the name may mean.
    pub fn lookup(&self, name: &str) -> Vec<&Place> {
        self.by_name
            .get(&fold(name))
            .map(|ids| ids.iter().map(|&i| &self.places[i as usize]).collect())
            .unwrap_or_default()
    }
}

/// A name reduced for matching: letters and digits only, lower case, accents removed.
/// `Jalal-Abad`, `Jalal'abad`, `JALALABAD` and `Jalālābād` all fold to `jalalabad`.
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        // Nothing to decompose: the common case, without the normaliser's cost.
        return name
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    name.nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_city_meet() {
        assert_eq!(fold("Jalal-Abad"), "jalalabad");
        assert_eq!(fold("Jalal'abad"), "jalalabad");
        assert_eq!(fold("Jalālābād"), "jalalabad");
        let gazetteer = Gazetteer::load(15_000, &[]).unwrap();
        let ids: Vec<i64> = gazetteer
            .lookup("Jalal'abad")
            .iter()
            .map(|p| p.geonames_id)
            .collect();
        assert!(ids.contains(&1528249), "the Kyrgyz city");
        assert!(ids.contains(&1139715), "the Afghan city");
        let osh = gazetteer.lookup("Osh");
        assert_eq!(osh[0].country_code, "KG");
        let kyrgyzstan = gazetteer.lookup("Kyrgyzstan");
        assert!(kyrgyzstan[0].is_country);
    }

    #[test]
    fn user_files_add_places() {
        let dir = std::env::temp_dir().join(format!("newsprep-gaz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("extra.tsv");
        std::fs::write(
            &file,
            "geonameid\tname\tkind\tcountry_code\tlat\tlon\tpopulation\tnames\n9000001\tMayevka\tcity\tKG\t42.9\t74.6\t10535\tMaevka\n",
        )
        .unwrap();
        let gazetteer = Gazetteer::load(15_000, std::slice::from_ref(&file)).unwrap();
        assert_eq!(gazetteer.lookup("Maevka")[0].name, "Mayevka");
        std::fs::write(&file, "header\nnot a row\n").unwrap();
        let err = Gazetteer::load(15_000, &[file]).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
