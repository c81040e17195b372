//! The page itself: one HTML document with its styles, its charts and its data inline,
//! readable top to bottom without its script (which only sorts tables).

use std::collections::HashSet;
use std::fmt::Write as _;

use super::escape::{html, script_json, shorten};
use super::gather::{Counts, Explained, PageData};
use super::svg;

/// Paragraphs of an explained article shown before the rest is summed up.
const SHOWN_PARAGRAPHS: usize = 8;
/// Removed lines listed per explained document.
const SHOWN_REMOVED: usize = 60;
/// Characters of a quarantine detail shown.
const DETAIL_CHARS: usize = 300;

const STYLE: &str = r#"
:root { --ink: #1d232a; --muted: #5b6670; --line: #d8dee4; --bar: #3f6fb0; --changed: #d9822b; --warn: #9a3412; --warn-bg: #fff4e5; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fafbfc; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
header { background: #fff; border-bottom: 1px solid var(--line); }
header div { max-width: 72rem; margin: 0 auto; padding: .75rem 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .35rem; overflow-wrap: anywhere; }
nav a { margin-right: .9rem; color: var(--bar); }
.muted, .meta { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem 1.5rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; min-width: 0; }
.flow { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; font-size: 1.05rem; }
.flow .n { font-weight: 600; font-variant-numeric: tabular-nums; }
.warning { background: var(--warn-bg); color: var(--warn); border-left: 4px solid var(--warn); padding: .5rem .75rem; }
.ok { color: #166534; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .25rem 0; font-size: .92rem; }
th, td { text-align: left; padding: .2rem .6rem .2rem 0; border-bottom: 1px solid #eef1f4; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th { cursor: default; }
table.sortable th { cursor: pointer; }
svg.chart { width: 100%; max-width: 44rem; height: auto; display: block; }
svg#map { max-width: none; }
svg.chart text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg.chart .tick-label { fill: var(--muted); }
.bar { fill: var(--bar); }
.bar.changed { fill: var(--changed); }
.axis { stroke: #6b7580; stroke-width: 1; }
.tick { stroke: #6b7580; }
line.grid { stroke: #e6eaee; }
#map .sea { fill: #eef4f8; }
#map .land { fill: #d9dfe5; stroke: #aab4be; stroke-width: .15; }
#map .place { fill: rgba(196, 55, 40, .5); stroke: #8f2418; stroke-width: .15; }
#map text { font-size: 4px; }
.legend { display: inline-block; width: .8em; height: .8em; background: var(--changed); vertical-align: middle; }
article.doc { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem 1rem; margin: 1rem 0; }
article.doc p { margin: .35rem 0; overflow-wrap: anywhere; }
ul.removed { list-style: none; padding: 0; margin: .25rem 0; }
ul.removed li { margin: .15rem 0; overflow-wrap: anywhere; }
del { color: #7a828a; text-decoration-color: #b42318; }
.rule { display: inline-block; font-size: .75rem; background: #eef1f4; border-radius: 3px; padding: 0 .35rem; margin-left: .4rem; color: #334; white-space: nowrap; }
details { margin: .35rem 0; }
summary { cursor: pointer; color: var(--muted); }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
@media (max-width: 40rem) { body { font-size: 14px; } main { padding: .75rem; } .grid { grid-template-columns: 1fr; } }
"#;

/// Sorts a table by the column whose header was clicked; the tables read the same
/// without it. The data element is parsed first, so a page whose data does not parse
/// says so in the console.
const SCRIPT: &str = r#"
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  document.documentElement.setAttribute('data-documents', String(data.rows.documents));
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, column) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var ascending = th.getAttribute('data-order') !== 'asc';
        th.setAttribute('data-order', ascending ? 'asc' : 'desc');
        rows.sort(function (a, b) {
          // A cell's data-v holds its number where the text is not one ("3 min 5 s");
          // otherwise only a cell that is a number as a whole sorts as one, so that
          // dates ("2024-03-01") sort as text, which is their order.
          var value = function (cell) {
            var v = cell.getAttribute('data-v');
            if (v !== null) { return Number(v); }
            var t = cell.textContent.replace(/,/g, '').trim();
            return /^[-+]?\d+(\.\d+)?%?$/.test(t) ? parseFloat(t) : NaN;
          };
          var x = a.cells[column].textContent, y = b.cells[column].textContent;
          var nx = value(a.cells[column]), ny = value(b.cells[column]);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"#;

/// The page for `data`; `asked` are the `--doc` ids, to say which were not found.
pub fn render(data: &PageData, asked: &[String]) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="newsprep {version}">
<title>newsprep report: {dir}</title>
<style>{STYLE}</style>
</head>
<body>
<header><div>
<h1>newsprep report</h1>
<p class="meta">{dir} · newsprep {version}, schema {schema} · started {started} · {wall} on {threads} threads</p>
<nav><a href="#run">The run</a><a href="#time">Over time and by source</a><a href="#entities">Entities</a><a href="#places">Map</a><a href="#explain">Explain</a><a href="#quarantine">Quarantine</a></nav>
</div></header>
<main>
"##,
        version = html(&data.newsprep_version),
        dir = html(&data.output_dir),
        schema = data.schema_version,
        started = html(&data.started_at),
        wall = duration(data.wall_ms),
        threads = data.threads,
    );
    run_section(&mut out, data);
    time_section(&mut out, data);
    entity_section(&mut out, data);
    explain_section(&mut out, data, asked);
    quarantine_section(&mut out, data);
    let _ = write!(
        out,
        r#"<footer><p>Written by <code>newsprep report --html</code> from the Parquet tables and <code>manifest.json</code> of the folder above; it fetches nothing. World outline: Natural Earth (public domain). Places: GeoNames (CC BY 4.0).</p></footer>
</main>
<script type="application/json" id="report-data">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        data = script_json(data),
    );
    out
}

fn run_section(out: &mut String, data: &PageData) {
    let c = &data.counts;
    out.push_str(r#"<section id="run"><h2>The run</h2>"#);
    let _ = write!(
        out,
        r#"<div class="flow" aria-label="Where the documents read went"><span>read <span class="n">{}</span></span><span aria-hidden="true">→</span><span>kept <span class="n">{}</span></span><span>·</span><span>duplicates <span class="n">{}</span></span><span>·</span><span>quarantined <span class="n">{}</span></span></div>"#,
        c.read, c.kept, c.duplicates, c.quarantined
    );
    let flow: Counts = vec![
        ("kept".to_owned(), c.kept),
        ("duplicates".to_owned(), c.duplicates),
        ("quarantined".to_owned(), c.quarantined),
    ];
    out.push_str(r#"<div class="grid"><div class="card">"#);
    out.push_str(&svg::bars(
        "flow",
        "Documents read, by what became of them",
        &flow,
        &HashSet::new(),
    ));
    out.push_str("</div>");
    if !data.quarantined_by_reason.is_empty() {
        out.push_str(r#"<div class="card">"#);
        out.push_str(&svg::bars(
            "quarantine-reasons",
            "Quarantined, by reason",
            &data.quarantined_by_reason,
            &HashSet::new(),
        ));
        out.push_str("</div>");
    }
    out.push_str("</div>");
    if data.warnings.is_empty() {
        out.push_str(r#"<p class="ok">All counts add up: read = kept + duplicates + quarantined, and the tables hold the rows the manifest counts.</p>"#);
    } else {
        for warning in &data.warnings {
            let _ = write!(
                out,
                r#"<p class="warning" role="alert">Warning: {}</p>"#,
                html(warning)
            );
        }
    }
    let mut counts = vec![
        ("read", c.read),
        ("kept", c.kept),
        ("duplicates", c.duplicates),
        ("quarantined", c.quarantined),
        ("written to documents", c.written),
        ("files read", c.files_read),
        ("files ignored (not inputs by name)", c.files_ignored),
        ("WARC records truncated by the crawler", c.records_truncated),
        ("rows in documents", data.rows.documents),
        ("rows in entities", data.rows.mentions),
        ("rows in quarantine", data.rows.quarantine),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), n))
    .collect::<Counts>();
    counts.extend(
        data.quarantined_by_reason
            .iter()
            .map(|(k, n)| (format!("quarantined: {k}"), *n)),
    );
    out.push_str(r#"<div class="grid"><div class="card"><h3>Counts</h3>"#);
    table(out, "counts", ("", "documents"), &counts);
    out.push_str(r#"</div><div class="card"><h3>Timings per pass</h3>"#);
    if data.passes.is_empty() {
        out.push_str(r#"<p class="muted">The manifest records no passes.</p>"#);
    } else {
        out.push_str(r#"<div class="scroll"><table class="sortable" id="passes"><thead><tr><th>pass</th><th class="n">wall</th><th class="n">processor</th></tr></thead><tbody>"#);
        for pass in &data.passes {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="n" data-v="{}">{}</td><td class="n" data-v="{}">{}</td></tr>"#,
                html(&pass.name),
                pass.wall_ms,
                duration(pass.wall_ms),
                pass.cpu_ms,
                duration(pass.cpu_ms)
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</div></div>");
    let _ = write!(
        out,
        r#"<details><summary>Settings ({} values)</summary><div class="scroll"><table id="settings"><tbody>"#,
        data.settings.len()
    );
    for (key, value) in &data.settings {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            html(key),
            html(value)
        );
    }
    out.push_str("</tbody></table></div></details></section>\n");
}

fn time_section(out: &mut String, data: &PageData) {
    out.push_str(r#"<section id="time"><h2>Over time and by source</h2>"#);
    let (marked_sites, marked_days): (HashSet<&str>, HashSet<&str>) = match &data.compare {
        Some(compare) => (
            compare.sites.iter().map(|c| c.key.as_str()).collect(),
            compare.days.iter().map(|c| c.key.as_str()).collect(),
        ),
        None => Default::default(),
    };
    if let Some(compare) = &data.compare {
        let _ = write!(
            out,
            r#"<p>Compared with <code>{}</code>: <span class="legend"></span> marks the sources and days whose counts changed most.</p><div class="grid">"#,
            html(&compare.other_dir)
        );
        for (title, id, rows) in [
            ("Sources that changed most", "changed-sites", &compare.sites),
            ("Days that changed most", "changed-days", &compare.days),
        ] {
            let _ = write!(
                out,
                r#"<div class="card"><h3>{title}</h3><div class="scroll"><table class="sortable" id="{id}"><thead><tr><th>key</th><th class="n">before</th><th class="n">now</th><th class="n">change</th></tr></thead><tbody>"#
            );
            if rows.is_empty() {
                out.push_str(r#"<tr><td colspan="4" class="muted">No change.</td></tr>"#);
            }
            for change in rows.iter() {
                let _ = write!(
                    out,
                    r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{:+}</td></tr>"#,
                    html(&change.key),
                    change.before,
                    change.after,
                    change.after - change.before
                );
            }
            out.push_str("</tbody></table></div></div>");
        }
        out.push_str("</div>");
    }
    for (id, title, days, empty) in [
        (
            "published",
            "Documents per day of publication",
            &data.by_published_day,
            "No document states a publication date.",
        ),
        (
            "fetched",
            "WARC records per day fetched (WARC-Date)",
            &data.by_warc_day,
            "No document came from a WARC record.",
        ),
    ] {
        let _ = write!(out, "<h3>{title}</h3>");
        if days.is_empty() {
            let _ = write!(out, r#"<p class="muted">{empty}</p>"#);
            continue;
        }
        let (chart, months) = svg::per_day(id, title, days, &marked_days);
        if months {
            out.push_str(
                r#"<p class="muted">The dates span more than 120 days: one column a month.</p>"#,
            );
        }
        let _ = write!(out, r#"<div class="card">{chart}</div>"#);
        out.push_str("<details><summary>The numbers</summary>");
        table(out, &format!("{id}-table"), ("day", "documents"), days);
        out.push_str("</details>");
    }
    out.push_str(r#"<div class="grid"><div class="card"><h3>Documents per site</h3><p class="muted">A site is the page's <code>site_name</code>, else the host of its <code>url</code>, else the first folder of its input path, else its <code>attribution</code>.</p>"#);
    if data.by_site.is_empty() {
        out.push_str(r#"<p class="muted">No documents.</p>"#);
    } else {
        out.push_str(&svg::bars(
            "sites",
            "Documents per site",
            &data.by_site,
            &marked_sites,
        ));
        out.push_str("<details><summary>The numbers</summary>");
        table(out, "sites-table", ("site", "documents"), &data.by_site);
        out.push_str("</details>");
    }
    out.push_str(r#"</div><div class="card"><h3>Documents per language</h3>"#);
    if data.by_language.is_empty() {
        out.push_str(r#"<p class="muted">No language column, or no documents.</p>"#);
    } else {
        out.push_str(&svg::bars(
            "languages",
            "Documents per language",
            &data.by_language,
            &HashSet::new(),
        ));
        out.push_str("<details><summary>The numbers</summary>");
        table(
            out,
            "languages-table",
            ("language", "documents"),
            &data.by_language,
        );
        out.push_str("</details>");
    }
    out.push_str("</div></div></section>\n");
}

fn entity_section(out: &mut String, data: &PageData) {
    out.push_str(r#"<section id="entities"><h2>Entities</h2>"#);
    if data.entities.is_empty() {
        out.push_str(r#"<p class="muted">No entity mentions in this output.</p>"#);
    }
    out.push_str(r#"<div class="grid">"#);
    for group in &data.entities {
        let _ = write!(
            out,
            r#"<div class="card"><h3>Top {label}</h3><div class="scroll"><table class="sortable entities" id="entities-{label}"><thead><tr><th>name</th><th class="n">mentions</th><th class="n">documents</th></tr></thead><tbody>"#,
            label = html(&group.label)
        );
        for row in &group.top {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
                html(&row.name),
                row.mentions,
                row.documents
            );
        }
        out.push_str("</tbody></table></div></div>");
    }
    out.push_str("</div></section>\n");
    out.push_str(r#"<section id="places"><h2>Where the news is</h2>"#);
    let _ = write!(
        out,
        r#"<p class="muted">{} places with a position, a circle each, its area by mentions; a country is drawn at its largest city. {} mentions of places without a position are left off.</p>"#,
        data.places.len(),
        data.places_unmapped
    );
    let _ = write!(out, r#"<div class="card">{}</div>"#, svg::map(&data.places));
    if !data.places.is_empty() {
        out.push_str("<details><summary>The places on the map</summary><div class=\"scroll\"><table class=\"sortable\" id=\"places-table\"><thead><tr><th>place</th><th class=\"n\">mentions</th><th class=\"n\">documents</th><th class=\"n\">lat</th><th class=\"n\">lon</th></tr></thead><tbody>");
        for place in &data.places {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{:.2}</td><td class="n">{:.2}</td></tr>"#,
                html(&place.name),
                place.mentions,
                place.documents,
                place.lat,
                place.lon
            );
        }
        out.push_str("</tbody></table></div></details>");
    }
    out.push_str("</section>\n");
}

fn explain_section(out: &mut String, data: &PageData, asked: &[String]) {
    out.push_str(r#"<section id="explain"><h2>Explain one document</h2><p class="muted">A sample of documents (the first with removed lines, the first duplicates) and any named with <code>--doc</code>: the article as written, and what boilerplate removal dropped, struck through, with the rule that dropped each line.</p>"#);
    for note in &data.cannot_show {
        let _ = write!(out, r#"<p class="warning">Cannot show: {}</p>"#, html(note));
    }
    for id in asked {
        let found = data
            .explained
            .iter()
            .any(|d| &d.doc_id == id || &d.source_path == id);
        if found {
            continue;
        }
        match data.quarantine.iter().find(|q| &q.source_path == id) {
            Some(q) => {
                let _ = write!(
                    out,
                    r#"<p class="warning"><code>{}</code> was quarantined by {}: {} ({}).</p>"#,
                    html(id),
                    html(&q.stage),
                    html(&q.reason),
                    html(&q.detail)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<p class="warning">No document <code>{}</code> in this output (give a <code>doc_id</code> or a <code>source_path</code>).</p>"#,
                    html(id)
                );
            }
        }
    }
    if data.explained.is_empty() {
        out.push_str(r#"<p class="muted">No document to explain.</p>"#);
    }
    for doc in &data.explained {
        explained(out, doc);
    }
    out.push_str("</section>\n");
}

fn explained(out: &mut String, doc: &Explained) {
    let _ = write!(
        out,
        r#"<article class="doc" id="doc-{id}"><h3>{title}</h3><p class="meta"><code>{id}</code> · {path}{url} · shown as: {why}</p>"#,
        id = html(&doc.doc_id),
        title = html(doc.title.as_deref().unwrap_or("(untitled)")),
        path = html(&doc.source_path),
        url = doc
            .url
            .as_deref()
            .map(|u| format!(" · {}", html(u)))
            .unwrap_or_default(),
        why = html(&doc.why),
    );
    if let Some(original) = &doc.duplicate_of {
        let _ = write!(
            out,
            r##"<p><strong>Duplicate</strong> of <a href="#doc-{id}"><code>{id}</code></a> “{title}”{similarity}.</p>"##,
            id = html(original),
            title = html(
                doc.duplicate_title
                    .as_deref()
                    .unwrap_or("(not in this output)")
            ),
            similarity = doc
                .similarity
                .map(|s| format!(", similarity {s:.2}"))
                .unwrap_or_default(),
        );
    }
    let paragraphs: Vec<&str> = doc
        .text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    out.push_str("<h4>The article</h4>");
    for paragraph in paragraphs.iter().take(SHOWN_PARAGRAPHS) {
        let _ = write!(out, "<p>{}</p>", html(paragraph));
    }
    if paragraphs.len() > SHOWN_PARAGRAPHS {
        let _ = write!(
            out,
            r#"<p class="muted">… {} more paragraphs.</p>"#,
            paragraphs.len() - SHOWN_PARAGRAPHS
        );
    }
    out.push_str("<h4>Removed</h4>");
    match (&doc.removed, doc.removed_lines) {
        (_, None) => out
            .push_str(r#"<p class="muted">Boilerplate removal did not run on this document.</p>"#),
        (None, Some(lines)) => {
            let _ = write!(
                out,
                r#"<p class="muted">{lines} lines ({} words) were removed; their text was not kept (the run was without <code>--keep-removed</code>).</p>"#,
                doc.removed_words.unwrap_or(0)
            );
        }
        (Some(removed), Some(_)) => {
            let removed: Vec<&(String, Option<String>)> = removed
                .iter()
                .filter(|(line, _)| !line.is_empty())
                .collect();
            if removed.is_empty() {
                out.push_str(r#"<p class="muted">Nothing was removed.</p>"#);
            }
            out.push_str(r#"<ul class="removed">"#);
            for (line, rule) in removed.iter().take(SHOWN_REMOVED) {
                let rule = match rule {
                    Some(rule) => html(rule).into_owned(),
                    None => "rule not recorded".to_owned(),
                };
                let _ = write!(
                    out,
                    r#"<li><del>{}</del><span class="rule">{rule}</span></li>"#,
                    html(&shorten(line, 400))
                );
            }
            out.push_str("</ul>");
            if removed.len() > SHOWN_REMOVED {
                let _ = write!(
                    out,
                    r#"<p class="muted">… and {} more removed lines.</p>"#,
                    removed.len() - SHOWN_REMOVED
                );
            }
        }
    }
    out.push_str("</article>");
}

fn quarantine_section(out: &mut String, data: &PageData) {
    out.push_str(r#"<section id="quarantine"><h2>Quarantined inputs</h2>"#);
    if data.quarantine.is_empty() {
        out.push_str(r#"<p class="muted">Nothing was quarantined.</p></section>"#);
        return;
    }
    if (data.quarantine.len() as i64) < data.rows.quarantine {
        let _ = write!(
            out,
            r#"<p class="muted">The first {} of {}, in input order.</p>"#,
            data.quarantine.len(),
            data.rows.quarantine
        );
    }
    out.push_str(r#"<div class="scroll"><table class="sortable" id="quarantine-table"><thead><tr><th>input</th><th>stage</th><th>reason</th><th>detail</th></tr></thead><tbody>"#);
    for row in &data.quarantine {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&row.source_path),
            html(&row.stage),
            html(&row.reason),
            html(&shorten(&row.detail, DETAIL_CHARS))
        );
    }
    out.push_str("</tbody></table></div></section>\n");
}

fn table(out: &mut String, id: &str, header: (&str, &str), rows: &Counts) {
    let _ = write!(
        out,
        r#"<div class="scroll"><table class="sortable" id="{}"><thead><tr><th>{}</th><th class="n">{}</th></tr></thead><tbody>"#,
        html(id),
        html(header.0),
        html(header.1)
    );
    for (key, n) in rows {
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td class="n">{n}</td></tr>"#,
            html(key)
        );
    }
    out.push_str("</tbody></table></div>");
}

/// `850 ms`, `12.4 s`, `3 min 5 s`.
fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::gather::{EntityGroup, EntityRow, PlacePoint, QuarantineRow};

    const HOSTILE: &str = r#"Quote"Town</svg><script>alert('x')</script>"#;

    #[test]
    fn hostile_entity_and_place_names_stay_text() {
        let data = PageData {
            entities: vec![EntityGroup {
                label: "PERSON".into(),
                top: vec![EntityRow {
                    name: HOSTILE.into(),
                    mentions: 3,
                    documents: 1,
                }],
            }],
            places: vec![PlacePoint {
                name: HOSTILE.into(),
                mentions: 3,
                documents: 1,
                lat: 40.5,
                lon: 72.8,
                at_largest_city: false,
            }],
            quarantine: vec![QuarantineRow {
                source_path: HOSTILE.into(),
                stage: "decode".into(),
                reason: "empty".into(),
                detail: HOSTILE.into(),
            }],
            by_site: vec![(HOSTILE.into(), 1)],
            ..PageData::default()
        };
        let page = render(&data, &[HOSTILE.to_owned()]);
        assert_eq!(page.matches("<script").count(), 2, "the page's own two");
        assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
        assert!(page.contains(
            "Quote&quot;Town&lt;/svg&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        ));
        assert!(!page.contains("href=\"http") && !page.contains("src="));
    }
}
