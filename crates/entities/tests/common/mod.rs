//! The entity stage run on one text and its mentions written one per line, shared by
//! the snapshot and regression tests.

use std::fmt::Write;

use newsprep_core::config::EntitiesConfig;
use newsprep_core::document::{Document, LanguageNote, Mention};
use newsprep_core::DocStage;
use newsprep_entities::Entities;

/// The stage as `newsprep run` builds it from the default `[entities]`.
pub fn stage() -> Entities {
    Entities::new(&EntitiesConfig::default()).expect("the built-in gazetteer loads")
}

/// What `stage` writes for a document whose text is `text` (language not identified,
/// so it may be English), rendered by [`render`].
pub fn tagged(stage: &Entities, text: &str) -> String {
    tagged_in(stage, text, None)
}

/// The same for a text the language stage identified as `language`.
pub fn tagged_in(stage: &Entities, text: &str, language: Option<LanguageNote>) -> String {
    let mut doc = Document {
        text: text.to_owned(),
        language,
        ..Document::default()
    };
    match stage.process(&mut doc) {
        Ok(()) => render(&doc.text, doc.entities.as_deref().unwrap_or_default()),
        Err(r) => format!("rejected: {} ({})\n", r.reason.as_str(), r.detail),
    }
}

/// One line per mention, in text order: its span in code points and label, the text
/// as written, `->` its canonical name, then whatever else the stage set (entity id,
/// GeoNames id, country, coordinates to four decimals, counted value, day).
pub fn render(text: &str, mentions: &[Mention]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for m in mentions {
        let label = m.label.map_or("-", |l| l.as_str());
        let _ = write!(
            out,
            "{:>4}..{:<4} {label:<6} {:?} -> {:?} id={:016x}",
            m.start, m.end, m.text, m.canonical, m.entity_id
        );
        // The span must be the text it says it is; a mismatch shows in the snapshot.
        let span: String = chars
            .get(m.start as usize..m.end as usize)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        if span != m.text {
            let _ = write!(out, " span={span:?}");
        }
        if let Some(id) = m.geonames_id {
            let _ = write!(out, " geonames={id}");
        }
        if let Some(cc) = &m.country_code {
            let _ = write!(out, " country={cc}");
        }
        if let (Some(lat), Some(lon)) = (m.lat, m.lon) {
            let _ = write!(out, " at={lat:.4},{lon:.4}");
        }
        if let Some(value) = m.value {
            let _ = write!(out, " value={value}");
        }
        if let Some(day) = m.date {
            let _ = write!(out, " date={}", day_of(day));
        }
        out.push('\n');
    }
    if mentions.is_empty() {
        out.push_str("no mentions\n");
    }
    out
}

/// Days since 1970-01-01 as the date they name.
fn day_of(days: i32) -> String {
    let epoch = time::Date::from_calendar_date(1970, time::Month::January, 1);
    match epoch.map(|e| e.checked_add(time::Duration::days(i64::from(days)))) {
        Ok(Some(day)) => format!("{day}"),
        _ => format!("day {days}"),
    }
}
