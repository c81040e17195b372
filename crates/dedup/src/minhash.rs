//! MinHash signatures and LSH banding: documents whose shingle sets are similar share,
//! with high probability, at least one band of their signatures. Only the band hashes
//! are kept for the corpus; the signatures themselves are thrown away at once.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::text::mix;

/// Fixed seed for the hash functions: the same corpus gives the same signatures on
/// every run and every machine.
const SEED: u64 = 0x6e65_7773_7072_6570;

/// `bands * rows` hash functions of the multiply-shift family.
#[derive(Debug, Clone)]
pub struct MinHasher {
    multipliers: Vec<u64>,
    offsets: Vec<u64>,
    bands: usize,
    rows: usize,
}

impl MinHasher {
    pub fn new(bands: usize, rows: usize) -> MinHasher {
        let mut state = SEED;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix(state)
        };
        let n = bands * rows;
        // Odd multipliers keep each function a bijection on 64-bit values.
        let multipliers = (0..n).map(|_| next() | 1).collect();
        let offsets = (0..n).map(|_| next()).collect();
        MinHasher {
            multipliers,
            offsets,
            bands,
            rows,
        }
    }

    /// The signature of a shingle set: for each function, the least value it takes.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut signature = vec![u32::MAX; self.multipliers.len()];
        for &x in shingles {
            for ((slot, &a), &b) in signature
                .iter_mut()
                .zip(&self.multipliers)
                .zip(&self.offsets)
            {
                // The high 32 bits of a*x+b: a 2-universal hash of x.
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                if h < *slot {
                    *slot = h;
                }
            }
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
    use crate::text::{jaccard, shingles};

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
        let est = estimate(&hasher.signature(&a), &hasher.signature(&b));
        assert!((truth - est).abs() < 0.1, "truth {truth}, estimate {est}");
    }

    #[test]
    fn equal_sets_share_every_band_and_disjoint_ones_none() {
        let hasher = MinHasher::new(16, 8);
        let a = hasher.band_hashes(&hasher.signature(&shingles("one two three four five six", 5)));
        let b =
            hasher.band_hashes(&hasher.signature(&shingles("One, two; three four five six!", 5)));
        let c = hasher.band_hashes(&hasher.signature(&shingles("seven eight nine ten eleven", 5)));
        assert_eq!(a.len(), 16);
        assert_eq!(a, b);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
    }
}
