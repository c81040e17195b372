//! Choosing the encoding of a file and decoding it: a byte-order mark first, then the
//! zero-byte pattern of BOM-less UTF-16, then valid UTF-8, then a `charset=` declared in
//! the text, and last statistical detection with chardetng.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use newsprep_core::document::{EncodingSource, Reason, Rejection};

/// Text decoded from bytes, with the encoding used and how it was chosen.
#[derive(Debug)]
pub struct DecodedText {
    pub text: String,
    pub encoding: &'static Encoding,
    pub source: EncodingSource,
    /// U+FFFD the decoder wrote for bytes it could not decode; those the file itself
    /// holds (valid UTF-8 for the character) are not counted.
    pub replaced: usize,
}

/// Bytes fed to the statistical detector, at most.
const DETECTION_SAMPLE: usize = 64 * 1024;

/// Decodes `bytes`, or rejects them as `binary` when they are not text at all.
pub fn decode(bytes: &[u8], max_control_ratio: f64) -> Result<DecodedText, Rejection> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(with(encoding, &bytes[bom_len..], EncodingSource::Bom));
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        return Ok(with(encoding, bytes, EncodingSource::Utf16Sniffed));
    }
    reject_binary(bytes, max_control_ratio)?;
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(DecodedText {
            text: text.to_owned(),
            encoding: UTF_8,
            source: EncodingSource::Utf8,
            replaced: 0,
        });
    }
    if let Some(encoding) = declared_charset(bytes) {
        return Ok(with(encoding, bytes, EncodingSource::Declared));
    }
    // Scraped text is not a web page that runs scripts, so ISO-2022-JP may be guessed;
    // UTF-8 may not, since the bytes were just shown to be invalid as UTF-8.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(&detection_sample(bytes), true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    Ok(with(encoding, bytes, EncodingSource::Detected))
}

/// Decodes an HTML page: a byte-order mark first, then the charset a `<meta>` tag in the
/// first 1024 bytes declares (the WHATWG prescan), then what [`decode`] would choose.
///
/// One exception to the declaration: scraped pages are often saved again as UTF-8 with
/// their old tag kept, so bytes that are valid UTF-8 and hold non-ASCII text stay UTF-8
/// when the tag names a single-byte legacy encoding. A declared UTF-8 that the bytes
/// are not is left to detection, which reads such pages better than replacement marks.
pub fn decode_html(bytes: &[u8], max_control_ratio: f64) -> Result<DecodedText, Rejection> {
    decode_html_served(bytes, None, max_control_ratio)
}

/// Like [`decode_html`], for a page served with the HTTP charset `http`, which ranks
/// after a byte-order mark and before the meta tag; valid non-ASCII UTF-8 is kept as
/// UTF-8 over a single-byte label there too.
pub fn decode_html_served(
    bytes: &[u8],
    http: Option<&'static Encoding>,
    max_control_ratio: f64,
) -> Result<DecodedText, Rejection> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(with(encoding, &bytes[bom_len..], EncodingSource::Bom));
    }
    let (declared, source) = match (http, crate::html::prescan::meta_charset(bytes)) {
        (Some(http), _) => (http, EncodingSource::Http),
        (None, Some(meta)) => (meta, EncodingSource::Declared),
        (None, None) => return decode(bytes, max_control_ratio),
    };
    reject_binary(bytes, max_control_ratio)?;
    let utf8 = std::str::from_utf8(bytes).ok();
    if declared == UTF_8 {
        return match utf8 {
            Some(text) => Ok(DecodedText {
                text: text.to_owned(),
                encoding: UTF_8,
                source,
                replaced: 0,
            }),
            None => decode(bytes, max_control_ratio),
        };
    }
    if let Some(text) = utf8.filter(|_| declared.is_single_byte() && !bytes.is_ascii()) {
        return Ok(DecodedText {
            text: text.to_owned(),
            encoding: UTF_8,
            source: EncodingSource::Utf8,
            replaced: 0,
        });
    }
    Ok(with(declared, bytes, source))
}

/// What the detector needs to see: the words (split at ASCII whitespace) that hold a
/// byte outside ASCII, or an escape for the ISO-2022 encodings, each followed by a
/// space. Every candidate encoding reads ASCII alike, so the words without such a byte
/// tell them nothing, and in a Latin-script page they are nearly all of it: skipping
/// them makes detection several times faster and picks the same encoding.
fn detection_sample(bytes: &[u8]) -> Vec<u8> {
    let mut sample = Vec::new();
    let telling = bytes
        .split(u8::is_ascii_whitespace)
        .filter(|word| word.iter().any(|&b| !b.is_ascii() || b == 0x1b));
    for word in telling {
        let room = DETECTION_SAMPLE - sample.len();
        sample.extend_from_slice(&word[..word.len().min(room)]);
        if word.len() >= room {
            break;
        }
        sample.push(b' ');
    }
    sample
}

fn with(encoding: &'static Encoding, bytes: &[u8], source: EncodingSource) -> DecodedText {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        // A U+FFFD the file holds is the same three bytes in UTF-8 and one code unit in
        // UTF-16; the legacy encodings cannot hold one.
        let literal = if encoding == UTF_8 {
            count(bytes, "\u{FFFD}".as_bytes())
        } else if encoding == UTF_16LE {
            count(bytes, &[0xFD, 0xFF])
        } else if encoding == UTF_16BE {
            count(bytes, &[0xFF, 0xFD])
        } else {
            0
        };
        text.matches('\u{FFFD}').count().saturating_sub(literal)
    } else {
        0
    };
    DecodedText {
        text: text.into_owned(),
        encoding,
        source,
        replaced,
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// UTF-16 without a BOM: Latin-script text has a zero in every other byte. CJK text
/// in BOM-less UTF-16 is not recognised here and falls through to detection.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Thresholds leave room for non-Latin characters and digits mixed into the text.
    let mostly = |n: usize| n * 10 >= pairs * 3;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(UTF_16LE)
    } else if mostly(even) && rarely(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A file is binary by what it starts with (the signature of an archive, image, PDF or
/// executable) or by the share of its bytes that are controls, NUL included, above
/// `max_control_ratio`; never by one byte. A few NULs in a page or a dump are damage a
/// broken CMS or a truncated copy left: a browser shows such a page (the HTML standard's
/// parser replaces or drops them), so decoding goes on and the damage is counted.
/// ESC is not counted: ISO-2022-JP uses it.
fn reject_binary(bytes: &[u8], max_control_ratio: f64) -> Result<(), Rejection> {
    if let Some(kind) = binary_signature(bytes) {
        return Err(Rejection::new(
            Reason::Binary,
            format!("starts with the signature of {kind}: not a text file"),
        ));
    }
    let controls = control_bytes(bytes);
    if controls as f64 / bytes.len().max(1) as f64 > max_control_ratio {
        let nuls = bytes.iter().filter(|&&b| b == 0).count();
        return Err(Rejection::new(
            Reason::Binary,
            format!(
                "{controls} of {} bytes ({nuls} of them NUL) are control bytes, over max_control_ratio = {max_control_ratio}: not a text file",
                bytes.len()
            ),
        ));
    }
    Ok(())
}

/// Control bytes that no text holds: C0 controls but tab, line feed, form feed,
/// carriage return and ESC, NUL included.
pub fn control_bytes(bytes: &[u8]) -> usize {
    // Bit b is set for the control byte b that counts: every page's bytes pass here,
    // and a branch-free sum the compiler vectorises is several times a filter's speed.
    const COUNTED: u32 = !((1 << 0x09) | (1 << 0x0A) | (1 << 0x0C) | (1 << 0x0D) | (1 << 0x1B));
    bytes
        .iter()
        .map(|&b| usize::from(b < 0x20) & ((COUNTED >> (b & 31)) & 1) as usize)
        .sum()
}

/// The kind of binary file `bytes` start as, by the magic numbers of the formats a crawl
/// or a scrape picks up under a text or HTML name. Every one holds a byte no text
/// starts with (a control or a byte invalid in UTF-8), so no text matches.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive"),
        (b"\x1F\x8B", "a gzip stream"),
        (b"\x28\xB5\x2F\xFD", "a zstd stream"),
        (b"\xFD7zXZ\x00", "an xz stream"),
        (b"7z\xBC\xAF\x27\x1C", "a 7z archive"),
        (b"Rar!\x1A\x07", "a rar archive"),
        (b"%PDF-", "a PDF document"),
        (b"\x89PNG\r\n\x1A\n", "a PNG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"\x7FELF", "an ELF executable"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an OLE2 (old Office) document",
        ),
        (b"\x00\x00\x01\x00", "an icon"),
        (b"\x1A\x45\xDF\xA3", "a Matroska or WebM video"),
        (b"OggS\x00", "an Ogg stream"),
        (b"ID3", "an MP3 file"),
        (b"wOFF", "a WOFF font"),
        (b"wOF2", "a WOFF2 font"),
    ];
    // Some signatures are printable ("%PDF-", "GIF89a", "ID3"): those count only with a
    // control or non-ASCII byte among the next eight, as the binary header after them has.
    let binary = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || *b >= 0x80;
    SIGNATURES
        .iter()
        .find(|(magic, _)| {
            bytes.starts_with(magic)
                && (magic.iter().any(binary) || bytes[magic.len()..].iter().take(8).any(binary))
        })
        .map(|(_, kind)| *kind)
}

/// A `charset=NAME` (HTTP header, HTML meta tag) in the first 4 KiB, when it names an
/// encoding other than UTF-8 or UTF-16: text that claims UTF-8 but is not valid UTF-8
/// is better served by detection, and UTF-16 was already handled by its byte pattern.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let needle = b"charset=";
    let start = head
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))?
        + needle.len();
    let rest = &head[start..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .unwrap_or(rest.len());
    let encoding = Encoding::for_label(&rest[..end])?;
    (encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(bytes: &[u8]) -> &'static Encoding {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
        detector.feed(bytes, true);
        detector.guess(None, chardetng::Utf8Detection::Deny)
    }

    #[test]
    fn the_words_outside_ascii_tell_the_same_encoding_as_the_whole_text() {
        let texts = [
            (encoding_rs::WINDOWS_1252, "The minister said \u{201c}we will not wait\u{201d} \u{2014} and the caf\u{e9} closed.\nShe called it \u{2018}a na\u{ef}ve plan\u{2019}, one of many in the r\u{e9}gion."),
            (encoding_rs::WINDOWS_1252, "Les habitants de la r\u{e9}gion ont \u{e9}t\u{e9} \u{e9}vacu\u{e9}s vendredi apr\u{e8}s les pluies, a d\u{e9}clar\u{e9} le pr\u{e9}fet."),
            (encoding_rs::WINDOWS_1251, "\u{412} \u{414}\u{436}\u{430}\u{43b}\u{430}\u{43b}-\u{410}\u{431}\u{430}\u{434}\u{435} (Kyrgyzstan) \u{43f}\u{440}\u{43e}\u{448}\u{43b}\u{438} \u{43f}\u{435}\u{440}\u{435}\u{433}\u{43e}\u{432}\u{43e}\u{440}\u{44b} 12 May, \u{441}\u{43e}\u{43e}\u{431}\u{449}\u{430}\u{435}\u{442} AKIpress."),
            (encoding_rs::ISO_8859_7, "\u{39f} \u{3c0}\u{3c1}\u{3c9}\u{3b8}\u{3c5}\u{3c0}\u{3bf}\u{3c5}\u{3c1}\u{3b3}\u{3cc}\u{3c2} \u{3b5}\u{3af}\u{3c0}\u{3b5} \u{3cc}\u{3c4}\u{3b9} \u{3b7} \u{3ba}\u{3c5}\u{3b2}\u{3ad}\u{3c1}\u{3bd}\u{3b7}\u{3c3}\u{3b7} (Athens, Reuters) \u{3b8}\u{3b1} \u{3c3}\u{3c5}\u{3bd}\u{3b5}\u{3c7}\u{3af}\u{3c3}\u{3b5}\u{3b9}."),
        ];
        for (encoding, text) in texts {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable, "{text}");
            let sample = detection_sample(&bytes);
            assert!(sample.len() < bytes.len());
            assert_eq!(guess(&sample), guess(&bytes), "{text}");
            let decoded = decode(&bytes, 0.05).expect("text");
            assert_eq!(decoded.source, EncodingSource::Detected);
            assert_eq!(decoded.text, text);
        }
    }

    #[test]
    fn a_word_longer_than_the_sample_is_cut() {
        let mut bytes = vec![b'a'; DETECTION_SAMPLE * 2];
        bytes[10] = 0xe9;
        assert_eq!(detection_sample(&bytes).len(), DETECTION_SAMPLE);
        assert_eq!(detection_sample(b"plain words only\n"), b"");
    }

    #[test]
    fn bom_wins_over_everything() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Osh".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&bytes, 0.05).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.source),
            ("Osh", UTF_16LE, EncodingSource::Bom)
        );
        let d = decode(b"\xEF\xBB\xBFhello", 0.05).unwrap();
        assert_eq!((d.text.as_str(), d.source), ("hello", EncodingSource::Bom));
    }

    #[test]
    fn bomless_utf16_is_sniffed_in_both_byte_orders() {
        let text = "Protests in Osh and Jalal-Abad, 21 March 2005.";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&le, 0.05).unwrap().text, text);
        let d = decode(&be, 0.05).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, UTF_16BE));
    }

    #[test]
    fn declared_charset_is_used_when_not_utf8() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Content-Type: text/plain; charset=\"windows-1251\"\n\nОш");
        let d = decode(&bytes, 0.05).unwrap();
        assert_eq!(d.source, EncodingSource::Declared);
        assert!(d.text.ends_with("Ош"));
    }

    #[test]
    fn control_bytes_are_the_c0_controls_but_tab_newlines_form_feed_and_escape() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(control_bytes(&all), 32 - 5);
        assert_eq!(control_bytes(b"\t\n\r\x0C\x1B plain text \xC3\xA9"), 0);
        assert_eq!(control_bytes(b"a\x00b\x01\x1F\x7F"), 3);
    }

    #[test]
    fn nul_bytes_and_control_noise_are_binary() {
        let err = decode(b"PK\x03\x04\x00\x00binary", 0.05).unwrap_err();
        assert_eq!(err.reason, Reason::Binary);
        assert!(err.detail.contains("zip archive"), "{}", err.detail);
        let noise: Vec<u8> = (1u8..=8).cycle().take(200).collect();
        assert_eq!(decode(&noise, 0.05).unwrap_err().reason, Reason::Binary);
    }
}
