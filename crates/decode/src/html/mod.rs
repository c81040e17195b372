//! HTML pages: the article and the page's metadata from the DOM.
//!
//! The page is parsed by html5ever (through `scraper`), which repairs invalid markup
//! as browsers do, then walked once into text blocks ([`blocks`]); [`article`] picks
//! the blocks that are the article, [`meta`] reads what the page says about itself.
//! The text comes out as the text-dump path writes it: one paragraph per line, a blank
//! line between paragraphs.

pub mod article;
pub mod attributes;
pub mod blocks;
pub mod depth;
pub mod hostile;
pub mod meta;
pub mod prescan;
pub mod traps;

use std::borrow::Cow;

use scraper::Html;

use crate::html::blocks::Kind;
use newsprep_core::document::Metadata;

/// What a page gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The article, one paragraph per line, blank lines between.
    pub text: String,
    /// The visible blocks left out, in page order.
    pub removed: Vec<String>,
    /// Why each of `removed` was left out: [`RULE_PAGE_CHROME`] or [`RULE_HEADLINE`].
    pub removed_rules: Vec<&'static str>,
    pub meta: Metadata,
    /// Markup mended before parsing: elements closed ([`traps`]), attributes dropped
    /// ([`attributes`]) and tags dropped past the element budget ([`depth`]).
    pub markup_repairs: u64,
}

/// A block outside the article the DOM shows: menus, link lists, footers, asides.
pub const RULE_PAGE_CHROME: &str = "page_chrome";
/// The headline printed above the article, which is the `title` column instead.
pub const RULE_HEADLINE: &str = "headline";

/// The page as it is handed to the parser: unclosed elements that would swallow the
/// body closed, then attributes and nesting bounded so parsing takes time linear in its
/// size; with the number of repairs (closed elements, dropped attributes, and tags
/// dropped past the page's element budget; tags dropped for depth are not counted, as
/// before).
pub fn prepare(html: &str) -> (Cow<'_, str>, u64) {
    let (recovered, closed) = traps::recover(html);
    let (capped, dropped) = match attributes::capped(&recovered) {
        (Cow::Borrowed(_), 0) => (None, 0),
        (capped, dropped) => (Some(capped.into_owned()), dropped),
    };
    let text = match capped {
        Some(capped) => Cow::Owned(capped),
        None => recovered,
    };
    let (text, over_budget) = match depth::bounded(&text) {
        (Cow::Borrowed(_), n) => (text, n),
        (Cow::Owned(bounded), n) => (Cow::Owned(bounded), n),
    };
    (text, closed + dropped + over_budget)
}

/// Extracts the article and metadata of a decoded page.
pub fn extract(html: &str) -> Page {
    let (prepared, markup_repairs) = prepare(html);
    let parsed = Html::parse_document(&prepared);
    let page = blocks::collect(&parsed);
    let mut keep = article::choose(&page);

    let first_h1 = |only_kept: bool| {
        page.blocks
            .iter()
            .zip(&keep)
            .find(|(b, k)| b.kind == Kind::Heading(1) && (**k || !only_kept))
            .map(|(b, _)| b.text.clone())
    };
    let h1 = first_h1(true).or_else(|| first_h1(false));
    let meta = meta::read(&parsed, h1.as_deref());

    // The headline is metadata, not article text.
    let headline = |text: &str| {
        let text = fold(text);
        [meta.title.as_deref(), h1.as_deref()]
            .into_iter()
            .flatten()
            .any(|t| fold(t) == text)
    };
    let mut headlines = vec![false; keep.len()];
    for ((block, kept), is_headline) in page.blocks.iter().zip(keep.iter_mut()).zip(&mut headlines)
    {
        if *kept && matches!(block.kind, Kind::Heading(_)) && headline(&block.text) {
            *kept = false;
            *is_headline = true;
        }
    }

    let mut text = String::new();
    let mut removed = Vec::new();
    let mut removed_rules = Vec::new();
    for ((block, kept), is_headline) in page.blocks.into_iter().zip(keep).zip(headlines) {
        if kept {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&block.text);
        } else {
            removed.push(block.text);
            removed_rules.push(if is_headline {
                RULE_HEADLINE
            } else {
                RULE_PAGE_CHROME
            });
        }
    }
    Page {
        text,
        removed,
        removed_rules,
        meta,
        markup_repairs,
    }
}

fn fold(text: &str) -> String {
    meta::collapse(text).to_lowercase()
}

/// Whether bytes start like an HTML page: `<!doctype html` or `<html`, after an
/// optional byte-order mark and whitespace.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .or_else(|| bytes.strip_prefix(b"\xFF\xFE"))
        .or_else(|| bytes.strip_prefix(b"\xFE\xFF"))
        .unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 14)];
    let starts = |prefix: &[u8]| {
        head.len() >= prefix.len() && head[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    starts(b"<!doctype html")
        || (starts(b"<html") && head.get(5).is_none_or(|b| !b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_sniffed_only_at_the_start() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\xEF\xBB\xBF\n  <html lang=en>"));
        assert!(looks_like_html(b"<html>"));
        assert!(!looks_like_html(b"<htmlish>"));
        assert!(!looks_like_html(b"News of the day <html> in text"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn a_page_nested_100000_deep_gives_its_text_without_recursing() {
        let depth = 100_000;
        let page = format!(
            "<body>{}<p>Deep text at the bottom of a very deep page.</p>{}</body>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        assert_eq!(
            extract(&page).text,
            "Deep text at the bottom of a very deep page."
        );
    }

    #[test]
    fn the_headline_becomes_the_title_not_a_line_of_the_text() {
        let page = "<html><head><title>Budget passes | The Paper</title></head><body><article>\
            <h1>Budget passes</h1><p>The council approved the budget on Tuesday, after a long debate that lasted into the night.</p>\
            <h2>What changes</h2><p>Councillors said the plan would add teachers in the villages, where classes are crowded.</p>\
            </article></body></html>";
        let out = extract(page);
        assert_eq!(out.meta.title.as_deref(), Some("Budget passes"));
        assert_eq!(
            out.text,
            "The council approved the budget on Tuesday, after a long debate that lasted into the night.\n\nWhat changes\n\nCouncillors said the plan would add teachers in the villages, where classes are crowded."
        );
        let at = out
            .removed
            .iter()
            .position(|b| b == "Budget passes")
            .unwrap();
        assert_eq!(out.removed_rules[at], RULE_HEADLINE);
        assert_eq!(out.removed.len(), out.removed_rules.len());
    }
}
