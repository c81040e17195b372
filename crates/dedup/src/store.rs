//! The shingle sets pass 2 collects, held until deciding compares them, in memory up
//! to a budget and in an unnamed temporary file past it.
//!
//! Pass 2 reads every document of a candidate pair, and in a corpus with many near
//! copies that is a fifth of it or more: held in memory, their shingle sets grew with
//! the corpus's bytes (about 8 bytes per word of every such document). Past the budget
//! they go to a file the operating system removes when it is closed, even after a
//! crash, and deciding reads each set back when it compares a pair. A file that cannot
//! be written only costs memory: the sets stay in memory and the run goes on.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use rustc_hash::FxHashMap;

/// Shingle hashes held in memory before the rest go to a temporary file: 64 MiB.
pub const MEMORY_BUDGET: usize = 8 << 20;

/// Shingle sets by document id.
#[derive(Debug)]
pub struct ShingleStore {
    budget: usize,
    index: FxHashMap<u64, Slot>,
    memory: Vec<u64>,
    file: Option<Spilled>,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Memory { at: usize, len: usize },
    File { at: u64, len: usize },
}

#[derive(Debug)]
struct Spilled {
    writer: BufWriter<File>,
    len: u64,
}

impl Default for ShingleStore {
    fn default() -> Self {
        ShingleStore::with_budget(MEMORY_BUDGET)
    }
}

impl ShingleStore {
    /// A store that keeps up to `budget` shingle hashes in memory.
    pub fn with_budget(budget: usize) -> ShingleStore {
        ShingleStore {
            budget,
            index: FxHashMap::default(),
            memory: Vec::new(),
            file: None,
        }
    }

    /// Keeps `set` as the shingle set of document `id`.
    pub fn insert(&mut self, id: u64, set: &[u64]) {
        if self.memory.len() + set.len() > self.budget {
            match self.spill(set) {
                Ok(slot) => {
                    self.index.insert(id, slot);
                    return;
                }
                Err(err) => {
                    tracing::warn!(
                        error = %err,
                        "Dedup could not write shingle sets to a temporary file; keeping them in memory."
                    );
                    self.budget = usize::MAX;
                }
            }
        }
        let at = self.memory.len();
        self.memory.extend_from_slice(set);
        self.index.insert(id, Slot::Memory { at, len: set.len() });
    }

    fn spill(&mut self, set: &[u64]) -> std::io::Result<Slot> {
        let spilled = match &mut self.file {
            Some(spilled) => spilled,
            None => self.file.insert(Spilled {
                writer: BufWriter::new(tempfile::tempfile()?),
                len: 0,
            }),
        };
        let at = spilled.len;
        for hash in set {
            spilled.writer.write_all(&hash.to_le_bytes())?;
        }
        spilled.len += 8 * set.len() as u64;
        Ok(Slot::File { at, len: set.len() })
    }

    /// Ends writing: what follows only reads.
    pub fn seal(&mut self) -> std::io::Result<()> {
        if let Some(spilled) = &mut self.file {
            spilled.writer.flush()?;
        }
        Ok(())
    }

    /// Copies the shingle set of document `id` into `out`; false when pass 2 did not
    /// see the document. Call [`ShingleStore::seal`] first.
    pub fn read_into(&self, id: u64, out: &mut Vec<u64>) -> std::io::Result<bool> {
        out.clear();
        match self.index.get(&id) {
            None => Ok(false),
            Some(&Slot::Memory { at, len }) => {
                out.extend_from_slice(&self.memory[at..at + len]);
                Ok(true)
            }
            Some(&Slot::File { at, len }) => {
                let Some(spilled) = &self.file else {
                    return Ok(false);
                };
                let mut file = spilled.writer.get_ref();
                file.seek(SeekFrom::Start(at))?;
                let mut bytes = vec![0u8; 8 * len];
                file.read_exact(&mut bytes)?;
                out.extend(bytes.chunks_exact(8).map(|c| {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(c);
                    u64::from_le_bytes(word)
                }));
                Ok(true)
            }
        }
    }

    /// Whether any set went to the temporary file.
    pub fn spilled(&self) -> bool {
        self.file.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_past_the_budget_are_read_back_from_the_file() {
        let mut store = ShingleStore::with_budget(10);
        let sets: Vec<Vec<u64>> = (0..5u64)
            .map(|i| (0..4).map(|j| i * 1000 + j).collect())
            .collect();
        for (id, set) in sets.iter().enumerate() {
            store.insert(id as u64, set);
        }
        store.seal().unwrap();
        assert!(store.spilled());
        let mut got = Vec::new();
        // Out of order, as deciding asks for them.
        for id in [4u64, 0, 3, 1, 2, 4] {
            assert!(store.read_into(id, &mut got).unwrap());
            assert_eq!(got, sets[id as usize], "set {id}");
        }
        assert!(!store.read_into(9, &mut got).unwrap());
    }

    #[test]
    fn a_small_corpus_stays_in_memory() {
        let mut store = ShingleStore::default();
        store.insert(7, &[1, 2, 3]);
        store.seal().unwrap();
        assert!(!store.spilled());
        let mut got = Vec::new();
        assert!(store.read_into(7, &mut got).unwrap());
        assert_eq!(got, [1, 2, 3]);
    }
}
