//! Where a place mentioned in the entities table goes on the map. A city's mention
//! carries its coordinates; a country's does not (GeoNames gives a country no point),
//! so it is drawn at its largest city in the entity stage's own gazetteer, the one that
//! linked the mention, and the circle's title says so.

use std::collections::HashMap;

use newsprep_entities::gazetteer::Gazetteer;

pub struct Locator {
    by_id: HashMap<i64, (f64, f64)>,
    /// Per country code, the largest city's position and population.
    largest_city: HashMap<String, (f64, f64, u64)>,
}

impl Locator {
    /// Built from the built-in gazetteer, cities of any size.
    pub fn new() -> Locator {
        let mut locator = Locator {
            by_id: HashMap::new(),
            largest_city: HashMap::new(),
        };
        // The built-in file is compiled in and checked by the entities crate's tests:
        // it does not fail to load, and an empty map would only leave circles out.
        let Ok(gazetteer) = Gazetteer::load(0, &[]) else {
            return locator;
        };
        for place in gazetteer.places() {
            let (Some(lat), Some(lon)) = (place.lat, place.lon) else {
                continue;
            };
            locator.by_id.insert(place.geonames_id, (lat, lon));
            let entry = locator
                .largest_city
                .entry(place.country_code.clone())
                .or_insert((lat, lon, place.population));
            if place.population > entry.2 {
                *entry = (lat, lon, place.population);
            }
        }
        locator
    }

    /// Latitude, longitude and whether the point is the country's largest city, for a
    /// place of GeoNames id `geonames_id` in `country`.
    pub fn locate(
        &self,
        geonames_id: Option<i64>,
        country: Option<&str>,
    ) -> Option<(f64, f64, bool)> {
        if let Some(&(lat, lon)) = geonames_id.and_then(|id| self.by_id.get(&id)) {
            return Some((lat, lon, false));
        }
        let &(lat, lon, _) = self.largest_city.get(country?)?;
        Some((lat, lon, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_goes_to_its_largest_city_and_a_city_to_itself() {
        let locator = Locator::new();
        // Kyrgyzstan (GeoNames 1527747) has no point; Bishkek is its largest city.
        let (lat, lon, at_city) = locator.locate(Some(1527747), Some("KG")).unwrap();
        assert!(at_city);
        assert!(
            (lat - 42.87).abs() < 0.1 && (lon - 74.59).abs() < 0.1,
            "{lat} {lon}"
        );
        // Osh, by its own id.
        let (_, _, at_city) = locator.locate(Some(1527534), Some("KG")).unwrap();
        assert!(!at_city);
        assert_eq!(locator.locate(None, None), None);
    }
}
