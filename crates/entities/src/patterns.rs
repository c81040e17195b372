//! Dates and counts, found by patterns: "Friday", "April 7th", "21 March, 2005",
//! "late June"; "63 people", "about 1,000 wounded", "80,000 ethnic Uzbeks".

use std::sync::LazyLock;

use regex::Regex;

use time::{Date, Month};

/// A date or count found in a text. Offsets are in bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub canonical: String,
    /// Days since 1970-01-01, for a date the text pins to a day.
    pub date: Option<i32>,
    /// The number, for a count.
    pub value: Option<i64>,
}

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?-u:\b)(?:
            (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{MONTHS})(?:,?\s+(?P<y1>(?:19|20)\d\d))?
          | (?P<m2>{MONTHS})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<y2>(?:19|20)\d\d))?
          | (?:(?:early|mid|late|mid-)\s*)(?P<m3>{MONTHS})(?:\s+(?P<y3>(?:19|20)\d\d))?
          | (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?
          | (?:today|yesterday|tonight|this\s+(?:morning|week|month|year)|last\s+(?:night|week|month|year)|next\s+(?:week|month|year))
        )(?-u:\b)"
    );
    Regex::new(&format!("(?x){pattern}")).expect("valid date pattern")
});

/// A month or a year alone is a date only after a preposition: "in April", "since 1990".
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:in|since|by|until|during|from|before|after|of)\s+(?P<when>(?:{MONTHS})(?:\s+(?:19|20)\d\d)?|(?:19|20)\d\d)(?-u:\b)"
    ))
    .expect("valid period pattern")
});

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?-u:\b)
        (?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)
        (?:\s+(?P<scale>million|thousand|billion))?
        \s+(?:(?:ethnic|more|other|local|armed|foreign|military|civilian|young|unarmed)\s+)?
        (?P<noun>[A-Za-z][a-z]+)(?-u:\b)",
    )
    .expect("valid count pattern")
});

/// Words after a number that are units or parts of speech, not things counted.
const NOT_COUNTED: &[&str] = &[
    "km",
    "kilometres",
    "kilometers",
    "miles",
    "mile",
    "metres",
    "meters",
    "kg",
    "per",
    "percent",
    "cent",
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
    "hours",
    "hour",
    "minutes",
    "seconds",
    "am",
    "pm",
    "and",
    "or",
    "to",
    "of",
    "in",
    "on",
    "at",
    "the",
    "a",
    "an",
    "was",
    "were",
    "is",
    "are",
    "had",
    "have",
    "has",
    "when",
    "after",
    "before",
    "for",
    "from",
    "with",
    "by",
    "as",
    "than",
    "times",
    "points",
    "degrees",
    "dollars",
    "euros",
    "pounds",
    "feet",
    "inches",
    "litres",
    "tonnes",
    "gmt",
    "utc",
    "million",
    "billion",
    "thousand",
    // Prepositions, conjunctions, pronouns and verbs after a number: "won 110-102
    // behind James", "the 2 who", "all 3 will".
    "about",
    "above",
    "across",
    "against",
    "ago",
    "along",
    "amid",
    "among",
    "around",
    "be",
    "been",
    "behind",
    "below",
    "between",
    "beyond",
    "but",
    "can",
    "could",
    "did",
    "during",
    "he",
    "her",
    "his",
    "if",
    "into",
    "it",
    "its",
    "may",
    "near",
    "nor",
    "not",
    "over",
    "she",
    "should",
    "since",
    "so",
    "that",
    "their",
    "they",
    "this",
    "through",
    "under",
    "until",
    "via",
    "we",
    "which",
    "while",
    "who",
    "will",
    "within",
    "without",
    "would",
    "you",
];

/// Dates in text order, longest first where they overlap.
pub fn dates(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = DATE
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some(Found {
                start: m.start(),
                end: m.end(),
                canonical: m.as_str().to_owned(),
                date: day(
                    c.name("y1").or(c.name("y2")).map(|y| y.as_str()),
                    c.name("m1").or(c.name("m2")).map(|m| m.as_str()),
                    c.name("d1").or(c.name("d2")).map(|d| d.as_str()),
                ),
                value: None,
            })
        })
        .collect();
    for c in PERIOD.captures_iter(text) {
        if let Some(m) = c.name("when") {
            found.push(Found {
                start: m.start(),
                end: m.end(),
                canonical: m.as_str().to_owned(),
                date: None,
                value: None,
            });
        }
    }
    without_overlaps(found)
}

/// Counts in text order: a number and what it counts.
pub fn counts(text: &str) -> Vec<Found> {
    COUNT
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let noun = c.name("noun")?.as_str();
            if NOT_COUNTED.contains(&noun.to_lowercase().as_str()) {
                return None;
            }
            // A capitalised word after a number is a name ("200 Bakiyev supporters"),
            // unless it is a people ("80,000 ethnic Uzbeks").
            if noun.starts_with(char::is_uppercase) && !is_group(noun) {
                return None;
            }
            // "S&P 500", "FTSE 100": a number that ends an index's or a product's name.
            let word_before = text[..m.start()]
                .strip_suffix(' ')
                .and_then(|b| b.rsplit(' ').next())
                .unwrap_or("");
            let acronym = word_before.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !word_before.chars().any(char::is_lowercase);
            if acronym || word_before.contains('&') {
                return None;
            }
            // "won 110-102", "pages 10-12": the second number of a score or a range.
            let before = text[..m.start()].strip_suffix(['-', '–']);
            if before.is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit())) {
                return None;
            }
            let digits = c.name("number")?.as_str();
            // "in 1990 hundreds died": a bare year is not a count.
            if digits.len() == 4
                && !digits.contains(['.', ','])
                && ("1900".."2100").contains(&digits)
            {
                return None;
            }
            // "5.3 million", "1,400": commas are thousands separators.
            let number: f64 = c.name("number")?.as_str().replace(',', "").parse().ok()?;
            let scale = match c.name("scale").map(|s| s.as_str()) {
                Some("thousand") => 1e3,
                Some("million") => 1e6,
                Some("billion") => 1e9,
                _ => 1.0,
            };
            let value = number * scale;
            // A bare number with a fraction is a measure, not a count.
            if value.fract() != 0.0 {
                return None;
            }
            Some(Found {
                start: m.start(),
                end: m.end(),
                canonical: noun.to_lowercase(),
                date: None,
                value: Some(value as i64),
            })
        })
        .collect()
}

fn is_group(word: &str) -> bool {
    crate::known::group(word).is_some()
}

fn day(year: Option<&str>, month: Option<&str>, day: Option<&str>) -> Option<i32> {
    let year: i32 = year?.parse().ok()?;
    let month = month_number(month?)?;
    let day: u8 = day?.parse().ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let epoch = Date::from_calendar_date(1970, Month::January, 1).ok()?;
    Some((date - epoch).whole_days() as i32)
}

fn month_number(name: &str) -> Option<Month> {
    let prefix: String = name.chars().take(3).collect::<String>().to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let i = months.iter().position(|m| *m == prefix)?;
    Month::try_from(i as u8 + 1).ok()
}

/// Keeps the longest of overlapping finds, in text order.
pub fn without_overlaps(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if kept.last().is_some_and(|k| f.start < k.end) {
            continue;
        }
        kept.push(f);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(found: &[Found]) -> Vec<&str> {
        found.iter().map(|f| f.canonical.as_str()).collect()
    }

    #[test]
    fn finds_the_dates_of_news() {
        let text = "On Friday, after the uprising on April 7th and the vote on 21 March, 2005, a referendum scheduled for late June; in 1990 and since April.";
        let found = dates(text);
        assert_eq!(
            texts(&found),
            [
                "Friday",
                "April 7th",
                "21 March, 2005",
                "late June",
                "1990",
                "April"
            ]
        );
        assert_eq!(found[2].date, Some(12_863));
        assert_eq!(found[1].date, None);
    }

    #[test]
    fn finds_counts_with_their_nouns() {
        let text = "63 people had been killed and about 1,000 wounded; 80,000 ethnic Uzbeks fled 600 km south; 5.3 million population; 4 officers; in 1990 hundreds; 200 Bakiyev supporters.";
        let found = counts(text);
        let got: Vec<(&str, Option<i64>)> = found
            .iter()
            .map(|f| (f.canonical.as_str(), f.value))
            .collect();
        assert_eq!(
            got,
            [
                ("people", Some(63)),
                ("wounded", Some(1000)),
                ("uzbeks", Some(80_000)),
                ("population", Some(5_300_000)),
                ("officers", Some(4))
            ]
        );
        assert_eq!(&text[found[0].start..found[0].end], "63 people");
    }
}
