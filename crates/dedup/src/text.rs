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

/// Hashes of the words of a text, lower-cased, punctuation dropped: what "the same
/// text" means for exact duplicates and what shingles are made of. A word is a run of
/// alphanumeric characters; ASCII bytes are judged without decoding.
pub fn word_hashes(text: &str) -> Vec<u64> {
    let bytes = text.as_bytes();
    let mut hashes = Vec::with_capacity(bytes.len() / 5);
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_word, width) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        };
        match (is_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                hashes.push(word_hash(&text[s..i]));
                start = None;
            }
            _ => {}
        }
        i += width;
    }
    if let Some(s) = start {
        hashes.push(word_hash(&text[s..]));
    }
    hashes
}

/// Hash of one word, lower-cased. ASCII words, the common case, are lower-cased eight
/// bytes at a time: a word of ASCII letters and digits only needs bit 0x20 set.
fn word_hash(word: &str) -> u64 {
    let mut hasher = FxHasher::default();
    if word.is_ascii() {
        let mut chunks = word.as_bytes().chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            hasher.write_u64(u64::from_le_bytes(bytes) | 0x2020_2020_2020_2020);
        }
        for &b in chunks.remainder() {
            hasher.write_u8(b | 0x20);
        }
        hasher.write_u8(0xff);
    } else {
        word.to_lowercase().hash(&mut hasher);
    }
    hasher.finish()
}

/// Hash of the folded text, for exact duplicates: 128 bits of BLAKE3 over the word
/// hashes, so that no two different texts in any real corpus collide.
pub fn exact_hash(words: &[u64]) -> u128 {
    let mut hasher = blake3::Hasher::new();
    // BLAKE3 is fast on long inputs and slow on many tiny ones: feed it in blocks.
    let mut block = [0u8; 1024];
    for chunk in words.chunks(block.len() / 8) {
        for (slot, word) in block.chunks_exact_mut(8).zip(chunk) {
            slot.copy_from_slice(&word.to_le_bytes());
        }
        hasher.update(&block[..chunk.len() * 8]);
    }
    let bytes = hasher.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&bytes.as_bytes()[..16]);
    u128::from_le_bytes(first)
}

/// Hashes of the `size`-word shingles of a text's words, sorted and without repeats:
/// the shingle set. Fewer than `size` words make one shingle; no words none.
pub fn shingles(words: &[u64], size: usize) -> Vec<u64> {
    let mut set: Vec<u64> = shingle_hashes(words, size).collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// The hash of every `size`-word window, in text order, repeats included: enough for
/// a MinHash signature, which a repeat cannot change.
pub fn shingle_hashes(words: &[u64], size: usize) -> impl Iterator<Item = u64> + '_ {
    let windows = if words.is_empty() {
        0
    } else {
        words.len().saturating_sub(size - 1).max(1)
    };
    (0..windows).map(move |i| {
        let end = (i + size).min(words.len());
        let mut hasher = FxHasher::default();
        words[i..end].hash(&mut hasher);
        // FxHash leaves the bits unevenly mixed; MinHash needs them even.
        mix(hasher.finish())
    })
}

/// The shingle set of a text.
pub fn text_shingles(text: &str, size: usize) -> Vec<u64> {
    shingles(&word_hashes(text), size)
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
        let exact = |t: &str| exact_hash(&word_hashes(t));
        assert_eq!(
            exact("“Osh,” he said.\nJalal-Abad! ÉTÉ 2010"),
            exact("osh he  said jalal abad été 2010")
        );
        assert_ne!(exact("Osh he said"), exact("Osh she said"));
        assert_ne!(exact("ab cd"), exact("abcd"));
    }

    #[test]
    fn shingles_and_jaccard() {
        let a = text_shingles("a b c d e f g", 5);
        assert_eq!(a.len(), 3);
        let b = text_shingles("a b c d e f x", 5);
        assert!((jaccard(&a, &b) - 2.0 / 4.0).abs() < 1e-9);
        assert_eq!(text_shingles("too short", 5).len(), 1);
        assert!(text_shingles("", 5).is_empty());
        assert_eq!(
            text_shingles("ABCDEFGHIJ klm", 2),
            text_shingles("abcdefghij KLM", 2)
        );
        assert_eq!(jaccard(&a, &a), 1.0);
    }
}
