//! Markup traps: an element whose content the HTML parser reads as text up to its end
//! tag (`<title>`, `<style>`, `<textarea>`, `<noscript>` with scripting on), or a
//! comment, left unclosed by a crawl artifact or a broken template, swallows the rest
//! of the page: a browser shows nothing after it, and the article is lost. Before
//! parsing, such an element is closed where its content stops being what it can hold,
//! the way tolerant parsers (lxml, BeautifulSoup's) end up reading these pages:
//!
//! - `<title>` holds text, never markup: it ends at the first tag in its content
//!   (`<name` or `</name`), whether or not an end tag comes later (an unclosed title
//!   otherwise runs to the `</title>` of the first SVG icon in the body).
//! - `<style>`, `<xmp>`, `<noembed>`, `<noframes>` may hold a tag inside a line (CSS with
//!   an SVG in a `data:` URL) but never a line that opens with one: such an element ends
//!   before the first line that opens with a tag, or, when it has no end tag at all, at
//!   its first tag. A `<!--` inside a style is the old way of hiding CSS from ancient
//!   browsers, not a tag.
//! - `<textarea>` may hold markup as text (embed code to copy): it ends at the first
//!   line that opens with a tag only when no end tag follows, or its content runs past
//!   [`MAX_TEXTAREA_BYTES`] (no form field holds a page's worth).
//! - `<noscript>` and comments may hold markup too: only an unclosed one (no end before
//!   the end of the file) is recovered. A noscript then ends at its own start tag, so its
//!   content is read as markup, as a parser with scripting off reads it; a comment ends
//!   before the first line that opens with a tag.
//!
//! Each element closed is one repair, counted.

use std::borrow::Cow;

use super::prescan::find_from;

/// Bytes of content from which a textarea that holds a line opening with a tag is taken
/// to have swallowed the page.
pub const MAX_TEXTAREA_BYTES: usize = 64 * 1024;

/// `html` with the elements that swallow the page closed, and how many were.
pub fn recover(html: &str) -> (Cow<'_, str>, u64) {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut repairs = 0u64;
    let mut insert = |at: usize, close: &str, copied: &mut usize| {
        let out = out.get_or_insert_with(|| String::with_capacity(html.len() + 64));
        out.push_str(&html[*copied..at]);
        out.push_str(close);
        *copied = at;
    };
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            // "<!-->" and "<!--->" are whole (empty) comments.
            let body = start + 4;
            if bytes[body..].starts_with(b">") || bytes[body..].starts_with(b"->") {
                i = body + 1;
                continue;
            }
            match find_from(bytes, body, b"-->") {
                Some(end) => i = end + 3,
                None => match first_tag_line(bytes, body, bytes.len()) {
                    Some(at) => {
                        insert(at, "-->", &mut copied);
                        repairs += 1;
                        i = at;
                    }
                    None => i = bytes.len(),
                },
            }
            continue;
        }
        let Some((name, content)) = start_tag(bytes, start) else {
            i = start + 1;
            continue;
        };
        i = content;
        let kind = match name.as_slice() {
            b"title" => Trap::Text,
            b"style" | b"xmp" | b"noembed" | b"noframes" => Trap::Styles,
            b"textarea" => Trap::Textarea,
            b"noscript" => Trap::Noscript,
            b"script" => Trap::Skip,
            _ => continue,
        };
        let end = find_end_tag(bytes, content, &name);
        let close = format!("</{}>", String::from_utf8_lossy(&name));
        let cut = match kind {
            Trap::Text => first_tag(bytes, content, end.unwrap_or(bytes.len())),
            Trap::Styles => {
                first_tag_line(bytes, content, end.unwrap_or(bytes.len())).or_else(|| {
                    end.is_none()
                        .then(|| first_tag(bytes, content, bytes.len()))
                        .flatten()
                })
            }
            Trap::Textarea => match end {
                Some(end) if end - content <= MAX_TEXTAREA_BYTES => None,
                _ => first_tag_line(bytes, content, end.unwrap_or(bytes.len())),
            },
            Trap::Noscript => end.is_none().then_some(content),
            Trap::Skip => None,
        };
        match cut {
            Some(at) => {
                insert(at, &close, &mut copied);
                repairs += 1;
                i = at;
            }
            // The loop goes on at the end tag, whose '<' it then reads.
            None => i = end.unwrap_or(bytes.len()),
        }
    }
    let text = match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    (text, repairs)
}

enum Trap {
    Text,
    /// CSS may hold markup inside a line (an SVG in a `data:` URL), never a line that
    /// opens with a tag.
    Styles,
    Textarea,
    Noscript,
    /// Script content is skipped (it may say `"<title>"`), never cut.
    Skip,
}

/// The lower-cased name of the start tag at `start` and the index just past its `>`.
fn start_tag(bytes: &[u8], start: usize) -> Option<(Vec<u8>, usize)> {
    let name_start = start + 1;
    if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_end = name_start
        + bytes[name_start..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .unwrap_or(bytes.len() - name_start);
    let name = bytes[name_start..name_end].to_ascii_lowercase();
    let end = memchr(b'>', &bytes[name_end..]).map_or(bytes.len(), |p| name_end + p + 1);
    Some((name, end))
}

/// Where `</name` followed by a space, `/` or `>` begins, from `from` on.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(p) = find_from(bytes, at, b"</") {
        let after = p + 2 + name.len();
        if bytes
            .get(p + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(after)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>')
        {
            return Some(p);
        }
        at = p + 2;
    }
    None
}

/// The first `<name` or `</name` in `from..to`.
fn first_tag(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = memchr(b'<', &bytes[at..to]) {
        let p = at + p;
        if opens_tag(&bytes[p..to]) {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// The start of the first line in `from..to` that opens with a tag, after spaces.
fn first_tag_line(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = memchr(b'\n', &bytes[at..to]) {
        let line = at + p + 1;
        let tag = line
            + bytes[line..to]
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .unwrap_or(to - line);
        if opens_tag(&bytes[tag..to]) {
            return Some(line);
        }
        at = line;
    }
    None
}

fn opens_tag(rest: &[u8]) -> bool {
    match rest {
        [b'<', b'/', c, ..] | [b'<', c, ..] => c.is_ascii_alphabetic(),
        _ => false,
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_elements_are_left_as_they_are() {
        let page = "<html><head><title>A &lt;b&gt; title</title><style><!-- p > a { x: 1 } -->\n.i { background: url('data:image/svg+xml,<svg xmlns=x><path d=M0/></svg>') }</style>\
            <noscript><img src=x></noscript><!-- a\n<p>commented out</p>\n --></head><body>\
            <textarea>\n<iframe src=x></iframe>\n</textarea><script>if (a<b) { s = '<title>'; }</script>\
            <p>Text</p><svg><title>Icon</title></svg></body></html>";
        let (out, repairs) = recover(page);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(repairs, 0);
    }

    #[test]
    fn an_unclosed_title_ends_at_the_first_tag_in_it() {
        let page = "<html><head><title>Budget passes\n<script>var a = 1;</script></head>\
            <body><p>Text</p><svg><title>Icon</title></svg></body></html>";
        let (out, repairs) = recover(page);
        assert_eq!(repairs, 1);
        assert!(
            out.starts_with("<html><head><title>Budget passes\n</title><script>"),
            "{out}"
        );
    }

    #[test]
    fn unclosed_comments_noscripts_and_textareas_end_before_the_body() {
        let page = "<body><!-- ad slot\n<p>One</p>\n<noscript><img src=x>\n<p>Two</p>\n<textarea>note\n<p>Three</p>";
        let (out, repairs) = recover(page);
        assert_eq!(repairs, 3);
        assert_eq!(
            out,
            "<body><!-- ad slot\n--><p>One</p>\n<noscript></noscript><img src=x>\n<p>Two</p>\n<textarea>note\n</textarea><p>Three</p>"
        );
    }
}
