//! The boilerplate stage: keeps the article of a page dump and drops everything around
//! it (menus, link lists, teasers, captions, footers, server errors), and pulls out
//! the headline, the publication time and the attribution.
//!
//! It is a corpus stage for one piece of evidence: a short, chrome-shaped line that
//! recurs in several documents is site chrome. In a text dump, recurrence alone never
//! removes a sentence-like line, because syndicated articles share their paragraphs. In
//! an HTML page, whose text the DOM already cut into blocks, a prose line is chrome when
//! it recurs far more often than the page's other prose lines (a newsletter box on every
//! page of a site), which copies and syndicated stories, recurring alike, never do.
//! Everything else is decided per document: [`lines`] computes each line's features,
//! [`classify`] decides which lines are the article, [`meta`] finds the metadata.

pub mod classify;
pub mod lines;
pub mod meta;
pub mod recurrence;
pub mod stopwords;

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use newsprep_core::config::BoilerplateConfig;
use newsprep_core::document::{Document, Format, Metadata, Reason, Rejection};
use newsprep_core::stage::BoxError;
use newsprep_core::CorpusStage;

use crate::classify::Thresholds;
use crate::lines::Line;
use crate::recurrence::RecurrenceCounter;
use crate::stopwords::Stoplists;

/// The boilerplate stage, built from `[boilerplate]`.
pub struct Boilerplate {
    thresholds: Thresholds,
    min_words: usize,
    keep_removed: bool,
    min_recurrence: u32,
    stoplists: Stoplists,
    /// Documents each chrome-shaped line was seen in, while observing.
    seen: RecurrenceCounter,
    /// Documents each line key was seen in, for the keys seen in two or more.
    counts: FxHashMap<u64, u32>,
}

/// The article found in one page, and what was removed around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction<'a> {
    /// The article's lines, one paragraph each, separated by blank lines.
    pub text: String,
    /// The removed lines, in page order.
    pub removed: Vec<&'a str>,
    /// The rule that removed each of `removed`.
    pub removed_rules: Vec<&'static str>,
    pub meta: Metadata,
    /// The keys of the lines cross-document recurrence may judge, sorted, each once
    /// (what observing the same text reports), with whether each was judged chrome:
    /// what the trace keeps.
    pub chrome_lines: Vec<(u64, bool)>,
}

impl Boilerplate {
    /// Builds the stage; the config must already be validated.
    pub fn new(config: &BoilerplateConfig) -> Boilerplate {
        Boilerplate {
            thresholds: Thresholds {
                good_min_words: config.good_min_words,
                stopword_density: config.stopword_density,
                chrome_max_words: config.chrome_max_words,
                max_short_run: config.max_short_run,
                gap_weight: config.gap_weight,
                short_gap_weight: config.short_gap_weight,
            },
            min_words: config.min_words,
            keep_removed: config.keep_removed,
            min_recurrence: config.min_recurrence,
            stoplists: Stoplists::new(),
            seen: RecurrenceCounter::default(),
            counts: FxHashMap::default(),
        }
    }

    /// Finds the article in `text`, using what was learnt from the corpus so far.
    pub fn extract<'a>(&self, text: &'a str) -> Extraction<'a> {
        self.extract_as(text, Format::Text)
    }

    /// Finds the article in the text of a document of `format`. The text of an HTML
    /// page is already the article its DOM shows, so only what the corpus and the text
    /// itself tell is applied there: lines that recur across pages as chrome, lines a
    /// page repeats, and the byline and date lines; the line classifier, made for text
    /// dumps, does not judge it again.
    pub fn extract_as<'a>(&self, text: &'a str, format: Format) -> Extraction<'a> {
        let masks = self.stoplists.masks(text);
        let stoplist = self.stoplists.detect_from(&masks);
        let max_words = self.thresholds.chrome_max_words;
        let lines = lines::lines_with(text, stoplist, &masks, max_words);
        let hashes: Vec<Option<u64>> = lines
            .iter()
            .map(|l| line_key(l.text, l.words, l.sentence_end, max_words, format))
            .collect();
        let mut keys: Vec<u64> = hashes.iter().flatten().copied().collect();
        keys.sort_unstable();
        keys.dedup();
        let verdicts = self.verdicts(&keys);
        let chrome = |h: &u64| keys.binary_search(h).is_ok_and(|i| verdicts[i]);
        let forced: Vec<Option<&'static str>> = teasers(&lines, max_words)
            .into_iter()
            .zip(&hashes)
            .map(|(teaser, hash)| {
                if teaser {
                    Some(RULE_REPEATED)
                } else if hash.as_ref().is_some_and(chrome) {
                    Some(RULE_RECURRING)
                } else {
                    None
                }
            })
            .collect();
        let forced_bad: Vec<bool> = forced.iter().map(Option::is_some).collect();
        let mut verdicts_per_line = match format {
            Format::Text => classify::judge_lines(&lines, &forced, &self.thresholds),
            Format::Html => forced,
        };

        let core_start = verdicts_per_line
            .iter()
            .position(Option::is_none)
            .unwrap_or(lines.len());
        let core_end = verdicts_per_line
            .iter()
            .rposition(Option::is_none)
            .map_or(core_start, |i| i + 1);
        let found = meta::find(&lines, &forced_bad, core_start, core_end);
        // A line the metadata was read from is named for that, whatever else would have
        // dropped it: its content is in a column, which is what a reader needs to know.
        for &i in &found.metadata_lines {
            verdicts_per_line[i] = Some(RULE_METADATA);
        }

        let mut article = Vec::new();
        let mut removed = Vec::new();
        let mut removed_rules = Vec::new();
        for (line, verdict) in lines.iter().zip(verdicts_per_line) {
            match verdict {
                None => article.push(line.text),
                Some(rule) => {
                    removed.push(line.text);
                    removed_rules.push(rule);
                }
            }
        }
        let chrome_lines = keys.into_iter().zip(verdicts).collect();
        Extraction {
            text: article.join("\n\n"),
            removed,
            removed_rules,
            chrome_lines,
            meta: Metadata {
                title: found.title,
                published: found.published,
                attribution: found.attribution,
                ..Metadata::default()
            },
        }
    }
}

/// A line that recurs across the corpus's documents as chrome.
pub const RULE_RECURRING: &str = "recurring";
/// A line the page prints twice (a teaser's headline, a caption), or a teaser's summary.
pub const RULE_REPEATED: &str = "repeated";
/// The headline, byline or date line above the article, which metadata holds instead.
pub const RULE_METADATA: &str = "metadata";

/// Lines that may be judged chrome by recurrence: short, and not a sentence.
fn chrome_candidate(words: usize, sentence_end: bool, chrome_max_words: usize) -> bool {
    words <= chrome_max_words && !sentence_end
}

/// Documents a prose line of an HTML page must recur in before it can be chrome.
const PROSE_MIN_DOCUMENTS: u32 = 3;
/// How many times as many documents as the page's typical prose line a prose line must
/// recur in to be chrome: a site's standard disclaimer or newsletter box recurs on every
/// page while each article's own paragraphs occur once; ten copies of one article, or
/// one story syndicated to five sites, have every paragraph recur alike.
const PROSE_FACTOR: u32 = 3;

/// The key under which recurrence counts a line, if it may be judged by it: a
/// chrome-shaped line of any document (low bit 0), or, in an HTML page, where the DOM
/// already told structure from prose, any other line (low bit 1), judged against the
/// page's other prose lines.
fn line_key(
    text: &str,
    words: usize,
    sentence_end: bool,
    chrome_max_words: usize,
    format: Format,
) -> Option<u64> {
    let mut hasher = FxHasher::default();
    text.hash(&mut hasher);
    let hash = hasher.finish();
    if chrome_candidate(words, sentence_end, chrome_max_words) {
        Some(hash & !1)
    } else {
        (format == Format::Html && words > 0).then_some(hash | 1)
    }
}

fn is_prose_key(key: u64) -> bool {
    key & 1 == 1
}

/// Teasers for other stories: a headline printed twice in a row, then a one-line
/// summary. Any line that occurs twice in one page is chrome: a link to another
/// story, a caption printed under a thumbnail and again under the photo, a block of
/// related text rendered twice; an article does not repeat its paragraphs. The line
/// after a short pair printed back to back is the teaser's summary.
fn teasers(lines: &[Line<'_>], chrome_max_words: usize) -> Vec<bool> {
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for line in lines {
        *counts.entry(line.text).or_default() += 1;
    }
    let mut teaser = vec![false; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        if counts[line.text] < 2 || line.words < 3 {
            continue;
        }
        teaser[i] = true;
        let headline = !line.sentence_end && line.words <= 2 * chrome_max_words;
        let pair = headline && i > 0 && lines[i - 1].text == line.text;
        if let Some(next) = lines
            .get(i + 1)
            .filter(|n| pair && n.text != line.text && n.words <= 50)
        {
            teaser[next.index] = true;
        }
    }
    teaser
}

impl Boilerplate {
    /// Decides from counts made elsewhere (an engine's group-by over every document's
    /// `observe`): documents per line key, as `absorb` and `decide` would have counted
    /// them. Takes time in the keys, not in the documents they were seen in.
    pub fn decide_from_counts(&mut self, counts: impl IntoIterator<Item = (u64, u32)>) {
        self.seen = RecurrenceCounter::default();
        // A key given twice (counts from two group-bys) adds up, as summaries would.
        let mut summed: FxHashMap<u64, u32> = FxHashMap::default();
        for (key, n) in counts {
            let count = summed.entry(key).or_default();
            *count = count.saturating_add(n);
        }
        summed.retain(|_, n| *n >= 2);
        self.counts = summed;
    }

    /// Documents a key was seen in: exact from two on, 1 below.
    fn count(&self, key: u64) -> u32 {
        self.counts.get(&key).copied().unwrap_or(1)
    }

    /// Whether each of one document's line keys (sorted, each once) is chrome by
    /// recurrence: a chrome-shaped line seen in `min_recurrence` documents, or a prose
    /// line seen in at least [`PROSE_MIN_DOCUMENTS`] and [`PROSE_FACTOR`] times as many
    /// as the median of the document's prose lines.
    fn verdicts(&self, keys: &[u64]) -> Vec<bool> {
        let mut prose: Vec<u32> = keys
            .iter()
            .filter(|&&k| is_prose_key(k))
            .map(|&k| self.count(k))
            .collect();
        prose.sort_unstable();
        let median = prose.get(prose.len() / 2).copied().unwrap_or(1).max(1);
        keys.iter()
            .map(|&k| {
                let n = self.count(k);
                if is_prose_key(k) {
                    n >= PROSE_MIN_DOCUMENTS && n >= PROSE_FACTOR * median
                } else {
                    n >= self.min_recurrence
                }
            })
            .collect()
    }
}

impl CorpusStage for Boilerplate {
    /// Hashes of the document's chrome-candidate lines, each once.
    type Summary = Vec<u64>;

    fn name(&self) -> &'static str {
        "boilerplate"
    }

    fn observe(&self, _pass: usize, doc: &Document) -> Vec<u64> {
        // Only the two features `chrome_candidate` needs: this pass runs over the whole
        // corpus before any document is cleaned, and the full features are not cheap.
        let max_words = self.thresholds.chrome_max_words;
        let mut hashes: Vec<u64> = doc
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                let words = lines::count_words(l);
                line_key(l, words, lines::ends_sentence(l), max_words, doc.format)
            })
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    fn absorb(&mut self, _pass: usize, summaries: Vec<Vec<u64>>) -> Result<(), BoxError> {
        for hash in summaries.into_iter().flatten() {
            self.seen.add(hash);
        }
        Ok(())
    }

    fn decide(&mut self, _pass: usize) -> Result<(), BoxError> {
        self.counts = std::mem::take(&mut self.seen).into_counts();
        Ok(())
    }

    fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
        let Extraction {
            text,
            removed,
            removed_rules,
            meta,
            chrome_lines,
        } = self.extract_as(&doc.text, doc.format);
        // Kept for the next run, which may reuse this document only if none of these
        // lines changed from recurring to not, or back.
        doc.trace.chrome_lines = Some(chrome_lines);
        let words = lines::count_words(&text);
        if words < self.min_words {
            return Err(Rejection::new(
                Reason::NoArticle,
                format!(
                    "{words} article words left after removing {} boilerplate lines, fewer than min_words = {}{}",
                    removed.len(),
                    self.min_words,
                    newsprep_core::document::largest_block(removed.iter().copied())
                ),
            ));
        }
        // The removed lines borrow the text they came from: note them before it goes.
        // What decode already left out of an HTML page comes first.
        let mut note = doc.boilerplate.take().unwrap_or_default();
        note.add(&removed, &removed_rules, self.keep_removed);
        doc.text = text;
        doc.meta = std::mem::take(&mut doc.meta).or(meta);
        doc.boilerplate = Some(note);
        Ok(())
    }

    fn recall(&self, _pass: usize, doc: &Document) -> Option<Vec<u64>> {
        let lines = doc.trace.chrome_lines.as_ref()?;
        Some(lines.iter().map(|&(hash, _)| hash).collect())
    }

    fn still_holds(&self, doc: &Document) -> bool {
        doc.trace.chrome_lines.as_ref().is_some_and(|lines| {
            let keys: Vec<u64> = lines.iter().map(|&(key, _)| key).collect();
            let now = self.verdicts(&keys);
            lines.iter().zip(now).all(|(&(_, then), now)| then == now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage() -> Boilerplate {
        Boilerplate::new(&BoilerplateConfig::default())
    }

    const ARTICLE: &str = "Opposition activists have seized government buildings in the country's second largest city, as protests against disputed elections continue.\n\nAbout 1,000 protesters took control of the regional government building and forced the police to flee, reports said.\n\nThe opposition wants the president to resign, and says that the recent elections for parliament were unfair.";

    #[test]
    fn teaser_pairs_and_their_summaries_go() {
        let text = format!("{ARTICLE}\n\nWomen under ISIL: The wives\n\nWomen under ISIL: The wives\n\nWomen married to ISIL fighters share accounts of being made to watch executions.\n\nHow Moscow lost Riyadh in 1938\n\nHow Moscow lost Riyadh in 1938\n\nRussian-Saudi relations could be very different today, if Stalin had acted otherwise.");
        let out = stage().extract(&text);
        assert_eq!(out.text, ARTICLE);
        assert_eq!(out.removed.len(), 6);
    }

    /// Three stories, each between the same profile line and footer.
    fn profile_pages() -> Vec<Document> {
        (0..3)
            .map(|n| Document {
                text: format!(
                    "Profile: Roza Otunbayeva\nStory {n} headline\n{ARTICLE}\nInside Story"
                ),
                ..Document::default()
            })
            .collect()
    }

    #[test]
    fn recurring_chrome_goes_but_recurring_paragraphs_stay() {
        let mut stage = stage();
        let docs = profile_pages();
        newsprep_core::stage::observe_all(&mut stage, docs.iter()).unwrap();
        let mut doc = docs[0].clone();
        stage.apply(&mut doc).unwrap();
        assert_eq!(doc.text, ARTICLE);
        let key = |l: &str| line_key(l, lines::count_words(l), false, 12, Format::Text).unwrap();
        assert!(stage.count(key("Inside Story")) >= 2);
        assert_eq!(stage.count(key("Story 0 headline")), 1);
    }

    #[test]
    fn counts_from_elsewhere_decide_as_observing_does() {
        let docs = profile_pages();
        let mut observed = stage();
        newsprep_core::stage::observe_all(&mut observed, docs.iter()).unwrap();
        // What an engine's group-by over the same summaries counts.
        let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
        for doc in &docs {
            for key in observed.observe(0, doc) {
                *counts.entry(key).or_default() += 1;
            }
        }
        let mut counted = stage();
        counted.decide_from_counts(counts.clone());
        assert_eq!(counted.counts, observed.counts);
        // The same counts in two halves (two group-bys' rows) add up.
        let mut halves = stage();
        halves.decide_from_counts(
            counts
                .iter()
                .flat_map(|(&k, &n)| [(k, n / 2), (k, n - n / 2)]),
        );
        assert_eq!(halves.counts, observed.counts);
        let (mut a, mut b) = (docs[1].clone(), docs[1].clone());
        observed.apply(&mut a).unwrap();
        counted.apply(&mut b).unwrap();
        assert_eq!(a.text, ARTICLE);
        assert_eq!(b.text, a.text);
    }

    /// HTML pages whose text is `body` after a template's prose block.
    fn pages(bodies: &[String], template: &str) -> Vec<Document> {
        bodies
            .iter()
            .enumerate()
            .map(|(i, body)| Document {
                doc_id: newsprep_core::document::DocId(i as u64),
                format: Format::Html,
                text: format!("{body}\n\n{template}"),
                ..Document::default()
            })
            .collect()
    }

    const TEMPLATE: &str = "Sign up for our morning newsletter and get the day's most important stories delivered to your inbox before breakfast.";

    #[test]
    fn a_prose_block_every_page_of_a_site_repeats_is_chrome() {
        let bodies: Vec<String> = (0..5)
            .map(|i| format!("Story number {i} reports that the council approved the budget on Tuesday after a long debate.\n\nIn story {i} councillors said the plan would add teachers in the villages, where classes are crowded."))
            .collect();
        let docs = pages(&bodies, TEMPLATE);
        let mut stage = stage();
        newsprep_core::stage::observe_all(&mut stage, docs.iter()).unwrap();
        for doc in &docs {
            let mut doc = doc.clone();
            stage.apply(&mut doc).unwrap();
            assert!(!doc.text.contains("newsletter"), "{}", doc.text);
            assert!(doc.text.contains("councillors said"));
            assert!(stage.still_holds(&doc));
        }
    }

    #[test]
    fn ten_copies_of_one_article_keep_every_paragraph() {
        let article = format!("{ARTICLE}\n\n{TEMPLATE}");
        let bodies = vec![article; 10];
        let docs = pages(&bodies, "");
        let mut stage = stage();
        newsprep_core::stage::observe_all(&mut stage, docs.iter()).unwrap();
        let mut doc = docs[0].clone();
        let before = doc.text.trim().to_owned();
        stage.apply(&mut doc).unwrap();
        assert_eq!(doc.text, before);
    }

    #[test]
    fn extraction_reports_the_lines_observing_counts() {
        // The next run recalls a document's summary from these hashes, so they must be
        // exactly what observing the same text reports, on real pages.
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/fixture/pages");
        let stage = stage();
        let mut pages = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            let doc = Document {
                text: text.clone(),
                ..Document::default()
            };
            assert_eq!(
                stage
                    .extract(&text)
                    .chrome_lines
                    .into_iter()
                    .map(|(key, _)| key)
                    .collect::<Vec<_>>(),
                stage.observe(0, &doc),
                "{}",
                entry.path().display()
            );
            pages += 1;
        }
        assert!(pages > 100, "{pages} pages");
    }

    #[test]
    fn too_short_an_article_is_rejected_as_no_article() {
        let mut doc = Document {
            text: "Home | News | Sport\nSign in\nOnly a short line.".into(),
            ..Document::default()
        };
        let err = stage().apply(&mut doc).unwrap_err();
        assert_eq!(err.reason, Reason::NoArticle);
    }

    #[test]
    fn removed_text_is_kept_only_on_request() {
        let text = format!("Home | News | Sport\n{ARTICLE}");
        let mut doc = Document {
            text: text.clone(),
            ..Document::default()
        };
        stage().apply(&mut doc).unwrap();
        assert_eq!(doc.boilerplate.as_ref().unwrap().removed_lines, 1);
        assert_eq!(doc.boilerplate.as_ref().unwrap().removed_text, None);

        let mut keeping = Boilerplate::new(&BoilerplateConfig {
            keep_removed: true,
            ..BoilerplateConfig::default()
        });
        keeping.decide(0).unwrap();
        let mut doc = Document {
            text,
            ..Document::default()
        };
        keeping.apply(&mut doc).unwrap();
        let note = doc.boilerplate.unwrap();
        assert_eq!(note.removed_text.as_deref(), Some("Home | News | Sport"));
        assert_eq!(
            note.removed_rules,
            Some(vec![classify::RULE_CHROME.to_owned()])
        );
    }

    #[test]
    fn each_removed_line_names_the_rule_that_dropped_it() {
        let text = format!(
            "Home | News | Sport\nSOURCE: Reuters\n{ARTICLE}\nComments\nI disagree with all of this."
        );
        let out = stage().extract(&text);
        assert_eq!(out.removed.len(), out.removed_rules.len());
        let rule_of = |line: &str| {
            let i = out.removed.iter().position(|l| *l == line);
            i.map(|i| out.removed_rules[i])
        };
        assert_eq!(rule_of("Home | News | Sport"), Some(classify::RULE_CHROME));
        assert_eq!(rule_of("SOURCE: Reuters"), Some(RULE_METADATA));
    }
}
