//! A parsed page as a flat list of text blocks: one per run of text between two block
//! boundaries (`<p>`, `<div>`, `<li>`, `<td>`, `<br>`, ...), each with what the DOM
//! says about it (its tag, how much of it is link text, which elements hold it), and
//! the elements that hold blocks, each with its parent and the range of its blocks.
//!
//! The walk is one iterative traversal of the tree (ego-tree's open/close edges):
//! nothing here recurses, so a page nested 100,000 deep costs time, not stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// What kind of element a block's text sits in, as far as the article is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Paragraph,
    Heading(u8),
    ListItem,
    Cell,
    Quote,
    Pre,
    Caption,
    /// Text directly in a `<div>`, `<section>`, `<td>` and the like.
    Other,
}

/// One block of text.
#[derive(Debug, Clone)]
pub struct Block {
    /// Whitespace collapsed; `<br>` kept as `\n`.
    pub text: String,
    /// Characters (not bytes) of the text, and of the part inside links.
    pub chars: usize,
    pub link_chars: usize,
    pub kind: Kind,
    /// The innermost element that holds this block.
    pub owner: usize,
}

/// An element that holds blocks (block-level, or the document itself).
#[derive(Debug, Clone)]
pub struct Element {
    pub tag: Tag,
    /// `None` for the root.
    pub parent: Option<usize>,
    /// What its class and id say: negative for share boxes, comments and the like,
    /// positive for article bodies.
    pub class_weight: i8,
    /// Chrome by its tag or state: `<nav>`, `<aside>`, `<footer>`, ..., hidden.
    pub chrome_tag: bool,
    /// Its blocks are `first_block..end_block`.
    pub first_block: usize,
    pub end_block: usize,
}

/// The few tags the extraction treats differently; the rest are `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Root,
    Body,
    Main,
    Article,
    Div,
    Section,
    P,
    Table,
    Other,
}

/// The page's blocks and the elements holding them.
#[derive(Debug, Default)]
pub struct Blocks {
    pub blocks: Vec<Block>,
    pub elements: Vec<Element>,
}

/// Elements whose content is never text a reader sees.
fn is_invisible(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "map"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "option"
            | "datalist"
            | "dialog"
    )
}

/// Elements that are site chrome by their tag, whatever they hold.
fn is_chrome_tag(tag: &str) -> bool {
    matches!(
        tag,
        "nav" | "aside" | "footer" | "header" | "menu" | "label"
    )
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "caption"
            | "legend"
    )
}

fn kind_of(tag: &str) -> Kind {
    match tag {
        "p" => Kind::Paragraph,
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "h4" => Kind::Heading(4),
        "h5" => Kind::Heading(5),
        "h6" => Kind::Heading(6),
        "li" | "dt" | "dd" => Kind::ListItem,
        "td" | "th" => Kind::Cell,
        "blockquote" => Kind::Quote,
        "pre" => Kind::Pre,
        "figcaption" | "caption" => Kind::Caption,
        _ => Kind::Other,
    }
}

fn tag_of(tag: &str) -> Tag {
    match tag {
        "body" => Tag::Body,
        "main" => Tag::Main,
        "article" => Tag::Article,
        "div" => Tag::Div,
        "section" => Tag::Section,
        "p" => Tag::P,
        "table" => Tag::Table,
        _ => Tag::Other,
    }
}

/// Words in class names and ids that mark chrome: boxes to share, comment on,
/// subscribe or read something else. Matched against whole words of a name split at
/// `-`, `_`, spaces and camel case, so `commentary` and `shareholders` are not chrome.
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adsense",
    "advert",
    "advertisement",
    "advertising",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "carousel",
    "caption",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "credit",
    "credits",
    "disqus",
    "dropdown",
    "footer",
    "gallery",
    "lightbox",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "outbrain",
    "pagination",
    "popular",
    "popup",
    "promo",
    "recirc",
    "recommend",
    "recommended",
    "recommendations",
    "related",
    "share",
    "sharing",
    "sidebar",
    "signup",
    "skip",
    "slideshow",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "taboola",
    "toolbar",
    "trending",
    "widget",
];

/// Endings that glue a second word onto a chrome word in names written as one:
/// `captionlink`, `sharebar`, `commentlist` (but not `shareholders`).
const CHROME_SUFFIXES: &[&str] = &[
    "s",
    "bar",
    "box",
    "btn",
    "button",
    "link",
    "links",
    "list",
    "tools",
    "wrap",
    "wrapper",
    "container",
    "area",
    "block",
    "module",
];

fn is_chrome_word(word: &str) -> bool {
    CHROME_WORDS.contains(&word)
        || CHROME_WORDS.iter().any(|chrome| {
            chrome.len() >= 4
                && word
                    .strip_prefix(chrome)
                    .is_some_and(|rest| CHROME_SUFFIXES.contains(&rest))
        })
}

/// Words that mark the article body.
const ARTICLE_WORDS: &[&str] = &[
    "article",
    "articlebody",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "prose",
    "story",
    "storybody",
    "text",
];

/// Class and id prefixes that name a topic, not a role: WordPress puts the article's
/// tags and categories on its element (`tag-social-media`, `category-comment`).
const TOPIC_PREFIXES: &[&str] = &["tag-", "category-", "categories-", "topic-", "section-"];

/// Scores an element's class and id: -1 for chrome words, +1 for article words.
fn class_weight(class: Option<&str>, id: Option<&str>) -> i8 {
    let mut chrome = false;
    let mut article = false;
    for name in class
        .into_iter()
        .chain(id)
        .flat_map(|v| v.split_ascii_whitespace())
    {
        let lower = name.to_ascii_lowercase();
        if TOPIC_PREFIXES.iter().any(|p| lower.starts_with(p)) {
            continue;
        }
        for word in words(name) {
            if is_chrome_word(&word) {
                chrome = true;
            } else if ARTICLE_WORDS.contains(&word.as_str()) {
                article = true;
            }
        }
    }
    if chrome {
        -1
    } else {
        i8::from(article)
    }
}

/// A class name or id cut into lower-case words at `-`, `_`, `:` and camel-case humps.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Hidden from readers: `hidden`, `aria-hidden="true"`, inline `display:none` or
/// `visibility:hidden`.
fn is_hidden(element: &scraper::node::Element) -> bool {
    if element.attr("hidden").is_some() {
        return true;
    }
    if element
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// The text being gathered for the next block.
#[derive(Default)]
struct Pending {
    text: String,
    chars: usize,
    link_chars: usize,
    /// A space is owed before the next word.
    space: bool,
}

impl Pending {
    fn push(&mut self, text: &str, in_link: bool, keep_spaces: bool) {
        for c in text.chars() {
            if keep_spaces && c == '\n' {
                self.text.push('\n');
                self.space = false;
                continue;
            }
            if c.is_whitespace() {
                self.space = !self.text.is_empty() && !self.text.ends_with('\n');
                continue;
            }
            if self.space {
                self.text.push(' ');
                self.chars += 1;
                self.space = false;
            }
            self.text.push(c);
            self.chars += 1;
            if in_link {
                self.link_chars += 1;
            }
        }
    }

    fn line_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.space = false;
    }
}

/// Walks the page once and returns its visible blocks.
pub fn collect(html: &Html) -> Blocks {
    let mut out = Blocks::default();
    out.elements.push(Element {
        tag: Tag::Root,
        parent: None,
        class_weight: 0,
        chrome_tag: false,
        first_block: 0,
        end_block: 0,
    });
    // The open block-level elements: (index in `out.elements`, kind of their text).
    let mut open: Vec<(usize, Kind)> = vec![(0, Kind::Other)];
    // Tree nodes that opened a block element, to close it at their Close edge.
    let mut opened_nodes: Vec<ego_tree::NodeId> = Vec::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut links = 0usize;
    let mut link_nodes: Vec<ego_tree::NodeId> = Vec::new();
    let mut pre = 0usize;
    let mut pre_nodes: Vec<ego_tree::NodeId> = Vec::new();
    let mut pending = Pending::default();

    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => pending.push(text, links > 0, pre > 0),
                    Node::Element(element) => {
                        let tag = element.name();
                        if is_invisible(tag) || is_hidden(element) {
                            skipping = Some(node.id());
                            continue;
                        }
                        match tag {
                            "br" => pending.line_break(),
                            "a" => {
                                links += 1;
                                link_nodes.push(node.id());
                            }
                            "img" => {}
                            _ => {}
                        }
                        if tag == "pre" {
                            pre += 1;
                            pre_nodes.push(node.id());
                        }
                        if is_block(tag) {
                            let (owner, kind) = *open.last().unwrap_or(&(0, Kind::Other));
                            flush(&mut out, &mut pending, owner, kind);
                            let index = out.elements.len();
                            out.elements.push(Element {
                                tag: tag_of(tag),
                                parent: Some(owner),
                                class_weight: class_weight(element.attr("class"), element.id()),
                                chrome_tag: is_chrome_tag(tag),
                                first_block: out.blocks.len(),
                                end_block: out.blocks.len(),
                            });
                            let kind = match kind_of(tag) {
                                // Inline text of a div inside a list item is still the item's.
                                Kind::Other => open.last().map_or(Kind::Other, |&(_, k)| {
                                    if matches!(k, Kind::ListItem | Kind::Cell | Kind::Quote) {
                                        k
                                    } else {
                                        Kind::Other
                                    }
                                }),
                                k => k,
                            };
                            open.push((index, kind));
                            opened_nodes.push(node.id());
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if link_nodes.last() == Some(&node.id()) {
                    link_nodes.pop();
                    links -= 1;
                }
                if pre_nodes.last() == Some(&node.id()) {
                    pre_nodes.pop();
                    pre -= 1;
                }
                if opened_nodes.last() == Some(&node.id()) {
                    opened_nodes.pop();
                    let (owner, kind) = open.pop().unwrap_or((0, Kind::Other));
                    flush(&mut out, &mut pending, owner, kind);
                    out.elements[owner].end_block = out.blocks.len();
                }
            }
        }
    }
    flush(&mut out, &mut pending, 0, Kind::Other);
    out.elements[0].end_block = out.blocks.len();
    out
}

/// Ends the pending block, if it holds any text, as a block of `owner`.
fn flush(out: &mut Blocks, pending: &mut Pending, owner: usize, kind: Kind) {
    let done = std::mem::take(pending);
    let text = done.text.trim_end_matches('\n');
    if text.trim().is_empty() {
        return;
    }
    out.blocks.push(Block {
        text: text.to_owned(),
        chars: done.chars,
        link_chars: done.link_chars,
        kind,
        owner,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<(String, Kind)> {
        let parsed = Html::parse_document(html);
        collect(&parsed)
            .blocks
            .into_iter()
            .map(|b| (b.text, b.kind))
            .collect()
    }

    #[test]
    fn block_boundaries_and_breaks_make_lines_and_inline_tags_do_not() {
        let found = blocks(
            "<body><h1>Floods  in <b>Osh</b></h1><p>First line<br>second &amp; last</p><ul><li>One</li><li><a href=x>Two</a></li></ul></body>",
        );
        assert_eq!(
            found,
            [
                ("Floods in Osh".to_owned(), Kind::Heading(1)),
                ("First line\nsecond & last".to_owned(), Kind::Paragraph),
                ("One".to_owned(), Kind::ListItem),
                ("Two".to_owned(), Kind::ListItem),
            ]
        );
    }

    #[test]
    fn invisible_and_hidden_elements_give_no_text() {
        let found = blocks(
            "<body><script>var x = 1;</script><style>p{}</style><p hidden>gone</p><p style='display: none'>gone</p><div aria-hidden=true>gone</div><template><p>gone</p></template><p>Kept</p></body>",
        );
        assert_eq!(found, [("Kept".to_owned(), Kind::Paragraph)]);
    }

    #[test]
    fn link_text_is_counted() {
        let parsed = Html::parse_document("<p>Read <a href=x>the full report</a> here</p>");
        let b = &collect(&parsed).blocks[0];
        assert_eq!((b.chars, b.link_chars), (25, 13));
    }

    #[test]
    fn class_words_split_at_dashes_and_camel_case() {
        assert_eq!(words("GlobalNav__dropdown"), ["global", "nav", "dropdown"]);
        assert_eq!(class_weight(Some("share-bar"), None), -1);
        assert_eq!(class_weight(Some("commentary-body"), None), 1);
        assert_eq!(class_weight(Some("post tag-social-media"), None), 1);
        assert_eq!(class_weight(None, Some("comments")), -1);
        assert_eq!(class_weight(Some("shareholders"), None), 0);
        assert_eq!(class_weight(Some("captionlink fade"), None), -1);
        assert_eq!(class_weight(Some("sharebar"), None), -1);
    }
}
