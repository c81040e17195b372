//! The charset an HTML page declares in a `<meta>` tag, found the way browsers find it
//! before parsing: the WHATWG "prescan a byte stream" over the first 1024 bytes,
//! skipping comments and other tags, reading `<meta charset>` and
//! `<meta http-equiv="content-type" content="...; charset=...">`.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// Bytes the prescan looks at, as browsers do.
const PRESCAN_BYTES: usize = 1024;

/// The encoding a `<meta>` tag in the first 1024 bytes declares, if a label there
/// names one. UTF-16 labels mean UTF-8 (a page read byte by byte to find its meta tag
/// cannot be UTF-16) and `x-user-defined` means windows-1252, as the spec says.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(head.len(), |end| end + 7);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            let (attributes, used) = attributes(&rest[5..]);
            if let Some(encoding) = from_meta(&attributes) {
                return Some(match encoding {
                    e if e == UTF_16BE || e == UTF_16LE => UTF_8,
                    e if e == X_USER_DEFINED => WINDOWS_1252,
                    e => e,
                });
            }
            i += 5 + used;
        } else if rest.starts_with(b"<") && rest.get(1).is_some_and(|b| b.is_ascii_alphabetic()) {
            // Another tag: skip its attributes, whose values may hold a '<' or a '>'.
            let (_, used) = attributes(&rest[1..]);
            i += 1 + used;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i += find(rest, b">").map_or(head.len(), |end| end + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// An attribute's lower-cased name and its value.
type Attribute = (Vec<u8>, Vec<u8>);

/// The encoding one meta tag's attributes declare.
fn from_meta(attributes: &[Attribute]) -> Option<&'static Encoding> {
    let get = |name: &[u8]| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    };
    if let Some(label) = get(b"charset") {
        return Encoding::for_label(label.trim_ascii());
    }
    let pragma = get(b"http-equiv").is_some_and(|v| v.eq_ignore_ascii_case(b"content-type"));
    if pragma {
        return get(b"content").and_then(charset_in_content);
    }
    None
}

/// The `charset=` parameter of a Content-Type value: `text/html; charset=utf-8`.
pub fn charset_in_content(content: &[u8]) -> Option<&'static Encoding> {
    let lower = content.to_ascii_lowercase();
    let start = find(&lower, b"charset")? + 7;
    let rest = content[start..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let (value, _) = match rest.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let end = rest[1..].iter().position(|&b| b == q)?;
            (&rest[1..1 + end], ())
        }
        _ => {
            let end = rest
                .iter()
                .position(|&b| is_space(b) || b == b';')
                .unwrap_or(rest.len());
            (&rest[..end], ())
        }
    };
    Encoding::for_label(value)
}

/// The attributes of a tag whose name was just read, lower-cased names with their
/// values, and how many bytes they took up to and with the closing `>`.
fn attributes(bytes: &[u8]) -> (Vec<Attribute>, usize) {
    let mut found = Vec::new();
    let mut i = 0;
    // The rest of the tag name.
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (found, i);
        }
        if bytes[i] == b'>' {
            return (found, i + 1);
        }
        let name_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = bytes[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = Vec::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    i += 1;
                    let start = i;
                    while i < bytes.len() && bytes[i] != q {
                        i += 1;
                    }
                    value.extend_from_slice(&bytes[start..i]);
                    i += 1;
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value.extend_from_slice(&bytes[start..i]);
                }
            }
        }
        found.push((name, value));
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Where `needle` first occurs in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Where `needle` first occurs in `bytes` from `from` on.
pub(crate) fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    find(bytes.get(from..)?, needle).map(|p| p + from)
}

/// Where `needle` (which starts with a byte that has no case, such as `<`) first
/// occurs in `bytes` from `from` on, ASCII letters compared without case.
pub(crate) fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = from;
    while let Some(offset) = memchr::memchr(first, bytes.get(at..)?) {
        let start = at + offset;
        let end = start + 1 + rest.len();
        if bytes.get(start + 1..end)?.eq_ignore_ascii_case(rest) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// A tag's name in lower case, on the stack: the names the scans before parsing look
/// for are at most 8 bytes, so a longer one is none of them and comes back empty.
pub(crate) fn lower_name(name: &[u8]) -> ([u8; 8], usize) {
    let mut buf = [0u8; 8];
    if name.len() > buf.len() {
        return (buf, 0);
    }
    for (b, n) in buf.iter_mut().zip(name) {
        *b = n.to_ascii_lowercase();
    }
    (buf, name.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_forms_of_the_declaration() {
        let page = b"<!doctype html><html><head><meta charset=\"windows-1251\"><title>x</title>";
        assert_eq!(meta_charset(page), Some(encoding_rs::WINDOWS_1251));
        let page =
            b"<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-2'>";
        assert_eq!(meta_charset(page), Some(encoding_rs::ISO_8859_2));
        let page = b"<meta content=\"text/html;charset=shift_jis\" http-equiv=\"content-type\">";
        assert_eq!(meta_charset(page), Some(encoding_rs::SHIFT_JIS));
    }

    #[test]
    fn comments_other_tags_and_late_declarations_do_not_count() {
        let page = b"<!-- <meta charset=koi8-r> --><meta charset=utf-8>";
        assert_eq!(meta_charset(page), Some(UTF_8));
        let page = b"<div title='<meta charset=koi8-r>'>text</div>";
        assert_eq!(meta_charset(page), None);
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"<meta charset=koi8-r>");
        assert_eq!(meta_charset(&late), None);
    }

    #[test]
    fn nonsense_and_utf16_labels() {
        assert_eq!(meta_charset(b"<meta charset=\"no-such-thing\">"), None);
        assert_eq!(meta_charset(b"<meta charset=utf-16le>"), Some(UTF_8));
        assert_eq!(
            meta_charset(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(meta_charset(b"<meta charset"), None);
        assert_eq!(meta_charset(b"<meta"), None);
    }
}
