//! The dedup stage: marks exact and near-duplicate documents, clusters them without
//! chaining, and collapses paragraphs a document repeats.
//!
//! It looks at the corpus twice. Pass 1 keeps, per document, an exact hash and the LSH
//! band hashes of its MinHash signature (about 200 bytes); deciding finds the exact
//! groups and the candidate pairs. Pass 2 looks again at the few documents in candidate
//! pairs only, for their shingle sets; deciding confirms each pair by its true Jaccard
//! similarity, so `threshold` means what it says, and places every document with
//! [`cluster::place`]. `apply` then writes each document's placement.

pub mod cluster;
pub mod minhash;
pub mod store;
pub mod text;

use newsprep_core::config::DedupConfig;
use newsprep_core::document::{DedupNote, DocId, Document, Rejection, Signature};
use newsprep_core::stage::BoxError;
use newsprep_core::CorpusStage;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::cluster::{Member, Placement};
use crate::minhash::MinHasher;
use crate::store::ShingleStore;

/// The dedup stage, built from `[dedup]`.
pub struct Dedup {
    shingle_size: usize,
    threshold: f64,
    drop_duplicates: bool,
    hasher: MinHasher,
    /// Exact-duplicate groups (indices into the signatures' rows, in input order).
    groups: Vec<Vec<usize>>,
    /// After pass 1: candidate pairs of groups, from LSH.
    candidates: Vec<(u32, u32)>,
    /// After pass 1: the documents pass 2 must see (the groups' first members).
    wanted: FxHashSet<u64>,
    /// Pass 2: shingle sets of the wanted documents.
    shingle_sets: ShingleStore,
    /// After pass 2: the exact groups by document id, and the confirmed pairs of
    /// groups with their similarity.
    group_ids: Vec<Vec<u64>>,
    confirmed: Vec<(usize, usize, f64)>,
    /// After pass 2: where every document landed.
    placements: Vec<(u64, Placement)>,
    /// Every document's signature, packed, from pass 1 on: in input order while
    /// deciding indexes it, then by id. `apply` leaves it in the trace for the next
    /// run (an incremental run or a shard merge bands it again from there).
    signatures: Signatures,
}

/// What pass 1 reports of a document; absorbing packs it into [`Signatures`].
#[derive(Debug, Clone)]
pub struct Entry {
    member: Member,
    exact: u128,
    /// Empty for an empty text, which has no shingles to compare.
    bands: Box<[u64]>,
}

/// A document reduced for one pass.
#[derive(Debug)]
pub enum Summary {
    Signature(Entry),
    Shingles(u64, Vec<u64>),
}

impl Dedup {
    /// Builds the stage; the config must already be validated (bands x rows = hashes).
    pub fn new(config: &DedupConfig) -> Dedup {
        Dedup {
            shingle_size: config.shingle_size,
            threshold: config.threshold,
            drop_duplicates: config.drop_duplicates,
            hasher: MinHasher::new(config.bands, config.rows),
            groups: Vec::new(),
            candidates: Vec::new(),
            wanted: FxHashSet::default(),
            shingle_sets: ShingleStore::default(),
            group_ids: Vec::new(),
            confirmed: Vec::new(),
            placements: Vec::new(),
            signatures: Signatures::default(),
        }
    }

    /// Pass 1's reduction of one text: exact hash and band hashes.
    pub fn entry(&self, id: u64, text: &str, published: Option<i64>) -> Entry {
        let words = text::word_hashes(text);
        let bands = if words.is_empty() {
            Box::default()
        } else {
            let shingles = text::shingle_hashes(&words, self.shingle_size);
            self.hasher
                .band_hashes(&self.hasher.signature(shingles))
                .into_boxed_slice()
        };
        Entry {
            member: Member {
                id,
                n_chars: text.chars().count() as u64,
                published,
            },
            exact: text::exact_hash(&words),
            bands,
        }
    }

    /// Every pair of documents (by id, smaller first) found to be duplicates once both
    /// passes are decided: within exact groups, and across confirmed pairs of groups.
    /// What the stage decided, as pairs an evaluation can hold against brute-force
    /// Jaccard (`newsprep-bench eval-dedup`); it reads the stage's own groups, so it
    /// lives here. Quadratic in the size of a cluster: the runner never calls it.
    pub fn found_pairs(&self) -> Vec<(u64, u64)> {
        let mut pairs = Vec::new();
        let ordered = |a: u64, b: u64| (a.min(b), a.max(b));
        for ids in &self.group_ids {
            for (i, &a) in ids.iter().enumerate() {
                pairs.extend(ids[i + 1..].iter().map(|&b| ordered(a, b)));
            }
        }
        for &(ga, gb, _) in &self.confirmed {
            for &a in &self.group_ids[ga] {
                pairs.extend(self.group_ids[gb].iter().map(|&b| ordered(a, b)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Where a document landed, once both passes are decided.
    pub fn placement(&self, id: u64) -> Option<Placement> {
        let at = self
            .placements
            .binary_search_by_key(&id, |&(id, _)| id)
            .ok()?;
        Some(self.placements[at].1)
    }

    /// The id of the document that stands for group `g`.
    fn first_id(&self, g: u32) -> u64 {
        self.signatures.rows[self.groups[g as usize][0]].id
    }

    /// Groups exact duplicates, then bands the groups' signatures into buckets and
    /// pairs up the groups that share one.
    fn find_candidates(&mut self) {
        let mut by_exact: FxHashMap<u128, usize> = FxHashMap::default();
        for (i, row) in self.signatures.rows.iter().enumerate() {
            let group = *by_exact.entry(row.exact).or_insert_with(|| {
                self.groups.push(Vec::new());
                self.groups.len() - 1
            });
            self.groups[group].push(i);
        }

        // Band by band: sorting one band's (hash, group) pairs brings the groups that
        // share a bucket together, in memory for one band at a time rather than a map
        // of every bucket of every band.
        let n_bands = self.hasher.bands();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut band: Vec<(u64, u32)> = Vec::with_capacity(self.groups.len());
        for b in 0..n_bands {
            band.clear();
            band.extend(self.groups.iter().enumerate().filter_map(|(g, members)| {
                let bands = self.signatures.bands_of(members[0]);
                bands.get(b).map(|&hash| (hash, g as u32))
            }));
            band.sort_unstable();
            for bucket in band.chunk_by(|x, y| x.0 == y.0).filter(|b| b.len() > 1) {
                for (i, &(_, a)) in bucket.iter().enumerate() {
                    pairs.extend(bucket[i + 1..].iter().map(|&(_, b)| (a.min(b), a.max(b))));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        self.wanted = pairs
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .map(|g| self.first_id(g))
            .collect();
        self.candidates = pairs;
    }

    /// Confirms candidate pairs by their true Jaccard similarity and places everyone.
    /// Only its own temporary file of shingle sets can fail here, and then the run
    /// fails: near duplicates left unmarked would be a silently wrong dataset.
    fn confirm_and_place(&mut self) -> std::io::Result<()> {
        let mut store = std::mem::take(&mut self.shingle_sets);
        store.seal()?;
        let edges = self.confirm(&store)?;
        drop(store);
        let groups: Vec<Vec<Member>> = self
            .groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&i| self.signatures.rows[i].member())
                    .collect()
            })
            .collect();
        self.placements = cluster::place(&groups, &edges);
        self.placements.sort_unstable_by_key(|&(id, _)| id);
        self.group_ids = groups
            .iter()
            .map(|g| g.iter().map(|m| m.id).collect())
            .collect();
        self.confirmed = edges;
        self.signatures.sort();
        self.groups = Vec::new();
        self.candidates = Vec::new();
        Ok(())
    }

    /// The candidate pairs of groups whose similarity reaches the threshold. Pairs
    /// come sorted by their first group, so its set is read once for all its pairs.
    fn confirm(&self, store: &ShingleStore) -> std::io::Result<Vec<(usize, usize, f64)>> {
        let (mut set_a, mut set_b) = (Vec::new(), Vec::new());
        let mut loaded: Option<(u32, bool)> = None;
        let mut edges = Vec::new();
        for &(a, b) in &self.candidates {
            let has_a = match loaded {
                Some((g, has)) if g == a => has,
                _ => {
                    let has = store.read_into(self.first_id(a), &mut set_a)?;
                    loaded = Some((a, has));
                    has
                }
            };
            if !has_a || !store.read_into(self.first_id(b), &mut set_b)? {
                continue;
            }
            let similarity = text::jaccard(&set_a, &set_b);
            if similarity >= self.threshold {
                edges.push((a as usize, b as usize, similarity));
            }
        }
        Ok(edges)
    }
}

/// Every document's signature after pass 1, packed: a row per document and one vector
/// of all band hashes, rather than a map entry and a vector each.
#[derive(Debug, Default)]
struct Signatures {
    rows: Vec<SignatureRow>,
    bands: Vec<u64>,
}

#[derive(Debug)]
struct SignatureRow {
    id: u64,
    exact: u128,
    n_chars: u64,
    published: Option<i64>,
    /// Where its band hashes start in `bands`, and how many there are.
    bands_at: usize,
    n_bands: usize,
}

impl SignatureRow {
    fn member(&self) -> Member {
        Member {
            id: self.id,
            n_chars: self.n_chars,
            published: self.published,
        }
    }
}

impl Signatures {
    fn push(&mut self, entry: &Entry) {
        self.rows.push(SignatureRow {
            id: entry.member.id,
            exact: entry.exact,
            n_chars: entry.member.n_chars,
            published: entry.member.published,
            bands_at: self.bands.len(),
            n_bands: entry.bands.len(),
        });
        self.bands.extend_from_slice(&entry.bands);
    }

    /// The band hashes of row `i`.
    fn bands_of(&self, i: usize) -> &[u64] {
        let row = &self.rows[i];
        &self.bands[row.bands_at..row.bands_at + row.n_bands]
    }

    /// Orders the rows by id for [`Signatures::get`], once deciding no longer needs
    /// them in input order.
    fn sort(&mut self) {
        self.rows.sort_by_key(|row| row.id);
    }

    fn get(&self, id: u64) -> Option<Signature> {
        let at = self.rows.binary_search_by_key(&id, |row| row.id).ok()?;
        let row = &self.rows[at];
        Some(Signature {
            exact: row.exact,
            n_chars: row.n_chars,
            published: row.published,
            bands: self.bands_of(at).to_vec(),
        })
    }
}

impl CorpusStage for Dedup {
    type Summary = Summary;

    fn name(&self) -> &'static str {
        "dedup"
    }

    fn passes(&self) -> usize {
        2
    }

    fn wants(&self, pass: usize, doc_id: DocId) -> bool {
        pass == 0 || self.wanted.contains(&doc_id.0)
    }

    fn observe(&self, pass: usize, doc: &Document) -> Summary {
        let id = doc.doc_id.0;
        // A document restored from an earlier run brings its signature along.
        if let (0, Some(sig)) = (pass, &doc.trace.signature) {
            return Summary::Signature(Entry {
                member: Member {
                    id,
                    n_chars: sig.n_chars,
                    published: sig.published,
                },
                exact: sig.exact,
                bands: sig.bands.clone().into_boxed_slice(),
            });
        }
        let text = text::collapse_repeated_paragraphs(&doc.text);
        if pass == 0 {
            Summary::Signature(self.entry(id, &text, doc.meta.published))
        } else {
            Summary::Shingles(id, text::text_shingles(&text, self.shingle_size))
        }
    }

    fn absorb(&mut self, _pass: usize, summaries: Vec<Summary>) -> Result<(), BoxError> {
        for summary in summaries {
            match summary {
                Summary::Signature(entry) => self.signatures.push(&entry),
                Summary::Shingles(id, set) => self.shingle_sets.insert(id, &set),
            }
        }
        Ok(())
    }

    fn decide(&mut self, pass: usize) -> Result<(), BoxError> {
        if pass == 0 {
            self.find_candidates();
            Ok(())
        } else {
            self.confirm_and_place().map_err(|err| {
                format!("cannot read back its temporary file of shingle sets: {err}").into()
            })
        }
    }

    fn apply(&self, doc: &mut Document) -> Result<(), Rejection> {
        if let std::borrow::Cow::Owned(collapsed) = text::collapse_repeated_paragraphs(&doc.text) {
            doc.text = collapsed;
        }
        let id = doc.doc_id.0;
        let placement = self.placement(id).unwrap_or(Placement {
            cluster: id,
            duplicate_of: None,
            similarity: None,
        });
        doc.dedup = Some(DedupNote {
            cluster: DocId(placement.cluster),
            duplicate_of: placement.duplicate_of.map(DocId),
            similarity: placement.similarity,
            dropped: self.drop_duplicates && placement.duplicate_of.is_some(),
        });
        doc.trace.signature = self.signatures.get(id);
        Ok(())
    }

    /// Its text is already collapsed, and its placement is written anew.
    fn reapplies(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, text: &str) -> Document {
        Document {
            doc_id: newsprep_core::document::DocId::for_path(path),
            source_path: path.to_owned(),
            text: text.to_owned(),
            ..Document::default()
        }
    }

    /// Runs both passes and applies, as the runner does.
    fn run(stage: &mut Dedup, docs: &mut [Document]) {
        newsprep_core::stage::observe_all(stage, docs.iter()).unwrap();
        for d in docs.iter_mut() {
            stage.apply(d).unwrap();
        }
    }

    fn article(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "Sentence number {i} tells of the events in Osh on day {}.",
                    i % 7
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn exact_and_near_duplicates_point_to_the_longest() {
        let base = article(60);
        let near = base.replace("number 5 ", "figure 5 ");
        let exact = base.to_uppercase();
        let other =
            "A different story about a village fete and its prize marrows, told at length. "
                .repeat(10);
        let mut docs = vec![
            doc("a.txt", &near),
            doc("b.txt", &format!("{base} Extra closing words.")),
            doc("c.txt", &exact),
            doc("d.txt", &other),
        ];
        let mut stage = Dedup::new(&DedupConfig::default());
        run(&mut stage, &mut docs);
        let kept = docs[1].doc_id;
        let note = |i: usize| docs[i].dedup.clone().unwrap();
        assert_eq!(note(1).duplicate_of, None);
        assert_eq!(note(0).duplicate_of, Some(kept));
        assert_eq!(note(2).duplicate_of, Some(kept));
        assert!(note(0).similarity.unwrap() >= 0.8 && note(0).similarity.unwrap() < 1.0);
        assert_eq!(note(3).duplicate_of, None);
        assert_eq!(note(3).cluster, docs[3].doc_id);
        assert_eq!(note(2).cluster, kept);
    }

    #[test]
    fn found_pairs_join_exact_groups_and_confirmed_near_copies() {
        let base = article(60);
        let mut docs = vec![
            doc("a.txt", &base),
            doc("b.txt", &base.to_uppercase()),
            doc("c.txt", &base.replace("number 5 ", "figure 5 ")),
            doc("d.txt", &article(40)),
        ];
        let mut stage = Dedup::new(&DedupConfig::default());
        run(&mut stage, &mut docs);
        let id = |i: usize| docs[i].doc_id.0;
        let mut expected: Vec<(u64, u64)> = [(0, 1), (0, 2), (1, 2)]
            .iter()
            .map(|&(x, y)| (id(x).min(id(y)), id(x).max(id(y))))
            .collect();
        expected.sort_unstable();
        assert_eq!(stage.found_pairs(), expected);
    }

    #[test]
    fn shingle_sets_on_disk_confirm_the_same_pairs() {
        let base = article(60);
        let texts = [
            base.replace("number 5 ", "figure 5 "),
            format!("{base} Extra closing words."),
            base.replace("number 9 ", "figure 9 "),
            article(40),
            format!("{} Added at the end.", article(40)),
        ];
        let notes = |budget: usize| {
            let mut stage = Dedup::new(&DedupConfig::default());
            stage.shingle_sets = ShingleStore::with_budget(budget);
            let mut docs: Vec<Document> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| doc(&format!("{i}.txt"), t))
                .collect();
            run(&mut stage, &mut docs);
            let notes: Vec<DedupNote> = docs.into_iter().map(|d| d.dedup.unwrap()).collect();
            notes
        };
        let in_memory = notes(usize::MAX);
        // Every set goes to the temporary file.
        let on_disk = notes(1);
        assert_eq!(in_memory, on_disk);
        let near = in_memory.iter().filter(|n| n.similarity.is_some()).count();
        assert_eq!(near, 3, "{in_memory:?}");
    }

    #[test]
    fn pass_two_reads_only_the_candidates() {
        let mut stage = Dedup::new(&DedupConfig::default());
        let docs = [
            doc("a.txt", &article(30)),
            doc("b.txt", &article(30)),
            doc("c.txt", "Nothing alike here at all, no."),
        ];
        let summaries = docs.iter().map(|d| stage.observe(0, d)).collect();
        stage.absorb(0, summaries).unwrap();
        stage.decide(0).unwrap();
        // a and b are exact duplicates: one group, nothing to confirm.
        assert!(!stage.wants(1, docs[2].doc_id));
        assert!(!stage.wants(1, docs[0].doc_id));
    }

    #[test]
    fn drop_duplicates_marks_them_dropped() {
        let config = DedupConfig {
            drop_duplicates: true,
            ..DedupConfig::default()
        };
        let mut stage = Dedup::new(&config);
        let mut docs = vec![doc("a.txt", &article(20)), doc("b.txt", &article(20))];
        run(&mut stage, &mut docs);
        let dropped: Vec<bool> = docs
            .iter()
            .map(|d| d.dedup.as_ref().unwrap().dropped)
            .collect();
        assert_eq!(dropped.iter().filter(|&&d| d).count(), 1);
    }

    #[test]
    fn repeated_paragraphs_are_collapsed_in_the_output() {
        let mut stage = Dedup::new(&DedupConfig::default());
        let para = "The government imposed a curfew in the city overnight.";
        let mut docs = vec![doc(
            "a.txt",
            &format!("{para}\n\nOther words here now please.\n\n{para}"),
        )];
        run(&mut stage, &mut docs);
        assert_eq!(
            docs[0].text,
            format!("{para}\n\nOther words here now please.")
        );
    }
}
