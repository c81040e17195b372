//! `newsprep report`: a summary of an output folder a person reads at a glance. The
//! counts come from `manifest.json`; everything else is computed with polars' lazy
//! Parquet scans over `documents*.parquet` and `entities*.parquet`, so a rotated,
//! many-file dataset is read as one table and only the columns a figure needs are
//! read at all. [`html`] draws the same output as one self-contained page.

pub mod html;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use newsprep_core::manifest::Manifest;
use newsprep_export::schema::{documents, mentions};
use newsprep_export::{DOCUMENTS, ENTITIES, MANIFEST_FILE};
use polars::prelude::*;
use serde::Serialize;

/// The report could not be made; the error names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a newsprep manifest: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error("cannot read the tables in {dir}: {source}")]
    Polars { dir: PathBuf, source: PolarsError },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Rows of (name, count), most first.
pub type Counts = Vec<(String, i64)>;

/// Everything the report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub read: i64,
    pub kept: i64,
    pub duplicates: i64,
    pub quarantined: i64,
    pub quarantined_by_reason: Counts,
    pub words_kept: i64,
    pub words_removed: i64,
    /// Per label, the most mentioned entities with their mention counts.
    pub top_entities: Vec<(String, Counts)>,
    /// Documents per language (`(none)` when the language stage did not run); empty
    /// for an output written before the `language` column existed.
    pub documents_by_language: Counts,
    /// Documents per attribution (`(none)` when the page named none).
    pub documents_by_source: Counts,
    /// Documents per publication month, `YYYY-MM`, for pages that state a date.
    pub documents_by_month: Counts,
}

/// Reads the output folder `dir` and computes the report, with `top` entities a label.
pub fn build(dir: &Path, top: usize) -> Result<Report, ReportError> {
    let manifest = read_manifest(dir)?;
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut by_reason: Vec<(String, i64)> = manifest
        .quarantined_by_reason
        .iter()
        .map(|(reason, &n)| (reason.clone(), count(n)))
        .collect();
    by_reason.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let polars_err = |source| ReportError::Polars {
        dir: dir.to_owned(),
        source,
    };
    let documents = scan(dir, DOCUMENTS).map_err(polars_err)?;
    let entities = scan(dir, ENTITIES).map_err(polars_err)?;

    let words = documents
        .clone()
        .select([
            col(documents::N_WORDS.name)
                .sum()
                .cast(DataType::Int64)
                .alias("kept"),
            col(documents::REMOVED_WORDS.name)
                .sum()
                .cast(DataType::Int64)
                .alias("removed"),
        ])
        .collect()
        .map_err(polars_err)?;
    let first = |name: &str| -> i64 {
        words
            .column(name)
            .ok()
            .and_then(|c| c.i64().ok().and_then(|c| c.get(0)))
            .unwrap_or(0)
    };

    let has_language = documents
        .clone()
        .collect_schema()
        .map_err(polars_err)?
        .contains(documents::LANGUAGE.name);
    let by_language = if has_language {
        counted(
            documents
                .clone()
                .group_by([col(documents::LANGUAGE.name)
                    .fill_null(lit("(none)"))
                    .alias("key")])
                .agg([len().cast(DataType::Int64).alias("n")]),
        )
        .map_err(polars_err)?
    } else {
        Vec::new()
    };
    let by_source = counted(
        documents
            .clone()
            .group_by([col(documents::ATTRIBUTION.name)
                .fill_null(lit("(none)"))
                .alias("key")])
            .agg([len().cast(DataType::Int64).alias("n")]),
    )
    .map_err(polars_err)?;
    let mut by_month = counted(
        documents
            .filter(col(documents::PUBLISHED.name).is_not_null())
            .group_by([col(documents::PUBLISHED.name)
                .dt()
                .strftime("%Y-%m")
                .alias("key")])
            .agg([len().cast(DataType::Int64).alias("n")]),
    )
    .map_err(polars_err)?;
    by_month.sort();

    // One row per entity: by `entity_id` (a person's last name alone and full name,
    // two places of one name, told apart), or by name in an output from before it.
    let has_entity_id = entities
        .clone()
        .collect_schema()
        .map_err(polars_err)?
        .contains(mentions::ENTITY_ID.name);
    let n = len().cast(DataType::Int64).alias("n");
    let grouped = if has_entity_id {
        entities
            .group_by([col(mentions::LABEL.name), col(mentions::ENTITY_ID.name)])
            .agg([col(mentions::CANONICAL.name).first(), n])
    } else {
        entities
            .group_by([col(mentions::LABEL.name), col(mentions::CANONICAL.name)])
            .agg([n])
    };
    let per_entity = grouped.collect().map_err(polars_err)?;
    let top_entities = top_per_label(&per_entity, top).map_err(polars_err)?;

    Ok(Report {
        read: count(manifest.counts.read),
        kept: count(manifest.counts.kept),
        duplicates: count(manifest.counts.duplicates),
        quarantined: count(manifest.counts.quarantined),
        quarantined_by_reason: by_reason,
        words_kept: first("kept"),
        words_removed: first("removed"),
        top_entities,
        documents_by_language: by_language,
        documents_by_source: by_source,
        documents_by_month: by_month,
    })
}

/// The manifest of the output folder `dir`.
pub(crate) fn read_manifest(dir: &Path) -> Result<Manifest, ReportError> {
    let path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Manifest {
        path,
        reason: e.to_string(),
    })
}

/// One table of the dataset, all its files (`NAME.parquet` or `NAME-00000.parquet`, ...).
pub(crate) fn scan(dir: &Path, table: &str) -> PolarsResult<LazyFrame> {
    let pattern = dir.join(format!("{table}*.parquet"));
    LazyFrame::scan_parquet(
        PlRefPath::new(pattern.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
}

/// (key, n) rows of a grouped frame, most first, ties by key.
fn counted(frame: LazyFrame) -> PolarsResult<Vec<(String, i64)>> {
    let df = frame.collect()?;
    let keys = df.column("key")?.str()?;
    let counts = df.column("n")?.i64()?;
    let mut rows: Vec<(String, i64)> = keys
        .iter()
        .zip(counts.iter())
        .map(|(k, n)| (k.unwrap_or("(none)").to_owned(), n.unwrap_or(0)))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(rows)
}

fn top_per_label(grouped: &DataFrame, top: usize) -> PolarsResult<Vec<(String, Counts)>> {
    let labels = grouped.column(mentions::LABEL.name)?.str()?;
    let names = grouped.column(mentions::CANONICAL.name)?.str()?;
    let counts = grouped.column("n")?.i64()?;
    let mut by_label: std::collections::BTreeMap<String, Vec<(String, i64)>> = Default::default();
    for ((label, name), n) in labels.iter().zip(names.iter()).zip(counts.iter()) {
        by_label
            .entry(label.unwrap_or_default().to_owned())
            .or_default()
            .push((name.unwrap_or_default().to_owned(), n.unwrap_or(0)));
    }
    let order = ["PERSON", "LOC", "ORG", "NORP", "DATE", "COUNT"];
    let mut out: Vec<(String, Vec<(String, i64)>)> = by_label
        .into_iter()
        .map(|(label, mut rows)| {
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            rows.truncate(top);
            (label, rows)
        })
        .collect();
    out.sort_by_key(|(label, _)| order.iter().position(|l| l == label).unwrap_or(order.len()));
    Ok(out)
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

impl Report {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_default(),
            Format::Table => self.text(false),
            Format::Markdown => self.text(true),
        }
    }

    fn text(&self, markdown: bool) -> String {
        let mut out = String::new();
        let heading = |out: &mut String, title: &str| {
            let _ = if markdown {
                writeln!(out, "\n## {title}\n")
            } else {
                writeln!(out, "\n{title}\n{}", "-".repeat(title.len()))
            };
        };
        let table = |out: &mut String, header: (&str, &str), rows: &[(String, i64)]| {
            if markdown {
                let _ = writeln!(out, "| {} | {} |\n| --- | ---: |", header.0, header.1);
                for (k, n) in rows {
                    let _ = writeln!(out, "| {k} | {n} |");
                }
            } else {
                let width = rows
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .chain([header.0.len()])
                    .max()
                    .unwrap_or(0);
                let _ = writeln!(out, "{:<width$}  {:>10}", header.0, header.1);
                for (k, n) in rows {
                    let _ = writeln!(out, "{k:<width$}  {n:>10}");
                }
            }
        };
        let _ = writeln!(out, "{}newsprep report", if markdown { "# " } else { "" });
        heading(&mut out, "Documents");
        let totals = [
            ("read".to_owned(), self.read),
            ("kept".to_owned(), self.kept),
            ("duplicates".to_owned(), self.duplicates),
            ("quarantined".to_owned(), self.quarantined),
        ];
        table(&mut out, ("documents", "count"), &totals);
        if !self.quarantined_by_reason.is_empty() {
            heading(&mut out, "Quarantined by reason");
            table(
                &mut out,
                ("reason", "documents"),
                &self.quarantined_by_reason,
            );
        }
        heading(&mut out, "Words");
        let words = [
            ("kept".to_owned(), self.words_kept),
            ("removed as boilerplate".to_owned(), self.words_removed),
        ];
        table(&mut out, ("words", "count"), &words);
        for (label, rows) in &self.top_entities {
            heading(&mut out, &format!("Top {label}"));
            table(&mut out, (label.as_str(), "mentions"), rows);
        }
        if !self.documents_by_language.is_empty() {
            heading(&mut out, "Documents by language");
            table(
                &mut out,
                ("language", "documents"),
                &self.documents_by_language,
            );
        }
        heading(&mut out, "Documents by source");
        table(&mut out, ("source", "documents"), &self.documents_by_source);
        heading(&mut out, "Documents by publication month");
        table(&mut out, ("month", "documents"), &self.documents_by_month);
        out
    }
}
