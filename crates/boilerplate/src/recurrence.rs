//! Counting in how many documents each short line occurs, in memory that grows with the
//! lines that recur rather than with every line of the corpus.
//!
//! Most short lines occur once (a caption, a subheading), and only the ones seen in at
//! least `min_recurrence` documents matter. So a line seen for the first time only sets
//! bits in a Bloom filter (24 bits); a line the filter has seen before gets an
//! exact count. A false positive of the filter (about one line in fifty thousand) counts a
//! line once too often. The filter grows in layers, each twice the size of the last,
//! so nobody has to know the corpus size in advance; the outcome depends only on the
//! lines and the order they come in, which every run keeps.

use rustc_hash::FxHashMap;

/// Documents a line was seen in, exact from the second one on.
#[derive(Debug)]
pub struct RecurrenceCounter {
    once: Vec<Layer>,
    counts: FxHashMap<u64, u32>,
}

/// Lines the first layer holds before a new, larger one is added.
const FIRST_CAPACITY: usize = 1 << 16;
const BITS_PER_LINE: usize = 24;
/// Hash functions per line: about `BITS_PER_LINE * ln 2` minimises false positives.
const PROBES: u32 = 16;

#[derive(Debug)]
struct Layer {
    bits: Vec<u64>,
    capacity: usize,
    len: usize,
}

impl Layer {
    fn new(capacity: usize) -> Layer {
        Layer {
            bits: vec![0; (capacity * BITS_PER_LINE).div_ceil(64)],
            capacity,
            len: 0,
        }
    }

    /// Bit `i` of `hash`'s positions, by double hashing.
    fn probe(&self, hash: u64, i: u32) -> usize {
        let n = (self.bits.len() * 64) as u64;
        let step = mix(hash) | 1;
        (hash.wrapping_add(u64::from(i).wrapping_mul(step)) % n) as usize
    }

    fn contains(&self, hash: u64) -> bool {
        (0..PROBES).all(|i| {
            let bit = self.probe(hash, i);
            self.bits[bit / 64] & (1 << (bit % 64)) != 0
        })
    }

    fn insert(&mut self, hash: u64) {
        for i in 0..PROBES {
            let bit = self.probe(hash, i);
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
        self.len += 1;
    }
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Default for RecurrenceCounter {
    fn default() -> Self {
        RecurrenceCounter {
            once: vec![Layer::new(FIRST_CAPACITY)],
            counts: FxHashMap::default(),
        }
    }
}

impl RecurrenceCounter {
    /// Counts one document's line. A document must add each of its lines once.
    pub fn add(&mut self, hash: u64) {
        if let Some(count) = self.counts.get_mut(&hash) {
            *count += 1;
        } else if self.once.iter().any(|layer| layer.contains(hash)) {
            self.counts.insert(hash, 2);
        } else {
            let full = self.once.last().is_none_or(|l| l.len >= l.capacity);
            if full {
                let capacity = self.once.last().map_or(FIRST_CAPACITY, |l| l.capacity * 2);
                self.once.push(Layer::new(capacity));
            }
            if let Some(layer) = self.once.last_mut() {
                layer.insert(hash);
            }
        }
    }

    /// The exact counts: every line seen in two documents or more.
    pub fn into_counts(self) -> FxHashMap<u64, u32> {
        self.counts
    }

    /// The lines seen in at least `min` documents (`min` of 2 or more).
    pub fn at_least(self, min: u32) -> impl Iterator<Item = u64> {
        self.counts
            .into_iter()
            .filter(move |&(_, n)| n >= min)
            .map(|(hash, _)| hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_seen_again_and_forgets_the_rest() {
        let mut counter = RecurrenceCounter::default();
        // Enough distinct lines to fill several layers.
        let unique = 400_000u64;
        for i in 0..unique {
            counter.add(mix(i));
        }
        for _ in 0..3 {
            counter.add(mix(7));
        }
        counter.add(mix(11));
        assert!(counter.once.len() >= 3, "{} layers", counter.once.len());
        let mut twice: Vec<u64> = counter.at_least(2).collect();
        twice.sort_unstable();
        // Lines 7 and 11, and the filter's false positives among 400,000 lines.
        assert!(twice.contains(&mix(7)) && twice.contains(&mix(11)));
        assert!(twice.len() < 2 + 40, "{} false positives", twice.len() - 2);
    }

    #[test]
    fn counts_are_exact_from_the_second_document_on() {
        let mut counter = RecurrenceCounter::default();
        for _ in 0..5 {
            counter.add(42);
        }
        counter.add(43);
        counter.add(43);
        let at_least = |counter: &RecurrenceCounter, min: u32| -> Vec<u64> {
            let mut v: Vec<u64> = counter
                .counts
                .iter()
                .filter(|&(_, &n)| n >= min)
                .map(|(&h, _)| h)
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(at_least(&counter, 2), [42, 43]);
        assert_eq!(at_least(&counter, 5), [42]);
        assert_eq!(at_least(&counter, 6), Vec::<u64>::new());
    }
}
