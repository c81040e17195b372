//! `pipeline.toml`: what the data pipeline does, as serde structs with a default for
//! every key.
//!
//! These types only describe; each stage crate validates its table and builds its
//! runtime stage from it. Threads, progress and verbosity are command-line flags, not
//! configuration, because they change how a run goes and never what it produces.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The whole `pipeline.toml`. An empty file is a valid configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory read recursively for input files.
    pub input_dir: PathBuf,
    /// Directory the Parquet tables and the manifest are written to.
    pub output_dir: PathBuf,
    pub decode: DecodeConfig,
    pub boilerplate: BoilerplateConfig,
    pub language: LanguageConfig,
    pub dedup: DedupConfig,
    pub entities: EntitiesConfig,
    pub export: ExportConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input_dir: PathBuf::from("raw"),
            output_dir: PathBuf::from("processed"),
            decode: DecodeConfig::default(),
            boilerplate: BoilerplateConfig::default(),
            language: LanguageConfig::default(),
            dedup: DedupConfig::default(),
            entities: EntitiesConfig::default(),
            export: ExportConfig::default(),
        }
    }
}

/// `[decode]`: bytes to clean UTF-8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecodeConfig {
    /// File name extensions read as input, each optionally followed by `.gz` or `.zst`.
    pub extensions: Vec<String>,
    /// Largest input accepted, compressed or decompressed, in bytes.
    pub max_bytes: u64,
    /// Share of U+FFFD replacement characters above which a text counts as undecodable.
    pub max_replacement_ratio: f64,
    /// Share of control bytes above which a file counts as binary.
    pub max_control_ratio: f64,
    /// Repair UTF-8 that was decoded as windows-1252 or latin-1 and saved again.
    pub repair_mojibake: bool,
    /// Read a file whose name says text as HTML when its first bytes are markup
    /// (`<!doctype html`, `<html`).
    pub sniff_html: bool,
}

/// Extensions read as HTML pages rather than text dumps.
pub const HTML_EXTENSIONS: &[&str] = &["html", "htm", "xhtml"];

impl Default for DecodeConfig {
    fn default() -> Self {
        DecodeConfig {
            extensions: ["txt", "text", "html", "htm", "xhtml", "warc"]
                .map(String::from)
                .to_vec(),
            max_bytes: 16 * 1024 * 1024,
            max_replacement_ratio: 0.01,
            max_control_ratio: 0.05,
            repair_mojibake: true,
            sniff_html: true,
        }
    }
}

/// `[boilerplate]`: keep the article, drop the page around it. The reasons for each
/// default are in the sample `pipeline.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoilerplateConfig {
    pub enabled: bool,
    /// Articles with fewer words left are quarantined as `no_article`.
    pub min_words: usize,
    /// Write the removed lines to the `removed_text` column.
    pub keep_removed: bool,
    /// A sentence-like line with at least this many words is article text by itself.
    pub good_min_words: usize,
    /// Share of stop words above which a line reads as running prose.
    pub stopword_density: f64,
    /// Lines of at most this many words can be judged site chrome by shape or recurrence.
    pub chrome_max_words: usize,
    /// A chrome-shaped line found in at least this many documents is site chrome.
    pub min_recurrence: u32,
    /// Runs of at most this many short lines between article paragraphs are kept
    /// (subheads); longer runs are link lists.
    pub max_short_run: usize,
    /// Weight of a removed line's words against the article's when the dense core of
    /// the page is found; higher cuts the article off at smaller link blocks.
    pub gap_weight: f64,
    /// The same weight for lines that were only too short to stand alone.
    pub short_gap_weight: f64,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            enabled: true,
            min_words: 20,
            keep_removed: false,
            good_min_words: 10,
            stopword_density: 0.25,
            chrome_max_words: 12,
            min_recurrence: 2,
            max_short_run: 2,
            gap_weight: 0.5,
            short_gap_weight: 0.25,
        }
    }
}

/// `[dedup]`: exact and near-duplicate documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    pub enabled: bool,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash functions per signature; must equal `bands * rows`.
    pub num_hashes: usize,
    /// LSH bands.
    pub bands: usize,
    /// Signature rows per band.
    pub rows: usize,
    /// Jaccard similarity of shingle sets at or above which two documents are duplicates.
    pub threshold: f64,
    /// Leave duplicates out of `documents.parquet` (they are still counted).
    pub drop_duplicates: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            enabled: true,
            shingle_size: 5,
            num_hashes: 128,
            bands: 16,
            rows: 8,
            threshold: 0.8,
            drop_duplicates: false,
        }
    }
}

/// `[language]`: the language of every document's article text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageConfig {
    pub enabled: bool,
    /// Languages to keep, as the `language` column writes them (`en`, `de`); the
    /// others go to quarantine as `other_language`. Empty keeps every language.
    pub keep: Vec<String>,
    /// Texts with fewer words are `und`: too short to tell.
    pub min_words: usize,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            enabled: true,
            keep: Vec::new(),
            min_words: 20,
        }
    }
}

/// `[entities]`: people, places, organisations, groups, dates and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntitiesConfig {
    pub enabled: bool,
    /// Labels to tag: any of PERSON, LOC, ORG, NORP, DATE, COUNT.
    pub labels: Vec<String>,
    /// Places with fewer people are left out of the gazetteer.
    pub min_population: u64,
    /// A city named alone is a place only with this many people, or when the document
    /// mentions its country.
    pub min_population_alone: u64,
    /// Extra gazetteer files, TSV with the columns of the built-in one.
    pub gazetteer_files: Vec<PathBuf>,
    /// Link a last name alone to the one full name the corpus gives it, across
    /// documents (a pass more over the corpus).
    pub link_people: bool,
    /// The trained tagger finds names no rule has a cue for; `false` tags with the
    /// rules alone.
    pub model: bool,
}

impl Default for EntitiesConfig {
    fn default() -> Self {
        EntitiesConfig {
            enabled: true,
            labels: ["PERSON", "LOC", "ORG", "NORP", "DATE", "COUNT"]
                .map(String::from)
                .to_vec(),
            min_population: 15_000,
            min_population_alone: 100_000,
            gazetteer_files: Vec::new(),
            link_people: true,
            model: true,
        }
    }
}

/// `[export]`: how the Parquet tables are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// zstd level for every column.
    pub compression_level: i32,
    /// Rows per Parquet row group, which is also the runner's batch size.
    pub row_group_size: usize,
    /// Rows per file; a bigger table is split into NAME-00000.parquet, ...
    pub max_rows_per_file: usize,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            compression_level: 3,
            row_group_size: 4096,
            max_rows_per_file: 500_000,
        }
    }
}

/// A configuration file that could not be read or does not describe a valid pipeline.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid value in [{table}] {key}: {message}")]
    Invalid {
        table: &'static str,
        key: &'static str,
        message: String,
    },
}

impl Config {
    /// Reads and parses a configuration file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses configuration text. The error message names the line and the key, as
    /// the `toml` crate reports them.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())
    }

    /// A stable hash of the settings that shape the output, recorded in the outputs so
    /// a notebook can tell which settings produced a file. The input and output
    /// directories are left out: the same corpus processed from another place, into
    /// another place, gives the same files.
    pub fn hash(&self) -> String {
        let settings = Config {
            input_dir: PathBuf::new(),
            output_dir: PathBuf::new(),
            ..self.clone()
        };
        let json = serde_json::to_string(&settings).unwrap_or_default();
        blake3::hash(json.as_bytes()).to_hex()[..16].to_owned()
    }

    /// Checks the values serde cannot check by type alone.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let ratio_ok = |r: f64| (0.0..=1.0).contains(&r);
        if self.decode.extensions.is_empty() {
            return Err(invalid("decode", "extensions", "must list at least one"));
        }
        if self.decode.max_bytes == 0 {
            return Err(invalid("decode", "max_bytes", "must be greater than 0"));
        }
        if !ratio_ok(self.decode.max_replacement_ratio) {
            return Err(invalid(
                "decode",
                "max_replacement_ratio",
                "must be between 0 and 1",
            ));
        }
        if !ratio_ok(self.decode.max_control_ratio) {
            return Err(invalid(
                "decode",
                "max_control_ratio",
                "must be between 0 and 1",
            ));
        }
        if !ratio_ok(self.boilerplate.stopword_density) {
            return Err(invalid(
                "boilerplate",
                "stopword_density",
                "must be between 0 and 1",
            ));
        }
        for (key, weight) in [
            ("gap_weight", self.boilerplate.gap_weight),
            ("short_gap_weight", self.boilerplate.short_gap_weight),
        ] {
            if weight.is_nan() || weight < 0.0 {
                return Err(invalid("boilerplate", key, "must be 0 or more"));
            }
        }
        if self.boilerplate.min_recurrence < 2 {
            return Err(invalid(
                "boilerplate",
                "min_recurrence",
                "must be at least 2: one document is no recurrence",
            ));
        }
        let dedup = &self.dedup;
        if dedup.bands * dedup.rows != dedup.num_hashes {
            return Err(ConfigError::Invalid {
                table: "dedup",
                key: "num_hashes",
                message: format!(
                    "bands x rows must equal num_hashes, but {} x {} != {}",
                    dedup.bands, dedup.rows, dedup.num_hashes
                ),
            });
        }
        if dedup.num_hashes == 0 {
            return Err(invalid("dedup", "num_hashes", "must be greater than 0"));
        }
        if dedup.shingle_size == 0 {
            return Err(invalid("dedup", "shingle_size", "must be greater than 0"));
        }
        if dedup.threshold.is_nan() || dedup.threshold <= 0.0 || dedup.threshold > 1.0 {
            return Err(invalid(
                "dedup",
                "threshold",
                "must be above 0 and at most 1",
            ));
        }
        if let Some(bad) = self.entities.labels.iter().find(|l| {
            !["PERSON", "LOC", "ORG", "NORP", "DATE", "COUNT"].contains(&l.to_uppercase().as_str())
        }) {
            return Err(ConfigError::Invalid {
                table: "entities",
                key: "labels",
                message: format!(
                    "unknown label {bad:?}; labels are PERSON, LOC, ORG, NORP, DATE, COUNT"
                ),
            });
        }
        if !(1..=22).contains(&self.export.compression_level) {
            return Err(invalid(
                "export",
                "compression_level",
                "must be a zstd level from 1 to 22",
            ));
        }
        if self.export.max_rows_per_file == 0 {
            return Err(invalid(
                "export",
                "max_rows_per_file",
                "must be greater than 0",
            ));
        }
        if self.export.row_group_size == 0 {
            return Err(invalid(
                "export",
                "row_group_size",
                "must be greater than 0",
            ));
        }
        Ok(())
    }
}

fn invalid(table: &'static str, key: &'static str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        table,
        key,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_the_defaults() {
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn the_sample_pipeline_toml_lists_the_defaults() {
        // The sample file documents every key with its default; a default changed in
        // code must be changed there too.
        let sample = include_str!("../../../pipeline.toml");
        assert_eq!(Config::from_toml(sample).unwrap(), Config::default());
    }

    #[test]
    fn a_stage_can_be_switched_off() {
        let config = Config::from_toml("[dedup]\nenabled = false\n").unwrap();
        assert!(!config.dedup.enabled);
        assert!(config.boilerplate.enabled);
    }

    #[test]
    fn unknown_key_names_the_key_and_the_line() {
        let err = Config::from_toml("[decode]\nmax_bytes = 10\nmax_byte = 3\n").unwrap_err();
        assert!(err.contains("max_byte"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key_and_the_line() {
        let err = Config::from_toml("\n[export]\nrow_group_size = \"big\"\n").unwrap_err();
        assert!(err.contains("row_group_size"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        let config = Config::from_toml("[decode]\nmax_replacement_ratio = 1.5\n").unwrap();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("max_replacement_ratio"), "{err}");
    }

    #[test]
    fn bands_times_rows_must_equal_the_hashes() {
        let config = Config::from_toml("[dedup]\nbands = 10\nrows = 10\n").unwrap();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("10 x 10 != 128"), "{err}");
        let config =
            Config::from_toml("[dedup]\nnum_hashes = 100\nbands = 20\nrows = 5\n").unwrap();
        assert!(config.validate().is_ok());
    }

    #[test]
    fn hash_changes_with_the_settings() {
        let a = Config::default();
        let mut b = Config::default();
        b.export.compression_level = 9;
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), Config::default().hash());
        let moved = Config {
            output_dir: "elsewhere".into(),
            ..Config::default()
        };
        assert_eq!(a.hash(), moved.hash());
    }
}
