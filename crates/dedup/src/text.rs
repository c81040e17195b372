//! What dedup compares: the text with repeated paragraphs collapsed, folded to its
//! words (case, punctuation and whitespace ignored), and the hashes of its word
//! shingles.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashSet, FxHasher};

/// A paragraph repeated with fewer words than this (a separator, a table cell) is
/// left alone: collapsing is for paragraphs, not for every repeated line.
const MIN_PARAGRAPH_WORDS: usize = 5;

/// The text with every paragraph (non-blank line) of at least five words kept only at
/// its first occurrence.
pub fn collapse_repeated_paragraphs(text: &str) -> Cow<'_, str> {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut repeated = false;
    for line in text.lines().filter(|l| is_paragraph(l)) {
        if !seen.insert(line) {
            repeated = true;
            break;
        }
    }
    if !repeated {
        return Cow::Borrowed(text);
    }
    seen.clear();
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        if is_paragraph(line) && !seen.insert(line) {
            // Drop the blank line that separated the repeat from what came before.
            if kept.last().is_some_and(|l| l.is_empty()) {
                kept.pop();
            }
            continue;
        }
        kept.push(line);
    }
    Cow::Owned(kept.join("\n"))
}

fn is_paragraph(line: &str) -> bool {
    line.split_whitespace()
        .nth(MIN_PARAGRAPH_WORDS - 1)
        .is_some()
}

/// The words of a text, lower-cased, punctuation dropped: what "the same text" means
/// for exact duplicates and what shingles are made of.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Hash of the folded text, for exact duplicates: 128 bits of BLAKE3, so that no two
/// different texts in any real corpus collide.
pub fn exact_hash(text: &str) -> u128 {
    let mut hasher = blake3::Hasher::new();
    for word in words(text) {
        hasher.update(word.as_bytes());
        hasher.update(b" ");
    }
    let bytes = hasher.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&bytes.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

/// Hashes of the text's `size`-word shingles, sorted and without repeats: the
/// shingle set. A text shorter than `size` words is one shingle; an empty text none.
pub fn shingles(text: &str, size: usize) -> Vec<u64> {
    let tokens: Vec<u64> = words(text).map(|w| hash_one(&w)).collect();
    if tokens.is_empty() {
        return Vec::new();
    }
    let windows = tokens.len().saturating_sub(size - 1).max(1);
    let mut set: Vec<u64> = (0..windows)
        .map(|i| {
            let end = (i + size).min(tokens.len());
            let mut hasher = FxHasher::default();
            tokens[i..end].hash(&mut hasher);
            // FxHash leaves low bits weak; the MinHash permutations multiply them out,
            // but a final mix keeps the band buckets even.
            mix(hasher.finish())
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn hash_one(word: &str) -> u64 {
    let mut hasher = FxHasher::default();
    word.hash(&mut hasher);
    hasher.finish()
}

/// The splitmix64 finaliser: a bijection that spreads every input bit over the output.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Jaccard similarity of two sorted shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_paragraphs_collapse_to_the_first() {
        let text = "Police said four officers were killed.\n\nCall for talks\n\nPolice said four officers were killed.\n\nCall for talks\n\nThe end of it all came later.";
        assert_eq!(
            collapse_repeated_paragraphs(text),
            "Police said four officers were killed.\n\nCall for talks\n\nCall for talks\n\nThe end of it all came later."
        );
        let clean = "One two three four five.\n\nSix seven eight nine ten.";
        assert!(matches!(
            collapse_repeated_paragraphs(clean),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn exact_hash_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            exact_hash("“Osh,” he said.\nJalal-Abad!"),
            exact_hash("osh he  said jalal abad")
        );
        assert_ne!(exact_hash("Osh he said"), exact_hash("Osh she said"));
    }

    #[test]
    fn shingles_and_jaccard() {
        let a = shingles("a b c d e f g", 5);
        assert_eq!(a.len(), 3);
        let b = shingles("a b c d e f x", 5);
        assert!((jaccard(&a, &b) - 2.0 / 4.0).abs() < 1e-9);
        assert_eq!(shingles("too short", 5).len(), 1);
        assert!(shingles("", 5).is_empty());
        assert_eq!(jaccard(&a, &a), 1.0);
    }
}
