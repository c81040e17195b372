//! Entity mentions: the rows of `entities.parquet` (one per mention, `doc_id` first for
//! joins) and, without `doc_id`, the fields of each item of `documents.entities`.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, ListArray, RecordBatch, StringArray,
    StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields};
use newsprep_core::document::{DocId, Document, Label, Mention};
use rayon::prelude::*;

use super::{
    float64, hex_column, id_column, int64, read_f64, read_i64, read_str, read_string, read_u64,
    schema_of, sized_strings, to_i64, utf8, Column,
};

/// What the columns are written from: the mentions of a batch of documents, in
/// document order, with the document of each.
pub struct MentionRows<'a> {
    pub docs: Vec<DocId>,
    pub mentions: Vec<&'a Mention>,
}

pub type Write = fn(&MentionRows<'_>) -> Result<ArrayRef, ArrowError>;
/// Sets a restored mention's field from one item of the column.
pub type Read = fn(&dyn Array, usize, &mut Mention);
pub type MentionColumn = Column<Write, Read>;

/// `entities.parquet`, in file order: `doc_id`, then the [`fields`] of a mention.
pub static COLUMNS: &[MentionColumn] = &[
    DOC_ID,
    TEXT,
    LABEL,
    START,
    END,
    CANONICAL,
    ENTITY_ID,
    GEONAMES_ID,
    COUNTRY_CODE,
    LAT,
    LON,
    VALUE,
    DATE,
];

/// The columns of a mention itself: all of `entities.parquet` but `doc_id`.
pub fn fields() -> &'static [MentionColumn] {
    &COLUMNS[1..]
}

pub const DOC_ID: MentionColumn = Column {
    name: "doc_id",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "the document, for joins with `documents.parquet`",
    example: "`9c1d0e5f2a7b3c44`",
    write: |rows| Ok(Arc::new(id_column(rows.docs.iter().map(|&id| Some(id))))),
    // A mention read back belongs to the document being read.
    read: None,
};

pub const TEXT: MentionColumn = Column {
    name: "text",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "the mention as written",
    example: "`Jalal'abad`",
    write: |rows| Ok(strings(rows, |m| &m.text)),
    read: Some(|col, i, m| m.text = read_string(col, i).unwrap_or_default()),
};

pub const LABEL: MentionColumn = Column {
    name: "label",
    data_type: utf8,
    nullable: false,
    dictionary: true,
    meaning: "`PERSON`, `LOC`, `ORG`, `NORP`, `DATE` or `COUNT`",
    example: "`LOC`",
    write: |rows| Ok(strings(rows, |m| m.label.map_or("", |l| l.as_str()))),
    read: Some(|col, i, m| m.label = read_str(col, i).and_then(Label::parse)),
};

pub const START: MentionColumn = Column {
    name: "start",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "offset of the first code point in `documents.text`",
    example: "`1042`",
    write: |rows| Ok(offsets(rows, |m| m.start)),
    read: Some(|col, i, m| m.start = read_u64(col, i).unwrap_or(0)),
};

pub const END: MentionColumn = Column {
    name: "end",
    data_type: int64,
    nullable: false,
    dictionary: false,
    meaning: "offset after the last code point: `text[start:end]` in Python is the mention",
    example: "`1052`",
    write: |rows| Ok(offsets(rows, |m| m.end)),
    read: Some(|col, i, m| m.end = read_u64(col, i).unwrap_or(0)),
};

pub const CANONICAL: MentionColumn = Column {
    name: "canonical",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "one name per entity: the full name of a person (across the corpus: a last name alone takes the one full name the corpus gives it, or the one five times as many documents give as all others, docs/entities.md), the gazetteer name of a place, the long form of an acronym, the singular of a group, the counted noun of a count",
    example: "`Jalal-Abad`",
    write: |rows| Ok(strings(rows, |m| &m.canonical)),
    read: Some(|col, i, m| m.canonical = read_string(col, i).unwrap_or_default()),
};

pub const ENTITY_ID: MentionColumn = Column {
    name: "entity_id",
    data_type: utf8,
    nullable: false,
    dictionary: false,
    meaning: "one id per entity across the whole corpus (16 hex digits: BLAKE3 of label, `canonical` and `geonames_id`): count people and places by it",
    example: "`3f0c9a1d2b7e4c55`",
    write: |rows| Ok(Arc::new(hex_column(rows.mentions.iter().map(|m| Some(m.entity_id))))),
    read: Some(|col, i, m| {
        m.entity_id = read_str(col, i)
            .and_then(DocId::parse)
            .map_or(0, |id| id.0)
    }),
};

pub const GEONAMES_ID: MentionColumn = Column {
    name: "geonames_id",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "GeoNames id of a place from the gazetteer",
    example: "`1528249`",
    write: |rows| {
        Ok(Arc::new(Int64Array::from_iter(
            rows.mentions.iter().map(|m| m.geonames_id),
        )))
    },
    read: Some(|col, i, m| m.geonames_id = read_i64(col, i)),
};

pub const COUNTRY_CODE: MentionColumn = Column {
    name: "country_code",
    data_type: utf8,
    nullable: true,
    dictionary: true,
    meaning: "ISO 3166-1 alpha-2 code of a place",
    example: "`KG`",
    write: |rows| {
        let codes = rows.mentions.iter().map(|m| m.country_code.as_deref());
        Ok(Arc::new(StringArray::from_iter(codes)))
    },
    read: Some(|col, i, m| m.country_code = read_string(col, i)),
};

pub const LAT: MentionColumn = Column {
    name: "lat",
    data_type: float64,
    nullable: true,
    dictionary: false,
    meaning: "latitude of a city (null for countries)",
    example: "`40.94498`",
    write: |rows| {
        Ok(Arc::new(Float64Array::from_iter(
            rows.mentions.iter().map(|m| m.lat),
        )))
    },
    read: Some(|col, i, m| m.lat = read_f64(col, i)),
};

pub const LON: MentionColumn = Column {
    name: "lon",
    data_type: float64,
    nullable: true,
    dictionary: false,
    meaning: "longitude of a city (null for countries)",
    example: "`73.00406`",
    write: |rows| {
        Ok(Arc::new(Float64Array::from_iter(
            rows.mentions.iter().map(|m| m.lon),
        )))
    },
    read: Some(|col, i, m| m.lon = read_f64(col, i)),
};

pub const VALUE: MentionColumn = Column {
    name: "value",
    data_type: int64,
    nullable: true,
    dictionary: false,
    meaning: "the number a `COUNT` counts",
    example: "`63`",
    write: |rows| {
        Ok(Arc::new(Int64Array::from_iter(
            rows.mentions.iter().map(|m| m.value),
        )))
    },
    read: Some(|col, i, m| m.value = read_i64(col, i)),
};

pub const DATE: MentionColumn = Column {
    name: "date",
    data_type: || DataType::Date32,
    nullable: true,
    dictionary: false,
    meaning: "the day a `DATE` names, when the text pins it down",
    example: "`2005-03-21`",
    write: |rows| {
        Ok(Arc::new(Date32Array::from_iter(
            rows.mentions.iter().map(|m| m.date),
        )))
    },
    read: Some(|col, i, m| {
        let dates = col.as_primitive::<Date32Type>();
        m.date = dates.is_valid(i).then(|| dates.value(i));
    }),
};

fn strings(rows: &MentionRows<'_>, value: fn(&Mention) -> &str) -> ArrayRef {
    Arc::new(sized_strings(rows.mentions.iter().map(|m| Some(value(m)))))
}

fn offsets(rows: &MentionRows<'_>, value: fn(&Mention) -> u64) -> ArrayRef {
    Arc::new(Int64Array::from_iter_values(
        rows.mentions.iter().map(|m| to_i64(value(m))),
    ))
}

fn struct_fields() -> Fields {
    fields().iter().map(Column::field).collect()
}

/// The type of `documents.entities`: a list of mentions.
pub fn list_type() -> DataType {
    DataType::List(list_item())
}

fn list_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Struct(struct_fields()), true))
}

/// The mentions of a batch of documents as the columns of `entities.parquet`, built
/// once for both places they are written: the rows of `entities.parquet` and the
/// `entities` list column of `documents.parquet`.
pub struct Mentions {
    /// The columns of [`COLUMNS`], a row per mention.
    columns: Vec<ArrayRef>,
}

impl Mentions {
    /// The mentions of `docs` in document order, each column built on its own thread.
    pub fn of(docs: &[Document]) -> Result<Mentions, ArrowError> {
        let (docs, mentions) = docs
            .iter()
            .flat_map(|d| d.entities.iter().flatten().map(move |m| (d.doc_id, m)))
            .unzip();
        let rows = MentionRows { docs, mentions };
        let columns = COLUMNS
            .par_iter()
            .map(|column| (column.write)(&rows))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Mentions { columns })
    }

    pub fn is_empty(&self) -> bool {
        self.columns.first().is_none_or(|c| c.is_empty())
    }

    /// The rows of `entities.parquet`.
    pub fn batch(&self) -> Result<RecordBatch, ArrowError> {
        RecordBatch::try_new(schema_of(COLUMNS), self.columns.clone())
    }
}

/// The `entities` column of `docs`: each document's mentions as a list; null where the
/// stage did not run.
pub fn list_column(docs: &[Document], mentions: &Mentions) -> Result<ArrayRef, ArrowError> {
    let values = StructArray::try_new(struct_fields(), mentions.columns[1..].to_vec(), None)?;
    let offsets =
        OffsetBuffer::from_lengths(docs.iter().map(|d| d.entities.as_ref().map_or(0, Vec::len)));
    let nulls = NullBuffer::from_iter(docs.iter().map(|d| d.entities.is_some()));
    Ok(Arc::new(ListArray::try_new(
        list_item(),
        offsets,
        Arc::new(values),
        Some(nulls),
    )?))
}

/// The mentions of row `row` of a `documents.entities` column, as written; `None`
/// where the stage did not run. Each field's column is found once, not once a mention.
pub fn read_list(list: &ListArray, row: usize) -> Option<Vec<Mention>> {
    if list.is_null(row) {
        return None;
    }
    let items = list.value(row);
    let items = items.as_struct();
    // The reader checked the struct's fields by name when it opened the file
    // (`same_shape`), so none is missing here.
    let readers: Vec<(&ArrayRef, Read)> = fields()
        .iter()
        .filter_map(|field| Some((items.column_by_name(field.name)?, field.read?)))
        .collect();
    Some(
        (0..items.len())
            .map(|i| {
                let mut mention = Mention::default();
                for (column, read) in &readers {
                    read(column.as_ref(), i, &mut mention);
                }
                mention
            })
            .collect(),
    )
}
