//! WARC files in (ISO 28500, as Common Crawl, Heritrix, wget and browsertrix write
//! them): each `response` record of an HTML page, and each `conversion` or `resource`
//! record of plain text (WET files), becomes a document; every other record is counted
//! as skipped. A file is read record by record, never held whole: plain, gzip with one
//! member per record (Common Crawl) or one for the whole file, or zstd.
//!
//! Where a record is, for `source_offset`: the offset of its gzip member when the
//! member holds that record alone, so that `dd` or warcio can fetch it again; else its
//! offset in the decompressed stream (a plain file's bytes, a whole-file gzip or zstd).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use newsprep_core::document::{DocId, Format, Reason, Rejection};
use newsprep_core::input::{Compression, InputFile};
use newsprep_core::stage::{Entry, Part, Parts};

/// The longest header line read, and the most header bytes of one record or HTTP
/// message: a file that is not WARC stops here instead of being read to the end.
const MAX_LINE: u64 = 64 * 1024;
const MAX_HEADER: usize = 1024 * 1024;

/// Whether a file is a WARC file, by its name: `.warc`, `.warc.gz`, `.warc.zst`.
pub fn is_warc(rel_path: &str) -> bool {
    let lower = rel_path.to_ascii_lowercase();
    [".warc", ".warc.gz", ".warc.zst"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// What a record said about itself and its page, for decode.
#[derive(Debug, Clone, Default)]
pub struct RecordHeader {
    pub record_id: String,
    /// `WARC-Date`, microseconds since the epoch, UTC.
    pub date: Option<i64>,
    pub target_uri: Option<String>,
    pub offset: u64,
    pub format: Option<Format>,
    /// The `charset` of the HTTP `Content-Type`, as written.
    pub http_charset: Option<String>,
    /// BLAKE3 of the whole file, as the incremental fingerprint; `None` for a file
    /// read from a stream ([`entries_from`]), which cannot be hashed before its
    /// records are handed on without reading it twice.
    pub file_hash: Option<String>,
}

/// The entries of a WARC file, read as the runner iterates. `max_bytes` caps each
/// record's payload, never the file.
pub fn entries(input: &InputFile, max_bytes: u64) -> Parts<'_> {
    let file_hash = match fingerprint(input) {
        Ok(hash) => hash,
        Err(err) => {
            return Box::new(std::iter::once(unreadable(
                Reason::Unreadable,
                format!("cannot read the WARC file: {err}"),
                None,
            )))
        }
    };
    let opened = File::open(&input.path).and_then(|file| {
        Records::new(
            Box::new(file),
            input.rel_path.clone(),
            input.compression,
            max_bytes,
            Some(file_hash),
        )
    });
    match opened {
        Ok(records) => Box::new(records),
        Err(err) => Box::new(std::iter::once(unreadable(
            Reason::Unreadable,
            format!("cannot open the WARC file: {err}"),
            None,
        ))),
    }
}

/// The entries of a WARC file read from any stream (a Python file object, an object
/// store's download) as [`entries`] reads a file on disk, record by record and never
/// whole. `rel_path` names the file in the documents' ids; `compression` is what its
/// name tells. The records carry no file hash: see [`RecordHeader::file_hash`].
pub fn entries_from(
    source: Box<dyn Read + Send>,
    rel_path: &str,
    compression: Compression,
    max_bytes: u64,
) -> Parts<'static> {
    match Records::new(source, rel_path.to_owned(), compression, max_bytes, None) {
        Ok(records) => Box::new(records),
        Err(err) => Box::new(std::iter::once(unreadable(
            Reason::Unreadable,
            format!("cannot open the WARC file: {err}"),
            None,
        ))),
    }
}

/// BLAKE3 (128 bits, hex) of the whole file as it is on disk, read as a stream: the
/// fingerprint an incremental run compares. The bytes on disk, not decompressed, so
/// that a damaged file still has one and hashing costs no decompression.
pub fn fingerprint(input: &InputFile) -> io::Result<String> {
    let mut file = File::open(&input.path)?;
    let mut hasher = blake3::Hasher::new();
    io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().to_hex()[..32].to_owned())
}

fn unreadable(reason: Reason, detail: String, offset: Option<u64>) -> Entry {
    Entry::Unreadable {
        rejection: Rejection::new(reason, detail),
        url: None,
        offset,
    }
}

/// Counts the bytes taken from a buffered reader, for offsets in the file.
struct Counted<R> {
    inner: R,
    position: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.position += n as u64;
        self.inner.consume(n);
    }
}

/// Where a WARC file's bytes come from: the file on disk, or any stream.
type Source = Box<dyn Read + Send>;

/// The compressed file of a gzip WARC, read member by member.
type Members = Counted<BufReader<Source>>;

/// The decompressed bytes of one stretch of the file, counted for offsets within it:
/// one gzip member (read through a decoder that stops at its end, so the next member
/// starts where it stopped), or the whole file.
enum Stretch {
    Member(Box<Counted<BufReader<flate2::bufread::GzDecoder<Members>>>>),
    Whole(Counted<BufReader<Box<dyn Read + Send>>>),
}

impl Stretch {
    fn position(&self) -> u64 {
        match self {
            Stretch::Member(r) => r.position,
            Stretch::Whole(r) => r.position,
        }
    }
}

impl Read for Stretch {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stretch::Member(r) => r.read(buf),
            Stretch::Whole(r) => r.read(buf),
        }
    }
}

impl BufRead for Stretch {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Stretch::Member(r) => r.fill_buf(),
            Stretch::Whole(r) => r.fill_buf(),
        }
    }
    fn consume(&mut self, n: usize) {
        match self {
            Stretch::Member(r) => r.consume(n),
            Stretch::Whole(r) => r.consume(n),
        }
    }
}

/// Reads a WARC file's records one at a time.
struct Records {
    /// The file's name in the documents' ids.
    rel_path: String,
    max_bytes: u64,
    file_hash: Option<String>,
    /// For gzip, between members: the compressed file.
    members: Option<Members>,
    /// The stretch being read, and the compressed offset it starts at (a member).
    stretch: Option<(Stretch, Option<u64>)>,
    /// Decompressed bytes of the stretches before the current one.
    decompressed: u64,
    /// Records read so far: a file without any is quarantined, never silently empty.
    records: u64,
    done: bool,
}

impl Records {
    fn new(
        file: Source,
        rel_path: String,
        compression: Compression,
        max_bytes: u64,
        file_hash: Option<String>,
    ) -> io::Result<Records> {
        let mut records = Records {
            rel_path,
            max_bytes,
            file_hash,
            members: None,
            stretch: None,
            decompressed: 0,
            records: 0,
            done: false,
        };
        let whole = |reader: Box<dyn Read + Send>| {
            Stretch::Whole(Counted {
                inner: BufReader::new(reader),
                position: 0,
            })
        };
        match compression {
            Compression::Gzip => {
                records.members = Some(Counted {
                    inner: BufReader::new(file),
                    position: 0,
                });
            }
            Compression::None => records.stretch = Some((whole(file), None)),
            Compression::Zstd => {
                let decoder = zstd::stream::read::Decoder::new(file)?;
                records.stretch = Some((whole(Box::new(decoder)), None));
            }
        }
        Ok(records)
    }

    /// Starts the next gzip member; false at the end of the file.
    fn next_member(&mut self) -> io::Result<bool> {
        let Some(mut members) = self.members.take() else {
            return Ok(false);
        };
        if members.fill_buf()?.is_empty() {
            return Ok(false);
        }
        let start = members.position;
        let decoder = flate2::bufread::GzDecoder::new(members);
        let member = Counted {
            inner: BufReader::new(decoder),
            position: 0,
        };
        self.stretch = Some((Stretch::Member(Box::new(member)), Some(start)));
        Ok(true)
    }

    /// Done with the current stretch: for gzip, the compressed file is taken back to
    /// read the next member from.
    fn end_stretch(&mut self) -> bool {
        let Some((stretch, _)) = self.stretch.take() else {
            return false;
        };
        self.decompressed += stretch.position();
        match stretch {
            Stretch::Member(member) => {
                self.members = Some(member.inner.into_inner().into_inner());
                true
            }
            Stretch::Whole(_) => false,
        }
    }

    fn next_entry(&mut self) -> Option<Entry> {
        let entry = self.read_entry();
        if entry.is_some() {
            self.records += 1;
        } else if self.records == 0 {
            self.records = 1;
            return Some(unreadable(
                Reason::Empty,
                "the WARC file holds no records".to_owned(),
                None,
            ));
        }
        entry
    }

    fn read_entry(&mut self) -> Option<Entry> {
        loop {
            if self.done {
                return None;
            }
            if self.stretch.is_none() {
                match self.next_member() {
                    Ok(true) => {}
                    Ok(false) => {
                        self.done = true;
                        return None;
                    }
                    Err(err) => {
                        self.done = true;
                        return Some(unreadable(
                            Reason::BadWarc,
                            format!("unreadable gzip stream: {err}"),
                            None,
                        ));
                    }
                }
            }
            let (reader, member_start) = self.stretch.as_mut()?;
            let member_start = *member_start;
            let at = reader.position();
            match read_record(reader, self.max_bytes) {
                Ok(None) => {
                    if !self.end_stretch() {
                        self.done = true;
                        return None;
                    }
                }
                Ok(Some(record)) => {
                    // A member that holds this record alone is fetched by its offset.
                    let alone = at == 0 && reader.fill_buf().map(|b| b.is_empty()).unwrap_or(false);
                    let offset = match (member_start, alone) {
                        (Some(start), true) => start,
                        _ => self.decompressed + at,
                    };
                    return Some(self.entry(record, offset));
                }
                Err(err) => {
                    self.done = true;
                    let offset = match (member_start, at) {
                        (Some(start), 0) => start,
                        _ => self.decompressed + at,
                    };
                    return Some(unreadable(
                        Reason::BadWarc,
                        format!("unreadable WARC record at offset {offset}: {err}; the records before it are kept"),
                        Some(offset),
                    ));
                }
            }
        }
    }

    fn entry(&self, mut record: Record, offset: u64) -> Entry {
        let record_id = record
            .header("WARC-Record-ID")
            .unwrap_or_default()
            .to_owned();
        let url = record.header("WARC-Target-URI").map(str::to_owned);
        let kind = record
            .header("WARC-Type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let Some(content) = record.content.take() else {
            return Entry::Unreadable {
                rejection: Rejection::new(
                    Reason::TooLarge,
                    format!(
                        "the record's content is {} bytes, over max_bytes = {}; skipped over unread",
                        record.length, self.max_bytes
                    ),
                ),
                url,
                offset: Some(offset),
            };
        };
        let (format, payload, http_charset) = match kind.as_str() {
            "response" => {
                let http = match undo_http(&content, self.max_bytes) {
                    Ok(http) => http,
                    Err(rejection) => {
                        return Entry::Unreadable {
                            rejection,
                            url,
                            offset: Some(offset),
                        }
                    }
                };
                if http.status != 200 {
                    return Entry::Skipped("http_status_not_200");
                }
                let payload_type = record
                    .header("WARC-Identified-Payload-Type")
                    .map(str::to_owned)
                    .or(http.content_type.clone())
                    .unwrap_or_default();
                if !is_html_type(&payload_type) {
                    return Entry::Skipped("not_html");
                }
                let charset = http.content_type.as_deref().and_then(charset_of);
                (Format::Html, http.body, charset)
            }
            "conversion" | "resource" => {
                let content_type = record.header("Content-Type").unwrap_or_default();
                if is_html_type(content_type) {
                    (Format::Html, content, charset_of(content_type))
                } else if media_type(content_type) == "text/plain" {
                    (Format::Text, content, charset_of(content_type))
                } else {
                    return Entry::Skipped("not_text");
                }
            }
            "request" => return Entry::Skipped("request"),
            "metadata" => return Entry::Skipped("metadata"),
            "warcinfo" => return Entry::Skipped("warcinfo"),
            "revisit" => return Entry::Skipped("revisit"),
            _ => return Entry::Skipped("other_record_type"),
        };
        let truncated = record.header("WARC-Truncated").is_some();
        let header = RecordHeader {
            record_id: record_id.clone(),
            date: record.header("WARC-Date").and_then(parse_date),
            target_uri: url.clone(),
            offset,
            format: Some(format),
            http_charset,
            file_hash: self.file_hash.clone(),
        };
        Entry::Part(Part {
            doc_id: DocId::for_path(&format!("{}#{record_id}", self.rel_path)),
            bytes: Some(payload),
            header: Some(Box::new(header)),
            truncated,
            url,
            offset: Some(offset),
        })
    }
}

impl Iterator for Records {
    type Item = Entry;
    fn next(&mut self) -> Option<Entry> {
        self.next_entry()
    }
}

/// One WARC record: its named fields and its content (`None` when over the cap).
struct Record {
    headers: Vec<(String, String)>,
    length: u64,
    content: Option<Vec<u8>>,
}

impl Record {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The next record of a stream; `None` at its end.
fn read_record(reader: &mut impl BufRead, max_bytes: u64) -> io::Result<Option<Record>> {
    // Records are separated by blank lines; some writers add more.
    let version = loop {
        let line = read_line(reader)?;
        match line {
            None => return Ok(None),
            Some(line) if line.trim().is_empty() => continue,
            Some(line) => break line,
        }
    };
    if !version.starts_with("WARC/") {
        return Err(invalid(format!(
            "expected a WARC version line, found {:?}",
            version.chars().take(40).collect::<String>()
        )));
    }
    let headers = read_fields(reader)?;
    let record = Record {
        headers,
        length: 0,
        content: None,
    };
    let length: u64 = record
        .header("Content-Length")
        .ok_or_else(|| invalid("the record has no Content-Length".to_owned()))?
        .trim()
        .parse()
        .map_err(|_| invalid("its Content-Length is not a number".to_owned()))?;
    let content = if length > max_bytes {
        let skipped = io::copy(&mut reader.take(length), &mut io::sink())?;
        if skipped < length {
            return Err(cut_off(skipped, length));
        }
        None
    } else {
        let mut content = Vec::with_capacity(length as usize);
        reader.take(length).read_to_end(&mut content)?;
        if (content.len() as u64) < length {
            return Err(cut_off(content.len() as u64, length));
        }
        Some(content)
    };
    // The record ends with two CRLFs; taking them here puts the stream at the next
    // record, whose offset is then the stream's position.
    for _ in 0..4 {
        match reader.fill_buf()?.first() {
            Some(b'\r' | b'\n') => reader.consume(1),
            _ => break,
        }
    }
    Ok(Some(Record {
        length,
        content,
        ..record
    }))
}

fn cut_off(got: u64, length: u64) -> io::Error {
    invalid(format!(
        "the record is cut off: its Content-Length says {length} bytes, the file holds {got}"
    ))
}

fn invalid(detail: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, detail)
}

/// One line without its line ending, at most [`MAX_LINE`] bytes; `None` at the end.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = reader.take(MAX_LINE).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if !line.ends_with(b"\n") && n as u64 == MAX_LINE {
        return Err(invalid(format!(
            "a header line is longer than {MAX_LINE} bytes"
        )));
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// `Name: value` fields up to a blank line (continuation lines folded in).
fn read_fields(reader: &mut impl BufRead) -> io::Result<Vec<(String, String)>> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut size = 0;
    loop {
        let Some(line) = read_line(reader)? else {
            return Err(invalid("the file ends inside a header".to_owned()));
        };
        if line.is_empty() {
            return Ok(fields);
        }
        size += line.len();
        if size > MAX_HEADER {
            return Err(invalid(format!(
                "a header is longer than {MAX_HEADER} bytes"
            )));
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
}

/// An HTTP response undone: status, content type, and the body with the transfer and
/// content encodings taken off.
struct Http {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A body that cannot be undone is `bad_warc`; one that decompresses past `max_bytes`
/// is `too_large`, as a gzip bomb on disk is.
fn undo_http(message: &[u8], max_bytes: u64) -> Result<Http, Rejection> {
    let bad = |detail: String| Rejection::new(Reason::BadWarc, detail);
    let mut reader = message;
    let status_line = read_line(&mut reader)
        .map_err(|e| bad(format!("unreadable HTTP status line: {e}")))?
        .unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/"))
        .ok_or_else(|| {
            bad(format!(
                "not an HTTP response: {:?}",
                status_line.chars().take(40).collect::<String>()
            ))
        })?;
    let fields =
        read_fields(&mut reader).map_err(|e| bad(format!("unreadable HTTP headers: {e}")))?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let mut body = reader.to_vec();
    if field("Transfer-Encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body).map_err(|e| bad(format!("broken chunked transfer encoding: {e}")))?;
    }
    match field("Content-Encoding").as_deref().map(str::trim) {
        None | Some("") | Some("identity") => {}
        Some("gzip") | Some("x-gzip") => {
            body = capped(
                flate2::read::MultiGzDecoder::new(&body[..]),
                max_bytes,
                "gzip",
            )?;
        }
        Some("deflate") => {
            // Servers send zlib-wrapped deflate, as the standard says, or raw deflate.
            body = capped(
                flate2::read::ZlibDecoder::new(&body[..]),
                max_bytes,
                "deflate",
            )
            .or_else(|_| {
                capped(
                    flate2::read::DeflateDecoder::new(&body[..]),
                    max_bytes,
                    "deflate",
                )
            })?;
        }
        Some("br") => {
            body = capped(
                brotli_decompressor::Decompressor::new(&body[..], 4096),
                max_bytes,
                "br",
            )?;
        }
        Some(other) => return Err(bad(format!("unsupported Content-Encoding {other:?}"))),
    }
    let content_type = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
        .map(|(_, v)| v.clone());
    Ok(Http {
        status,
        content_type,
        body,
    })
}

fn capped(reader: impl Read, max_bytes: u64, encoding: &str) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| {
            Rejection::new(
                Reason::BadWarc,
                format!("broken {encoding} content encoding: {e}"),
            )
        })?;
    if out.len() as u64 > max_bytes {
        return Err(Rejection::new(
            Reason::TooLarge,
            format!("the {encoding}-encoded page decompresses past max_bytes = {max_bytes}; stopped reading there"),
        ));
    }
    Ok(out)
}

/// Undoes chunked transfer encoding: hex size lines, each chunk, a zero-size end.
fn dechunk(mut body: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let Some(line) = read_line(&mut body)? else {
            return Ok(out);
        };
        let size = line.split(';').next().unwrap_or_default().trim();
        if size.is_empty() {
            continue;
        }
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| invalid(format!("{size:?} is not a chunk size")))?;
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size {
            return Err(invalid("a chunk is cut off".to_owned()));
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size..];
    }
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_html_type(content_type: &str) -> bool {
    matches!(
        media_type(content_type).as_str(),
        "text/html" | "application/xhtml+xml"
    )
}

/// The `charset` parameter of a `Content-Type`.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// `WARC-Date` (`2024-01-31T12:00:00Z`, fractions allowed) in microseconds, UTC.
fn parse_date(text: &str) -> Option<i64> {
    let time = humantime::parse_rfc3339_weak(text.trim()).ok()?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_micros()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoes_chunked_gzip_http() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"<html><p>Hello</p></html>").unwrap();
        let zipped = gz.finish().unwrap();
        let mut chunked = format!("{:x}\r\n", 5).into_bytes();
        chunked.extend_from_slice(&zipped[..5]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", zipped.len() - 5).as_bytes());
        chunked.extend_from_slice(&zipped[5..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut message = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        message.extend_from_slice(&chunked);
        let http = undo_http(&message, 1 << 20).unwrap();
        assert_eq!(http.status, 200);
        assert_eq!(http.body, b"<html><p>Hello</p></html>");
        assert_eq!(
            charset_of(http.content_type.as_deref().unwrap()).as_deref(),
            Some("ISO-8859-1")
        );
    }

    /// A reader that hands over a few bytes a call, as a network stream or a Python
    /// file object may, so that no record arrives whole in one read.
    struct Trickle(std::io::Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(7);
            self.0.read(&mut buf[..n])
        }
    }

    /// What an entry says, but the file hash a stream cannot have.
    fn summary(entry: Entry) -> String {
        match entry {
            Entry::Part(part) => {
                let header = part
                    .header
                    .and_then(|h| h.downcast::<RecordHeader>().ok())
                    .expect("a record's part carries its header");
                format!(
                    "part {:?} {:?} {:?} {} {} {:?} {} {:?} {:?} {:?}",
                    part.doc_id,
                    part.offset,
                    part.url,
                    part.truncated,
                    part.bytes.map_or(0, |b| b.len()),
                    header.record_id,
                    header.offset,
                    header.date,
                    header.format,
                    header.http_charset,
                )
            }
            Entry::Unreadable {
                rejection, offset, ..
            } => format!("unreadable {:?} {offset:?}", rejection.reason),
            Entry::Skipped(why) => format!("skipped {why}"),
        }
    }

    /// A stream gives the entries the file on disk gives, offsets included, for a
    /// plain file, gzip members and zstd; a cut-off stream ends with the same error.
    #[test]
    fn a_stream_reads_as_the_file_does() {
        let warc = include_bytes!("../tests/fixtures/crawl.warc").to_vec();
        let gzip = |bytes: &[u8]| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut enc, bytes).unwrap();
            enc.finish().unwrap()
        };
        let mut members = gzip(&warc);
        members.extend(gzip(&warc));
        let files = [
            ("crawl.warc", warc.clone(), Compression::None),
            (
                "crawl.warc",
                warc[..warc.len() - 100].to_vec(),
                Compression::None,
            ),
            ("crawl.warc.gz", members, Compression::Gzip),
            (
                "crawl.warc.zst",
                zstd::encode_all(&warc[..], 3).unwrap(),
                Compression::Zstd,
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, compression) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let input = InputFile {
                path,
                rel_path: format!("crawl/{name}"),
                size: bytes.len() as u64,
                compression,
            };
            let from_file: Vec<_> = entries(&input, 1 << 20).map(summary).collect();
            let stream = Box::new(Trickle(std::io::Cursor::new(bytes)));
            let from_stream: Vec<_> = entries_from(stream, &input.rel_path, compression, 1 << 20)
                .map(summary)
                .collect();
            assert!(
                from_file.iter().any(|e| e.starts_with("part")),
                "{from_file:?}"
            );
            assert_eq!(from_stream, from_file, "{name}");
        }
    }

    #[test]
    fn a_file_has_its_hash_and_a_stream_none() {
        let warc = include_bytes!("../tests/fixtures/crawl.warc").to_vec();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crawl.warc");
        std::fs::write(&path, &warc).unwrap();
        let input = InputFile {
            path,
            rel_path: "crawl.warc".into(),
            size: warc.len() as u64,
            compression: Compression::None,
        };
        let hash = |entry: Entry| match entry {
            Entry::Part(part) => part
                .header
                .and_then(|h| h.downcast::<RecordHeader>().ok())
                .map(|h| h.file_hash),
            _ => None,
        };
        let on_disk: Vec<_> = entries(&input, 1 << 20).filter_map(hash).collect();
        assert_eq!(on_disk, vec![Some(fingerprint(&input).unwrap())]);
        let streamed: Vec<_> = entries_from(
            Box::new(std::io::Cursor::new(warc)),
            "crawl.warc",
            Compression::None,
            1 << 20,
        )
        .filter_map(hash)
        .collect();
        assert_eq!(streamed, vec![None]);
    }

    #[test]
    fn reads_dates_and_types() {
        assert_eq!(parse_date("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert!(is_html_type("application/xhtml+xml; charset=utf-8"));
        assert!(!is_html_type("image/png"));
        assert!(is_warc("a/b.warc.gz") && is_warc("x.WARC") && !is_warc("x.html"));
    }
}
