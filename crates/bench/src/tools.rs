//! What the measuring commands (`eval-*`, `gen-corpus`) share: how their outcome
//! becomes an exit code, and how they list a folder of texts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use newsprep_decode::Decoder;

/// Success (0), or the error printed and 2, `newsprep`'s code for a usage error: these
/// commands fail only on missing or unreadable inputs, which the caller must fix.
pub fn exit_status(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// The `*.txt` files directly in `dir`, sorted by name.
pub fn txt_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    Ok(files)
}

/// The text of one file as the decode stage makes it; a file decode rejects (empty,
/// binary) is an empty text, which the measuring commands score as such.
pub fn decoded_text(decoder: &Decoder, path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(decoder
        .decode_bytes(&bytes)
        .map(|d| d.text)
        .unwrap_or_default())
}
