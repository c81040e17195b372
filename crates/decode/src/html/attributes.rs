//! A bound on attributes per element before parsing, as [`super::depth`] bounds
//! nesting. The tokenizer checks each new attribute against the element's others (a
//! duplicate is dropped), so one `<div>` with 100,000 attributes takes seconds and one
//! at the 16 MB size limit about ten minutes. Attributes past [`MAX_ATTRIBUTES`] are
//! dropped here and counted; the parser would keep the first of duplicates anyway, and
//! what the extraction reads (class, id, href, the meta tags' name and content) comes
//! first on every real page.
//!
//! Tags are read as the HTML tokenizer reads them: a quote opens a value only after
//! `=`, and the content of comments and raw-text elements (`<script>`, `<style>`,
//! `<title>`, `<textarea>`) holds no tags.

use std::borrow::Cow;

use super::prescan::{find_from, find_ignore_case};

/// Attributes kept per element. Real elements carry a few, rarely thirty; the bound
/// keeps the parser's pairwise check at most 64² / 2 per element, which over the
/// smallest tags that reach it (about 130 bytes) comes to a quarter of a second for a
/// page at the 16 MB limit made of nothing else.
pub const MAX_ATTRIBUTES: usize = 64;

/// `html` with the attributes past [`MAX_ATTRIBUTES`] of each element removed, and how
/// many were; borrowed when there are none, which is every real page.
pub fn capped(html: &str) -> (Cow<'_, str>, u64) {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut dropped = 0u64;
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        if bytes[start..].starts_with(b"<!--") {
            i = find_from(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if !bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let name_end = start
            + 1
            + bytes[start + 1..]
                .iter()
                .position(|&b| is_space(b) || b == b'/' || b == b'>')
                .unwrap_or(bytes.len() - start - 1);
        let end = read_attributes(bytes, name_end, &mut spans);
        if spans.len() > MAX_ATTRIBUTES {
            dropped += (spans.len() - MAX_ATTRIBUTES) as u64;
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..name_end]);
            for &(from, to) in &spans[..MAX_ATTRIBUTES] {
                out.push(' ');
                out.push_str(&html[from..to]);
            }
            out.push('>');
            copied = end;
        }
        i = end;
        let (lower, len) = super::prescan::lower_name(&bytes[start + 1..name_end]);
        let name = &lower[..len];
        if matches!(
            name,
            b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"noembed" | b"noframes"
        ) {
            let mut close = b"</".to_vec();
            close.extend_from_slice(name);
            i = find_ignore_case(bytes, i, &close).unwrap_or(bytes.len());
        }
    }
    let text = match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    (text, dropped)
}

/// Reads the attributes of a tag whose name ends at `from` into `spans` (each from the
/// start of its name to the end of its value) and returns the index just past the
/// tag's `>`, or the end of the input.
fn read_attributes(bytes: &[u8], from: usize, spans: &mut Vec<(usize, usize)>) -> usize {
    spans.clear();
    let mut i = from;
    loop {
        while bytes.get(i).is_some_and(|&b| is_space(b) || b == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return bytes.len(),
            Some(b'>') => return i + 1,
            Some(_) => {}
        }
        let name_start = i;
        // The first character of a name may be '='.
        i += 1;
        while bytes
            .get(i)
            .is_some_and(|&b| !(is_space(b) || b == b'/' || b == b'>' || b == b'='))
        {
            i += 1;
        }
        let mut end = i;
        let mut j = i;
        while bytes.get(j).copied().is_some_and(is_space) {
            j += 1;
        }
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while bytes.get(j).copied().is_some_and(is_space) {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    j = bytes[j + 1..]
                        .iter()
                        .position(|&b| b == q)
                        .map_or(bytes.len(), |p| j + 1 + p + 1);
                }
                _ => {
                    while bytes.get(j).is_some_and(|&b| !is_space(b) && b != b'>') {
                        j += 1;
                    }
                }
            }
            end = j;
            i = j;
        }
        spans.push((name_start, end));
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_tags_are_left_as_they_are() {
        let page = "<div class='a>b' data-x=\"1 2\" hidden title=don't><p id=x>One</p>\
            <script>var t = '<div a b c d>';</script><!-- <div x> --></div>";
        let (out, dropped) = capped(page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(dropped, 0);
    }

    #[test]
    fn attributes_past_the_cap_are_dropped_and_counted() {
        let attrs: String = (0..MAX_ATTRIBUTES + 36)
            .map(|n| format!(" a{n}=\"v>{n}\""))
            .collect();
        let page = format!("<div{attrs}>Text</div>");
        let (out, dropped) = capped(&page);
        assert_eq!(dropped, 36);
        assert!(
            out.ends_with(&format!(
                " a{}=\"v>{}\">Text</div>",
                MAX_ATTRIBUTES - 1,
                MAX_ATTRIBUTES - 1
            )),
            "{out}"
        );
        assert!(!out.contains(&format!("a{}=", MAX_ATTRIBUTES)));
    }
}
