//! Helpers for driving the `newsprep` binary: a fresh temporary directory per test,
//! running the binary in it, and reading the Parquet tables it wrote.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::{
    Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// A temporary directory with an `input/` folder, removed when dropped.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        let dir = tempfile::tempdir().expect("create temp dir");
        std::fs::create_dir(dir.path().join("input")).expect("create input dir");
        TestDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn input(&self) -> PathBuf {
        self.path().join("input")
    }

    pub fn output(&self) -> PathBuf {
        self.path().join("output")
    }

    /// Writes an input file, creating its parent folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.input().join(rel);
        std::fs::create_dir_all(path.parent().expect("input file has a parent"))
            .expect("create parent");
        std::fs::write(path, bytes).expect("write input file");
    }

    /// Runs `newsprep run` on `input/` into `output` with `threads` worker threads,
    /// and asserts that it succeeded.
    pub fn run_threads(&self, output: &str, threads: usize) {
        let threads = threads.to_string();
        let args = [
            "run",
            "-q",
            "--input",
            "input",
            "--output",
            output,
            "--threads",
            &threads,
        ];
        let out = self.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    /// Writes a config that runs decode alone and returns its name, for tests of
    /// decoding whose fixtures are too short to count as articles.
    pub fn decode_only(&self) -> &'static str {
        let config = "[boilerplate]\nenabled = false\n[dedup]\nenabled = false\n[entities]\nenabled = false\n";
        std::fs::write(self.path().join("decode_only.toml"), config).expect("write config");
        "decode_only.toml"
    }

    /// Runs `newsprep` with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        let binary = env!("CARGO_BIN_EXE_newsprep");
        Command::new(binary)
            .args(args)
            .current_dir(self.path())
            .output()
            .unwrap_or_else(|e| panic!("run {binary}: {e}"))
    }

    /// Runs `newsprep run` on `input/` into `output/` with extra `args`, and asserts
    /// that it succeeded.
    pub fn run_pipeline(&self, args: &[&str]) -> Output {
        let mut all = vec!["run", "--quiet", "--input", "input", "--output", "output"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        out
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A Parquet table read whole, with typed column access by name.
pub struct Table {
    batch: RecordBatch,
}

impl Table {
    pub fn read(path: &Path) -> Table {
        let file = File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("parquet footer")
            .build()
            .expect("parquet reader");
        let batches: Vec<RecordBatch> = reader.map(|b| b.expect("record batch")).collect();
        let schema = batches
            .first()
            .map(|b| b.schema())
            .unwrap_or_else(|| std::sync::Arc::new(arrow_schema_of(path)));
        let batch = arrow_select::concat::concat_batches(&schema, &batches).expect("concat");
        Table { batch }
    }

    pub fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    pub fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("string column");
        (0..array.len())
            .map(|i| array.value(i).to_owned())
            .collect()
    }

    /// A nullable string column.
    pub fn optional_strings(&self, name: &str) -> Vec<Option<String>> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("string column");
        array.iter().map(|v| v.map(str::to_owned)).collect()
    }

    /// A nullable boolean column.
    pub fn booleans(&self, name: &str) -> Vec<Option<bool>> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<BooleanArray>()
            .expect("boolean column");
        array.iter().collect()
    }

    /// A nullable integer column.
    pub fn optional_ints(&self, name: &str) -> Vec<Option<i64>> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("int64 column");
        array.iter().collect()
    }

    /// A nullable float column.
    pub fn optional_floats(&self, name: &str) -> Vec<Option<f64>> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<Float64Array>()
            .expect("float64 column");
        array.iter().collect()
    }

    /// A nullable UTC timestamp column, in microseconds since the epoch.
    pub fn timestamps(&self, name: &str) -> Vec<Option<i64>> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<TimestampMicrosecondArray>()
            .expect("timestamp column");
        assert_eq!(array.timezone(), Some("UTC"));
        array.iter().collect()
    }

    pub fn ints(&self, name: &str) -> Vec<i64> {
        let column = self.batch.column_by_name(name).expect("column exists");
        let array = column
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("int64 column");
        array.values().to_vec()
    }

    /// The values of `value` keyed by the values of `key`.
    pub fn map(&self, key: &str, value: &str) -> BTreeMap<String, String> {
        self.strings(key)
            .into_iter()
            .zip(self.strings(value))
            .collect()
    }
}

fn arrow_schema_of(path: &Path) -> arrow_schema::Schema {
    let file = File::open(path).expect("open parquet");
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("parquet footer");
    builder.schema().as_ref().clone()
}

pub fn manifest(output: &Path) -> newsprep_core::manifest::Manifest {
    let text = std::fs::read_to_string(output.join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json reads as the core Manifest")
}
