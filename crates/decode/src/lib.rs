//! The decode stage: bytes in any encoding, plain or compressed, to clean UTF-8.
//!
//! An HTML page (by its name, or by its first bytes) is decoded by [`charset::decode_html`]
//! and its article taken from the DOM by [`html`] before the same repairs; a text dump
//! goes through four steps, each in its own module, in this order:
//! [`read`] (decompress within the size cap), [`charset`] (choose the encoding and
//! decode), [`mojibake`] (undo UTF-8 read as windows-1252) and [`normalize`] (NFC,
//! line endings, control characters, spaces, blank lines). Any step may reject the file;
//! the runner then quarantines it with the reason.

pub mod charset;
pub mod html;
pub mod mojibake;
pub mod normalize;
pub mod read;
pub mod warc;

use std::borrow::Cow;

use newsprep_core::config::DecodeConfig;
use newsprep_core::document::Origin;
use newsprep_core::document::{
    largest_block, BoilerplateNote, Document, Format, Metadata, Reason, Rejection, Trace,
};
use newsprep_core::input::InputFile;
use newsprep_core::stage::{Part, Parts};
use newsprep_core::Decode;

/// The decode stage, built from `[decode]`.
#[derive(Debug, Clone)]
pub struct Decoder {
    max_bytes: u64,
    max_replacement_ratio: f64,
    max_control_ratio: f64,
    repair_mojibake: bool,
    sniff_html: bool,
    keep_removed: bool,
}

impl Decoder {
    /// Builds the stage; the config must already be validated.
    pub fn new(config: &DecodeConfig) -> Decoder {
        Decoder {
            max_bytes: config.max_bytes,
            max_replacement_ratio: config.max_replacement_ratio,
            max_control_ratio: config.max_control_ratio,
            repair_mojibake: config.repair_mojibake,
            sniff_html: config.sniff_html,
            keep_removed: false,
        }
    }

    /// Keeps the text of what HTML extraction leaves out, for the `removed_text`
    /// column (`[boilerplate] keep_removed`).
    pub fn keeping_removed(mut self, keep: bool) -> Decoder {
        self.keep_removed = keep;
        self
    }

    /// The format of an input: HTML by its name, or by its first bytes when sniffing.
    pub fn format_of(&self, rel_path: &str, bytes: &[u8]) -> Format {
        let named_html = newsprep_core::input::named_format(rel_path) == Format::Html;
        if named_html || (self.sniff_html && html::looks_like_html(bytes)) {
            Format::Html
        } else {
            Format::Text
        }
    }

    /// Decodes an HTML page held in memory: its article, what was left out, and what
    /// the page says about itself.
    pub fn decode_html_bytes(&self, bytes: &[u8]) -> Result<DecodedPage, Rejection> {
        self.decode_html_with(bytes, None)
    }

    /// Like [`Decoder::decode_html_bytes`], for a page served with `http_charset` in its
    /// HTTP `Content-Type`, which ranks after a byte-order mark and before the meta tag.
    pub fn decode_html_with(
        &self,
        bytes: &[u8],
        http_charset: Option<&str>,
    ) -> Result<DecodedPage, Rejection> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Rejection::new(Reason::Empty, "file is empty"));
        }
        let http =
            http_charset.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
        let decoded = charset::decode_html_served(bytes, http, self.max_control_ratio)
            .map_err(|rejection| with_prose(rejection, bytes))?;
        self.check_replacements(&decoded, &decoded.text)?;
        let page = html::extract(&decoded.text);
        let (text, mojibake_repairs) = self.repair_and_normalize(&page.text);
        if text.is_empty() {
            let detail = if page.removed.is_empty() {
                "the page has no visible text".to_owned()
            } else {
                format!(
                    "the page has no article: all {} blocks of visible text are menus, link lists or other chrome{}",
                    page.removed.len(),
                    largest_block(page.removed.iter().map(String::as_str))
                )
            };
            return Err(Rejection::new(Reason::NoArticle, detail));
        }
        let mut removed = BoilerplateNote::default();
        removed.add(&page.removed, &page.removed_rules, self.keep_removed);
        Ok(DecodedPage {
            decoded: Decoded {
                text,
                encoding: decoded.encoding.name(),
                encoding_source: decoded.source,
                mojibake_repairs,
                repairs: control_chars(&decoded.text) + page.markup_repairs,
            },
            meta: page.meta,
            removed,
        })
    }

    /// The last two steps of either format: mojibake repair (when on), then
    /// normalisation; with the characters the repair rewrote.
    fn repair_and_normalize(&self, text: &str) -> (String, u64) {
        let (repaired, n) = self.repair(text);
        (normalize::normalize(&repaired), n)
    }

    fn repair<'a>(&self, text: &'a str) -> (Cow<'a, str>, u64) {
        if self.repair_mojibake {
            mojibake::repair(text)
        } else {
            (Cow::Borrowed(text), 0)
        }
    }

    /// Rejects a text the decoder had to replace more than `max_replacement_ratio` of:
    /// only its own replacements count, not the U+FFFD a valid UTF-8 file holds (a
    /// copy saved by a lossy tool reads on around them), which the message counts apart.
    fn check_replacements(
        &self,
        decoded: &charset::DecodedText,
        text: &str,
    ) -> Result<(), Rejection> {
        let chars = text.chars().count().max(1);
        if decoded.replaced as f64 / chars as f64 > self.max_replacement_ratio {
            let literal = text
                .matches('\u{FFFD}')
                .count()
                .saturating_sub(decoded.replaced);
            let also = match literal {
                0 => String::new(),
                n => format!("; {n} more U+FFFD are the file's own characters, kept"),
            };
            return Err(Rejection::new(
                Reason::Undecodable,
                format!(
                    "{} of {chars} characters did not decode as {} and were replaced by U+FFFD, over max_replacement_ratio = {}{also}",
                    decoded.replaced,
                    decoded.encoding.name(),
                    self.max_replacement_ratio
                ),
            ));
        }
        Ok(())
    }

    /// Decodes bytes already read into memory; `decode` is this after [`read::read_capped`].
    pub fn decode_bytes(&self, bytes: &[u8]) -> Result<Decoded, Rejection> {
        if bytes.is_empty() {
            return Err(Rejection::new(Reason::Empty, "file is empty"));
        }
        let decoded = charset::decode(bytes, self.max_control_ratio)
            .map_err(|rejection| with_prose(rejection, bytes))?;
        self.check_replacements(&decoded, &decoded.text)?;
        let (repaired, mojibake_repairs) = self.repair(&decoded.text);
        let repairs = control_chars(&repaired);
        let text = normalize::normalize(&repaired);
        if text.is_empty() {
            return Err(Rejection::new(Reason::Empty, "file holds only whitespace"));
        }
        Ok(Decoded {
            text,
            encoding: decoded.encoding.name(),
            encoding_source: decoded.source,
            mojibake_repairs,
            repairs,
        })
    }
}

/// The outcome of decoding one file's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub encoding_source: newsprep_core::document::EncodingSource,
    pub mojibake_repairs: u64,
    /// Damage mended: control characters (NUL above all) dropped or replaced, and in a
    /// page the elements closed and attributes dropped before parsing.
    pub repairs: u64,
}

/// Control characters no text holds (C0 but tab, line feed, form feed, carriage return
/// and ESC): the bytes a broken writer left, which normalisation drops and the HTML
/// parser replaces or drops.
fn control_chars(text: &str) -> u64 {
    text.chars()
        .filter(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1B'))
        .count() as u64
}

/// A `binary` rejection with the largest run of text the bytes hold (read as UTF-8,
/// cut at control bytes and line ends) quoted.
fn with_prose(mut rejection: Rejection, bytes: &[u8]) -> Rejection {
    if rejection.reason == Reason::Binary {
        let text = String::from_utf8_lossy(bytes);
        let runs = text.split(|c: char| c.is_control() || c == '\u{FFFD}');
        rejection.detail.push_str(&largest_block(runs));
    }
    rejection
}

/// The outcome of decoding one HTML page.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedPage {
    pub decoded: Decoded,
    pub meta: Metadata,
    /// The visible blocks the extraction left out.
    pub removed: BoilerplateNote,
}

/// The content part of an input's fingerprint: BLAKE3 of its decompressed bytes,
/// truncated to 128 bits, in hex.
pub fn input_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_owned()
}

/// The fingerprint hash of the input as it is on disk now, or `None` when it cannot be
/// read within `max_bytes` (a WARC file: read whole as a stream, `max_bytes` applies
/// to its records): an incremental run compares it with the one kept.
pub fn fingerprint(input: &InputFile, max_bytes: u64) -> Option<String> {
    if warc::is_warc(&input.rel_path) {
        return warc::fingerprint(input).ok();
    }
    read::read_capped(input, max_bytes)
        .ok()
        .map(|bytes| input_hash(&bytes))
}

impl Decode for Decoder {
    /// A WARC file is its records; any other file is one document.
    fn open<'a>(&'a self, input: &'a InputFile) -> Parts<'a> {
        if warc::is_warc(&input.rel_path) {
            warc::entries(input, self.max_bytes)
        } else {
            Part::whole_file(input)
        }
    }

    fn decode(&self, input: &InputFile, part: Part) -> Result<Document, Rejection> {
        let record = part
            .header
            .and_then(|h| h.downcast::<warc::RecordHeader>().ok());
        let bytes = match part.bytes {
            Some(bytes) => bytes,
            None => read::read_capped(input, self.max_bytes)?,
        };
        let format = match record.as_ref().and_then(|r| r.format) {
            Some(format) => format,
            None => self.format_of(&input.rel_path, &bytes),
        };
        let http = record.as_ref().and_then(|r| r.http_charset.as_deref());
        let (decoded, meta, boilerplate) = match format {
            Format::Text => (self.decode_bytes(&bytes)?, Metadata::default(), None),
            Format::Html => {
                let page = self.decode_html_with(&bytes, http)?;
                (page.decoded, page.meta, Some(page.removed))
            }
        };
        let (meta, origin, input_hash, source_bytes) = match record {
            // The address the crawler fetched is the document's; the page's own
            // canonical link stays in canonical_url.
            Some(r) => (
                Metadata {
                    url: r.target_uri.clone().or(meta.url),
                    ..meta
                },
                Some(Origin {
                    record_id: r.record_id,
                    date: r.date,
                    offset: r.offset,
                }),
                r.file_hash,
                bytes.len() as u64,
            ),
            None => (meta, None, Some(input_hash(&bytes)), input.size),
        };
        Ok(Document {
            trace: Trace {
                input_hash,
                input_bytes: origin.as_ref().map(|_| input.size),
                ..Trace::default()
            },
            doc_id: part.doc_id,
            source_path: input.rel_path.clone(),
            source_bytes,
            origin,
            format,
            encoding: decoded.encoding.to_owned(),
            encoding_source: decoded.encoding_source,
            mojibake_repairs: decoded.mojibake_repairs,
            repairs: decoded.repairs,
            text: decoded.text,
            meta,
            boilerplate,
            language: None,
            ..Document::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsprep_core::config::DecodeConfig;

    fn decoder() -> Decoder {
        Decoder::new(&DecodeConfig::default())
    }

    #[test]
    fn empty_and_blank_files_are_rejected_as_empty() {
        assert_eq!(
            decoder().decode_bytes(b"").unwrap_err().reason,
            Reason::Empty
        );
        assert_eq!(
            decoder().decode_bytes(b" \r\n\t\n  ").unwrap_err().reason,
            Reason::Empty
        );
    }

    #[test]
    fn many_replacement_characters_make_a_text_undecodable() {
        // A byte-order mark says UTF-8; the bytes after it are not.
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        for _ in 0..10 {
            bytes.extend_from_slice(b"ok \xFF\xFE\xFF text \xEF\xBF\xBD ");
        }
        let err = decoder().decode_bytes(&bytes).unwrap_err();
        assert_eq!(err.reason, Reason::Undecodable);
        assert!(
            err.detail
                .starts_with("30 of 140 characters did not decode as UTF-8")
                && err
                    .detail
                    .ends_with("; 10 more U+FFFD are the file's own characters, kept"),
            "{}",
            err.detail
        );
    }

    /// Literal U+FFFD (valid UTF-8: a copy saved by a lossy tool) made a text
    /// `undecodable` with "did not decode as UTF-8", which is not what happened: they
    /// are the file's characters, kept and not held against max_replacement_ratio.
    #[test]
    fn replacement_characters_the_file_holds_are_not_decoding_failures() {
        let text = "ok \u{FFFD}\u{FFFD}\u{FFFD} text".repeat(10);
        let decoded = decoder().decode_bytes(text.as_bytes()).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.repairs, 0);
    }

    #[test]
    fn nul_bytes_in_a_dump_are_damage_counted_not_a_reason_to_drop_it() {
        let mut bytes = b"The council approved the budget on Tuesday.\n".repeat(900);
        bytes[20_000] = 0;
        bytes[30_000] = 0;
        let decoded = decoder().decode_bytes(&bytes).unwrap();
        assert_eq!(decoded.repairs, 2);
        assert!(!decoded.text.contains('\0'));
        let noise: Vec<u8> = b"text\x00\x01\x02".repeat(100);
        let err = decoder().decode_bytes(&noise).unwrap_err();
        assert_eq!(err.reason, Reason::Binary);
        assert!(
            err.detail.contains("max_control_ratio")
                && err.detail.contains("largest block: \"text\""),
            "{}",
            err.detail
        );
    }

    #[test]
    fn mojibake_is_repaired_and_counted() {
        let decoded = decoder()
            .decode_bytes(
                "â€œIt is spinning out of control,â€\u{9d} said the cafÃ© owner.".as_bytes(),
            )
            .unwrap();
        assert_eq!(
            decoded.text,
            "“It is spinning out of control,” said the café owner."
        );
        assert_eq!(decoded.mojibake_repairs, 3);
    }
}
