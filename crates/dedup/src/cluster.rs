//! Leader clustering over confirmed similar pairs, which cannot chain.
//!
//! Documents are taken in keep order (longest text first, then the earliest
//! `published`, then `doc_id`). Each joins the first kept document it was confirmed
//! similar to, or is kept itself. So every duplicate is at least `threshold` similar
//! to the document it points to: A~B and B~C never make C a duplicate of A unless C~A.
//! Exact duplicates form a group that moves as one, since their shingles are equal.

use std::cmp::Reverse;

/// One document as clustering sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    pub id: u64,
    pub n_chars: u64,
    pub published: Option<i64>,
}

impl Member {
    /// Smaller is kept first: longest, then earliest published (undated last), then id.
    fn keep_key(&self) -> (Reverse<u64>, i64, u64) {
        (
            Reverse(self.n_chars),
            self.published.unwrap_or(i64::MAX),
            self.id,
        )
    }
}

/// Where a document landed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The kept document of its cluster.
    pub cluster: u64,
    /// The kept document it duplicates; `None` when it is kept.
    pub duplicate_of: Option<u64>,
    /// Jaccard similarity to that document; `None` when it is kept.
    pub similarity: Option<f64>,
}

/// Places every member of every group. `groups` are exact-duplicate groups (each
/// non-empty); `edges` are confirmed near-duplicate pairs of groups with their Jaccard
/// similarity, each at least the threshold.
pub fn place(groups: &[Vec<Member>], edges: &[(usize, usize, f64)]) -> Vec<(u64, Placement)> {
    // Each group in keep order, led by its best member.
    let mut sorted: Vec<Vec<Member>> = groups.to_vec();
    for group in &mut sorted {
        group.sort_by_key(Member::keep_key);
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| sorted[g][0].keep_key());
    let mut rank = vec![0usize; groups.len()];
    for (r, &g) in order.iter().enumerate() {
        rank[g] = r;
    }

    let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); groups.len()];
    for &(a, b, similarity) in edges {
        neighbours[a].push((b, similarity));
        neighbours[b].push((a, similarity));
    }

    let mut kept = vec![false; groups.len()];
    let mut placements = Vec::with_capacity(groups.iter().map(Vec::len).sum());
    for &g in &order {
        let leader = neighbours[g]
            .iter()
            .filter(|&&(other, _)| kept[other] && rank[other] < rank[g])
            .min_by_key(|&&(other, _)| rank[other]);
        let (head, similarity) = match leader {
            Some(&(other, similarity)) => (sorted[other][0].id, Some(similarity)),
            None => {
                kept[g] = true;
                (sorted[g][0].id, None)
            }
        };
        for (i, member) in sorted[g].iter().enumerate() {
            let is_head = kept[g] && i == 0;
            placements.push((
                member.id,
                Placement {
                    cluster: head,
                    duplicate_of: (!is_head).then_some(head),
                    similarity: if is_head {
                        None
                    } else {
                        Some(similarity.unwrap_or(1.0))
                    },
                },
            ));
        }
    }
    placements
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: u64, n_chars: u64) -> Member {
        Member {
            id,
            n_chars,
            published: None,
        }
    }

    fn placed(groups: &[Vec<Member>], edges: &[(usize, usize, f64)]) -> Vec<(u64, Option<u64>)> {
        let mut out: Vec<_> = place(groups, edges)
            .into_iter()
            .map(|(id, p)| (id, p.duplicate_of))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn similar_pairs_do_not_chain() {
        // A~B and B~C, but A and C are not similar: C must not become A's duplicate.
        let groups = [
            vec![member(1, 300)],
            vec![member(2, 200)],
            vec![member(3, 100)],
        ];
        let edges = [(0, 1, 0.85), (1, 2, 0.85)];
        assert_eq!(
            placed(&groups, &edges),
            [(1, None), (2, Some(1)), (3, None)]
        );
    }

    #[test]
    fn a_document_joins_the_first_kept_one_in_keep_order() {
        let groups = [
            vec![member(1, 300)],
            vec![member(2, 250)],
            vec![member(3, 100)],
        ];
        // 3 is similar to both kept documents; 1 comes first in keep order.
        let edges = [(0, 2, 0.81), (1, 2, 0.95)];
        assert_eq!(
            placed(&groups, &edges),
            [(1, None), (2, None), (3, Some(1))]
        );
    }

    #[test]
    fn exact_groups_keep_their_longest_and_move_together() {
        let groups = [vec![member(5, 90), member(4, 100)], vec![member(7, 500)]];
        let placements = place(&groups, &[(0, 1, 0.9)]);
        let get = |id| placements.iter().find(|(i, _)| *i == id).unwrap().1;
        assert_eq!(get(7).duplicate_of, None);
        assert_eq!(get(4).duplicate_of, Some(7));
        assert_eq!(get(5).similarity, Some(0.9));
        let alone = place(&groups[..1], &[]);
        assert_eq!(
            alone[0],
            (
                4,
                Placement {
                    cluster: 4,
                    duplicate_of: None,
                    similarity: None
                }
            )
        );
        assert_eq!(alone[1].1.duplicate_of, Some(4));
        assert_eq!(alone[1].1.similarity, Some(1.0));
    }

    #[test]
    fn ties_break_on_publication_then_id() {
        let early = Member {
            id: 9,
            n_chars: 100,
            published: Some(10),
        };
        let late = Member {
            id: 1,
            n_chars: 100,
            published: Some(20),
        };
        assert_eq!(
            placed(&[vec![late], vec![early]], &[(0, 1, 0.9)]),
            [(1, Some(9)), (9, None)]
        );
    }
}
