//! MinHash signatures and LSH banding: documents whose shingle sets are similar share,
//! with high probability, at least one band of their signatures. Only the band hashes
//! are kept for the corpus; the signatures themselves are thrown away at once.
//!
//! The signature is one-permutation MinHash (Li, Owen and Zhang 2012) with rotation
//! densification (Shrivastava and Li 2014): each shingle is hashed once and lands in
//! one of `bands * rows` bins, each bin keeps its least hash, and an empty bin borrows
//! from the next filled bin to its right. Two sets agree on a bin with probability
//! close to their Jaccard similarity, as with `bands * rows` independent permutations,
//! at the cost of one hash per shingle instead of `bands * rows`.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::text::mix;

/// Fixed seed: the same corpus gives the same signatures on every run and machine.
const SEED: u64 = 0x6e65_7773_7072_6570;

/// Signatures of `bands * rows` values and their band hashes.
#[derive(Debug, Clone)]
pub struct MinHasher {
    bands: usize,
    rows: usize,
}

impl MinHasher {
    /// Bands per signature.
    pub fn bands(&self) -> usize {
        self.bands
    }

    pub fn new(bands: usize, rows: usize) -> MinHasher {
        MinHasher { bands, rows }
    }

    /// The signature of a set of shingle hashes, given in any order, repeats allowed;
    /// all `u32::MAX` for an empty set.
    pub fn signature(&self, shingles: impl IntoIterator<Item = u64>) -> Vec<u32> {
        let bins = self.bands * self.rows;
        let mut signature = vec![u32::MAX; bins];
        let mut filled = vec![false; bins];
        let mut any = false;
        for x in shingles {
            any = true;
            let h = mix(x ^ SEED);
            // The high half picks the bin without a division bias; the low half is the value.
            let bin = (((h >> 32) * bins as u64) >> 32) as usize;
            let value = h as u32;
            if !filled[bin] || value < signature[bin] {
                signature[bin] = value;
                filled[bin] = true;
            }
        }
        if !any {
            return signature;
        }
        for bin in 0..bins {
            if filled[bin] {
                continue;
            }
            let (distance, source) = (1..bins)
                .map(|t| (t, (bin + t) % bins))
                .find(|&(_, j)| filled[j])
                .unwrap_or((0, bin));
            // The distance is mixed in, so two sets agree on a borrowed value only when
            // they borrowed it from the same place.
            signature[bin] = mix(u64::from(signature[source]) ^ ((distance as u64) << 32)) as u32;
        }
        signature
    }

    /// One hash per band of `rows` signature values; two documents are candidates
    /// when any band hash is equal. The band's index is hashed in, so equal values in
    /// different bands do not meet.
    pub fn band_hashes(&self, signature: &[u32]) -> Vec<u64> {
        signature
            .chunks(self.rows)
            .take(self.bands)
            .enumerate()
            .map(|(band, rows)| {
                let mut hasher = FxHasher::default();
                band.hash(&mut hasher);
                rows.hash(&mut hasher);
                mix(hasher.finish())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{jaccard, text_shingles as shingles};

    fn estimate(a: &[u32], b: &[u32]) -> f64 {
        a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
    }

    #[test]
    fn signatures_estimate_jaccard() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let a = shingles(&words.join(" "), 5);
        let mut edited = words.clone();
        for i in (0..400).step_by(40) {
            edited[i] = "changed".into();
        }
        let b = shingles(&edited.join(" "), 5);
        let hasher = MinHasher::new(32, 8);
        let truth = jaccard(&a, &b);
        let est = estimate(
            &hasher.signature(a.iter().copied()),
            &hasher.signature(b.iter().copied()),
        );
        assert!((truth - est).abs() < 0.1, "truth {truth}, estimate {est}");
    }

    #[test]
    fn equal_sets_share_every_band_and_disjoint_ones_none() {
        let hasher = MinHasher::new(16, 8);
        let a = hasher.band_hashes(&hasher.signature(shingles("one two three four five six", 5)));
        let b =
            hasher.band_hashes(&hasher.signature(shingles("One, two; three four five six!", 5)));
        let c = hasher.band_hashes(&hasher.signature(shingles("seven eight nine ten eleven", 5)));
        assert_eq!(a.len(), 16);
        assert_eq!(a, b);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
    }
}
