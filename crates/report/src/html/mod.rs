//! `newsprep report --html FILE`: the report as one self-contained HTML page that
//! opens offline (from a file system, a CI artifact, an e-mail): styles, script, the
//! charts and the map are inline, and nothing on it is fetched. It reads the output's
//! tables and manifest, never the inputs.
//!
//! [`gather`] reads the figures into one value, [`page`] draws it (with [`svg`] for the
//! charts and the map) and embeds the value as JSON for scripts and tests; [`escape`]
//! is what every string from the data passes through.

pub mod escape;
pub mod gather;
pub mod page;
mod places;
pub mod svg;

use std::path::{Path, PathBuf};

use crate::ReportError;

/// What the page shows beyond the output itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Entities listed per label.
    pub top: usize,
    /// An earlier output to compare with (`--compare`).
    pub compare: Option<PathBuf>,
    /// Documents to explain, by `doc_id` or `source_path` (`--doc`).
    pub docs: Vec<String>,
}

/// The page for the output folder `dir`.
pub fn render(dir: &Path, options: &Options) -> Result<String, ReportError> {
    let data = gather::gather(dir, options)?;
    Ok(page::render(&data, &options.docs))
}

/// Writes the page for `dir` to `file`: to a temporary file beside it first, so a
/// reader never opens half a page.
pub fn write(dir: &Path, options: &Options, file: &Path) -> Result<(), ReportError> {
    let page = render(dir, options)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.html".to_owned());
    let partial = file.with_file_name(partial_name(&name));
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |source| ReportError::Write { path, source }
    };
    // A page that could not be written or moved into place leaves no half of itself:
    // under another name than report.html it would make an output folder foreign.
    let written = std::fs::write(&partial, page)
        .map_err(write_err(&partial))
        .and_then(|()| std::fs::rename(&partial, file).map_err(write_err(file)));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Where the page named `name` is written before it is renamed into place: for
/// `report.html`, a name newsprep owns in an output folder too.
fn partial_name(name: &str) -> String {
    format!(".{name}.partial")
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsprep_export::{is_output_entry, REPORT_FILE};

    #[test]
    fn a_page_left_half_written_in_an_output_folder_is_newsprep_s() {
        assert!(is_output_entry(REPORT_FILE, false));
        assert!(is_output_entry(&partial_name(REPORT_FILE), false));
    }
}
