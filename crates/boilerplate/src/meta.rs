//! The page's metadata: the headline, the publication time it states and who the
//! article is credited to. Each is searched for only where pages put it: the title
//! and date above the article, the attribution at its start or end.

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

use crate::lines::Line;

/// News agencies and outlets whose name alone, or in a dateline, credits an article.
const AGENCIES: &[&str] = &[
    "Reuters",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "PTI",
    "IANS",
    "ANI",
    "dpa",
    "Xinhua",
    "EFE",
    "ANSA",
    "UPI",
    "TASS",
    "Interfax",
    "Kyodo",
    "Yonhap",
    "Al Jazeera",
    "BBC",
    "CNN",
];

/// Lines at the top of a page searched for the page title.
const PAGE_TITLE_LINES: usize = 5;

/// How far above the article the headline and date are looked for, in lines.
const HEADER_WINDOW: usize = 15;

/// What was found, with the indices of lines that hold only metadata and so are not
/// article text.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    pub title: Option<String>,
    pub published: Option<i64>,
    pub attribution: Option<String>,
    pub metadata_lines: Vec<usize>,
}

/// Looks for the metadata around the article that starts at line `core_start` and ends
/// before `core_end`. Lines marked in `chrome` (recurring across pages, teasers) are
/// never the headline.
pub fn find(lines: &[Line<'_>], chrome: &[bool], core_start: usize, core_end: usize) -> Found {
    let mut found = Found::default();
    let header = core_start.saturating_sub(HEADER_WINDOW)..core_start;

    found.title = find_title(lines, header.clone().filter(|&i| !chrome[i]));
    found.published = header
        .clone()
        .chain(core_start..(core_start + 3).min(lines.len()))
        .filter(|&i| lines[i].words <= 20 || has_date_cue(lines[i].text))
        .find_map(|i| parse_date(lines[i].text));

    for (i, line) in lines.iter().enumerate() {
        if let Some(source) = SOURCE_LINE.captures(line.text) {
            found.attribution = Some(source[1].trim().to_owned());
            found.metadata_lines.push(i);
        }
    }
    if found.attribution.is_none() {
        // An agency's name alone on a line at the end of the article.
        if let Some(i) = (core_end.saturating_sub(1)..(core_end + 2).min(lines.len()))
            .find(|&i| agency_alone(lines[i].text).is_some())
        {
            found.attribution = agency_alone(lines[i].text).map(str::to_owned);
            found.metadata_lines.push(i);
        }
    }
    if found.attribution.is_none() {
        // A dateline, "BISHKEK (Reuters) -", or a byline above the article.
        found.attribution = lines
            .get(core_start)
            .and_then(|l| dateline_agency(l.text))
            .or_else(|| header.clone().find_map(|i| byline_agency(lines[i].text)))
            .map(str::to_owned);
    }
    found
}

/// The first line above the article shaped like a headline, preferring one that the
/// page also repeats inside another line (the HTML title at the top of a dump).
fn find_title(lines: &[Line<'_>], header: impl Iterator<Item = usize>) -> Option<String> {
    let candidates: Vec<&Line<'_>> = header
        .map(|i| &lines[i])
        .filter(|l| headline_shaped(l))
        .collect();
    // Text browsers print the HTML title in the first lines.
    let repeated = candidates.iter().find(|c| {
        lines
            .iter()
            .take(c.index.min(PAGE_TITLE_LINES))
            .any(|other| other.text.len() > c.text.len() && other.text.contains(c.text))
    });
    repeated
        .or_else(|| candidates.first())
        .map(|l| l.text.trim_end_matches(['.', ' ']).to_owned())
}

fn headline_shaped(line: &Line<'_>) -> bool {
    let ends_plainly = !line.text.ends_with(['.', ':', ',', ';']);
    (3..=20).contains(&line.words)
        && ends_plainly
        && !line.chrome_shape
        && !line.bullet
        && line
            .text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c == '\'' || c == '"' || c == '‘' || c == '“')
        && parse_date(line.text).is_none()
}

fn agency_alone(text: &str) -> Option<&'static str> {
    let bare = text.trim().trim_end_matches('.');
    AGENCIES
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(bare))
}

fn dateline_agency(text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(60).collect();
    AGENCIES
        .iter()
        .copied()
        .find(|a| head.contains(&format!("({a})")))
}

fn byline_agency(text: &str) -> Option<&'static str> {
    AGENCIES.iter().copied().find(|a| {
        text.starts_with(a) && text[a.len()..].starts_with([' ', ',']) && parse_date(text).is_some()
    })
}

fn has_date_cue(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["updated", "published", "posted"]
        .iter()
        .any(|c| lower.contains(c))
}

static SOURCE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^source:\s*(.{2,80})$").expect("valid regex"));

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

/// "21 March, 2005", "November 18, 2019", "2019-11-18", each optionally followed by a
/// time and a zone.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)
        (?: (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?P<m1>{MONTHS})\.?,?\s+(?P<y1>\d{{4}})
          | (?P<m2>{MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
          | (?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})
        )
        (?: [,\s]+ (?:at\s+)? (?P<h>\d{{1,2}})[:.](?P<min>\d{{2}}) (?::(?P<s>\d{{2}}))?
            \s* (?P<ampm>[ap]\.?m\.?)?
            \s* (?P<tz>GMT|UTC|BST|CET|CEST|EST|EDT|ET|PST|PDT|PT|IST)?
        )?"
    );
    Regex::new(&pattern).expect("valid regex")
});

/// The first date in `text`, as microseconds since the epoch, UTC.
pub fn parse_date(text: &str) -> Option<i64> {
    let caps = DATE.captures(text)?;
    let get = |names: &[&str]| names.iter().find_map(|n| caps.name(n)).map(|m| m.as_str());
    let year: i32 = get(&["y1", "y2", "y3"])?.parse().ok()?;
    let month = match get(&["m1", "m2"]) {
        Some(name) => month_from_name(name)?,
        None => Month::try_from(get(&["m3"])?.parse::<u8>().ok()?).ok()?,
    };
    let day: u8 = get(&["d1", "d2", "d3"])?.parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let date = Date::from_calendar_date(year, month, day).ok()?;

    let mut hour: u8 = get(&["h"]).and_then(|h| h.parse().ok()).unwrap_or(0);
    let minute: u8 = get(&["min"]).and_then(|m| m.parse().ok()).unwrap_or(0);
    let second: u8 = get(&["s"]).and_then(|s| s.parse().ok()).unwrap_or(0);
    if let Some(ampm) = get(&["ampm"]) {
        let pm = ampm.to_ascii_lowercase().starts_with('p');
        hour = match (hour, pm) {
            (12, false) => 0,
            (h, true) if h < 12 => h + 12,
            (h, _) => h,
        };
    }
    let time = Time::from_hms(hour, minute, second).ok()?;
    let offset_hours: i8 = match get(&["tz"]).map(str::to_ascii_uppercase).as_deref() {
        Some("BST" | "CET") => 1,
        Some("CEST") => 2,
        Some("EST" | "ET") => -5,
        Some("EDT") => -4,
        Some("PST" | "PT") => -8,
        Some("PDT") => -7,
        Some("IST") => {
            let offset = UtcOffset::from_hms(5, 30, 0).ok()?;
            return Some(to_micros(
                PrimitiveDateTime::new(date, time).assume_offset(offset),
            ));
        }
        // GMT, UTC, and a page that names no zone: UTC is the honest default.
        _ => 0,
    };
    let offset = UtcOffset::from_hms(offset_hours, 0, 0).ok()?;
    Some(to_micros(
        PrimitiveDateTime::new(date, time).assume_offset(offset),
    ))
}

fn to_micros(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000) as i64
}

fn month_from_name(name: &str) -> Option<Month> {
    let lower = name.to_ascii_lowercase();
    let months = [
        Month::January,
        Month::February,
        Month::March,
        Month::April,
        Month::May,
        Month::June,
        Month::July,
        Month::August,
        Month::September,
        Month::October,
        Month::November,
        Month::December,
    ];
    let prefixes = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    prefixes
        .iter()
        .position(|p| lower.starts_with(p))
        .map(|i| months[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::lines;

    fn utc(text: &str) -> Option<String> {
        parse_date(text).map(|micros| {
            let t = time::OffsetDateTime::from_unix_timestamp(micros / 1_000_000).unwrap();
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute()
            )
        })
    }

    #[test]
    fn parses_the_date_forms_of_news_pages() {
        assert_eq!(
            utc("Last Updated: Monday, 21 March, 2005, 10:14 GMT").as_deref(),
            Some("2005-03-21 10:14")
        );
        assert_eq!(
            utc("Reuters November 18, 2019 11:03 PM").as_deref(),
            Some("2019-11-18 23:03")
        );
        assert_eq!(
            utc("Posted 2019-11-18").as_deref(),
            Some("2019-11-18 00:00")
        );
        assert_eq!(
            utc("Nov. 19, 2019 at 9:30 a.m. ET").as_deref(),
            Some("2019-11-19 14:30")
        );
        assert_eq!(utc("on 31 February 2019"), None);
        assert_eq!(utc("Kyrgyz protests hit second city"), None);
    }

    #[test]
    fn finds_title_date_and_source_line() {
        let text = "[an error occurred while processing this directive]\nBBC News\nLast Updated: Monday, 21 March, 2005, 10:14 GMT\nKyrgyz protests hit second city\nOpposition activists have seized government buildings.\nSOURCE: Al Jazeera and agencies";
        let all = lines(text, None, 12);
        let found = find(&all, &[false; 6], 4, 5);
        assert_eq!(
            found.title.as_deref(),
            Some("Kyrgyz protests hit second city")
        );
        assert_eq!(found.published, parse_date("21 March 2005 10:14"));
        assert_eq!(
            found.attribution.as_deref(),
            Some("Al Jazeera and agencies")
        );
        assert_eq!(found.metadata_lines, [5]);
    }

    #[test]
    fn prefers_the_headline_the_page_title_repeats() {
        let text = "#Feed VentureBeat » New York State Attorney General investigating WeWork Comments Feed\nSupport independent journalism\nNew York State Attorney General investigating WeWork\nReuters November 18, 2019 11:03 PM\n(Reuters) — The New York State Attorney General is investigating WeWork, people said.";
        let all = lines(text, None, 12);
        let found = find(&all, &[false; 5], 4, 5);
        assert_eq!(
            found.title.as_deref(),
            Some("New York State Attorney General investigating WeWork")
        );
        assert_eq!(found.attribution.as_deref(), Some("Reuters"));
    }

    #[test]
    fn an_agency_alone_after_the_article_is_the_attribution() {
        let all = lines(
            "Belarus had said it would welcome Mr Bakiyev.\nReuters",
            None,
            12,
        );
        let found = find(&all, &[false; 2], 0, 1);
        assert_eq!(found.attribution.as_deref(), Some("Reuters"));
        assert_eq!(found.metadata_lines, [1]);
        assert_eq!(found.title, None);
    }
}
