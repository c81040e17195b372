//! What a page says about itself: headline, publication time, authors, site, address
//! and language, from the places publishers put them for search engines and social
//! networks (JSON-LD, Open Graph and other `<meta>` tags, `<link rel=canonical>`,
//! `<time>`, `itemprop`), each field from its most reliable source first.

use newsprep_core::document::Metadata;
use scraper::{ElementRef, Html, Node};
use serde_json::Value;
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

/// `<meta>` names and properties that carry the publication time, best first.
const DATE_METAS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "article.published",
    "date",
];

/// `<meta>` names that carry the author's name.
const AUTHOR_METAS: &[&str] = &[
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
];

/// Reads the metadata of a parsed page. `h1` is the text of the article's first
/// level-one heading, if the extraction found one.
/// `attribution` is left to the boilerplate stage, which reads it from the text.
pub fn read(html: &Html, h1: Option<&str>) -> Metadata {
    let mut metas: Vec<(String, String)> = Vec::new();
    let mut json_ld: Vec<Value> = Vec::new();
    let mut title_tag = None;
    let mut canonical = None;
    let mut time_datetime = None;
    let mut itemprop_date = None;
    let mut byline = None;
    let mut page_language = None;

    for node in html.tree.root().descendants() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        match element.name() {
            "html" if page_language.is_none() => {
                page_language = element
                    .attr("lang")
                    .or_else(|| element.attr("xml:lang"))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned);
            }
            "meta" => {
                let key = element
                    .attr("property")
                    .or_else(|| element.attr("name"))
                    .or_else(|| element.attr("itemprop"));
                if let (Some(key), Some(content)) = (key, element.attr("content")) {
                    metas.push((key.trim().to_ascii_lowercase(), content.trim().to_owned()));
                }
            }
            "script"
                if element
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let text: String = ElementRef::wrap(node)
                    .map(|e| e.text().collect())
                    .unwrap_or_default();
                if let Ok(value) = serde_json::from_str::<Value>(text.trim()) {
                    json_ld.push(value);
                }
            }
            "title" if title_tag.is_none() => {
                title_tag = ElementRef::wrap(node).map(|e| collapse(&e.text().collect::<String>()));
            }
            "link" if canonical.is_none() => {
                let rel = element.attr("rel").unwrap_or_default();
                if rel
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
                {
                    canonical = element
                        .attr("href")
                        .map(str::trim)
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned);
                }
            }
            "time" if time_datetime.is_none() => {
                time_datetime = element.attr("datetime").and_then(parse_date);
            }
            _ => {}
        }
        if itemprop_date.is_none() && element.attr("itemprop") == Some("datePublished") {
            itemprop_date = element
                .attr("content")
                .or_else(|| element.attr("datetime"))
                .and_then(parse_date);
        }
        if byline.is_none() && is_byline(element) {
            byline = ElementRef::wrap(node)
                .map(|e| collapse(&e.text().collect::<String>()))
                .filter(|t| !t.is_empty() && t.split_whitespace().count() <= 12);
        }
    }

    let meta = |key: &str| {
        metas
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    let article = json_ld.iter().find_map(find_article);

    let title = meta("og:title")
        .map(collapse)
        .or_else(|| article.and_then(|a| string_of(a.get("headline"))))
        .or_else(|| h1.map(collapse))
        .or_else(|| title_tag.as_deref().map(without_site_name))
        .filter(|t| !t.is_empty());

    let published = article
        .and_then(|a| string_of(a.get("datePublished")))
        .and_then(|d| parse_date(&d))
        .filter(|&t| plausible(t))
        .or_else(|| {
            DATE_METAS
                .iter()
                .find_map(|k| meta(k).and_then(parse_date).filter(|&t| plausible(t)))
        })
        .or(itemprop_date.filter(|&t| plausible(t)))
        .or(time_datetime.filter(|&t| plausible(t)))
        .or_else(|| {
            canonical
                .as_deref()
                .or(meta("og:url"))
                .and_then(date_in_url)
        });

    let mut author: Vec<String> = article
        .map(|a| names_of(a.get("author")))
        .unwrap_or_default();
    if author.is_empty() {
        if let Some(name) = AUTHOR_METAS
            .iter()
            .find_map(|k| meta(k).filter(|v| !v.starts_with("http")))
        {
            author = split_names(name);
        }
    }
    if author.is_empty() {
        if let Some(line) = &byline {
            author = split_names(line);
        }
    }

    let site_name = meta("og:site_name")
        .map(collapse)
        .or_else(|| {
            article
                .and_then(|a| a.get("publisher"))
                .and_then(|p| string_of(p.get("name")))
        })
        .filter(|s| !s.is_empty());
    // Bylines credit the outlet beside the reporter (`Troy L. Smith, cleveland.com`):
    // a publication is not one of the people credited.
    author.retain(|name| !is_publication(name, site_name.as_deref()));
    // The canonical link is the address the publisher stands by; `og:url` is written
    // for social networks and sometimes names a sharing host.
    let url = canonical
        .clone()
        .or_else(|| meta("og:url").map(str::to_owned));

    Metadata {
        title,
        published,
        attribution: None,
        author,
        site_name,
        url,
        canonical_url: canonical,
        page_language,
    }
}

/// An element that holds the byline: `rel=author`, or a class or itemprop naming it.
fn is_byline(element: &scraper::node::Element) -> bool {
    if element.attr("rel") == Some("author") || element.attr("itemprop") == Some("author") {
        return true;
    }
    element.attr("class").is_some_and(|c| {
        c.split_ascii_whitespace().any(|name| {
            let name = name.to_ascii_lowercase();
            name == "byline" || name == "author-name" || name == "byline__name"
        })
    })
}

/// The first JSON-LD object that describes an article (or any page with a headline),
/// looking inside arrays and `@graph`.
fn find_article(value: &Value) -> Option<&Value> {
    let mut stack = vec![value];
    let mut fallback = None;
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                let is_article = types_of(v)
                    .iter()
                    .any(|t| t.ends_with("Article") || *t == "BlogPosting" || *t == "Report");
                if is_article {
                    return Some(v);
                }
                if fallback.is_none()
                    && (map.contains_key("headline") || map.contains_key("datePublished"))
                {
                    fallback = Some(v);
                }
                if let Some(graph) = map.get("@graph") {
                    stack.push(graph);
                }
                if let Some(entity) = map.get("mainEntity") {
                    stack.push(entity);
                }
            }
            _ => {}
        }
    }
    fallback
}

fn types_of(value: &Value) -> Vec<&str> {
    match value.get("@type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn string_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(|i| string_of(Some(i))),
        _ => None,
    }
}

/// The people a JSON-LD `author` names: a string, an object with a `name`, or a list.
fn names_of(value: Option<&Value>) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack: Vec<&Value> = value.into_iter().collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if !s.starts_with("http") => names.extend(split_names(s)),
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(_) => {
                if let Some(name) = string_of(v.get("name")) {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    names.dedup();
    names
}

/// A credit that names the outlet, not a person: the site's own name, or a web
/// address (`cleveland.com`).
fn is_publication(name: &str, site_name: Option<&str>) -> bool {
    let domain = !name.contains(' ')
        && name.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
    domain || site_name.is_some_and(|site| site.eq_ignore_ascii_case(name))
}

/// `By Jane Doe and John Roe` as `["Jane Doe", "John Roe"]`.
fn split_names(text: &str) -> Vec<String> {
    let text = collapse(text);
    let lower = text.to_lowercase();
    let text = if lower.starts_with("by ") {
        &text[3..]
    } else {
        text.as_str()
    };
    text.split([',', ';', '|', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|name| name.trim().trim_end_matches('.').trim().to_owned())
        .filter(|name| !name.is_empty() && name.split_whitespace().count() <= 5)
        .collect()
}

/// `Headline | Site` or `Headline - Site` as `Headline`: the longest part, when the
/// title has a separator with a short part after it.
fn without_site_name(title: &str) -> String {
    for separator in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 2 {
                return head.trim().to_owned();
            }
        }
    }
    title.trim().to_owned()
}

/// Whitespace runs as single spaces, none at either end.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a stated publication time can be one: templates fill empty fields with
/// placeholders (`0001-01-01T00:00:00Z`, the Unix epoch), and nothing is published
/// more than a day from now.
fn plausible(micros: i64) -> bool {
    const YEAR_1971: i64 = 31_536_000_000_000;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(i64::MAX, |d| {
            i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
        });
    (YEAR_1971..=now.saturating_add(86_400_000_000)).contains(&micros)
}

/// An ISO 8601 date or date-time (`2019-11-18`, `2019-11-18T14:03:00Z`,
/// `2019-11-18 14:03:00.000+02:00`, `20191118`) in microseconds since the epoch, UTC. A
/// time without an offset is taken as UTC.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day, mut i) = if bytes.get(4) == Some(&b'-') {
        (digits(0..4)?, digits(5..7)?, digits(8..10)?, 10)
    } else {
        (digits(0..4)?, digits(4..6)?, digits(6..8)?, 8)
    };
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let mut time = Time::MIDNIGHT;
    let mut offset = UtcOffset::UTC;
    if matches!(bytes.get(i), Some(b'T' | b't' | b' ')) && digits(i + 1..i + 3).is_some() {
        let hour = digits(i + 1..i + 3)?;
        let minute = digits(i + 4..i + 6).unwrap_or(0);
        i += 6;
        let mut second = 0;
        if bytes.get(i) == Some(&b':') {
            second = digits(i + 1..i + 3).unwrap_or(0);
            i += 3;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        time = Time::from_hms(
            u8::try_from(hour).ok()?,
            u8::try_from(minute).ok()?,
            u8::try_from(second.min(59)).ok()?,
        )
        .ok()?;
        if let Some(&sign @ (b'+' | b'-')) = bytes.get(i) {
            let hours = digits(i + 1..i + 3)?;
            let rest = if bytes.get(i + 3) == Some(&b':') {
                i + 4
            } else {
                i + 3
            };
            let minutes = digits(rest..rest + 2).unwrap_or(0);
            let seconds = (hours * 3600 + minutes * 60) as i32;
            let seconds = if sign == b'-' { -seconds } else { seconds };
            offset = UtcOffset::from_whole_seconds(seconds).ok()?;
        }
    }
    let at = PrimitiveDateTime::new(date, time).assume_offset(offset);
    let micros = at.unix_timestamp_nanos() / 1000;
    i64::try_from(micros).ok()
}

/// A date written into a URL's path: `/2019/11/18/`, `/2019-11-18`, `/20191118/`.
pub fn date_in_url(url: &str) -> Option<i64> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let bytes = path.as_bytes();
    for (i, _) in path.match_indices('/') {
        let rest = &path[i + 1..];
        let year_ok = |y: &str| y.starts_with("19") || y.starts_with("20");
        // /YYYY/MM/DD
        let parts: Vec<&str> = rest.splitn(4, '/').collect();
        if parts.len() >= 3
            && parts[0].len() == 4
            && year_ok(parts[0])
            && (1..=2).contains(&parts[1].len())
            && parts[2].len() >= 2
        {
            let day: String = parts[2].chars().take_while(char::is_ascii_digit).collect();
            if (1..=2).contains(&day.len()) {
                let text = format!("{}-{:0>2}-{:0>2}", parts[0], parts[1], day);
                if let Some(t) = parse_date(&text) {
                    return Some(t);
                }
            }
        }
        // /YYYY-MM-DD or /YYYYMMDD
        if rest.len() >= 8 && year_ok(rest) {
            let candidate = if rest.as_bytes().get(4) == Some(&b'-') {
                rest.get(..10)
            } else {
                rest.get(..8)
                    .filter(|_| !bytes.get(i + 9).is_some_and(u8::is_ascii_digit))
            };
            if let Some(t) = candidate.and_then(parse_date) {
                return Some(t);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000;

    #[test]
    fn dates_in_the_forms_pages_write_them() {
        let day = parse_date("2019-11-18").unwrap();
        assert_eq!(day % DAY, 0);
        assert_eq!(
            parse_date("2019-11-18T14:03:00Z").unwrap(),
            day + 50_580_000_000
        );
        assert_eq!(
            parse_date("2019-11-18T16:03:00.123+02:00").unwrap(),
            day + 50_580_000_000
        );
        assert_eq!(parse_date("20191118").unwrap(), day);
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(
            date_in_url("https://venturebeat.com/2019/11/18/new-york/"),
            Some(day)
        );
        assert_eq!(
            date_in_url("https://example.com/news/2019-11-18-story.html"),
            Some(day)
        );
        assert_eq!(date_in_url("https://example.com/article/12345"), None);
    }

    #[test]
    fn each_field_from_its_best_source() {
        let page = r#"<html lang="en-GB"><head><title>Budget passes | The Paper</title>
            <meta property="og:site_name" content="The Paper">
            <meta name="author" content="By Jane Doe and John Roe">
            <link rel="canonical" href="https://paper.example/2024/03/05/budget">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"The Paper"},
              {"@type":"NewsArticle","headline":"Budget passes after long debate",
               "datePublished":"2024-03-05T09:30:00+01:00",
               "author":[{"@type":"Person","name":"Jane Doe"}]}]}</script>
            </head><body><h1>Budget passes</h1></body></html>"#;
        let meta = read(&Html::parse_document(page), Some("Budget passes"));
        assert_eq!(
            meta.title.as_deref(),
            Some("Budget passes after long debate")
        );
        assert_eq!(meta.published, parse_date("2024-03-05T08:30:00Z"));
        assert_eq!(meta.author, ["Jane Doe"]);
        assert_eq!(meta.site_name.as_deref(), Some("The Paper"));
        assert_eq!(
            meta.canonical_url.as_deref(),
            Some("https://paper.example/2024/03/05/budget")
        );
        assert_eq!(meta.url, meta.canonical_url);
        assert_eq!(meta.page_language.as_deref(), Some("en-GB"));
    }

    #[test]
    fn the_outlet_credited_beside_the_reporter_is_not_an_author() {
        let page = r#"<html><head><meta property="og:site_name" content="The Plain Dealer">
            <meta name="author" content="Troy L. Smith, cleveland.com"></head><body></body></html>"#;
        assert_eq!(
            read(&Html::parse_document(page), None).author,
            ["Troy L. Smith"]
        );
        let page = r#"<html><head><meta property="og:site_name" content="Reuters">
            <meta name="author" content="Jane Doe and Reuters"></head><body></body></html>"#;
        assert_eq!(read(&Html::parse_document(page), None).author, ["Jane Doe"]);
    }

    #[test]
    fn placeholder_dates_give_way_to_the_next_source() {
        let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"0001-01-01T00:00:00Z"}</script>
            <meta property="article:published_time" content="1970-01-01T00:00:00Z">
            <link rel="canonical" href="https://paper.example/story/2019/11/19/budget/123"></head><body></body></html>"#;
        let meta = read(&Html::parse_document(page), None);
        assert_eq!(meta.published, parse_date("2019-11-19"));
    }

    #[test]
    fn fallbacks_when_the_page_says_little() {
        let page = r#"<html><head><title>Budget passes after debate - The Paper</title>
            <meta name="author" content="By Jane Doe and John Roe">
            <link rel="canonical" href="https://paper.example/2024/03/05/budget"></head>
            <body><p>Text</p></body></html>"#;
        let meta = read(&Html::parse_document(page), None);
        assert_eq!(meta.title.as_deref(), Some("Budget passes after debate"));
        assert_eq!(meta.author, ["Jane Doe", "John Roe"]);
        assert_eq!(meta.published, parse_date("2024-03-05"));
        assert_eq!(meta.page_language, None);
    }
}
