//! Which blocks of a page are the article. The approach of readability (Arc90, then
//! Mozilla), on the flat blocks of [`crate::html::blocks`]:
//!
//! 1. Chrome is marked first: elements that are chrome by tag (`<nav>`, `<aside>`,
//!    `<footer>`, ...) or by class and id words (share, related, comments, ...), and
//!    everything inside them. One guard: an element holding more than half of the
//!    page's prose is never chrome, whatever its class says (`<body class="has-sidebar">`).
//! 2. Every prose block outside chrome scores its container: one point, one per comma,
//!    one per hundred characters up to three; its container gets the score, the one
//!    above half, the next a third. A container's score is then discounted by its
//!    link density and raised when its class says article body.
//! 3. The best container is the article, with those of its siblings that score at least
//!    a fifth as well, or are prose paragraphs themselves (articles split into several
//!    containers by ads and images).
//! 4. Of the blocks inside, chrome and link lists are dropped.
//! 5. The article grows over prose next to it in page order (see [`grow`]).
//! 6. When all this keeps less than two sentences' worth, the longest run of
//!    consecutive prose paragraphs is the article (see [`longest_prose_run`]): a page
//!    holding one is never judged all chrome.
//!
//! Teasers, summaries cut short with an ellipsis, never count as prose.

use crate::html::blocks::{Block, Blocks, Kind, Tag};

/// Characters of non-link text from which a block counts as prose for scoring.
const MIN_PROSE_CHARS: usize = 25;
/// Share of the page's prose above which an element is never chrome.
const CHROME_GUARD_SHARE: f64 = 0.5;
/// Share of the best score from which a sibling container joins the article.
const SIBLING_SHARE: f64 = 0.2;
/// Link text share above which a block is a link list, not article text.
const MAX_LINK_DENSITY: f64 = 0.5;

/// For every block of `page`, whether it is article text.
pub fn choose(page: &Blocks) -> Vec<bool> {
    let blocks = &page.blocks;
    let elements = &page.elements;
    let prose: Vec<usize> = blocks.iter().map(prose_chars).collect();
    let mut prefix = Vec::with_capacity(blocks.len() + 1);
    prefix.push(0usize);
    for p in &prose {
        prefix.push(prefix.last().copied().unwrap_or(0) + p);
    }
    let total = prefix.last().copied().unwrap_or(0).max(1);
    let prose_in = |e: usize| prefix[elements[e].end_block] - prefix[elements[e].first_block];

    // 1. Chrome, inherited downwards; parents come before their children.
    let mut chrome = vec![false; elements.len()];
    for (e, element) in elements.iter().enumerate() {
        let inherited = element.parent.is_some_and(|p| chrome[p]);
        let marked = (element.chrome_tag || element.class_weight < 0)
            && !matches!(element.tag, Tag::Body | Tag::Root | Tag::Main)
            && (prose_in(e) as f64) < CHROME_GUARD_SHARE * total as f64;
        chrome[e] = inherited || marked;
    }
    let block_chrome: Vec<bool> = blocks.iter().map(|b| chrome[b.owner]).collect();

    // 2. Scores of containers.
    let mut score = vec![0f64; elements.len()];
    for (b, block) in blocks.iter().enumerate() {
        if block_chrome[b] || prose[b] < MIN_PROSE_CHARS || is_teaser(&block.text) {
            continue;
        }
        let points = 1.0
            + block.text.matches([',', '，', '、']).count() as f64
            + (block.chars as f64 / 100.0).min(3.0);
        let first = match elements[block.owner].tag {
            Tag::P => elements[block.owner].parent,
            _ if matches!(
                block.kind,
                Kind::Heading(_) | Kind::ListItem | Kind::Caption
            ) =>
            {
                elements[block.owner].parent
            }
            _ => Some(block.owner),
        };
        let mut at = first;
        for share in [1.0, 0.5, 1.0 / 3.0] {
            let Some(e) = at else { break };
            score[e] += points * share;
            at = elements[e].parent;
        }
    }
    let mut best: Option<(usize, f64)> = None;
    for (e, element) in elements.iter().enumerate() {
        if score[e] <= 0.0 || chrome[e] {
            continue;
        }
        let (chars, links) = chars_in(blocks, element.first_block, element.end_block);
        let density = links as f64 / chars.max(1) as f64;
        let boost = if element.class_weight > 0 || element.tag == Tag::Article {
            1.25
        } else {
            1.0
        };
        score[e] *= (1.0 - density) * boost;
        if best.is_none_or(|(_, s)| score[e] > s) {
            best = Some((e, score[e]));
        }
    }

    // 3. The article's containers: the best one, and the siblings that score well.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    match best {
        Some((top, top_score)) => {
            let parent = elements[top].parent;
            let threshold = (top_score * SIBLING_SHARE).max(10.0);
            for (e, element) in elements.iter().enumerate() {
                if element.parent != parent || parent.is_none() && e != top {
                    continue;
                }
                let joins = e == top
                    || (!chrome[e] && score[e] >= threshold)
                    || (!chrome[e] && element.tag == Tag::P && {
                        let (chars, links) =
                            chars_in(blocks, element.first_block, element.end_block);
                        chars > 80 && (links as f64) < 0.25 * chars as f64
                    });
                if joins {
                    ranges.push((element.first_block, element.end_block));
                }
            }
            // Prose written straight into the parent, between the sibling containers.
            if let Some(p) = parent {
                for (b, block) in blocks.iter().enumerate() {
                    if block.owner == p && prose[b] > 80 && !block_chrome[b] {
                        ranges.push((b, b + 1));
                    }
                }
            }
        }
        None => return safety_net(blocks, &prose, vec![false; blocks.len()]),
    }

    // 4. What is kept of them.
    let mut keep = vec![false; blocks.len()];
    for (start, end) in ranges {
        for b in start..end {
            let block = &blocks[b];
            let density = block.link_chars as f64 / block.chars.max(1) as f64;
            keep[b] = !block_chrome[b] && density <= MAX_LINK_DENSITY;
        }
    }
    grow(blocks, &block_chrome, &mut keep);
    drop_repeats(blocks, &mut keep);
    safety_net(blocks, &prose, keep)
}

/// `keep`, or the longest run of prose when `keep` holds less than
/// [`MIN_ARTICLE_PROSE`] characters of it.
fn safety_net(blocks: &[Block], prose: &[usize], keep: Vec<bool>) -> Vec<bool> {
    let kept: usize = (0..blocks.len())
        .filter(|&b| keep[b])
        .map(|b| prose[b])
        .sum();
    if kept >= MIN_ARTICLE_PROSE {
        return keep;
    }
    match longest_prose_run(blocks) {
        Some(mut run) => {
            drop_repeats(blocks, &mut run);
            run
        }
        None => keep,
    }
}

/// Prose characters below which what the steps above kept is no article (fewer than
/// two sentences), and a run of prose, if the page has one, is taken instead.
const MIN_ARTICLE_PROSE: usize = 200;
/// Prose blocks a run must hold: one paragraph of full sentences is a teaser, a
/// comment, a disclaimer; several in a row, with few links, is what an article is and
/// chrome is not.
const MIN_RUN_BLOCKS: usize = 3;
/// Characters outside links from which a block counts in a run: a sentence of a dozen
/// words, as news paragraphs of one sentence are.
const RUN_MIN_CHARS: usize = 80;

/// Step 6, the safety net: when the steps above find no article (chrome marks by class
/// words, or a container score, misled by a layout they do not know), the longest run
/// of prose in page order is the article, whatever the elements around it say. A run is
/// [`MIN_RUN_BLOCKS`] or more blocks of full sentences (at least
/// [`RUN_MIN_CHARS`] characters outside links, under a fifth of them link text,
/// ending as a sentence ends, no teaser, its text not repeated on the page), with at
/// most [`MAX_GAP_BLOCKS`] other blocks between two of them and no link among those (a
/// teaser rail alternates links and summaries); the gap blocks come along. Menus, link
/// lists, teaser rails and footers have no such run.
fn longest_prose_run(blocks: &[Block]) -> Option<Vec<bool>> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for block in blocks {
        *seen.entry(block.text.as_str()).or_default() += 1;
    }
    let is_prose = |block: &Block| {
        prose_chars(block) >= RUN_MIN_CHARS
            && (block.link_chars as f64) < 0.2 * block.chars as f64
            && ends_sentence(&block.text)
            && !is_teaser(&block.text)
            && seen[block.text.as_str()] == 1
    };
    let is_link = |block: &Block| block.link_chars as f64 > MAX_LINK_DENSITY * block.chars as f64;
    // (first block, last prose block, prose blocks, prose characters) of each run.
    let mut best: Option<(usize, usize, usize, usize)> = None;
    let mut current: Option<(usize, usize, usize, usize)> = None;
    let mut close = |run: Option<(usize, usize, usize, usize)>| {
        if let Some(run) = run.filter(|r| r.2 >= MIN_RUN_BLOCKS) {
            if best.is_none_or(|b| run.3 > b.3) {
                best = Some(run);
            }
        }
    };
    for (b, block) in blocks.iter().enumerate() {
        if is_link(block) {
            // A teaser rail alternates links and summaries; an article's paragraphs
            // follow one another.
            close(current.take());
        } else if is_prose(block) {
            let chars = prose_chars(block);
            current = match current {
                Some((first, last, n, c)) if b - last <= MAX_GAP_BLOCKS + 1 => {
                    Some((first, b, n + 1, c + chars))
                }
                run => {
                    close(run);
                    Some((b, b, 1, chars))
                }
            };
        }
    }
    close(current);
    let (first, last, _, _) = best?;
    let keep = (0..blocks.len())
        .map(|b| {
            let block = &blocks[b];
            (first..=last).contains(&b)
                && (block.link_chars as f64) <= MAX_LINK_DENSITY * block.chars as f64
        })
        .collect();
    Some(keep)
}

/// An article does not repeat its paragraphs: a block whose text occurs twice on the
/// page (a caption under a thumbnail and again under the photo, a teaser headline
/// printed in two lists) is chrome.
fn drop_repeats(blocks: &[Block], keep: &mut [bool]) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for block in blocks {
        *seen.entry(block.text.as_str()).or_default() += 1;
    }
    for (block, kept) in blocks.iter().zip(keep.iter_mut()) {
        if *kept && seen[block.text.as_str()] > 1 && block.text.split_whitespace().count() >= 3 {
            *kept = false;
        }
    }
}

/// Blocks of chrome or short lines between two stretches of article prose that the
/// article may span (an ad slot, an image credit, a subheading).
const MAX_GAP_BLOCKS: usize = 3;
/// Characters from which a block outside the chosen containers is article prose.
const GROWTH_MIN_CHARS: usize = 100;

/// Step 5: articles split into containers that are not siblings (a body cut by ad slots
/// and newsletter boxes at different depths) lose their other parts to step 3. The
/// kept span grows over neighbouring prose blocks, in page order, as long as no more
/// than [`MAX_GAP_BLOCKS`] other blocks stand between two of them; the short
/// non-chrome blocks it crosses (subheadings) come along.
fn grow(blocks: &[Block], chrome: &[bool], keep: &mut [bool]) {
    let Some(first) = keep.iter().position(|&k| k) else {
        return;
    };
    let last = keep.iter().rposition(|&k| k).unwrap_or(first);
    let is_prose = |b: usize| {
        let block = &blocks[b];
        !chrome[b]
            && prose_chars(block) >= GROWTH_MIN_CHARS
            && (block.link_chars as f64) < 0.2 * block.chars as f64
            && ends_sentence(&block.text)
            && !is_teaser(&block.text)
    };
    let mut take = |range: &mut dyn Iterator<Item = usize>| {
        let mut gap: Vec<usize> = Vec::new();
        for b in range {
            if is_prose(b) {
                for &g in &gap {
                    let block = &blocks[g];
                    keep[g] = !chrome[g]
                        && (block.link_chars as f64) <= MAX_LINK_DENSITY * block.chars as f64;
                }
                gap.clear();
                keep[b] = true;
            } else {
                gap.push(b);
                if gap.len() > MAX_GAP_BLOCKS {
                    break;
                }
            }
        }
    };
    take(&mut (0..first).rev());
    take(&mut (last + 1..blocks.len()));
}

/// Ends as a sentence does: a full stop, question or exclamation mark, or a closing
/// quote after one.
fn ends_sentence(text: &str) -> bool {
    let end = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', ' ']);
    end.ends_with(['.', '!', '?', '。', '！', '？', ':']) && !is_teaser(text)
}

/// A summary cut short to tease another story: it ends in an ellipsis.
fn is_teaser(text: &str) -> bool {
    let end = text.trim_end();
    end.ends_with("...") || end.ends_with('…') || end.ends_with("[…]") || end.ends_with("[...]")
}

/// Characters of a block outside links, when it reads as prose; 0 for headings.
fn prose_chars(block: &Block) -> usize {
    if matches!(block.kind, Kind::Heading(_)) {
        return 0;
    }
    block.chars.saturating_sub(block.link_chars)
}

/// Characters and link characters of blocks `start..end`.
fn chars_in(blocks: &[Block], start: usize, end: usize) -> (usize, usize) {
    blocks[start..end]
        .iter()
        .fold((0, 0), |(c, l), b| (c + b.chars, l + b.link_chars))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn article(html: &str) -> Vec<String> {
        let parsed = Html::parse_document(html);
        let page = crate::html::blocks::collect(&parsed);
        let keep = choose(&page);
        page.blocks
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(b, _)| b.text)
            .collect()
    }

    const P1: &str = "The council approved the budget on Tuesday, after a long debate that lasted well into the night.";
    const P2: &str = "Councillors said the plan would add teachers in the villages, where classes are crowded, and buses.";

    #[test]
    fn the_article_container_wins_over_menus_and_link_lists() {
        let page = format!(
            "<body><nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></nav>\
             <div class=main><article><h1>Budget</h1><p>{P1}</p><p>{P2}</p>\
             <div class=share-tools><p>Share this story with your friends, on every network you use.</p></div></article>\
             <aside><p>Most read stories of the week, every one of them chosen by our editors.</p></aside></div>\
             <footer><p>Copyright 2024 The Paper. All rights reserved, everywhere, for ever.</p></footer></body>"
        );
        assert_eq!(article(&page), ["Budget", P1, P2]);
    }

    #[test]
    fn an_article_laid_out_in_a_table_is_kept() {
        let page = format!(
            "<body><table><tr><td><a href=/>Home</a> <a href=/a>About</a></td></tr>\
             <tr><td><p>{P1}</p><p>{P2}</p></td></tr></table></body>"
        );
        assert_eq!(article(&page), [P1, P2]);
    }

    #[test]
    fn a_body_class_naming_a_sidebar_does_not_hide_the_page() {
        let page = format!(
            "<body class='has-sidebar comments-open'><div><p>{P1}</p><p>{P2}</p></div></body>"
        );
        assert_eq!(article(&page), [P1, P2]);
    }

    /// A financial news page had all its blocks judged chrome, its twelve paragraphs of
    /// full sentences included (`no_article`): the article sat in an element whose
    /// class words say chrome, beside a rail of teasers holding more prose than it.
    #[test]
    fn a_run_of_prose_is_never_all_chrome() {
        let rail = |name: &str| -> String {
            (0..6)
                .map(|i| format!("<li><a href=/{name}{i}>Story {i} of the {name} desk</a><p>The {name} desk's report number {i}, with the figures of the day and what the traders said.</p></li>"))
                .collect()
        };
        let paragraphs = [P1, P2, "Markets fell for a third day, as investors weighed the rate decision and the earnings of the banks."];
        let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
        let page = format!(
            "<body><div class='sidebar-module widget'><div class=txt>{body}</div></div>\
             <div class='related-stories'><ul>{}</ul></div><div class=promo><ul>{}</ul></div></body>",
            rail("markets"),
            rail("business")
        );
        assert_eq!(article(&page), paragraphs);
    }

    #[test]
    fn a_page_of_scripts_has_no_article() {
        assert!(article("<body><script>document.write('x')</script></body>").is_empty());
    }
}
