//! `quarantine.parquet`: one row per input that was not kept, and why. Never read back:
//! a run decides again what to quarantine.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, StringArray};
use arrow_schema::ArrowError;
use newsprep_core::document::QuarantineRecord;

use super::{int64, to_i64, utf8, Column};

pub type Write = fn(&[QuarantineRecord]) -> Result<ArrayRef, ArrowError>;
/// No reader: nothing restores a quarantine row (`read` is `None` throughout).
pub type QuarantineColumn = Column<Write, ()>;

/// The table, in file order.
pub static COLUMNS: &[QuarantineColumn] = &[
    SOURCE_PATH,
    STAGE,
    REASON,
    DETAIL,
    SOURCE_BYTES,
    URL,
    SOURCE_OFFSET,
];

pub const SOURCE_PATH: QuarantineColumn = Column {
    name: "source_path",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "path relative to the input directory",
    example: "`broken.txt.gz`",
    write: |records| Ok(strings(records, |r| &r.source_path)),
    read: None,
};

pub const STAGE: QuarantineColumn = Column {
    name: "stage",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "the stage that turned the input away: `decode`, `boilerplate` or `language`",
    example: "`decode`",
    write: |records| Ok(strings(records, |r| r.stage)),
    read: None,
};

pub const REASON: QuarantineColumn = Column {
    name: "reason",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "a short code, below",
    example: "`bad_compression`",
    write: |records| Ok(strings(records, |r| r.reason.as_str())),
    read: None,
};

pub const DETAIL: QuarantineColumn = Column {
    name: "detail",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "one sentence on what was wrong; for `other_language`, the detected code alone",
    example: "`broken gzip stream: …`",
    write: |records| Ok(strings(records, |r| &r.detail)),
    read: None,
};

pub const SOURCE_BYTES: QuarantineColumn = Column {
    name: "source_bytes",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "size on disk (0 when it could not be read)",
    example: "`1839`",
    write: |records| {
        let sizes = records.iter().map(|r| to_i64(r.source_bytes));
        Ok(Arc::new(Int64Array::from_iter_values(sizes)))
    },
    read: None,
};

pub const URL: QuarantineColumn = Column {
    name: "url",
    data_type: utf8,
    nullable: true,
    dictionary: false,
    meaning: "WARC: the record's `WARC-Target-URI`; null for other inputs",
    example: "`https://example.com/a`",
    write: |records| {
        let urls = records.iter().map(|r| r.url.as_deref());
        Ok(Arc::new(StringArray::from_iter(urls)))
    },
    read: None,
};

pub const SOURCE_OFFSET: QuarantineColumn = Column {
    name: "source_offset",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "WARC: the record's offset, as in `documents.parquet`; null for other inputs and for a damaged gzip stream",
    example: "`927`",
    write: |records| {
        let offsets = records.iter().map(|r| r.source_offset.map(to_i64));
        Ok(Arc::new(Int64Array::from_iter(offsets)))
    },
    read: None,
};

fn strings(records: &[QuarantineRecord], value: fn(&QuarantineRecord) -> &str) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(records.iter().map(value)))
}
