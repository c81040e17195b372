//! The document that flows through the stages, and the record of one that was turned away.

use std::fmt;

/// One input file on its way through the pipeline.
///
/// Decode creates it; each later stage reads the fields of the stages before it and
/// fills in its own. Nothing flows backwards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Stable identifier: derived from `source_path`, so the same input path gets the
    /// same id on every run.
    pub doc_id: DocId,
    /// Path relative to the input directory, `/`-separated on every platform.
    pub source_path: String,
    /// Size of the input file on disk (compressed size for `.gz`/`.zst`); for a record
    /// of a WARC file, the length of its payload.
    pub source_bytes: u64,
    /// Where in its file the document came from, for a container format (WARC).
    pub origin: Option<Origin>,
    /// What kind of input the text came from.
    pub format: Format,
    /// The WHATWG name of the encoding the bytes were decoded with, e.g. `UTF-8`.
    pub encoding: String,
    /// How that encoding was chosen.
    pub encoding_source: EncodingSource,
    /// Characters rewritten by mojibake repair (0 when the text was clean).
    pub mojibake_repairs: u64,
    /// Damage decode mended: control characters dropped or replaced, and in a page the
    /// elements closed and attributes dropped before parsing (0 when there was none).
    pub repairs: u64,
    /// The current text: decoded and normalised, then cleaned further by later stages.
    pub text: String,
    /// Headline, publication time and attribution, where a stage found them.
    pub meta: Metadata,
    /// What boilerplate removal took out; `None` when that stage did not run.
    pub boilerplate: Option<BoilerplateNote>,
    /// The language of the text; `None` when that stage did not run.
    pub language: Option<LanguageNote>,
    /// Where deduplication placed the document; `None` when that stage did not run.
    pub dedup: Option<DedupNote>,
    /// Mentions found by entity tagging, in text order; `None` when that stage did not run.
    pub entities: Option<Vec<Mention>>,
    /// What the next run keeps of this document so that it need not decode it again.
    pub trace: Trace,
}

/// What an incremental run or a shard merge needs to reuse a document without reading
/// its file: the fingerprint of the input, and what each corpus stage saw of it.
/// Stages fill in their part; the export writes it to `_state/trace.parquet`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// BLAKE3 of the input's bytes after decompression, in hex: with the path and
    /// size, the input's fingerprint.
    pub input_hash: Option<String>,
    /// Size of the input file on disk, where it differs from the document's
    /// `source_bytes` (a record of a WARC file): the fingerprint's size.
    pub input_bytes: Option<u64>,
    /// Boilerplate: the hashes of the lines recurrence could judge, sorted, and whether
    /// each was judged recurring chrome in the run that made the document.
    pub chrome_lines: Option<Vec<(u64, bool)>>,
    /// Dedup: the document's signature.
    pub signature: Option<Signature>,
}

/// A document as dedup's first pass reduces it: an exact hash, its size and date for
/// the keep rule, and its MinHash signature cut into LSH band hashes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signature {
    pub exact: u128,
    pub n_chars: u64,
    pub published: Option<i64>,
    /// Empty for a text with no shingles.
    pub bands: Vec<u64>,
}

/// The kinds of entity mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Person,
    Loc,
    Org,
    Norp,
    Date,
    Count,
}

impl Label {
    pub const ALL: [Label; 6] = [
        Label::Person,
        Label::Loc,
        Label::Org,
        Label::Norp,
        Label::Date,
        Label::Count,
    ];

    /// The code written to the `label` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "PERSON",
            Label::Loc => "LOC",
            Label::Org => "ORG",
            Label::Norp => "NORP",
            Label::Date => "DATE",
            Label::Count => "COUNT",
        }
    }

    pub fn parse(code: &str) -> Option<Label> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(code))
    }
}

/// One mention of an entity in a document's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mention {
    /// The text as it stands in the document.
    pub text: String,
    pub label: Option<Label>,
    /// Offsets into the document text in Unicode code points, end exclusive.
    pub start: u64,
    pub end: u64,
    /// The one name of the entity: `Jalal-Abad` for `Jalalabad`, `Roza Otunbayeva` for
    /// `Ms. Otunbayeva`, the counted noun for a count.
    pub canonical: String,
    /// The same for every mention of one entity in any document of the corpus.
    pub entity_id: u64,
    pub geonames_id: Option<i64>,
    pub country_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The number a count counts.
    pub value: Option<i64>,
    /// The day a date names, in days since 1970-01-01, when the text pins it down.
    pub date: Option<i32>,
}

/// The language identified from a document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageNote {
    /// ISO 639-1 where the language has a code there, else ISO 639-3; `und` for a
    /// text too short to tell.
    pub code: String,
    /// How sure the identification is, 0 to 1; 0 for `und`.
    pub score: f64,
}

impl LanguageNote {
    /// The code of a text too short to tell.
    pub const UNDETERMINED: &'static str = "und";

    /// The note of a text too short to tell.
    pub fn undetermined() -> LanguageNote {
        LanguageNote {
            code: LanguageNote::UNDETERMINED.to_owned(),
            score: 0.0,
        }
    }

    /// Whether the text may be English: identified as such, or too short to tell
    /// (a short English brief must keep its people).
    pub fn may_be_english(&self) -> bool {
        matches!(self.code.as_str(), "en" | LanguageNote::UNDETERMINED)
    }
}

/// A document's place among its duplicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DedupNote {
    /// The `doc_id` of the kept document of its cluster (its own when it is kept).
    pub cluster: DocId,
    /// The kept document it duplicates; `None` for a kept document.
    pub duplicate_of: Option<DocId>,
    /// Jaccard similarity of its shingles to the kept document's; `None` when kept.
    pub similarity: Option<f64>,
    /// Leave it out of `documents.parquet` (it is still counted).
    pub dropped: bool,
}

/// Facts about the article found on the page around it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The headline, not the site's name.
    pub title: Option<String>,
    /// Publication time the page states, in microseconds since the Unix epoch, UTC.
    pub published: Option<i64>,
    /// Who the text is credited to: `Reuters`, `Al Jazeera and agencies`.
    pub attribution: Option<String>,
    /// The people credited, one name each (HTML: JSON-LD, meta tags, byline).
    pub author: Vec<String>,
    /// The publication's name (HTML: `og:site_name`, JSON-LD publisher).
    pub site_name: Option<String>,
    /// Where the document comes from (HTML: the canonical link, else `og:url`).
    pub url: Option<String>,
    /// The page's declared canonical link.
    pub canonical_url: Option<String>,
    /// The page's `<html lang>`, as written.
    pub page_language: Option<String>,
}

impl Metadata {
    /// Fills the fields this one lacks from `other`: what the page's markup says wins
    /// over what a later stage reads from the text.
    pub fn or(self, other: Metadata) -> Metadata {
        Metadata {
            title: self.title.or(other.title),
            published: self.published.or(other.published),
            attribution: self.attribution.or(other.attribution),
            author: if self.author.is_empty() {
                other.author
            } else {
                self.author
            },
            site_name: self.site_name.or(other.site_name),
            url: self.url.or(other.url),
            canonical_url: self.canonical_url.or(other.canonical_url),
            page_language: self.page_language.or(other.page_language),
        }
    }
}

/// The kind of input a document was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// A text dump: the page as a text browser renders it, or plain text.
    #[default]
    Text,
    /// An HTML page, its article taken from the DOM.
    Html,
}

impl Format {
    /// The code written to the `format` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
        }
    }

    pub fn parse(code: &str) -> Option<Format> {
        match code {
            "text" => Some(Format::Text),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

/// The record boilerplate removal keeps of what it removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoilerplateNote {
    /// Non-blank lines removed.
    pub removed_lines: u64,
    /// Whitespace-separated words in them.
    pub removed_words: u64,
    /// The removed lines themselves, one per line, when the user asked to keep them.
    pub removed_text: Option<String>,
    /// The rule that removed each line of `removed_text`, in the same order; kept and
    /// dropped with it, so the two always line up.
    pub removed_rules: Option<Vec<String>>,
}

impl BoilerplateNote {
    /// Records `lines` as removed after what the note holds already (decode's removals
    /// from an HTML page come before the boilerplate stage's), each by the rule at its
    /// place in `rules`, keeping their text and rules only when `keep_text`.
    pub fn add<S: AsRef<str>>(&mut self, lines: &[S], rules: &[&str], keep_text: bool) {
        self.removed_lines += lines.len() as u64;
        self.removed_words += lines
            .iter()
            .map(|l| l.as_ref().split_whitespace().count() as u64)
            .sum::<u64>();
        if !keep_text {
            self.removed_text = None;
            self.removed_rules = None;
            return;
        }
        let mut all = self.removed_text.take().unwrap_or_default();
        let mut all_rules = self.removed_rules.take().unwrap_or_default();
        for (i, line) in lines.iter().enumerate() {
            let rule = rules.get(i).copied().unwrap_or(UNKNOWN_RULE);
            // One rule per line of the text as stored: a block that holds a line break
            // is two lines there, and the reader pairs them by position.
            for part in line.as_ref().split('\n') {
                if !all.is_empty() || !all_rules.is_empty() {
                    all.push('\n');
                }
                all.push_str(part);
                all_rules.push(rule.to_owned());
            }
        }
        self.removed_text = Some(all);
        self.removed_rules = Some(all_rules);
    }
}

/// The rule recorded for a removed line whose stage named none.
pub const UNKNOWN_RULE: &str = "unknown";

/// A document's stable identifier: 64 bits of a BLAKE3 hash. It is a number inside the
/// program and becomes 16 hex digits only where it leaves it (Parquet, logs), so that
/// every comparison, map and sort works on the number and nothing parses it back but
/// the code that reads an earlier output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u64);

impl DocId {
    /// The id of the document read from `source_path`: the first 64 bits of the BLAKE3
    /// hash of the relative path.
    pub fn for_path(source_path: &str) -> DocId {
        let hash = blake3::hash(source_path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        DocId(u64::from_be_bytes(first))
    }

    /// The id as 16 lowercase hex digits, written into `buf` without allocating (for
    /// the Parquet writer, one per row).
    pub fn hex(self, buf: &mut [u8; 16]) -> &str {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in buf.iter_mut().enumerate() {
            *b = DIGITS[((self.0 >> (60 - 4 * i)) & 0xf) as usize];
        }
        // Every byte is an ASCII hex digit.
        std::str::from_utf8(buf).unwrap_or_default()
    }

    /// The id written as `hex` (16 hex digits, as [`DocId`]'s `Display` writes it).
    pub fn parse(hex: &str) -> Option<DocId> {
        if hex.len() != 16 {
            return None;
        }
        u64::from_str_radix(hex, 16).ok().map(DocId)
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Document {
    /// Hash of the text as it stands, for exact comparisons across runs and tools:
    /// BLAKE3 truncated to 128 bits, in hex.
    pub fn content_hash(&self) -> String {
        let hash = blake3::hash(self.text.as_bytes());
        hex(&hash.as_bytes()[..16])
    }

    /// Whitespace-separated words, counted the way `wc -w` counts them.
    pub fn n_words(&self) -> u64 {
        self.text.split_whitespace().count() as u64
    }

    /// Length of the text in Unicode code points, the unit notebooks index strings by.
    pub fn n_chars(&self) -> u64 {
        self.text.chars().count() as u64
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// How the decode stage chose the encoding of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte-order mark at the start of the file.
    Bom,
    /// UTF-16 recognised from the pattern of zero bytes, without a BOM.
    Utf16Sniffed,
    /// The bytes were valid UTF-8.
    #[default]
    Utf8,
    /// A `charset=` declaration inside the text.
    Declared,
    /// Statistical detection (chardetng).
    Detected,
    /// The `charset` of the HTTP `Content-Type` header the page was served with.
    Http,
}

impl EncodingSource {
    /// The code written to the `encoding_source` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Utf16Sniffed => "utf16_sniffed",
            EncodingSource::Utf8 => "utf8",
            EncodingSource::Declared => "declared",
            EncodingSource::Detected => "detected",
            EncodingSource::Http => "http",
        }
    }

    /// The variant a code from [`EncodingSource::as_str`] names.
    pub fn parse(code: &str) -> Option<EncodingSource> {
        [
            EncodingSource::Bom,
            EncodingSource::Utf16Sniffed,
            EncodingSource::Utf8,
            EncodingSource::Declared,
            EncodingSource::Detected,
            EncodingSource::Http,
        ]
        .into_iter()
        .find(|s| s.as_str() == code)
    }
}

/// Why a document was quarantined. The codes are part of the output contract
/// (`quarantine.parquet`'s `reason` column) and documented in `docs/schema.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The file holds no bytes, or only whitespace.
    Empty,
    /// NUL bytes or mostly control bytes: not text.
    Binary,
    /// Decoding left too many replacement characters.
    Undecodable,
    /// The file, or its decompressed content, exceeds `max_bytes`.
    TooLarge,
    /// The file could not be opened or read.
    Unreadable,
    /// A `.gz` or `.zst` stream is broken.
    BadCompression,
    /// A symbolic link that leads outside the input directory.
    OutsideInput,
    /// A FIFO, socket or device node named like an input: never opened.
    NotAFile,
    /// Boilerplate removal left no article, or one shorter than `min_words`.
    NoArticle,
    /// A stage failed on the document (a bug, reported rather than ending the run).
    StageFailed,
    /// A record of a WARC file that cannot be read: cut off, a lying `Content-Length`,
    /// a file that is not WARC at all, an HTTP message that cannot be undone.
    BadWarc,
    /// The text is in a language `[language] keep` does not list.
    OtherLanguage,
}

impl Reason {
    /// The short code written to the `reason` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::Binary => "binary",
            Reason::Undecodable => "undecodable",
            Reason::TooLarge => "too_large",
            Reason::Unreadable => "unreadable",
            Reason::BadCompression => "bad_compression",
            Reason::OutsideInput => "outside_input",
            Reason::NotAFile => "not_a_file",
            Reason::NoArticle => "no_article",
            Reason::StageFailed => "stage_failed",
            Reason::BadWarc => "bad_warc",
            Reason::OtherLanguage => "other_language",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stage's verdict that a document cannot go on: a reason code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Rejection {
            reason,
            detail: detail.into(),
        }
    }
}

/// Characters of the largest block a quarantine detail quotes.
const QUOTED_CHARS: usize = 200;

/// `; largest block: "..."`, the first 200 characters (spaces collapsed) of the longest
/// of `blocks`, for the detail of a `no_article` or `binary` rejection: a reader of the
/// quarantine table sees at a glance whether an article was lost. Empty when all
/// blocks are blank.
pub fn largest_block<'a>(blocks: impl Iterator<Item = &'a str>) -> String {
    let Some(block) = blocks
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .max_by_key(|b| b.chars().count())
    else {
        return String::new();
    };
    let start: String = block
        .split_whitespace()
        .flat_map(|w| w.chars().chain([' ']))
        .take(QUOTED_CHARS)
        .collect();
    format!("; largest block: \"{}\"", start.trim_end())
}

/// One row of `quarantine.parquet`: a document that was read but not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineRecord {
    pub source_path: String,
    /// The stage that turned the document away.
    pub stage: &'static str,
    pub reason: Reason,
    pub detail: String,
    pub source_bytes: u64,
    /// For a record of a WARC file: its address and its place in the file.
    pub url: Option<String>,
    pub source_offset: Option<u64>,
}

/// Where a document of a container file (one WARC file, many pages) came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// `WARC-Record-ID` as written, e.g. `<urn:uuid:...>`.
    pub record_id: String,
    /// `WARC-Date`, in microseconds since the Unix epoch, UTC.
    pub date: Option<i64>,
    /// The byte offset of the record in its file: of its gzip member when each record
    /// is a member of its own (as Common Crawl writes them), else in the decompressed
    /// stream.
    pub offset: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_rules_line_up_with_the_lines_of_removed_text() {
        let mut note = BoilerplateNote::default();
        note.add(&["Menu", "Caption\nsecond line"], &["page_chrome"], true);
        note.add(&["Home"], &["recurring"], true);
        let text = note.removed_text.clone().unwrap();
        let rules = note.removed_rules.clone().unwrap();
        assert_eq!(text.lines().count(), rules.len());
        assert_eq!(
            rules,
            ["page_chrome", UNKNOWN_RULE, UNKNOWN_RULE, "recurring"]
        );
        note.add(&["Footer"], &["chrome"], false);
        assert_eq!((note.removed_text, note.removed_rules), (None, None));
        assert_eq!(note.removed_lines, 4);
    }

    #[test]
    fn doc_id_depends_on_the_path_alone() {
        let a = DocId::for_path("bbc/osh.txt");
        assert_eq!(a, DocId::for_path("bbc/osh.txt"));
        assert_ne!(a, DocId::for_path("bbc/osh.txt.gz"));
        let hex = a.to_string();
        assert_eq!(hex.len(), 16);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(DocId::parse(&hex), Some(a));
        assert_eq!(a.hex(&mut [0; 16]), hex);
        assert_eq!(DocId(0xab).hex(&mut [0; 16]), "00000000000000ab");
        // The hex is the first eight bytes of the hash, as earlier outputs wrote it.
        assert_eq!(hex, blake3::hash(b"bbc/osh.txt").to_hex()[..16].to_string());
        assert_eq!(DocId::parse("abc"), None);
        assert_eq!(DocId::parse("zzzzzzzzzzzzzzzz"), None);
    }

    #[test]
    fn counts_words_and_code_points() {
        let doc = Document {
            text: "Jalal-Abad, “Osh”\nand  Bishkek".into(),
            ..Document::default()
        };
        assert_eq!(doc.n_words(), 4);
        assert_eq!(doc.n_chars(), 30);
        assert_eq!(doc.content_hash().len(), 32);
    }
}
