//! The charts and the map, drawn as inline SVG: no script draws them and no file is
//! fetched for them. Each chart has a `<title>` and `<desc>` a screen reader reads, and
//! a `<title>` on every bar and circle that a pointer shows; the same numbers are in a
//! table beside each chart.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::escape::{html, shorten};
use super::gather::{Counts, PlacePoint};

/// The world outline (crates/report/data/README.md): x = longitude + 180,
/// y = 90 - latitude.
const WORLD: &str = include_str!("../../data/world.path");
/// The map stops at 60° south: below it is Antarctica alone, where no news is placed.
const MAP_HEIGHT: f64 = 150.0;

const WIDTH: f64 = 640.0;

/// A horizontal bar chart of `rows` (label, count), one bar a row, in their order;
/// rows whose label is in `marked` are drawn in the "changed" colour.
pub fn bars(id: &str, title: &str, rows: &Counts, marked: &HashSet<&str>) -> String {
    let (label_w, value_w, row_h, top, axis_h) = (180.0, 56.0, 20.0, 6.0, 26.0);
    let plot_w = WIDTH - label_w - value_w;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = top + row_h * rows.len() as f64 + axis_h;
    let mut svg = open(id, title, &describe(rows), WIDTH, height);
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = plot_w * (*n as f64) / max as f64;
        let class = if marked.contains(label.as_str()) {
            "bar changed"
        } else {
            "bar"
        };
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx}" y="{ty:.1}" text-anchor="end">{short}</text><rect class="{class}" x="{label_w}" y="{ry:.1}" width="{w:.1}" height="{bh:.1}"><title>{full}: {n}</title></rect><text class="value" x="{vx:.1}" y="{ty:.1}">{n}</text>"#,
            lx = label_w - 6.0,
            ty = y + row_h * 0.7,
            short = html(&shorten(label, 28)),
            ry = y + 3.0,
            bh = row_h - 6.0,
            full = html(label),
            vx = label_w + w + 4.0,
        );
    }
    let axis_y = top + row_h * rows.len() as f64;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{label_w}" y1="{axis_y}" x2="{x2}" y2="{axis_y}"/>"#,
        x2 = label_w + plot_w
    );
    for tick in ticks(max) {
        let x = label_w + plot_w * tick as f64 / max as f64;
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{x:.1}" y1="{axis_y}" x2="{x:.1}" y2="{y2}"/><text class="tick-label" x="{x:.1}" y="{ty}" text-anchor="middle">{tick}</text>"#,
            y2 = axis_y + 4.0,
            ty = axis_y + 16.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart of counts per day (`YYYY-MM-DD`, in order): days without documents
/// are drawn as gaps; over a span of more than [`MAX_DAYS`] days the columns are months.
/// Returns the chart and whether it shows months.
pub fn per_day(id: &str, title: &str, days: &Counts, marked: &HashSet<&str>) -> (String, bool) {
    let (series, months) = calendar(days);
    let (left, right, top, bottom, height) = (52.0, 28.0, 8.0, 40.0, 220.0);
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = series.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let mut svg = open(id, title, &describe(days), WIDTH, height);
    let step = plot_w / series.len().max(1) as f64;
    for (i, (key, n)) in series.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let h = plot_h * (*n as f64) / max as f64;
        let class = if marked.contains(key.as_str()) {
            "bar changed"
        } else {
            "bar"
        };
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}"><title>{key}: {n}</title></rect>"#,
            x = left + step * i as f64 + step * 0.1,
            y = top + plot_h - h,
            w = (step * 0.8).max(0.5),
            key = html(key),
        );
    }
    let base = top + plot_h;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{left}" y1="{base}" x2="{x2}" y2="{base}"/><line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>"#,
        x2 = left + plot_w,
    );
    for tick in ticks(max) {
        let y = base - plot_h * tick as f64 / max as f64;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/><text class="tick-label" x="{tx}" y="{ty:.1}" text-anchor="end">{tick}</text>"#,
            x2 = left + plot_w,
            tx = left - 6.0,
            ty = y + 4.0,
        );
    }
    // About six dates along the axis, the first and the last among them.
    let every = series.len().div_ceil(6).max(1);
    let last = series.len().saturating_sub(1);
    for (i, (key, _)) in series.iter().enumerate() {
        // The last date always; the others where they do not crowd it.
        let regular = i % every == 0 && (last - i) * 2 >= every;
        if !regular && i != last {
            continue;
        }
        let x = left + step * (i as f64 + 0.5);
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{x:.1}" y1="{base}" x2="{x:.1}" y2="{y2}"/><text class="tick-label" x="{x:.1}" y="{ty}" text-anchor="middle">{key}</text>"#,
            y2 = base + 4.0,
            ty = base + 18.0,
            key = html(key),
        );
    }
    svg.push_str("</svg>");
    (svg, months)
}

/// Days shown one column each up to this span; months beyond it.
const MAX_DAYS: i64 = 120;

/// Every day from the first to the last of `days` with its count (0 for a day
/// missing), or every month when the span is longer than [`MAX_DAYS`].
fn calendar(days: &Counts) -> (Counts, bool) {
    let parsed: Vec<(i64, i64)> = days
        .iter()
        .filter_map(|(key, n)| day_number(key).map(|d| (d, *n)))
        .collect();
    let (Some(first), Some(last)) = (parsed.first(), parsed.last()) else {
        return (Vec::new(), false);
    };
    if last.0 - first.0 >= MAX_DAYS {
        let mut months: Counts = Vec::new();
        for (key, n) in days {
            let month = key.get(..7).unwrap_or(key).to_owned();
            match months.last_mut() {
                Some((m, total)) if *m == month => *total += n,
                _ => months.push((month, *n)),
            }
        }
        return (months, true);
    }
    let mut out = Vec::new();
    let mut at = parsed.iter().peekable();
    for day in first.0..=last.0 {
        let n = match at.peek() {
            Some(&&(d, n)) if d == day => {
                at.next();
                n
            }
            _ => 0,
        };
        out.push((civil_from_days(day), n));
    }
    (out, false)
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (Howard Hinnant's `days_from_civil`).
fn day_number(key: &str) -> Option<i64> {
    let mut parts = key.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of a day number ([`day_number`] undone).
fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The world outline with a circle per place, its area by mentions.
pub fn map(places: &[PlacePoint]) -> String {
    let max = places.iter().map(|p| p.mentions).max().unwrap_or(1).max(1);
    let mut svg = open(
        "map",
        "Places mentioned",
        &format!(
            "World map with {} places mentioned, each a circle whose area is its mention count.",
            places.len()
        ),
        360.0,
        MAP_HEIGHT,
    );
    svg.push_str(
        r#"<rect class="sea" x="0" y="0" width="360" height="150"/><path class="land" d=""#,
    );
    svg.push_str(WORLD.trim());
    svg.push_str(r#""/>"#);
    // The largest first, so a small place on top of a large one still shows.
    for place in places {
        let r = 0.7 + 5.5 * (place.mentions as f64 / max as f64).sqrt();
        let note = if place.at_largest_city {
            " (drawn at its largest city)"
        } else {
            ""
        };
        let _ = write!(
            svg,
            r#"<circle class="place" cx="{x:.2}" cy="{y:.2}" r="{r:.2}"><title>{name}: {m} mentions in {d} documents{note}</title></circle>"#,
            x = place.lon + 180.0,
            y = 90.0 - place.lat,
            name = html(&place.name),
            m = place.mentions,
            d = place.documents,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(id: &str, title: &str, desc: &str, width: f64, height: f64) -> String {
    format!(
        r#"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        id = html(id),
        title = html(title),
        desc = html(desc),
    )
}

/// A sentence for the chart's `<desc>`: the largest and how many rows in all.
fn describe(rows: &Counts) -> String {
    let total: i64 = rows.iter().map(|(_, n)| n).sum();
    match rows.iter().max_by_key(|(_, n)| *n) {
        Some((key, n)) => format!(
            "{} rows, {total} documents in all; the most, {n}, for {key}. The table below holds every value.",
            rows.len()
        ),
        None => "No documents.".to_owned(),
    }
}

/// Round values from 0 up to `max` for an axis: 1, 2 or 5 times a power of ten apart,
/// four or five of them.
fn ticks(max: i64) -> Vec<i64> {
    let raw = (max as f64 / 4.0).max(1.0);
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
        .max(1.0) as i64;
    (0..=max / step).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(1), [0, 1]);
        assert_eq!(ticks(9), [0, 5]);
        assert_eq!(ticks(100), [0, 50, 100]);
        assert_eq!(ticks(730), [0, 200, 400, 600]);
    }

    #[test]
    fn days_round_trip_and_gaps_are_filled() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(
            civil_from_days(day_number("2024-02-29").unwrap()),
            "2024-02-29"
        );
        let days = vec![("2024-02-28".to_owned(), 2), ("2024-03-01".to_owned(), 1)];
        let (series, months) = calendar(&days);
        assert!(!months);
        assert_eq!(series[1], ("2024-02-29".to_owned(), 0));
        assert_eq!(series.len(), 3);
    }

    #[test]
    fn a_long_span_is_drawn_in_months() {
        let days = vec![
            ("2005-03-21".to_owned(), 2),
            ("2005-03-22".to_owned(), 1),
            ("2019-11-18".to_owned(), 4),
        ];
        let (series, months) = calendar(&days);
        assert!(months);
        assert_eq!(
            series,
            [("2005-03".to_owned(), 3), ("2019-11".to_owned(), 4)]
        );
    }

    #[test]
    fn hostile_labels_stay_text() {
        let rows = vec![("</svg><script>alert(1)</script>".to_owned(), 3)];
        let svg = bars("x", "t", &rows, &HashSet::new());
        assert!(!svg.contains("<script>") && svg.matches("</svg>").count() == 1);
    }
}
