//! One line of a page and the features it is judged by: its length, its share of stop
//! words, whether it ends a sentence, and the shapes of site chrome (menus, link
//! lists, bullets, captions, form controls, copyright lines).
//!
//! A line is the unit because text dumps put one paragraph on one line; blank lines
//! group lines into blocks. Input with more structure (HTML) can fill the same
//! features, plus its own (`link_density`), from its elements.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::stopwords::Stoplist;

/// A non-blank line with its features.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub text: &'a str,
    /// Position among the document's non-blank lines.
    pub index: usize,
    /// A blank line (or the start of the text) comes right before it.
    pub starts_block: bool,
    /// Words, counting two CJK characters as one word since those scripts use no spaces.
    pub words: usize,
    /// Share of the line's words found in the document language's stop-word list;
    /// `None` when no list fits the document.
    pub stop_density: Option<f64>,
    /// Ends with sentence punctuation, possibly followed by closing quotes or brackets.
    pub sentence_end: bool,
    /// Starts with a list bullet, as text browsers render `<li>`.
    pub bullet: bool,
    /// Starts with a lower-case letter: a fragment, never the start of a paragraph.
    pub starts_lower: bool,
    /// Share of capitalised words among the words that start with a letter, short
    /// function words left out.
    pub title_case: f64,
    /// Looks like site chrome whatever its neighbours: menus, form controls, captions'
    /// credits, copyright lines, known chrome phrases.
    pub chrome_shape: bool,
    /// Opens the comments section ("34 responses to ...", "Comments", "Jo says:").
    pub opens_comments: bool,
    /// A heading that opens related stories, most-read lists, share or tag boxes.
    pub separator: bool,
    /// Structural evidence from richer input, e.g. the share of the text inside links.
    /// Text dumps do not know it.
    pub link_density: Option<f64>,
}

/// Splits a text into its non-blank lines and computes their features.
pub fn lines<'a>(
    text: &'a str,
    stoplist: Option<Stoplist<'_>>,
    chrome_max_words: usize,
) -> Vec<Line<'a>> {
    let masks: Vec<u32> = match stoplist {
        Some(list) => list.masks(text),
        None => Vec::new(),
    };
    lines_with(text, stoplist, &masks, chrome_max_words)
}

/// [`lines`] with each token's stop-word languages already looked up, in text order
/// (see [`crate::stopwords::Stoplists::masks`]); may be empty without a stop list.
pub fn lines_with<'a>(
    text: &'a str,
    stoplist: Option<Stoplist<'_>>,
    masks: &[u32],
    chrome_max_words: usize,
) -> Vec<Line<'a>> {
    let mut masks = masks.iter().copied();
    let mut out = Vec::new();
    let mut after_blank = true;
    for raw in text.split('\n') {
        let line = raw.trim();
        if line.is_empty() {
            after_blank = true;
            continue;
        }
        let tokens = TokenStats::of(line, stoplist, &mut masks);
        let words = tokens.words;
        let mut l = Line {
            text: line,
            index: out.len(),
            starts_block: after_blank,
            words,
            stop_density: stoplist.map(|_| tokens.stop_words as f64 / tokens.tokens.max(1) as f64),
            sentence_end: ends_sentence(line),
            bullet: is_bullet(line),
            starts_lower: line.chars().next().is_some_and(char::is_lowercase),
            title_case: if tokens.letter_words == 0 {
                0.0
            } else {
                tokens.capitalised as f64 / tokens.letter_words as f64
            },
            chrome_shape: false,
            opens_comments: false,
            separator: false,
            link_density: None,
        };
        l.chrome_shape = looks_like_chrome(&l, chrome_max_words);
        if words <= 12 {
            let lower = line.to_lowercase();
            let heading = heading_key(&lower);
            l.opens_comments = opens_comments(line, &lower, heading);
            l.separator = SEPARATOR_HEADINGS.contains(&heading);
            l.chrome_shape |= l.opens_comments || l.separator;
        }
        out.push(l);
        after_blank = false;
    }
    out
}

/// What one pass over a line's whitespace-separated tokens finds.
#[derive(Default)]
struct TokenStats {
    tokens: usize,
    /// Tokens, with CJK runs counted at two characters a word.
    words: usize,
    stop_words: usize,
    /// Words starting with a letter, lower-case function words left out.
    letter_words: usize,
    capitalised: usize,
}

impl TokenStats {
    fn of(
        line: &str,
        stoplist: Option<Stoplist<'_>>,
        masks: &mut impl Iterator<Item = u32>,
    ) -> TokenStats {
        let mut stats = TokenStats::default();
        for token in line.split_whitespace() {
            stats.tokens += 1;
            stats.words += token_words(token);
            let mask = masks.next().unwrap_or(0);
            if stoplist.is_some_and(|list| list.holds(mask)) {
                stats.stop_words += 1;
            }
            let Some(first) = token.chars().find(|c| c.is_alphanumeric()) else {
                continue;
            };
            // Function words stay lower-case in titles; a capitalised one counts.
            if !first.is_alphabetic() || (first.is_lowercase() && is_function_word(token)) {
                continue;
            }
            stats.letter_words += 1;
            if first.is_uppercase() {
                stats.capitalised += 1;
            }
        }
        stats
    }
}

/// Words by whitespace, with runs of CJK characters counted at two characters a word.
pub fn count_words(line: &str) -> usize {
    line.split_whitespace().map(token_words).sum()
}

fn token_words(token: &str) -> usize {
    if token.is_ascii() {
        return 1;
    }
    let cjk = token.chars().filter(|&c| is_cjk(c)).count();
    if cjk == 0 {
        1
    } else {
        cjk.div_ceil(2)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF) // compatibility ideographs
}

/// Ends with `.`, `!`, `?`, `…` or their CJK forms, before any closing quotes and brackets.
pub fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*', ' ']);
    trimmed.ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// Text browsers render list items with `*`, `+`, `o` or `#` by depth; `•` and `-`
/// come from other converters.
fn is_bullet(line: &str) -> bool {
    let mut chars = line.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some('*' | '+' | '#' | '•' | '·' | '-' | '–'),
            Some(' ') | None
        ) | (Some('o'), Some(' '))
    )
}

/// A match rather than a list scan: it runs for every lower-case token of a page.
fn is_function_word(token: &str) -> bool {
    matches!(
        token,
        "a" | "an"
            | "and"
            | "as"
            | "at"
            | "by"
            | "for"
            | "from"
            | "in"
            | "of"
            | "on"
            | "or"
            | "the"
            | "to"
            | "with"
            | "de"
            | "la"
            | "le"
            | "el"
            | "y"
            | "und"
            | "der"
            | "die"
            | "das"
    )
}

/// A heading reduced to its words: lower case, without a leading count, trailing
/// punctuation or a count in brackets ("34 Comments", "Related:", "Comments (12)").
fn heading_key(lower: &str) -> &str {
    lower
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ')
        .trim_end_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, ' ' | ':' | '.' | '(' | ')' | '[' | ']' | '»' | '›')
        })
}

/// `lower` is `line` in lower case, and `heading` its [`heading_key`].
fn opens_comments(line: &str, lower: &str, heading: &str) -> bool {
    if COMMENT_HEADINGS.contains(&heading) {
        return true;
    }
    // "34 responses to “Title”", "12 comments on Title"
    let starts_count = line.starts_with(|c: char| c.is_ascii_digit());
    if starts_count
        && [
            "responses to",
            "comments on",
            "comments to",
            "replies to",
            "thoughts on",
        ]
        .iter()
        .any(|p| heading.starts_with(p))
    {
        return true;
    }
    // A commenter's byline: "thelastchargersfan says:", "Alex on September 17 said:".
    lower.ends_with(" says:") || lower.ends_with(" said:") || lower.ends_with(" wrote:")
}

/// Markers text browsers leave for form controls, images and frames.
const RENDERING_MARKERS: &[&str] = &[
    "(BUTTON)",
    "[IMG]",
    "[INLINE]",
    "[EMBED]",
    "IFRAME:",
    "[LINK]",
    "____",
    "(RADIO)",
    "(CHECKBOX)",
    "[p?",
    "[an error occurred while processing",
];

/// Phrases of site chrome. Matched only on short lines that do not end a sentence, so
/// an article sentence that happens to contain one ("declined to comment") is safe.
const CHROME_PHRASES: &[&str] = &[
    "advertisement",
    "all rights reserved",
    "back to top",
    "click here",
    "comments",
    "cookie",
    "copyright",
    "follow us",
    "image caption",
    "image copyright",
    "image credit",
    "last updated",
    "log in",
    "media caption",
    "more in:",
    "most popular",
    "most read",
    "newsletter",
    "photo:",
    "photograph:",
    "privacy policy",
    "read more",
    "related",
    "share this",
    "sign in",
    "sign up",
    "skip to",
    "subscribe",
    "terms of service",
    "terms of use",
    "trending",
    "you may also like",
    "watch:",
    "getty images",
];

/// Phrases that mark a line as chrome even when it reads as a sentence.
const CHROME_SENTENCES: &[&str] = &[
    "is not responsible for the content of external",
    "all rights reserved",
    "this material may not be published, broadcast, rewritten",
    "uses cookies",
    "use cookies",
    "cookie policy",
    "click here",
    "registered trademark",
    "customer service",
    "terms and conditions",
    "have not been evaluated by the food and drug",
    "sign up for our",
    "subscribe to our",
    "enable javascript",
    "your browser does not support",
];

/// Headings that open the comments under an article; nothing after one is article.
const COMMENT_HEADINGS: &[&str] = &[
    "comments",
    "comment",
    "responses",
    "replies",
    "reactions",
    "discussion",
    "conversation",
    "comments are closed",
    "leave a reply",
    "leave a comment",
    "add a comment",
    "post a comment",
    "join the conversation",
    "join the discussion",
    "top rated comments",
    "most recent comments",
    "reader comments",
    "show comments",
    "view comments",
    "load comments",
    "commentaires",
    "kommentare",
    "comentarios",
    "comentários",
    "commenti",
];

/// Headings that open other content: related stories, lists of the most read, sharing
/// and tag boxes. They separate the article from what follows more firmly than an
/// ordinary chrome line.
const SEPARATOR_HEADINGS: &[&str] = &[
    "related",
    "related stories",
    "related articles",
    "related coverage",
    "related posts",
    "related content",
    "related news",
    "more stories",
    "more news",
    "more from",
    "most read",
    "most popular",
    "most viewed",
    "trending",
    "trending now",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "read more",
    "read next",
    "further reading",
    "see also",
    "share this",
    "share",
    "tags",
    "topics",
    "sponsored",
    "sponsored content",
    "around the web",
    "popular",
    "latest",
    "latest news",
    "top stories",
    "editor's picks",
    "what to read next",
];

/// The phrase lists as automata: one pass over a line finds any of them, whatever
/// the case of its ASCII letters.
static RENDERING_MARKER_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(RENDERING_MARKERS).expect("valid patterns"));
static CHROME_SENTENCE_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_matcher(CHROME_SENTENCES));
static CHROME_PHRASE_MATCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| phrase_matcher(CHROME_PHRASES));

fn phrase_matcher(phrases: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(phrases)
        .expect("the phrase lists are valid patterns")
}

fn looks_like_chrome(line: &Line<'_>, chrome_max_words: usize) -> bool {
    let text = line.text;
    if RENDERING_MARKER_MATCHER.is_match(text) || text.starts_with('©') {
        return true;
    }
    if CHROME_SENTENCE_MATCHER.is_match(text) {
        return true;
    }
    if line.sentence_end || line.words > chrome_max_words * 2 {
        return false;
    }
    // Menus and breadcrumbs: items between separators.
    if text.contains('|') || text.contains(" » ") || text.contains(" › ") || text.contains(" / ")
    {
        return true;
    }
    if line.words <= chrome_max_words && CHROME_PHRASE_MATCHER.is_match(text) {
        return true;
    }
    // A caption ending in a bracketed credit: "... amid deadly clashes [AFP]".
    if let Some(credit) = text
        .strip_suffix(']')
        .and_then(|t| t.rsplit_once('['))
        .map(|(_, c)| c)
    {
        if credit.split_whitespace().count() <= 3
            && credit.chars().next().is_some_and(char::is_uppercase)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line<'_> {
        lines(text, None, 12).remove(0)
    }

    #[test]
    fn sentence_end_looks_past_closing_quotes() {
        assert!(ends_sentence("he said \"this is clear.\""));
        assert!(ends_sentence("“We beg for someone to get us out of here.”"));
        assert!(ends_sentence("Is it?"));
        assert!(ends_sentence("難民は国境を越えている。"));
        assert!(!ends_sentence("Kyrgyz protests hit second city"));
        assert!(!ends_sentence("He said:"));
    }

    #[test]
    fn words_count_cjk_by_pairs_of_characters() {
        assert_eq!(count_words("Osh and Jalal-Abad"), 3);
        assert_eq!(count_words("東京都の人口"), 3);
    }

    #[test]
    fn blocks_and_bullets() {
        let all = lines(
            "* Channels\n+ GamesBeat\n\nBody text here.\no item",
            None,
            12,
        );
        assert_eq!(all.len(), 4);
        assert!(all[0].bullet && all[1].bullet && all[3].bullet);
        assert!(!all[2].bullet);
        assert!(all[0].starts_block && !all[1].starts_block && all[2].starts_block);
    }

    #[test]
    fn chrome_shapes() {
        for chrome in [
            "News Front Page | Africa | Americas | Asia-Pacific | Europe",
            "21 Mar 05 | Asia-Pacific",
            "More In: International | News",
            "The BBC is not responsible for the content of external internet sites",
            "____________________ (BUTTON) Search Icon",
            "Tensions have been high in Kyrgyzstan since the president was ousted [AFP]",
            "Image Credit: WeWork",
            "[an error occurred while processing this directive]",
            "© 2019 Reuters",
        ] {
            assert!(line(chrome).chrome_shape, "{chrome}");
        }
        for article in [
            "Police said four officers were killed in the protests.",
            "Call for talks",
            "A spokesperson for the NYAG declined to comment.",
            "\"So we don't know how long the flow of refugees at this point [will go on for].\"",
        ] {
            assert!(!line(article).chrome_shape, "{article}");
        }
    }

    #[test]
    fn title_case_skips_function_words() {
        assert_eq!(
            line("Americas Africa Europe Middle East South Asia").title_case,
            1.0
        );
        assert_eq!(line("Country profile: Kyrgyzstan").title_case, 2.0 / 3.0);
    }
}
