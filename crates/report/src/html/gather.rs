//! What the page shows, read from an output folder: the manifest, then polars' lazy
//! scans of the tables, each reading only the columns its figure needs. The result is
//! one serialisable value: the page is drawn from it and embeds it whole as JSON, so a
//! test (or a script) checks the figures against the tables without reading the HTML.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use newsprep_core::manifest::Manifest;
use newsprep_export::schema::{documents, mentions, quarantine};
use newsprep_export::{DOCUMENTS, ENTITIES, QUARANTINE};
use polars::prelude::*;
use serde::Serialize;

use super::places::Locator;
use super::Options;
use crate::{read_manifest, scan, ReportError};

/// Rows of (key, count).
pub type Counts = Vec<(String, i64)>;

/// Everything on the page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageData {
    pub output_dir: String,
    pub newsprep_version: String,
    pub schema_version: u32,
    pub started_at: String,
    pub wall_ms: u64,
    pub threads: usize,
    pub counts: RunCounts,
    /// Quarantined inputs by reason, most first.
    pub quarantined_by_reason: Counts,
    /// Settings as `section.key = value` lines, in the manifest's order.
    pub settings: Vec<(String, String)>,
    /// Wall and processor time of each pass.
    pub passes: Vec<Pass>,
    /// Lines saying which counts do not add up; empty when all do.
    pub warnings: Vec<String>,
    /// Rows of the tables themselves.
    pub rows: TableRows,
    /// Documents per day of publication, `YYYY-MM-DD`, in date order.
    pub by_published_day: Counts,
    /// WARC records per day they were fetched, in date order.
    pub by_warc_day: Counts,
    /// Documents per site (the page's `site_name`, else its URL's host, else the
    /// input's first folder, else its `attribution`), most first.
    pub by_site: Counts,
    /// Documents per language, most first; empty without a `language` column.
    pub by_language: Counts,
    /// Top entities per label.
    pub entities: Vec<EntityGroup>,
    /// Places with a position, most mentioned first.
    pub places: Vec<PlacePoint>,
    /// Mentions of places the map cannot place (no coordinates, no country).
    pub places_unmapped: i64,
    pub compare: Option<Compare>,
    pub explained: Vec<Explained>,
    /// The first quarantined inputs, in input order.
    pub quarantine: Vec<QuarantineRow>,
    /// What the page cannot show for this output, and why.
    pub cannot_show: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RunCounts {
    pub read: i64,
    pub kept: i64,
    pub duplicates: i64,
    pub quarantined: i64,
    pub written: i64,
    pub files_read: i64,
    pub files_ignored: i64,
    pub records_truncated: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TableRows {
    pub documents: i64,
    pub duplicates: i64,
    pub mentions: i64,
    pub quarantine: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Pass {
    pub name: String,
    pub wall_ms: u64,
    pub cpu_ms: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EntityGroup {
    pub label: String,
    pub top: Vec<EntityRow>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EntityRow {
    pub name: String,
    pub mentions: i64,
    pub documents: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PlacePoint {
    pub name: String,
    pub mentions: i64,
    pub documents: i64,
    pub lat: f64,
    pub lon: f64,
    /// A country drawn at its largest city in the gazetteer, having no point of its own.
    pub at_largest_city: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Compare {
    pub other_dir: String,
    /// The sites whose counts changed most, largest change first.
    pub sites: Vec<Change>,
    /// The days whose counts changed most.
    pub days: Vec<Change>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Change {
    pub key: String,
    pub before: i64,
    pub after: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Explained {
    pub doc_id: String,
    pub source_path: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Why it was picked: `asked` (`--doc`), `removed lines`, `duplicate`.
    pub why: String,
    pub text: String,
    /// Boilerplate removal's line count and words; `None` when the stage was off.
    pub removed_lines: Option<i64>,
    pub removed_words: Option<i64>,
    /// Each removed line with its rule (`None` when the output has no rules).
    pub removed: Option<Vec<(String, Option<String>)>>,
    pub duplicate_of: Option<String>,
    pub duplicate_title: Option<String>,
    pub similarity: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct QuarantineRow {
    pub source_path: String,
    pub stage: String,
    pub reason: String,
    pub detail: String,
}

/// Places on the map, the most mentioned.
const MAX_PLACES: usize = 400;
/// Sites in the chart; the rest are summed into one bar.
const TOP_SITES: usize = 30;
/// Documents explained without being asked for: with removed lines, and duplicates.
const SAMPLE_REMOVED: usize = 3;
const SAMPLE_DUPLICATES: usize = 2;
const MAX_QUARANTINE_ROWS: usize = 200;
/// Changes listed by `--compare`.
const TOP_CHANGES: usize = 10;
/// The label of a mention of a place.
const PLACE_LABEL: &str = "LOC";

/// Reads `dir` (and the output `options.compare` names) into the page's data.
pub fn gather(dir: &Path, options: &Options) -> Result<PageData, ReportError> {
    let manifest = read_manifest(dir)?;
    let polars_err = |source| ReportError::Polars {
        dir: dir.to_owned(),
        source,
    };
    let docs = scan(dir, DOCUMENTS).map_err(polars_err)?;
    let doc_columns = docs.clone().collect_schema().map_err(polars_err)?;
    let has = |name: &str| doc_columns.contains(name);

    let mut data = PageData {
        output_dir: dir.display().to_string(),
        newsprep_version: manifest.newsprep_version.clone(),
        schema_version: manifest.schema_version,
        started_at: manifest.started_at.clone(),
        wall_ms: manifest.wall_ms,
        threads: manifest.threads,
        counts: run_counts(&manifest),
        quarantined_by_reason: most_first(
            manifest
                .quarantined_by_reason
                .iter()
                .map(|(k, &n)| (k.clone(), count(n)))
                .collect(),
        ),
        settings: settings(&manifest),
        passes: manifest
            .passes
            .iter()
            .map(|p| Pass {
                name: p.name.clone(),
                wall_ms: p.wall_ms,
                cpu_ms: p.cpu_ms,
            })
            .collect(),
        ..PageData::default()
    };

    let shape = Shape::of(docs.clone(), &has).map_err(polars_err)?;
    data.rows.documents = shape.rows;
    data.rows.duplicates = shape.duplicates;
    data.by_published_day = shape.by_published_day;
    data.by_warc_day = shape.by_warc_day;
    data.by_site = top_with_rest(shape.by_site.clone(), TOP_SITES);
    data.by_language = shape.by_language;
    if !has(documents::LANGUAGE.name) {
        data.cannot_show.push(
            "Documents per language: this output has no `language` column (written before schema version 4).".to_owned(),
        );
    }

    let entities = scan(dir, ENTITIES).map_err(polars_err)?;
    let (groups, places, unmapped, mention_rows) =
        entity_figures(entities, options.top.max(1)).map_err(polars_err)?;
    data.entities = groups;
    data.places = places;
    data.places_unmapped = unmapped;
    data.rows.mentions = mention_rows;

    let quarantine = scan(dir, QUARANTINE).map_err(polars_err)?;
    let (rows, quarantine_rows) = quarantine_rows(quarantine).map_err(polars_err)?;
    data.quarantine = rows;
    data.rows.quarantine = quarantine_rows;

    data.explained = explain(docs, &has, options).map_err(polars_err)?;
    if !has(documents::REMOVED_RULES.name) {
        data.cannot_show.push(format!(
            "The rule that removed each line: this output has no `removed_rules` column (schema version {}; it came with version 5).",
            manifest.schema_version
        ));
    }
    if manifest.config.boilerplate.enabled && !manifest.config.boilerplate.keep_removed {
        data.cannot_show.push(
            "The lines boilerplate removal dropped: this run was without `--keep-removed`, so only their counts were kept.".to_owned(),
        );
    }
    if !manifest.config.boilerplate.enabled {
        data.cannot_show
            .push("Removed lines: boilerplate removal was off in this run.".to_owned());
    }

    if let Some(other) = &options.compare {
        let other_err = |source| ReportError::Polars {
            dir: other.clone(),
            source,
        };
        read_manifest(other)?;
        let other_docs = scan(other, DOCUMENTS).map_err(other_err)?;
        let other_columns = other_docs.clone().collect_schema().map_err(other_err)?;
        let before =
            Shape::of(other_docs, &|n: &str| other_columns.contains(n)).map_err(other_err)?;
        let mut days_now = data.by_published_day.clone();
        days_now.extend(data.by_warc_day.iter().cloned());
        let mut days_before = before.by_published_day;
        days_before.extend(before.by_warc_day);
        data.compare = Some(Compare {
            other_dir: other.display().to_string(),
            sites: changes(&before.by_site, &shape.by_site),
            days: changes(&days_before, &days_now),
        });
    }

    data.warnings = warnings(&data, &manifest);
    Ok(data)
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn run_counts(manifest: &Manifest) -> RunCounts {
    let c = &manifest.counts;
    RunCounts {
        read: count(c.read),
        kept: count(c.kept),
        duplicates: count(c.duplicates),
        quarantined: count(c.quarantined),
        written: count(c.written),
        files_read: count(c.files_read),
        files_ignored: count(c.files_ignored),
        records_truncated: count(c.records_truncated),
    }
}

/// The run's settings flattened to `section.key = value`; paths are left as written.
fn settings(manifest: &Manifest) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let name = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&name, value, out);
                }
            }
            other => out.push((prefix.to_owned(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(&manifest.config) {
        walk("", &value, &mut out);
    }
    out
}

/// Every check a reader of the run would make by hand, as a sentence per failure.
fn warnings(data: &PageData, manifest: &Manifest) -> Vec<String> {
    let c = &data.counts;
    let mut out = Vec::new();
    if c.read != c.kept + c.duplicates + c.quarantined {
        out.push(format!(
            "read ({}) is not kept ({}) + duplicates ({}) + quarantined ({}).",
            c.read, c.kept, c.duplicates, c.quarantined
        ));
    }
    if c.written != data.rows.documents {
        out.push(format!(
            "The manifest says {} documents were written; the documents table holds {}.",
            c.written, data.rows.documents
        ));
    }
    if c.quarantined != data.rows.quarantine {
        out.push(format!(
            "The manifest says {} inputs were quarantined; the quarantine table holds {}.",
            c.quarantined, data.rows.quarantine
        ));
    }
    let by_reason: i64 = data.quarantined_by_reason.iter().map(|(_, n)| n).sum();
    if by_reason != c.quarantined {
        out.push(format!(
            "Quarantined by reason adds up to {by_reason}, not {}.",
            c.quarantined
        ));
    }
    let mentions: u64 = manifest.mentions_by_label.values().sum();
    if count(mentions) != data.rows.mentions {
        out.push(format!(
            "The manifest counts {mentions} entity mentions; the entities table holds {}.",
            data.rows.mentions
        ));
    }
    out
}

/// The counts of a documents table that `--compare` reads from both outputs.
struct Shape {
    rows: i64,
    duplicates: i64,
    by_published_day: Counts,
    by_warc_day: Counts,
    by_site: Counts,
    by_language: Counts,
}

impl Shape {
    fn of(docs: LazyFrame, has: &dyn Fn(&str) -> bool) -> PolarsResult<Shape> {
        let mut totals = vec![len().cast(DataType::Int64).alias("rows")];
        if has(documents::IS_DUPLICATE.name) {
            totals.push(
                col(documents::IS_DUPLICATE.name)
                    .fill_null(lit(false))
                    .cast(DataType::Int64)
                    .sum()
                    .alias("duplicates"),
            );
        }
        let totals = docs.clone().select(totals).collect()?;
        let total = |name: &str| -> i64 {
            totals
                .column(name)
                .ok()
                .and_then(|c| c.cast(&DataType::Int64).ok())
                .and_then(|c| c.i64().ok().and_then(|c| c.get(0)))
                .unwrap_or(0)
        };
        let per_day = |name: &str| -> PolarsResult<Counts> {
            if !has(name) {
                return Ok(Vec::new());
            }
            let mut days = grouped(
                docs.clone()
                    .filter(col(name).is_not_null())
                    .group_by([col(name).dt().strftime("%Y-%m-%d").alias("key")]),
            )?;
            days.sort();
            Ok(days)
        };
        let by_language = if has(documents::LANGUAGE.name) {
            most_first(grouped(
                docs.clone().group_by([col(documents::LANGUAGE.name)
                    .fill_null(lit("(none)"))
                    .alias("key")]),
            )?)
        } else {
            Vec::new()
        };
        Ok(Shape {
            rows: total("rows"),
            duplicates: total("duplicates"),
            by_published_day: per_day(documents::PUBLISHED.name)?,
            by_warc_day: per_day(documents::WARC_DATE.name)?,
            by_site: sites(docs, has)?,
            by_language,
        })
    }
}

/// `(key, n)` of a frame grouped by a column named `key`.
fn grouped(frame: LazyGroupBy) -> PolarsResult<Counts> {
    let df = frame
        .agg([len().cast(DataType::Int64).alias("n")])
        .collect()?;
    let keys = df.column("key")?.str()?;
    let counts = df.column("n")?.i64()?;
    Ok(keys
        .iter()
        .zip(counts.iter())
        .map(|(k, n)| (k.unwrap_or("(none)").to_owned(), n.unwrap_or(0)))
        .collect())
}

fn most_first(mut rows: Counts) -> Counts {
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// The first `top` rows, and the rest summed as one.
fn top_with_rest(rows: Counts, top: usize) -> Counts {
    if rows.len() <= top {
        return rows;
    }
    let rest: i64 = rows[top..].iter().map(|(_, n)| n).sum();
    let others = rows.len() - top;
    let mut out: Counts = rows.into_iter().take(top).collect();
    out.push((format!("({others} other sites)"), rest));
    out
}

/// Documents per site. A site is named by what the page says of itself, else by the
/// host it was fetched from, else by the input's first folder (`bbc/003.txt`), which
/// is how text dumps are usually filed, else by whom the article credits (a flat
/// folder of dumps).
fn sites(docs: LazyFrame, has: &dyn Fn(&str) -> bool) -> PolarsResult<Counts> {
    let wanted = [
        documents::SITE_NAME.name,
        documents::URL.name,
        documents::SOURCE_PATH.name,
        documents::ATTRIBUTION.name,
    ];
    let present: Vec<Expr> = wanted.iter().filter(|n| has(n)).map(|n| col(*n)).collect();
    if present.is_empty() {
        return Ok(Vec::new());
    }
    // Grouped first by the columns that name a site, so only distinct combinations
    // reach the loop below, whatever the corpus size.
    let by: Vec<Expr> = wanted
        .iter()
        .filter(|n| has(n))
        .map(|n| {
            if *n == documents::SOURCE_PATH.name {
                // Null for an input at the top of the input folder.
                col(*n).str().extract(lit("^([^/]+)/"), 1).alias(*n)
            } else {
                col(*n)
            }
        })
        .collect();
    let df = docs
        .group_by(by)
        .agg([len().cast(DataType::Int64).alias("n")])
        .collect()?;
    let column = |name: &str| df.column(name).ok().and_then(|c| c.str().ok().cloned());
    let (site_names, urls, paths, attributions) = (
        column(documents::SITE_NAME.name),
        column(documents::URL.name),
        column(documents::SOURCE_PATH.name),
        column(documents::ATTRIBUTION.name),
    );
    let counts = df.column("n")?.i64()?;
    let mut by_site: HashMap<String, i64> = HashMap::new();
    for (i, n) in counts.iter().enumerate() {
        let get = |c| value_at(c, i);
        let site = get(&site_names)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .or_else(|| get(&urls).and_then(host))
            .or_else(|| get(&paths).map(str::to_owned))
            .or_else(|| get(&attributions).map(str::to_owned))
            .unwrap_or_else(|| "(unnamed)".to_owned());
        *by_site.entry(site).or_default() += n.unwrap_or(0);
    }
    Ok(most_first(by_site.into_iter().collect()))
}

fn value_at(column: &Option<StringChunked>, i: usize) -> Option<&str> {
    column.as_ref().and_then(|c| c.get(i))
}

/// The host of an absolute URL, without `www.`.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The keys whose counts changed most between `before` and `after`, by how many
/// documents they gained or lost.
fn changes(before: &Counts, after: &Counts) -> Vec<Change> {
    let mut keys: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (k, n) in before {
        keys.entry(k).or_default().0 += n;
    }
    for (k, n) in after {
        keys.entry(k).or_default().1 += n;
    }
    let mut out: Vec<Change> = keys
        .into_iter()
        .filter(|(_, (b, a))| a != b)
        .map(|(key, (before, after))| Change {
            key: key.to_owned(),
            before,
            after,
        })
        .collect();
    out.sort_by(|a, b| {
        (b.after - b.before)
            .abs()
            .cmp(&(a.after - a.before).abs())
            .then(a.key.cmp(&b.key))
    });
    out.truncate(TOP_CHANGES);
    out
}

/// Top entities per label with mention and document counts, the places to draw, the
/// mentions of places that cannot be drawn, and the table's rows.
fn entity_figures(
    entities: LazyFrame,
    top: usize,
) -> PolarsResult<(Vec<EntityGroup>, Vec<PlacePoint>, i64, i64)> {
    let schema = entities.clone().collect_schema()?;
    let has = |name: &str| schema.contains(name);
    let rows = entities
        .clone()
        .select([len().cast(DataType::Int64).alias("n")])
        .collect()?
        .column("n")?
        .i64()?
        .get(0)
        .unwrap_or(0);
    // One row per entity: by `entity_id`, or by name in an output from before it.
    let key = if has(mentions::ENTITY_ID.name) {
        mentions::ENTITY_ID.name
    } else {
        mentions::CANONICAL.name
    };
    let mut firsts = vec![col(mentions::CANONICAL.name).first().alias("name")];
    for optional in [
        mentions::GEONAMES_ID.name,
        mentions::COUNTRY_CODE.name,
        mentions::LAT.name,
        mentions::LON.name,
    ] {
        if has(optional) {
            firsts.push(col(optional).first());
        }
    }
    let mut aggs = firsts;
    aggs.push(len().cast(DataType::Int64).alias("mentions"));
    aggs.push(
        col(mentions::DOC_ID.name)
            .n_unique()
            .cast(DataType::Int64)
            .alias("documents"),
    );
    let df = entities
        .group_by([col(mentions::LABEL.name), col(key).alias("key")])
        .agg(aggs)
        .collect()?;
    let labels = df.column(mentions::LABEL.name)?.str()?;
    let names = df.column("name")?.str()?;
    let mention_counts = df.column("mentions")?.i64()?;
    let doc_counts = df.column("documents")?.i64()?;
    let float = |name: &str| df.column(name).ok().and_then(|c| c.f64().ok().cloned());
    let (lats, lons) = (float(mentions::LAT.name), float(mentions::LON.name));
    let geonames = df
        .column(mentions::GEONAMES_ID.name)
        .ok()
        .and_then(|c| c.i64().ok().cloned());
    let countries = df
        .column(mentions::COUNTRY_CODE.name)
        .ok()
        .and_then(|c| c.str().ok().cloned());

    let mut by_label: BTreeMap<String, Vec<EntityRow>> = BTreeMap::new();
    let mut places = Vec::new();
    let mut unmapped = 0;
    let locator = Locator::new();
    for i in 0..df.height() {
        let label = labels.get(i).unwrap_or_default().to_owned();
        let row = EntityRow {
            name: names.get(i).unwrap_or_default().to_owned(),
            mentions: mention_counts.get(i).unwrap_or(0),
            documents: doc_counts.get(i).unwrap_or(0),
        };
        if label == PLACE_LABEL {
            let at = |c: &Option<Float64Chunked>| c.as_ref().and_then(|c| c.get(i));
            let position = match (at(&lats), at(&lons)) {
                (Some(lat), Some(lon)) => Some((lat, lon, false)),
                _ => locator.locate(
                    geonames.as_ref().and_then(|c| c.get(i)),
                    countries.as_ref().and_then(|c| c.get(i)),
                ),
            };
            match position {
                Some((lat, lon, at_largest_city)) => places.push(PlacePoint {
                    name: row.name.clone(),
                    mentions: row.mentions,
                    documents: row.documents,
                    lat,
                    lon,
                    at_largest_city,
                }),
                None => unmapped += row.mentions,
            }
        }
        by_label.entry(label).or_default().push(row);
    }
    let order = ["PERSON", "ORG", "LOC", "NORP", "DATE", "COUNT"];
    let mut groups: Vec<EntityGroup> = by_label
        .into_iter()
        .map(|(label, mut rows)| {
            rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
            rows.truncate(top);
            EntityGroup { label, top: rows }
        })
        .collect();
    groups.sort_by_key(|g| {
        order
            .iter()
            .position(|l| *l == g.label)
            .unwrap_or(order.len())
    });
    places.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
    places.truncate(MAX_PLACES);
    Ok((groups, places, unmapped, rows))
}

fn quarantine_rows(table: LazyFrame) -> PolarsResult<(Vec<QuarantineRow>, i64)> {
    let rows = table
        .clone()
        .select([len().cast(DataType::Int64).alias("n")])
        .collect()?
        .column("n")?
        .i64()?
        .get(0)
        .unwrap_or(0);
    let df = table
        .select([
            col(quarantine::SOURCE_PATH.name),
            col(quarantine::STAGE.name),
            col(quarantine::REASON.name),
            col(quarantine::DETAIL.name),
        ])
        .limit(MAX_QUARANTINE_ROWS as IdxSize)
        .collect()?;
    let text = |name: &str, i: usize| -> String {
        df.column(name)
            .ok()
            .and_then(|c| c.str().ok().and_then(|c| c.get(i)))
            .unwrap_or_default()
            .to_owned()
    };
    let out = (0..df.height())
        .map(|i| QuarantineRow {
            source_path: text(quarantine::SOURCE_PATH.name, i),
            stage: text(quarantine::STAGE.name, i),
            reason: text(quarantine::REASON.name, i),
            detail: text(quarantine::DETAIL.name, i),
        })
        .collect();
    Ok((out, rows))
}

/// The documents to explain: those asked for by id or path, then the first with
/// removed lines and the first duplicates, in input order.
fn explain(
    docs: LazyFrame,
    has: &dyn Fn(&str) -> bool,
    options: &Options,
) -> PolarsResult<Vec<Explained>> {
    let mut wanted: Vec<(Expr, &str, usize)> = Vec::new();
    if !options.docs.is_empty() {
        let asked = options
            .docs
            .iter()
            .map(|id| {
                col(documents::DOC_ID.name)
                    .eq(lit(id.as_str()))
                    .or(col(documents::SOURCE_PATH.name).eq(lit(id.as_str())))
            })
            .reduce(Expr::or)
            .unwrap_or_else(|| lit(false));
        wanted.push((asked, "asked", options.docs.len()));
    }
    if has(documents::BOILERPLATE_LINES.name) {
        wanted.push((
            col(documents::BOILERPLATE_LINES.name).gt(lit(0)),
            "removed lines",
            SAMPLE_REMOVED,
        ));
    }
    if has(documents::IS_DUPLICATE.name) {
        wanted.push((
            col(documents::IS_DUPLICATE.name).eq(lit(true)),
            "duplicate",
            SAMPLE_DUPLICATES,
        ));
    }
    let columns: Vec<Expr> = [
        documents::DOC_ID.name,
        documents::SOURCE_PATH.name,
        documents::TITLE.name,
        documents::URL.name,
        documents::TEXT.name,
        documents::BOILERPLATE_LINES.name,
        documents::REMOVED_WORDS.name,
        documents::REMOVED_TEXT.name,
        documents::REMOVED_RULES.name,
        documents::DUPLICATE_OF.name,
        documents::DUP_SIMILARITY.name,
    ]
    .iter()
    .filter(|n| has(n))
    .map(|n| col(*n))
    .collect();

    let mut out: Vec<Explained> = Vec::new();
    let mut seen = BTreeSet::new();
    for (filter, why, limit) in wanted {
        let df = docs
            .clone()
            .filter(filter)
            .select(columns.clone())
            .limit(limit as IdxSize)
            .collect()?;
        for doc in explained_rows(&df, why)? {
            if seen.insert(doc.doc_id.clone()) {
                out.push(doc);
            }
        }
    }
    // The titles of the documents the duplicates duplicate.
    let originals: Vec<String> = out.iter().filter_map(|d| d.duplicate_of.clone()).collect();
    if let Some(filter) = originals
        .iter()
        .map(|id| col(documents::DOC_ID.name).eq(lit(id.as_str())))
        .reduce(Expr::or)
    {
        let mut select = vec![col(documents::DOC_ID.name)];
        if has(documents::TITLE.name) {
            select.push(col(documents::TITLE.name));
        }
        let df = docs.filter(filter).select(select).collect()?;
        let ids = df.column(documents::DOC_ID.name)?.str()?;
        let titles = df
            .column(documents::TITLE.name)
            .ok()
            .and_then(|c| c.str().ok().cloned());
        let mut title_of = HashMap::new();
        for i in 0..df.height() {
            let title = titles
                .as_ref()
                .and_then(|t| t.get(i))
                .unwrap_or("(untitled)");
            title_of.insert(ids.get(i).unwrap_or_default().to_owned(), title.to_owned());
        }
        for doc in &mut out {
            if let Some(id) = &doc.duplicate_of {
                doc.duplicate_title = title_of.get(id).cloned();
            }
        }
    }
    Ok(out)
}

fn explained_rows(df: &DataFrame, why: &str) -> PolarsResult<Vec<Explained>> {
    let text = |name: &str, i: usize| -> Option<String> {
        df.column(name)
            .ok()
            .and_then(|c| c.str().ok().and_then(|c| c.get(i)))
            .map(str::to_owned)
    };
    let int = |name: &str, i: usize| -> Option<i64> {
        df.column(name)
            .ok()
            .and_then(|c| c.i64().ok().and_then(|c| c.get(i)))
    };
    let rules = df
        .column(documents::REMOVED_RULES.name)
        .ok()
        .and_then(|c| c.list().ok().cloned());
    let mut out = Vec::new();
    for i in 0..df.height() {
        let rules_of_row: Option<Vec<String>> =
            rules.as_ref().and_then(|r| r.get_as_series(i)).map(|s| {
                s.str()
                    .map(|s| s.iter().map(|r| r.unwrap_or_default().to_owned()).collect())
                    .unwrap_or_default()
            });
        let removed = text(documents::REMOVED_TEXT.name, i).map(|removed| {
            removed
                .split('\n')
                .enumerate()
                .map(|(n, line)| {
                    let rule = rules_of_row.as_ref().and_then(|r| r.get(n).cloned());
                    (line.to_owned(), rule)
                })
                .collect()
        });
        out.push(Explained {
            doc_id: text(documents::DOC_ID.name, i).unwrap_or_default(),
            source_path: text(documents::SOURCE_PATH.name, i).unwrap_or_default(),
            title: text(documents::TITLE.name, i),
            url: text(documents::URL.name, i),
            why: why.to_owned(),
            text: text(documents::TEXT.name, i).unwrap_or_default(),
            removed_lines: int(documents::BOILERPLATE_LINES.name, i),
            removed_words: int(documents::REMOVED_WORDS.name, i),
            removed,
            duplicate_of: text(documents::DUPLICATE_OF.name, i),
            duplicate_title: None,
            similarity: df
                .column(documents::DUP_SIMILARITY.name)
                .ok()
                .and_then(|c| c.f64().ok().and_then(|c| c.get(i))),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_named_by_its_host_without_www() {
        assert_eq!(
            host("https://www.Example.com:8080/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("http://user@news.example/").as_deref(),
            Some("news.example")
        );
        assert_eq!(host("no url"), None);
    }

    #[test]
    fn changes_are_ranked_by_size_either_way() {
        let before = vec![
            ("a".to_owned(), 10),
            ("b".to_owned(), 5),
            ("c".to_owned(), 1),
        ];
        let after = vec![
            ("a".to_owned(), 11),
            ("b".to_owned(), 0),
            ("d".to_owned(), 3),
        ];
        let keys: Vec<String> = changes(&before, &after)
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, ["b", "d", "a", "c"]);
    }

    #[test]
    fn sites_past_the_top_are_summed() {
        let rows: Counts = (0..5).map(|i| (format!("s{i}"), 10 - i)).collect();
        let top = top_with_rest(rows, 3);
        assert_eq!(top.last(), Some(&("(2 other sites)".to_owned(), 13)));
    }
}
