//! `newsprep report`: prints the summary of an output folder, or writes it as one
//! self-contained HTML page with `--html`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use newsprep_report::Format;

use crate::ExitStatus;

/// Options of `newsprep report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output folder of a run (a directory dataset is read as one table)
    /// [default: processed].
    #[arg(value_name = "DIR", conflicts_with = "output")]
    dir: Option<PathBuf>,
    /// The same folder, named as `run --output` names it.
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// How to print it.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Entities shown per label.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Write the report as one self-contained HTML page (charts, a map, the reasons
    /// behind removals) to FILE instead of printing it; `DIR/report.html` is a name
    /// newsprep owns in an output folder.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// With --html: an earlier output folder to compare with; the sources and days
    /// whose counts changed most are marked.
    #[arg(long, value_name = "DIR2", requires = "html")]
    compare: Option<PathBuf>,
    /// With --html: a document to explain, by doc_id or source_path (repeatable).
    #[arg(long = "doc", value_name = "ID", requires = "html")]
    docs: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Markdown,
}

pub fn report(args: ReportArgs) -> ExitStatus {
    let format = match args.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
    };
    let dir = args
        .dir
        .or(args.output)
        .unwrap_or_else(|| PathBuf::from("processed"));
    if let Some(file) = args.html {
        let options = newsprep_report::html::Options {
            top: args.top,
            compare: args.compare,
            docs: args.docs,
        };
        return match newsprep_report::html::write(&dir, &options, &file) {
            Ok(()) => ExitStatus::Success,
            Err(err) => {
                eprintln!("error: {err}");
                ExitStatus::UsageError
            }
        };
    }
    match newsprep_report::build(&dir, args.top) {
        Ok(report) => {
            // `newsprep report | head` closes the pipe early: that is no error, where
            // println! would panic.
            use std::io::Write as _;
            let _ = writeln!(std::io::stdout().lock(), "{}", report.render(format));
            ExitStatus::Success
        }
        Err(err) => {
            eprintln!("error: {err}");
            // A missing or foreign folder is the caller's to fix.
            ExitStatus::UsageError
        }
    }
}
