//! A bound on how deep a page nests before it is parsed. The HTML tree builder walks
//! the stack of open elements for many start tags (is a `<p>` open in scope?), so a page
//! nested 100,000 deep takes time quadratic in its depth: half a minute in a release
//! build. Browsers cap depth too (Chromium at 512). Tags past [`MAX_DEPTH`] are dropped
//! before parsing, keeping their text, so such a page still gives its words, in time
//! linear in its size.
//!
//! Formatting elements left open are bounded the same way ([`MAX_OPEN_FORMATTING`]),
//! and so is the number of elements the parser will make in all ([`MAX_ELEMENTS`], more
//! for a page big enough):
//! past it the page's tags are dropped and its text kept, so a page of millions of
//! elements costs what a large real page costs, however it is shaped.
//!
//! The depth is estimated by a scan of the tags, not a parse: elements that close
//! themselves (`<p>`, `<li>`, `<td>`, ...) and void elements (`<br>`, `<img>`) are not
//! counted, comments and raw text (`<script>`, `<style>`) are skipped. Real pages stay
//! far below the cap, so the estimate only has to be right about pathological ones.

use std::borrow::Cow;

use super::prescan::{find_from, find_ignore_case};

/// Nesting depth from which tags are dropped.
pub const MAX_DEPTH: usize = 1024;

/// Formatting elements (`<b>`, `<font>`, `<em>`, ...) left open from which more are
/// dropped. The parser reopens every open formatting element at each new paragraph or
/// cell ("reconstruct the active formatting elements"); its limit of three identical
/// ones is defeated by distinct attributes, so 2,000 unclosed `<b id=N>` before a
/// million `<p>` cost two billion elements. Old pages leave a few `<font>` open, never
/// dozens of distinct ones; a tag dropped here loses its formatting, not its text.
pub const MAX_OPEN_FORMATTING: usize = 16;

/// Elements the parser may make for one page, counting the formatting elements it
/// reopens at each new element (see [`MAX_OPEN_FORMATTING`]): this many, or one per
/// [`BYTES_PER_ELEMENT`] of the page when that is more. A long real page makes a few
/// tens of thousands, and real markup spends far more bytes on an element (its tags,
/// attributes and text), so only a page of bare tags, such as a million `<span>` or
/// table cells, reaches the budget; parsing and walking that takes seconds. Past the
/// budget every tag is dropped (an element of raw text, such as a `<script>`, with its
/// content), so the rest of the page reads as plain text.
pub const MAX_ELEMENTS: usize = 200_000;

/// Bytes of a page that buy one element past [`MAX_ELEMENTS`]: a 50 MB page of real
/// stories (about 200 bytes an element) keeps its structure; at the 16 MB limit a page
/// of bare tags stops at 420,000 elements.
pub const BYTES_PER_ELEMENT: usize = 40;

/// Formatting elements but `<a>` and `<nobr>`: a new one of those closes the one
/// before, so the parser never holds two, and an `<a>` dropped would turn link text
/// into prose.
fn is_formatting(name: &[u8]) -> bool {
    matches!(
        name,
        b"b" | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
    )
}

fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

/// Elements whose end tag is optional: the parser closes them itself, so they do not
/// pile up.
fn closes_itself(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"optgroup"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"html"
            | b"head"
            | b"body"
    )
}

fn is_raw_text(name: &[u8]) -> bool {
    matches!(
        name,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"noembed" | b"noframes"
    )
}

/// `html` with the tags nested deeper than [`MAX_DEPTH`], the formatting elements left
/// open past [`MAX_OPEN_FORMATTING`] and every tag past the element budget
/// ([`MAX_ELEMENTS`]) removed;
/// borrowed when there are none, which is every real page. With the number of tags
/// dropped for the element budget (a repair the page's count shows).
pub fn bounded(html: &str) -> (Cow<'_, str>, u64) {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut formatting = 0usize;
    let mut made = 0usize;
    let budget = MAX_ELEMENTS.max(html.len() / BYTES_PER_ELEMENT);
    let mut over_budget = 0u64;
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already written to `out`
    let mut i = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find_from(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let mut name_end = name_start;
        while bytes
            .get(name_end)
            .is_some_and(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C | b'/' | b'>'))
        {
            name_end += 1;
        }
        let (lower, len) = super::prescan::lower_name(&bytes[name_start..name_end]);
        let name = &lower[..len];
        let end = tag_end(bytes, name_end);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        let counted = !is_void(name) && !closes_itself(name);
        let mut drop = false;
        if closing {
            if counted && depth > 0 {
                drop = depth > MAX_DEPTH;
                depth -= 1;
            }
            if is_formatting(name) && formatting > 0 {
                drop |= formatting > MAX_OPEN_FORMATTING;
                formatting -= 1;
            }
        } else if counted && !self_closing {
            depth += 1;
            drop = depth > MAX_DEPTH;
            if is_formatting(name) {
                formatting += 1;
                drop |= formatting > MAX_OPEN_FORMATTING;
            }
        }
        if !closing {
            made += 1 + formatting.min(MAX_OPEN_FORMATTING);
        }
        let spent = made > budget;
        let mut end = end;
        let raw_text = !closing && is_raw_text(name);
        // The end of a raw text element: its content is skipped, or dropped with it.
        let raw_end = raw_text.then(|| {
            let mut close = Vec::with_capacity(name.len() + 2);
            close.extend_from_slice(b"</");
            close.extend_from_slice(name);
            find_ignore_case(bytes, end, &close).unwrap_or(bytes.len())
        });
        if spent {
            over_budget += 1;
            if let Some(raw_end) = raw_end {
                end = tag_end(bytes, raw_end.min(bytes.len()));
            }
        }
        if drop || spent {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..start]);
            copied = end;
        }
        i = end;
        if let (Some(raw_end), false) = (raw_end, spent) {
            // On to the matching end tag, whose '<' the loop then reads.
            i = raw_end;
        }
    }
    let text = match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    (text, over_budget)
}

/// The index just past the `>` that ends a tag whose name ends at `from`, skipping
/// quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|b| memchr::memchr3(b'>', b'"', b'\'', b))
    {
        let i = at + offset;
        match bytes[i] {
            b'>' => return i + 1,
            quote => match memchr::memchr(quote, &bytes[i + 1..]) {
                Some(close) => at = i + 1 + close + 1,
                None => return bytes.len(),
            },
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_pages_are_left_as_they_are() {
        let page = "<html><body><div class='a>b'><p>One<p>Two<br><img src=x></div><script>if (a<b) {}</script></body></html>";
        assert!(matches!(bounded(page), (Cow::Borrowed(_), 0)));
        let many_paragraphs = "<p>x".repeat(5000);
        assert!(matches!(bounded(&many_paragraphs), (Cow::Borrowed(_), 0)));
    }

    #[test]
    fn formatting_elements_left_open_past_the_cap_go() {
        let open: String = (0..MAX_OPEN_FORMATTING + 10)
            .map(|i| format!("<b id={i}>"))
            .collect();
        let page = format!("{open}<p>one<p>two");
        let (out, _) = bounded(&page);
        assert_eq!(out.matches("<b ").count(), MAX_OPEN_FORMATTING);
        assert!(out.ends_with("<p>one<p>two"));
        let closed = "<b>x</b>".repeat(MAX_OPEN_FORMATTING * 2);
        assert!(matches!(bounded(&closed), (Cow::Borrowed(_), 0)));
    }

    #[test]
    fn tags_past_the_cap_go_and_their_text_stays() {
        let depth = MAX_DEPTH + 10;
        let page = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let (out, _) = bounded(&page);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep text"));
    }

    #[test]
    fn past_the_element_budget_tags_go_and_text_stays_but_scripts_go_whole() {
        let cells = MAX_ELEMENTS + 1000;
        let page = format!(
            "<table>{}</table><script>var hidden = 1;</script><p>last words",
            "<td>cell".repeat(cells)
        );
        let (out, dropped) = bounded(&page);
        // The table's start tag and the cells within the budget stay.
        assert_eq!(out.matches("<td>").count(), MAX_ELEMENTS - 1);
        assert_eq!(out.matches("cell").count(), cells);
        assert!(!out.contains("hidden") && !out.contains("<p>"));
        assert!(out.ends_with("celllast words"));
        // The 1,001 cells past the budget, the table's end tag, the script, the `<p>`.
        assert_eq!(dropped, 1001 + 1 + 1 + 1);
    }

    #[test]
    fn a_big_page_buys_a_bigger_budget() {
        // 40 bytes a cell: the budget is the page's length over BYTES_PER_ELEMENT.
        let cell = "<td>a cell's text, long</td>";
        let cell = format!("{cell}{}", " ".repeat(BYTES_PER_ELEMENT - cell.len()));
        let cells = MAX_ELEMENTS * 2;
        let page = cell.repeat(cells);
        assert!(matches!(bounded(&page), (Cow::Borrowed(_), 0)));
        let dense = "<td>x".repeat(cells);
        assert!(bounded(&dense).1 > 0);
    }

    #[test]
    fn open_formatting_elements_spend_the_budget_as_the_parser_reopens_them() {
        let open: String = (0..MAX_OPEN_FORMATTING)
            .map(|i| format!("<b id={i}>"))
            .collect();
        let paragraphs = MAX_ELEMENTS / (MAX_OPEN_FORMATTING + 1) + 100;
        let page = format!("{open}{}", "<p>x".repeat(paragraphs));
        let (out, dropped) = bounded(&page);
        assert!(dropped > 100, "{dropped}");
        assert!(out.matches("<p>").count() < MAX_ELEMENTS / MAX_OPEN_FORMATTING);
        assert_eq!(out.matches('x').count(), paragraphs);
    }
}
