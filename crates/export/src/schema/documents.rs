//! `documents.parquet`: one row per document kept, in input path order.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, TimestampMicrosecondArray,
};
use arrow_schema::{ArrowError, DataType, Field};
use newsprep_core::document::{
    BoilerplateNote, DedupNote, DocId, Document, EncodingSource, Format, LanguageNote, Origin,
};
use rayon::prelude::*;

use super::mentions::{self, Mentions};
use super::{
    float64, id_column, int64, read_f64, read_str, read_string, read_timestamp, read_u64,
    sized_strings, timestamp_utc, to_i64, utf8, Column,
};

/// What a batch of the table is written from: its documents and their mentions, built
/// once for both tables that hold them.
pub struct Rows<'a> {
    pub docs: &'a [Document],
    pub mentions: &'a Mentions,
}

pub type Write = fn(&Rows<'_>) -> Result<ArrayRef, ArrowError>;
/// Sets a restored document's field from one row of the column. Columns are read in
/// table order, so a column may fill in what an earlier one of the same note began.
pub type Read = fn(&dyn Array, usize, &mut Document);
pub type DocumentColumn = Column<Write, Read>;

/// The table, in file order.
pub static COLUMNS: &[DocumentColumn] = &[
    DOC_ID,
    SOURCE_PATH,
    SOURCE_BYTES,
    FORMAT,
    ENCODING,
    ENCODING_SOURCE,
    MOJIBAKE_REPAIRS,
    REPAIRS,
    TITLE,
    PUBLISHED,
    ATTRIBUTION,
    AUTHOR,
    SITE_NAME,
    URL,
    CANONICAL_URL,
    PAGE_LANGUAGE,
    LANGUAGE,
    LANGUAGE_SCORE,
    WARC_RECORD_ID,
    WARC_DATE,
    SOURCE_OFFSET,
    TEXT,
    N_CHARS,
    N_WORDS,
    CONTENT_HASH,
    BOILERPLATE_LINES,
    REMOVED_WORDS,
    REMOVED_TEXT,
    REMOVED_RULES,
    DUP_CLUSTER,
    IS_DUPLICATE,
    DUPLICATE_OF,
    DUP_SIMILARITY,
    ENTITIES,
];

pub const DOC_ID: DocumentColumn = Column {
    name: "doc_id",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "stable id: the first 64 bits of BLAKE3 of `source_path`, hex",
    example: "`9c1d0e5f2a7b3c44`",
    write: |rows| {
        Ok(Arc::new(id_column(
            rows.docs.iter().map(|d| Some(d.doc_id)),
        )))
    },
    read: Some(|col, row, doc| {
        doc.doc_id = read_str(col, row)
            .and_then(DocId::parse)
            .unwrap_or_default()
    }),
};

pub const SOURCE_PATH: DocumentColumn = Column {
    name: "source_path",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "path relative to the input directory, `/`-separated",
    example: "`bbc/003.txt.gz`",
    write: |rows| Ok(strings(rows.docs, |d| &d.source_path)),
    read: Some(|col, row, doc| doc.source_path = read_string(col, row).unwrap_or_default()),
};

pub const SOURCE_BYTES: DocumentColumn = Column {
    name: "source_bytes",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "size of the input file on disk (compressed size for `.gz`/`.zst`); for a record of a WARC file, the length of its payload (the page, after HTTP is undone)",
    example: "`4093`",
    write: |rows| Ok(counts(rows.docs, |d| d.source_bytes)),
    read: Some(|col, row, doc| doc.source_bytes = read_u64(col, row).unwrap_or(0)),
};

pub const FORMAT: DocumentColumn = Column {
    name: "format",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "what the input was: `text` (a text dump) or `html` (a page, by its `.html`/`.htm`/`.xhtml` name or, with `[decode] sniff_html`, its first bytes)",
    example: "`html`",
    write: |rows| Ok(strings(rows.docs, |d| d.format.as_str())),
    read: Some(|col, row, doc| {
        doc.format = read_str(col, row)
            .and_then(Format::parse)
            .unwrap_or_default()
    }),
};

pub const ENCODING: DocumentColumn = Column {
    name: "encoding",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "WHATWG name of the encoding decoded from",
    example: "`windows-1251`",
    write: |rows| Ok(strings(rows.docs, |d| &d.encoding)),
    read: Some(|col, row, doc| doc.encoding = read_string(col, row).unwrap_or_default()),
};

pub const ENCODING_SOURCE: DocumentColumn = Column {
    name: "encoding_source",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "how it was chosen: `bom`, `utf16_sniffed`, `utf8`, `declared` (a `charset=` in a text, a `<meta>` charset in a page), `http` (the charset of the HTTP `Content-Type` a WARC response was served with), `detected`",
    example: "`detected`",
    write: |rows| Ok(strings(rows.docs, |d| d.encoding_source.as_str())),
    read: Some(|col, row, doc| {
        doc.encoding_source = read_str(col, row)
            .and_then(EncodingSource::parse)
            .unwrap_or_default()
    }),
};

pub const MOJIBAKE_REPAIRS: DocumentColumn = Column {
    name: "mojibake_repairs",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "characters mojibake repair wrote (`â€œ` to `“` is one; lines repaired whole, as ftfy does: BENCHMARKS.md \"Mojibake repair\"); 0 when the text was clean",
    example: "`0`",
    write: |rows| Ok(counts(rows.docs, |d| d.mojibake_repairs)),
    read: Some(|col, row, doc| doc.mojibake_repairs = read_u64(col, row).unwrap_or(0)),
};

pub const REPAIRS: DocumentColumn = Column {
    name: "repairs",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "damage decode mended: control characters (NUL above all) dropped or replaced, and for HTML the elements closed, attributes dropped and tags dropped past the element budget before parsing (docs/html.md); 0 when there was none",
    example: "`0`",
    write: |rows| Ok(counts(rows.docs, |d| d.repairs)),
    read: Some(|col, row, doc| doc.repairs = read_u64(col, row).unwrap_or(0)),
};

pub const TITLE: DocumentColumn = Column {
    name: "title",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "the headline (not the site name): for HTML `og:title`, else JSON-LD `headline`, else the article's `<h1>`, else `<title>` without the site's name; for text, the headline found above the article; null when the page states none",
    example: "`Kyrgyz protests hit second city`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.title.as_deref())),
    read: Some(|col, row, doc| doc.meta.title = read_string(col, row)),
};

pub const PUBLISHED: DocumentColumn = Column {
    name: "published",
    data_type: timestamp_utc,
    nullable: true,
    dictionary: false,
    meaning: "publication time the page states; for HTML, from the first of JSON-LD `datePublished`, `article:published_time` and other date `<meta>` tags, `itemprop=datePublished`, the first `<time datetime>`, a date in the canonical URL, then the text as for text dumps; a time that names no zone is read as UTC",
    example: "`2005-03-21 10:14:00+00:00`",
    write: |rows| Ok(timestamps(rows.docs, |d| d.meta.published)),
    read: Some(|col, row, doc| doc.meta.published = read_timestamp(col, row)),
};

pub const ATTRIBUTION: DocumentColumn = Column {
    name: "attribution",
    data_type: utf8,
    nullable: true,
    dictionary: true,
    meaning: "who the article is credited to: a `SOURCE:` line, an agency named alone after the article, a dateline `(Reuters)` or a byline",
    example: "`Al Jazeera and agencies`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.attribution.as_deref())),
    read: Some(|col, row, doc| doc.meta.attribution = read_string(col, row)),
};

pub const AUTHOR: DocumentColumn = Column {
    name: "author",
    data_type: string_list,
    nullable: true,
    dictionary: false,
    meaning: "HTML: the people credited, one name each, from JSON-LD `author`, else an author `<meta>` tag, else the byline (`By Jane Doe and John Roe`); empty when none; null for text dumps",
    example: "`[\"Jane Doe\"]`",
    write: |rows| {
        // Null for text dumps, which say nothing of the kind.
        let mut names = ListBuilder::new(StringBuilder::new()).with_field(string_item());
        for doc in rows.docs {
            if doc.format == Format::Html {
                names.append_value(doc.meta.author.iter().map(Some));
            } else {
                names.append_null();
            }
        }
        Ok(Arc::new(names.finish()))
    },
    read: Some(|col, row, doc| {
        let lists = col.as_list::<i32>();
        doc.meta.author = if lists.is_null(row) {
            Vec::new()
        } else {
            let names = lists.value(row);
            let names = names.as_string::<i32>();
            names.iter().flatten().map(str::to_owned).collect()
        };
    }),
};

pub const SITE_NAME: DocumentColumn = Column {
    name: "site_name",
    data_type: utf8,
    nullable: true,
    dictionary: true,
    meaning: "HTML: `og:site_name`, else the JSON-LD publisher's name",
    example: "`Reuters`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.site_name.as_deref())),
    read: Some(|col, row, doc| doc.meta.site_name = read_string(col, row)),
};

pub const URL: DocumentColumn = Column {
    name: "url",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "where the document comes from: for a WARC record the address the crawler fetched (`WARC-Target-URI`); for an HTML file its canonical link, else its `og:url`",
    example: "`https://example.com/2019/11/18/story`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.url.as_deref())),
    read: Some(|col, row, doc| doc.meta.url = read_string(col, row)),
};

pub const CANONICAL_URL: DocumentColumn = Column {
    name: "canonical_url",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "HTML: the page's `<link rel=canonical>`",
    example: "`https://example.com/2019/11/18/story`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.canonical_url.as_deref())),
    read: Some(|col, row, doc| doc.meta.canonical_url = read_string(col, row)),
};

pub const PAGE_LANGUAGE: DocumentColumn = Column {
    name: "page_language",
    data_type: utf8,
    nullable: true,
    dictionary: true,
    meaning: "HTML: the `<html lang>` value as written (not a detected language)",
    example: "`en-US`",
    write: |rows| Ok(optional(rows.docs, |d| d.meta.page_language.as_deref())),
    read: Some(|col, row, doc| doc.meta.page_language = read_string(col, row)),
};

pub const LANGUAGE: DocumentColumn = Column {
    name: "language",
    data_type: utf8,
    nullable: true,
    dictionary: true,
    meaning: "the language of `text` (the article, after boilerplate removal): ISO 639-1 (`en`, `de`, `zh`; 69 languages, whatlang's), `und` when the text has fewer than `[language] min_words` words (too short to tell); null when the language stage is off",
    example: "`en`",
    write: |rows| Ok(optional(rows.docs, |d| d.language.as_ref().map(|l| l.code.as_str()))),
    read: Some(|col, row, doc| {
        doc.language = read_string(col, row).map(|code| LanguageNote { code, score: 0.0 })
    }),
};

pub const LANGUAGE_SCORE: DocumentColumn = Column {
    name: "language_score",
    data_type: float64,
    nullable: true,
    dictionary: false,
    meaning: "how sure the identification is, 0 to 1 in steps of 0.01 (whatlang's confidence); 0 for `und`; null when the stage is off",
    example: "`0.98`",
    write: |rows| {
        let scores = rows.docs.iter().map(|d| d.language.as_ref().map(|l| l.score));
        Ok(Arc::new(Float64Array::from_iter(scores)))
    },
    read: Some(|col, row, doc| {
        if let Some(language) = doc.language.as_mut() {
            language.score = read_f64(col, row).unwrap_or(0.0);
        }
    }),
};

pub const WARC_RECORD_ID: DocumentColumn = Column {
    name: "warc_record_id",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "WARC: the record's `WARC-Record-ID` as written; null for other inputs",
    example: "`<urn:uuid:…>`",
    write: |rows| {
        Ok(optional(rows.docs, |d| {
            d.origin.as_ref().map(|o| o.record_id.as_str())
        }))
    },
    read: Some(|col, row, doc| {
        doc.origin = read_string(col, row).map(|record_id| Origin {
            record_id,
            ..Origin::default()
        })
    }),
};

pub const WARC_DATE: DocumentColumn = Column {
    name: "warc_date",
    data_type: timestamp_utc,
    nullable: true,
    dictionary: false,
    meaning: "WARC: the record's `WARC-Date`, when the page was fetched; null for other inputs",
    example: "`2024-05-01 10:00:00+00:00`",
    write: |rows| {
        Ok(timestamps(rows.docs, |d| {
            d.origin.as_ref().and_then(|o| o.date)
        }))
    },
    read: Some(|col, row, doc| {
        if let Some(origin) = doc.origin.as_mut() {
            origin.date = read_timestamp(col, row);
        }
    }),
};

pub const SOURCE_OFFSET: DocumentColumn = Column {
    name: "source_offset",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "WARC: where the record is in `source_path`: the byte offset of its gzip member when each record is a member of its own (as Common Crawl writes them: `dd`, warcio or an HTTP range request fetch the raw record from there); for a plain `.warc`, a whole-file gzip or `.zst`, the offset in the decompressed stream; null for other inputs",
    example: "`353`",
    write: |rows| {
        let offsets = rows.docs.iter().map(|d| d.origin.as_ref().map(|o| to_i64(o.offset)));
        Ok(Arc::new(Int64Array::from_iter(offsets)))
    },
    read: Some(|col, row, doc| {
        if let Some(origin) = doc.origin.as_mut() {
            origin.offset = read_u64(col, row).unwrap_or(0);
        }
    }),
};

pub const TEXT: DocumentColumn = Column {
    name: "text",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "the article: decoded and normalised (NFC, `\\n` line ends, single spaces), then, when boilerplate removal runs, its paragraphs one per line separated by blank lines",
    example: "`Kyrgyzstan's interim…`",
    write: |rows| Ok(strings(rows.docs, |d| &d.text)),
    read: Some(|col, row, doc| doc.text = read_string(col, row).unwrap_or_default()),
};

// Counting and hashing every text is the costliest of the columns: spread over the
// threads too. Derived from the text, so never read back.

pub const N_CHARS: DocumentColumn = Column {
    name: "n_chars",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "length of `text` in Unicode code points (Python's `len`)",
    example: "`3101`",
    write: |rows| Ok(parallel_counts(rows.docs, Document::n_chars)),
    read: None,
};

pub const N_WORDS: DocumentColumn = Column {
    name: "n_words",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "whitespace-separated words in `text` (as `wc -w` counts)",
    example: "`512`",
    write: |rows| Ok(parallel_counts(rows.docs, Document::n_words)),
    read: None,
};

pub const CONTENT_HASH: DocumentColumn = Column {
    name: "content_hash",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "BLAKE3 of `text`, first 128 bits, hex: equal texts have equal hashes",
    example: "`5e0c…` (32 hex digits)",
    write: |rows| {
        let hashes: Vec<String> = rows.docs.par_iter().map(Document::content_hash).collect();
        Ok(Arc::new(StringArray::from_iter_values(hashes)))
    },
    read: None,
};

pub const BOILERPLATE_LINES: DocumentColumn = Column {
    name: "boilerplate_lines",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "non-blank lines boilerplate removal dropped; null when the stage is switched off",
    example: "`23`",
    write: |rows| {
        let lines = rows
            .docs
            .iter()
            .map(|d| d.boilerplate.as_ref().map(|b| to_i64(b.removed_lines)));
        Ok(Arc::new(Int64Array::from_iter(lines)))
    },
    read: Some(|col, row, doc| {
        doc.boilerplate = read_u64(col, row).map(|removed_lines| BoilerplateNote {
            removed_lines,
            ..BoilerplateNote::default()
        })
    }),
};

pub const REMOVED_WORDS: DocumentColumn = Column {
    name: "removed_words",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "whitespace-separated words in the dropped lines; null when the stage is off",
    example: "`412`",
    write: |rows| {
        let words = rows
            .docs
            .iter()
            .map(|d| d.boilerplate.as_ref().map(|b| to_i64(b.removed_words)));
        Ok(Arc::new(Int64Array::from_iter(words)))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.boilerplate.as_mut() {
            note.removed_words = read_u64(col, row).unwrap_or(0);
        }
    }),
};

pub const REMOVED_TEXT: DocumentColumn = Column {
    name: "removed_text",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "the dropped lines, one per line, with `--keep-removed` or `[boilerplate] keep_removed = true`; null otherwise",
    example: "`BBC News`",
    write: |rows| {
        Ok(optional(rows.docs, |d| {
            d.boilerplate.as_ref().and_then(|b| b.removed_text.as_deref())
        }))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.boilerplate.as_mut() {
            note.removed_text = read_string(col, row);
        }
    }),
};

pub const REMOVED_RULES: DocumentColumn = Column {
    name: "removed_rules",
    data_type: string_list,
    nullable: true,
    dictionary: false,
    meaning: "the rule that dropped each line of `removed_text`, in its order: for HTML `page_chrome` (outside the article the DOM shows) or `headline` (it is `title`); then `recurring` (chrome across the corpus), `repeated` (printed twice in the page, or a teaser), `chrome` (a menu, link list or bullet by its shape), `between_chrome`, `short_run`, `comments`, `outside_core` (outside the densest article text) or `metadata` (a byline, date or source line); null when `removed_text` is",
    example: "`[\"page_chrome\", \"recurring\"]`",
    write: |rows| {
        let mut rules = ListBuilder::new(StringBuilder::new()).with_field(string_item());
        for doc in rows.docs {
            match doc.boilerplate.as_ref().and_then(|b| b.removed_rules.as_ref()) {
                Some(list) => rules.append_value(list.iter().map(Some)),
                None => rules.append_null(),
            }
        }
        Ok(Arc::new(rules.finish()))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.boilerplate.as_mut() {
            let lists = col.as_list::<i32>();
            note.removed_rules = (!lists.is_null(row)).then(|| {
                let rules = lists.value(row);
                let rules = rules.as_string::<i32>();
                rules.iter().flatten().map(str::to_owned).collect()
            });
        }
    }),
};

// Dedup's placement is read back for a spill between dedup and a later corpus stage;
// from an earlier output, dedup places the document again anyway.

pub const DUP_CLUSTER: DocumentColumn = Column {
    name: "dup_cluster",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "`doc_id` of the kept document of its duplicate cluster (its own when kept); null when dedup is off",
    example: "`9c1d0e5f2a7b3c44`",
    write: |rows| {
        Ok(Arc::new(id_column(
            rows.docs.iter().map(|d| d.dedup.as_ref().map(|n| n.cluster)),
        )))
    },
    read: Some(|col, row, doc| {
        doc.dedup = read_str(col, row)
            .and_then(DocId::parse)
            .map(|cluster| DedupNote {
                cluster,
                ..DedupNote::default()
            })
    }),
};

pub const IS_DUPLICATE: DocumentColumn = Column {
    name: "is_duplicate",
    data_type: || DataType::Boolean,
    nullable: true,
    dictionary: false,
    meaning: "a duplicate of another, kept document; null when dedup is off",
    example: "`false`",
    write: |rows| {
        let flags = rows
            .docs
            .iter()
            .map(|d| d.dedup.as_ref().map(|n| n.duplicate_of.is_some()));
        Ok(Arc::new(BooleanArray::from_iter(flags)))
    },
    // `duplicate_of` says it.
    read: None,
};

pub const DUPLICATE_OF: DocumentColumn = Column {
    name: "duplicate_of",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "`doc_id` of the kept document it duplicates; null when kept",
    example: "`9c1d0e5f2a7b3c44`",
    write: |rows| {
        Ok(Arc::new(id_column(
            rows.docs
                .iter()
                .map(|d| d.dedup.as_ref().and_then(|n| n.duplicate_of)),
        )))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.dedup.as_mut() {
            note.duplicate_of = read_str(col, row).and_then(DocId::parse);
        }
    }),
};

pub const DUP_SIMILARITY: DocumentColumn = Column {
    name: "dup_similarity",
    data_type: float64,
    nullable: true,
    dictionary: false,
    meaning: "Jaccard similarity of its 5-word shingles to that document (1.0 for an exact duplicate); null when kept",
    example: "`0.91`",
    write: |rows| {
        let similarity = rows.docs.iter().map(|d| d.dedup.as_ref().and_then(|n| n.similarity));
        Ok(Arc::new(Float64Array::from_iter(similarity)))
    },
    read: Some(|col, row, doc| {
        if let Some(note) = doc.dedup.as_mut() {
            note.similarity = read_f64(col, row);
        }
    }),
};

pub const ENTITIES: DocumentColumn = Column {
    name: "entities",
    data_type: mentions::list_type,
    nullable: true,
    dictionary: false,
    meaning: "the document's entity mentions, fields as in `entities.parquet` below without `doc_id`; null when the entity stage is off",
    example: "",
    write: |rows| mentions::list_column(rows.docs, rows.mentions),
    // What a spill between the entity stage and the linking of people holds; from an
    // earlier output, the entity stage tags the text again anyway.
    read: Some(|col, row, doc| doc.entities = mentions::read_list(col.as_list::<i32>(), row)),
};

/// A list of names, as `author` holds them.
fn string_list() -> DataType {
    DataType::List(string_item())
}

fn string_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Utf8, false))
}

fn strings(docs: &[Document], value: fn(&Document) -> &str) -> ArrayRef {
    Arc::new(sized_strings(docs.iter().map(|d| Some(value(d)))))
}

fn optional(docs: &[Document], value: fn(&Document) -> Option<&str>) -> ArrayRef {
    Arc::new(sized_strings(docs.iter().map(value)))
}

fn counts(docs: &[Document], value: fn(&Document) -> u64) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(
        docs.iter().map(|d| to_i64(value(d))),
    ))
}

fn parallel_counts(docs: &[Document], value: fn(&Document) -> u64) -> ArrayRef {
    let values: Vec<i64> = docs.par_iter().map(|d| to_i64(value(d))).collect();
    Arc::new(Int64Array::from(values))
}

fn timestamps(docs: &[Document], value: fn(&Document) -> Option<i64>) -> ArrayRef {
    let values: Vec<Option<i64>> = docs.iter().map(value).collect();
    Arc::new(TimestampMicrosecondArray::from(values).with_timezone("UTC"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::batch_of;
    use arrow_array::types::Int64Type;
    use newsprep_core::document::{Label, Mention};

    fn doc(path: &str, text: &str, names: Option<&[&str]>) -> Document {
        let entities = names.map(|names| {
            names
                .iter()
                .map(|name| Mention {
                    text: (*name).into(),
                    label: Some(Label::Person),
                    canonical: (*name).into(),
                    ..Mention::default()
                })
                .collect()
        });
        Document {
            doc_id: DocId::for_path(path),
            source_path: path.to_owned(),
            text: text.to_owned(),
            entities,
            ..Document::default()
        }
    }

    #[test]
    fn both_tables_get_the_same_mentions_in_document_order() {
        let docs = [
            doc(
                "a.txt",
                "Otunbayeva met Bakiyev.",
                Some(&["Otunbayeva", "Bakiyev"]),
            ),
            doc("b.txt", "No one.", None),
            doc("c.txt", "Atambayev  spoke\tlast", Some(&["Atambayev"])),
        ];
        let mentions = Mentions::of(&docs).unwrap();
        let columns: Vec<&DocumentColumn> = COLUMNS.iter().collect();
        let rows = Rows {
            docs: &docs,
            mentions: &mentions,
        };
        let batch = batch_of(&columns, &rows).unwrap();
        assert_eq!(batch.num_columns(), COLUMNS.len());

        let lists = batch
            .column_by_name(ENTITIES.name)
            .unwrap()
            .as_list::<i32>();
        assert!(lists.is_valid(0) && lists.is_null(1) && lists.is_valid(2));
        let names = |row: usize| -> Vec<String> {
            let list = lists.value(row);
            let texts = list.as_struct().column_by_name("text").unwrap().clone();
            let texts = texts.as_string::<i32>();
            texts.iter().map(|t| t.unwrap().to_owned()).collect()
        };
        assert_eq!(names(0), ["Otunbayeva", "Bakiyev"]);
        assert_eq!(names(2), ["Atambayev"]);

        let table = mentions.batch().unwrap();
        let column = |name: &str| -> Vec<String> {
            let col = table.column_by_name(name).unwrap().as_string::<i32>();
            col.iter().map(|v| v.unwrap().to_owned()).collect()
        };
        let (a, c) = (DocId::for_path("a.txt"), DocId::for_path("c.txt"));
        let mut buf = [0u8; 16];
        let (a, c) = (a.hex(&mut buf).to_owned(), c.hex(&mut buf).to_owned());
        assert_eq!(column("doc_id"), [a.clone(), a, c]);
        assert_eq!(column("text"), ["Otunbayeva", "Bakiyev", "Atambayev"]);

        let words = batch.column_by_name(N_WORDS.name).unwrap();
        let words: Vec<i64> = words.as_primitive::<Int64Type>().values().to_vec();
        assert_eq!(words, [3, 2, 3]);
        let hashes = batch
            .column_by_name(CONTENT_HASH.name)
            .unwrap()
            .as_string::<i32>();
        assert_eq!(hashes.value(0), docs[0].content_hash());
    }

    #[test]
    fn every_column_read_back_gives_the_document_written() {
        let mut written = doc("a.warc.gz", "Bakiyev fled Osh.", Some(&["Bakiyev"]));
        written.source_bytes = 4093;
        written.format = Format::Html;
        written.encoding = "windows-1251".into();
        written.encoding_source = EncodingSource::Declared;
        written.mojibake_repairs = 2;
        written.repairs = 5;
        written.meta.title = Some("Osh".into());
        written.meta.published = Some(1_111_400_040_000_000);
        written.meta.attribution = Some("Reuters".into());
        written.meta.author = vec!["Jane Doe".into()];
        written.meta.site_name = Some("Example News".into());
        written.meta.url = Some("https://example.com/a".into());
        written.meta.canonical_url = Some("https://example.com/b".into());
        written.meta.page_language = Some("en-US".into());
        written.origin = Some(Origin {
            record_id: "<urn:uuid:1>".into(),
            date: Some(1_714_557_600_000_000),
            offset: 353,
        });
        written.language = Some(LanguageNote {
            code: "en".into(),
            score: 0.98,
        });
        written.boilerplate = Some(BoilerplateNote {
            removed_lines: 3,
            removed_words: 12,
            removed_text: Some("Menu".into()),
            removed_rules: Some(vec!["chrome".into()]),
        });
        written.dedup = Some(DedupNote {
            cluster: DocId::for_path("b.txt"),
            duplicate_of: Some(DocId::for_path("b.txt")),
            similarity: Some(0.91),
            dropped: false,
        });
        let docs = [written.clone()];
        let mentions = Mentions::of(&docs).unwrap();
        let columns: Vec<&DocumentColumn> = COLUMNS.iter().collect();
        let rows = Rows {
            docs: &docs,
            mentions: &mentions,
        };
        let batch = batch_of(&columns, &rows).unwrap();
        let mut read = Document::default();
        for (column, array) in COLUMNS.iter().zip(batch.columns()) {
            if let Some(set) = column.read {
                set(array.as_ref(), 0, &mut read);
            }
        }
        assert_eq!(read, written);
    }
}
