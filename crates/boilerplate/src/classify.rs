//! Deciding which lines are the article, in four steps:
//! 1. each line alone: chrome, article text, or undecided (short or near-good), in the
//!    spirit of jusText;
//! 2. undecided lines take the class of their neighbours, but a long run of short
//!    lines is a link list whatever surrounds it;
//! 3. the dense core: the stretch of lines where article words most outweigh chrome
//!    words; article-like lines outside it (comments, teasers, related stories) go;
//! 4. inside the core, chrome lines still go.

use crate::lines::Line;

/// What a line is taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Site chrome.
    Bad,
    /// Too short to tell by itself.
    Short,
    /// Prose-like but not enough to stand alone.
    NearGood,
    /// Article text.
    Good,
}

/// The thresholds, from `[boilerplate]`.
#[derive(Debug, Clone)]
pub struct Thresholds {
    pub good_min_words: usize,
    pub stopword_density: f64,
    pub chrome_max_words: usize,
    pub max_short_run: usize,
    pub gap_weight: f64,
    pub short_gap_weight: f64,
}

/// Article words that must come before a comments heading for it to end the article;
/// a "Comments" link in the page header ends nothing.
const MIN_WORDS_BEFORE_COMMENTS: usize = 30;

/// Extra weight, in words, of a separator heading ("Related", "Most read") in the
/// dense core: enough to cut off a few teaser paragraphs after it.
const SEPARATOR_WEIGHT: f64 = 25.0;

/// Chrome by the line alone: a menu's shape, mostly links, a list item that is no
/// sentence, a Title Case run.
pub const RULE_CHROME: &str = "chrome";
/// Prose-like but too weak to stand alone, with chrome on both sides.
pub const RULE_BETWEEN_CHROME: &str = "between_chrome";
/// Short lines not framed by article lines, or too many of them in a row.
pub const RULE_SHORT_RUN: &str = "short_run";
/// From a comments heading on, once the article has begun.
pub const RULE_COMMENTS: &str = "comments";
/// Article-like, but outside the densest stretch of article text (teasers, related
/// stories, comments without a heading).
pub const RULE_OUTSIDE_CORE: &str = "outside_core";

/// For each line, `None` to keep it or the rule that drops it. `forced[i]` names the
/// rule of a line known to be chrome from evidence beyond the line itself: recurrence
/// across documents, teasers.
pub fn judge_lines(
    lines: &[Line<'_>],
    forced: &[Option<&'static str>],
    t: &Thresholds,
) -> Vec<Option<&'static str>> {
    let verdicts = judge_lines_with(lines, forced, t, true);
    if verdicts.iter().any(Option::is_none) {
        return verdicts;
    }
    // Nothing reads as prose: a table of scores, a list of quotes, a language whose
    // stop words the list misjudges. Judge by length and punctuation alone rather
    // than return an empty article.
    judge_lines_with(lines, forced, t, false)
}

fn judge_lines_with(
    lines: &[Line<'_>],
    forced: &[Option<&'static str>],
    t: &Thresholds,
    use_stopwords: bool,
) -> Vec<Option<&'static str>> {
    let mut classes: Vec<Class> = lines
        .iter()
        .zip(forced)
        .map(|(line, rule)| {
            if rule.is_some() {
                Class::Bad
            } else {
                initial(line, t, use_stopwords)
            }
        })
        .collect();
    // Each step only turns lines bad or good for good; the first step that made a
    // line bad is the rule that dropped it, so the classes after each are kept.
    let initial_classes = classes.clone();
    resolve_near_good(&mut classes);
    let after_near_good = classes.clone();
    resolve_short_runs(&mut classes, t.max_short_run);
    let after_short_runs = classes.clone();
    cut_comments(lines, &mut classes);
    let (start, end) = dense_core(lines, &classes, &initial_classes, t);
    (0..lines.len())
        .map(|i| {
            if classes[i] == Class::Good && (start..end).contains(&i) {
                None
            } else if let Some(rule) = forced[i] {
                Some(rule)
            } else if initial_classes[i] == Class::Bad {
                Some(RULE_CHROME)
            } else if after_near_good[i] == Class::Bad {
                Some(RULE_BETWEEN_CHROME)
            } else if after_short_runs[i] == Class::Bad {
                Some(RULE_SHORT_RUN)
            } else if classes[i] == Class::Bad {
                Some(RULE_COMMENTS)
            } else {
                Some(RULE_OUTSIDE_CORE)
            }
        })
        .collect()
}

/// The class of a line judged alone.
pub fn initial(line: &Line<'_>, t: &Thresholds, use_stopwords: bool) -> Class {
    if line.chrome_shape || line.link_density.is_some_and(|d| d > 0.5) {
        return Class::Bad;
    }
    // Without a stop-word list (CJK, unknown language) length and punctuation decide.
    let prose = !use_stopwords || line.stop_density.is_none_or(|d| d >= t.stopword_density);
    if line.bullet {
        // List items are mostly links; an item that is a whole sentence may be part of
        // the article and is left to its neighbours.
        return if line.sentence_end && line.words >= t.good_min_words && prose {
            Class::NearGood
        } else {
            Class::Bad
        };
    }
    if line.starts_lower && !line.sentence_end && line.words <= t.chrome_max_words {
        return Class::Bad;
    }
    if line.words >= t.good_min_words && line.sentence_end && prose {
        return Class::Good;
    }
    // A long prose line without final punctuation: text browsers cut some paragraphs.
    if line.words >= 3 * t.good_min_words && prose {
        return Class::Good;
    }
    // Without final punctuation a line of middling length is as likely a caption as a
    // paragraph, and is left to its neighbours.
    if line.words >= t.good_min_words && line.sentence_end {
        return Class::NearGood;
    }
    if line.sentence_end && prose && line.words >= 3 {
        return Class::NearGood;
    }
    // Title Case runs without a sentence are menus ("Americas Africa Europe").
    if !line.sentence_end
        && line.words >= 4
        && line.title_case >= 0.9
        && line.words <= t.chrome_max_words
    {
        return Class::Bad;
    }
    Class::Short
}

/// The first decided (good or bad) class met walking `range`, looking past undecided
/// lines; the edge of the page counts as chrome.
fn neighbour(classes: &[Class], range: impl Iterator<Item = usize>) -> Class {
    range
        .map(|j| classes[j])
        .find(|c| matches!(c, Class::Good | Class::Bad))
        .unwrap_or(Class::Bad)
}

/// A near-good line is good unless chrome lies on both sides of it.
fn resolve_near_good(classes: &mut [Class]) {
    let snapshot = classes.to_vec();
    for i in 0..classes.len() {
        if snapshot[i] != Class::NearGood {
            continue;
        }
        let before = neighbour(&snapshot, (0..i).rev());
        let after = neighbour(&snapshot, i + 1..snapshot.len());
        classes[i] = if before == Class::Bad && after == Class::Bad {
            Class::Bad
        } else {
            Class::Good
        };
    }
}

/// A short line, or a run of at most `max_run` of them, between article lines is part
/// of the article (a subhead, a one-line quote); anything else is chrome.
fn resolve_short_runs(classes: &mut [Class], max_run: usize) {
    let mut i = 0;
    while i < classes.len() {
        if classes[i] != Class::Short {
            i += 1;
            continue;
        }
        let start = i;
        while i < classes.len() && classes[i] == Class::Short {
            i += 1;
        }
        let before = start
            .checked_sub(1)
            .map(|j| classes[j])
            .unwrap_or(Class::Bad);
        let after = classes.get(i).copied().unwrap_or(Class::Bad);
        let keep = i - start <= max_run && before == Class::Good && after == Class::Good;
        let class = if keep { Class::Good } else { Class::Bad };
        classes[start..i].fill(class);
    }
}

/// Everything from the comments heading on is chrome, once the article has begun.
fn cut_comments(lines: &[Line<'_>], classes: &mut [Class]) {
    let mut article_words = 0;
    for i in 0..lines.len() {
        if lines[i].opens_comments && article_words >= MIN_WORDS_BEFORE_COMMENTS {
            classes[i..].fill(Class::Bad);
            return;
        }
        if classes[i] == Class::Good {
            article_words += lines[i].words;
        }
    }
}

/// The half-open range of lines with the largest sum of article words minus weighted
/// chrome words (Kadane's maximum subarray). An empty page gives an empty range.
/// Lines that were chrome by their shape weigh `gap_weight` a word; lines that were
/// only too short to stand alone (link lists, subheads) weigh `short_gap_weight`, so
/// a small link block inside an article does not cut it in two.
fn dense_core(
    lines: &[Line<'_>],
    classes: &[Class],
    initial: &[Class],
    t: &Thresholds,
) -> (usize, usize) {
    let (mut best, mut best_range) = (0.0, (0, 0));
    let (mut sum, mut start) = (0.0, 0);
    for i in 0..lines.len() {
        if sum <= 0.0 {
            sum = 0.0;
            start = i;
        }
        let words = lines[i].words as f64;
        sum += match classes[i] {
            Class::Good => words,
            _ => {
                let weight = if initial[i] == Class::Short {
                    t.short_gap_weight
                } else {
                    t.gap_weight
                };
                let separator = if lines[i].separator {
                    SEPARATOR_WEIGHT
                } else {
                    0.0
                };
                -weight * (words + 1.0) - separator
            }
        };
        if sum > best {
            best = sum;
            best_range = (start, i + 1);
        }
    }
    best_range
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::lines;
    use crate::stopwords::Stoplists;

    fn thresholds() -> Thresholds {
        Thresholds {
            good_min_words: 10,
            stopword_density: 0.25,
            chrome_max_words: 12,
            max_short_run: 2,
            gap_weight: 0.5,
            short_gap_weight: 0.25,
        }
    }

    /// The kept lines of `text`.
    fn kept(text: &str) -> Vec<String> {
        let lists = Stoplists::new();
        let all = lines(text, lists.detect(text), 12);
        let verdicts = judge_lines(&all, &vec![None; all.len()], &thresholds());
        all.iter()
            .zip(verdicts)
            .filter(|(_, rule)| rule.is_none())
            .map(|(l, _)| l.text.to_owned())
            .collect()
    }

    const P1: &str = "Opposition activists have seized government buildings in the country's second largest city, as protests against disputed elections continue.";
    const P2: &str = "About 1,000 protesters took control of the regional government building and forced the police to flee, reports said.";
    const P3: &str = "The opposition wants the president to resign, and says that the recent elections for parliament were unfair.";

    #[test]
    fn a_subhead_between_paragraphs_stays_but_a_link_list_goes() {
        let text = format!("{P1}\n\nCall for talks\n\n{P2}\n\nKyrgyz protesters take over town\nVoting ends in close Kyrgyz poll\nProtests before Kyrgyzstan vote\n\n{P3}");
        assert_eq!(kept(&text), [P1, "Call for talks", P2, P3]);
    }

    #[test]
    fn menus_before_and_teasers_after_the_core_go() {
        let text = format!(
            "* Channels\n+ GamesBeat\n+ AI\nSupport independent journalism\n\n{P1}\n{P2}\n{P3}\n\nMost Read\n\n* Brookings: AI will heavily affect tech and white-collar jobs\n* Qualcomm: 5G will cover major metros in 2020, developing countries in 2021\n"
        );
        assert_eq!(kept(&text), [P1, P2, P3]);
    }

    #[test]
    fn a_caption_before_the_first_paragraph_goes() {
        let text = format!("Kyrgyz protests hit second city\nSoldiers flee from the administration building which later was captured\nSecurity forces were forced to flee the building as protests mounted\n{P1}\n\n{P2}");
        assert_eq!(kept(&text), [P1, P2]);
    }

    #[test]
    fn a_page_without_prose_is_judged_by_punctuation_rather_than_emptied() {
        let scores = "Palm Bay (1-0): Tolivert 25 points. Davis 17 points. Burgher 10 points. Bozeman 10 points.";
        let other =
            "Rockledge (0-1): Blakely 15 points. Devoe 2 points. Baker 6 points. Brown 4 points.";
        let text = format!("Home | Sports | Scores\nGIRLS BASKETBALL\n{scores}\n{other}\n");
        assert_eq!(kept(&text).len(), 2);
    }

    #[test]
    fn dense_core_prefers_the_article_over_scattered_prose() {
        let junk = "Menu item\n".repeat(40);
        let text = format!("{P1}\n{junk}{P2}\n{P3}\n{P1}\n{P2}");
        assert_eq!(kept(&text), [P2, P3, P1, P2]);
    }
}
