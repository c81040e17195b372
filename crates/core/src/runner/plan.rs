//! The passes a run makes over the corpus, decided from the stages before anything is
//! read, so that the order of work is written down in one place: logged with `-v`,
//! recorded in the manifest, and tested for every arrangement of stages.
//!
//! A corpus stage must observe every document before it applies to any, so each of
//! its observing passes is a pass over the corpus, and a final pass applies every
//! stage and writes the output. Three rules place the work:
//! - Every pass brings documents up to the stage it is for: the observing stage, or
//!   past the last stage in the final pass. They come from the inputs (decoded), or
//!   from the last spill, which holds them as the stages before its own left them.
//! - A run spills at the first pass of every corpus stage, so no stage is applied
//!   twice to a document and no input is decoded twice.
//! - With an earlier output, documents of unchanged inputs come from there and skip
//!   the leading stages that do not reapply (their results are checked instead); the
//!   passes before the first stage that reapplies do not spill, since those documents
//!   bring no decoded text. A stage that does not reapply after one that does makes
//!   restoring impossible: the plan says so and why, and every input is decoded.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What the plan needs to know of a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub name: &'static str,
    /// Observing passes before it applies; 0 for a per-document stage.
    pub passes: usize,
    /// Whether it runs again on documents restored from an earlier output.
    pub reapplies: bool,
}

/// The passes of one run, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub passes: Vec<Pass>,
    pub incremental: Incremental,
    /// The stages' names, for describing the plan.
    names: Vec<&'static str>,
}

/// One pass over the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub name: String,
    pub source: Source,
    /// Documents are brought up to here: stages `source.level()..upto` are applied.
    pub upto: usize,
    /// The corpus stage that observes the documents, and which of its passes this is.
    pub observe: Option<Observe>,
    /// The spill this pass fills, numbered from 0.
    pub keep: Option<usize>,
    /// Whether this is the pass that writes the output.
    pub output: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observe {
    pub stage: usize,
    pub pass: usize,
}

/// Where a pass's documents come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The input files, decoded (or, in an incremental run, taken from the earlier
    /// output where the input is unchanged).
    Inputs,
    /// A spill, which holds the documents with the first `level` stages applied.
    Spill { number: usize, level: usize },
}

/// Whether documents of unchanged inputs come from an earlier output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incremental {
    /// No earlier output was given.
    Off,
    /// They do, and skip the first `skipped` stages.
    Restore { skipped: usize },
    /// One was given, but these stages cannot build on it; every input is decoded.
    Impossible { reason: String },
}

impl Source {
    /// Stages already applied to the documents this source gives (decoded ones: none).
    pub fn level(self) -> usize {
        match self {
            Source::Inputs => 0,
            Source::Spill { level, .. } => level,
        }
    }
}

impl Pass {
    /// Whether the pass keeps its documents (in a spill or the output), and so is the
    /// one that applies each stage for good: the one that times and counts it.
    pub fn materializes(&self) -> bool {
        self.keep.is_some() || self.output
    }
}

impl Plan {
    /// The plan for `stages` (in pipeline order): with spills or without, and with an
    /// earlier output to restore from or without.
    pub fn new(stages: &[Shape], spilling: bool, earlier: bool) -> Plan {
        let incremental = if earlier {
            restore_point(stages)
        } else {
            Incremental::Off
        };
        let skipped = match incremental {
            Incremental::Restore { skipped } => Some(skipped),
            _ => None,
        };
        let mut passes = Vec::new();
        let mut source = Source::Inputs;
        let mut spills = 0;
        for (k, stage) in stages.iter().enumerate() {
            for pass in 0..stage.passes {
                let keep = (spilling && pass == 0 && skipped.is_none_or(|s| k >= s)).then(|| {
                    spills += 1;
                    spills - 1
                });
                let name = if stage.passes > 1 {
                    format!("{} observes ({} of {})", stage.name, pass + 1, stage.passes)
                } else {
                    format!("{} observes", stage.name)
                };
                passes.push(Pass {
                    name,
                    source,
                    upto: k,
                    observe: Some(Observe { stage: k, pass }),
                    keep,
                    output: false,
                });
                if let Some(number) = keep {
                    source = Source::Spill { number, level: k };
                }
            }
        }
        passes.push(Pass {
            name: "final".to_owned(),
            source,
            upto: stages.len(),
            observe: None,
            keep: None,
            output: true,
        });
        Plan {
            passes,
            incremental,
            names: stages.iter().map(|s| s.name).collect(),
        }
    }

    /// Stages a document from the earlier output skips, if documents come from one.
    pub fn skipped(&self) -> Option<usize> {
        match self.incremental {
            Incremental::Restore { skipped } => Some(skipped),
            _ => None,
        }
    }

    /// The plan as the manifest records it.
    pub fn record(&self) -> PlanRecord {
        PlanRecord {
            incremental: self.incremental_line(),
            passes: self
                .passes
                .iter()
                .map(|p| PassRecord {
                    name: p.name.clone(),
                    reads: self.reads(p),
                    applies: self.applies(p),
                    observes: p.observe.map(|o| self.names[o.stage].to_owned()),
                    writes: match (p.keep, p.output) {
                        (_, true) => Some("output".to_owned()),
                        (Some(n), false) => Some(format!("spill {n}")),
                        (None, false) => None,
                    },
                })
                .collect(),
        }
    }

    fn reads(&self, pass: &Pass) -> String {
        match (pass.source, self.skipped()) {
            (Source::Inputs, Some(_)) => {
                "inputs (the unchanged ones from the earlier output)".to_owned()
            }
            (Source::Inputs, None) => "inputs".to_owned(),
            (Source::Spill { number, .. }, _) => format!("spill {number}"),
        }
    }

    fn applies(&self, pass: &Pass) -> Vec<String> {
        let decode = matches!(pass.source, Source::Inputs).then(|| "decode".to_owned());
        decode
            .into_iter()
            .chain(
                self.names[pass.source.level()..pass.upto]
                    .iter()
                    .map(|n| (*n).to_owned()),
            )
            .collect()
    }

    fn incremental_line(&self) -> String {
        match &self.incremental {
            Incremental::Off => "off: no earlier output".to_owned(),
            Incremental::Restore { skipped: 0 } => {
                "documents of unchanged inputs come from the earlier output and go through every stage again".to_owned()
            }
            Incremental::Restore { skipped } => format!(
                "documents of unchanged inputs come from the earlier output and skip {} (checked, not redone)",
                self.names[..*skipped].join(", ")
            ),
            Incremental::Impossible { reason } => {
                format!("impossible, every input is decoded: {reason}")
            }
        }
    }
}

/// How many leading stages a restored document skips: the ones that do not reapply,
/// which must all come before every stage that does.
fn restore_point(stages: &[Shape]) -> Incremental {
    let skipped = stages.iter().take_while(|s| !s.reapplies).count();
    match stages[skipped..].iter().find(|s| !s.reapplies) {
        None => Incremental::Restore { skipped },
        Some(late) => Incremental::Impossible {
            reason: format!(
                "the {} stage cannot run again on a document it already processed, and it comes after {}, which runs again on every restored document",
                late.name, stages[skipped].name
            ),
        },
    }
}

/// What `manifest.json` records of the plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanRecord {
    pub incremental: String,
    pub passes: Vec<PassRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PassRecord {
    pub name: String,
    pub reads: String,
    pub applies: Vec<String>,
    pub observes: Option<String>,
    pub writes: Option<String>,
}

impl fmt::Display for Plan {
    /// The plan as `-v` logs it: one line per pass, numbered.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let record = self.record();
        writeln!(
            f,
            "{} passes; incremental: {}",
            record.passes.len(),
            record.incremental
        )?;
        for (i, pass) in record.passes.iter().enumerate() {
            write!(f, "  {}. {}: reads {}", i + 1, pass.name, pass.reads)?;
            if !pass.applies.is_empty() {
                write!(f, ", applies {}", pass.applies.join(" → "))?;
            }
            if let Some(stage) = &pass.observes {
                write!(f, ", {stage} observes")?;
            }
            if let Some(to) = &pass.writes {
                write!(f, ", writes {to}")?;
            }
            if i + 1 < record.passes.len() {
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOILERPLATE: Shape = Shape {
        name: "boilerplate",
        passes: 1,
        reapplies: false,
    };
    const DEDUP: Shape = Shape {
        name: "dedup",
        passes: 2,
        reapplies: true,
    };
    const ENTITIES: Shape = Shape {
        name: "entities",
        passes: 0,
        reapplies: true,
    };
    /// Language identification: per document, between boilerplate and dedup.
    const LANGUAGE: Shape = Shape {
        name: "language",
        passes: 0,
        reapplies: true,
    };
    /// Linking one person's mentions across documents: a corpus stage after entities.
    const LINKING: Shape = Shape {
        name: "linking",
        passes: 1,
        reapplies: true,
    };

    /// One pass as (source, upto, observer and its pass, keep, output).
    type Row = (Source, usize, Option<(usize, usize)>, Option<usize>, bool);

    fn shape(plan: &Plan) -> Vec<Row> {
        plan.passes
            .iter()
            .map(|p| {
                (
                    p.source,
                    p.upto,
                    p.observe.map(|o| (o.stage, o.pass)),
                    p.keep,
                    p.output,
                )
            })
            .collect()
    }

    fn spill(number: usize, level: usize) -> Source {
        Source::Spill { number, level }
    }

    /// Whatever the arrangement: passes chain (each reads what an earlier one kept,
    /// or the inputs), every corpus stage observes as often as it asks, and each stage
    /// is applied for good exactly once along the passes that keep documents.
    fn check_invariants(stages: &[Shape], plan: &Plan) {
        let mut kept = vec![];
        let mut applied = vec![0; stages.len()];
        for pass in &plan.passes {
            if let Source::Spill { number, level } = pass.source {
                assert!(
                    kept.contains(&(number, level)),
                    "{pass:?} reads a spill no pass kept"
                );
            }
            assert!(pass.source.level() <= pass.upto);
            if pass.materializes() {
                for a in &mut applied[pass.source.level()..pass.upto] {
                    *a += 1;
                }
            }
            if let Some(n) = pass.keep {
                kept.push((n, pass.upto));
            }
        }
        for (k, stage) in stages.iter().enumerate() {
            let observed = plan
                .passes
                .iter()
                .filter(|p| p.observe.is_some_and(|o| o.stage == k))
                .count();
            assert_eq!(observed, stage.passes, "{}", stage.name);
            assert_eq!(applied[k], 1, "{} applied {} times", stage.name, applied[k]);
        }
        assert!(plan
            .passes
            .last()
            .is_some_and(|p| p.output && p.upto == stages.len()));
    }

    #[test]
    fn the_sample_pipeline_spills_at_boilerplate_and_dedup() {
        let stages = [BOILERPLATE, DEDUP, ENTITIES];
        let plan = Plan::new(&stages, true, false);
        check_invariants(&stages, &plan);
        assert_eq!(
            shape(&plan),
            [
                (Source::Inputs, 0, Some((0, 0)), Some(0), false),
                (spill(0, 0), 1, Some((1, 0)), Some(1), false),
                (spill(1, 1), 1, Some((1, 1)), None, false),
                (spill(1, 1), 3, None, None, true),
            ]
        );
        let text = plan.to_string();
        assert!(
            text.contains("4. final: reads spill 1, applies dedup → entities, writes output"),
            "{text}"
        );
    }

    #[test]
    fn without_spills_every_pass_decodes() {
        let stages = [BOILERPLATE, DEDUP, ENTITIES];
        let plan = Plan::new(&stages, false, false);
        check_invariants(&stages, &plan);
        assert!(plan
            .passes
            .iter()
            .all(|p| p.source == Source::Inputs && p.keep.is_none()));
        assert_eq!(plan.passes.len(), 4);
    }

    #[test]
    fn a_per_document_stage_between_corpus_stages_keeps_both_spill_points() {
        let stages = [BOILERPLATE, LANGUAGE, DEDUP, ENTITIES];
        let plan = Plan::new(&stages, true, false);
        check_invariants(&stages, &plan);
        assert_eq!(
            shape(&plan),
            [
                (Source::Inputs, 0, Some((0, 0)), Some(0), false),
                (spill(0, 0), 2, Some((2, 0)), Some(1), false),
                (spill(1, 2), 2, Some((2, 1)), None, false),
                (spill(1, 2), 4, None, None, true),
            ]
        );
        // Restoring still works: language reapplies, so only boilerplate is skipped.
        let plan = Plan::new(&stages, true, true);
        check_invariants(&stages, &plan);
        assert_eq!(plan.incremental, Incremental::Restore { skipped: 1 });
    }

    #[test]
    fn a_corpus_stage_after_entities_gets_its_own_spill() {
        let stages = [BOILERPLATE, DEDUP, ENTITIES, LINKING];
        let plan = Plan::new(&stages, true, false);
        check_invariants(&stages, &plan);
        assert_eq!(
            shape(&plan)[3..],
            [
                (spill(1, 1), 3, Some((3, 0)), Some(2), false),
                (spill(2, 3), 4, None, None, true),
            ]
        );
    }

    #[test]
    fn restoring_skips_the_leading_stages_and_spills_from_the_first_that_reapplies() {
        let stages = [BOILERPLATE, DEDUP, ENTITIES];
        let plan = Plan::new(&stages, true, true);
        check_invariants(&stages, &plan);
        assert_eq!(plan.incremental, Incremental::Restore { skipped: 1 });
        assert_eq!(
            shape(&plan),
            [
                (Source::Inputs, 0, Some((0, 0)), None, false),
                (Source::Inputs, 1, Some((1, 0)), Some(0), false),
                (spill(0, 1), 1, Some((1, 1)), None, false),
                (spill(0, 1), 3, None, None, true),
            ]
        );
        assert!(plan.to_string().contains("skip boilerplate"), "{plan}");
    }

    #[test]
    fn a_per_document_stage_that_does_not_reapply_may_come_first() {
        let normalise = Shape {
            name: "normalise",
            passes: 0,
            reapplies: false,
        };
        let stages = [normalise, BOILERPLATE, DEDUP];
        let plan = Plan::new(&stages, true, true);
        check_invariants(&stages, &plan);
        assert_eq!(plan.incremental, Incremental::Restore { skipped: 2 });
    }

    #[test]
    fn a_stage_that_cannot_reapply_after_one_that_does_says_why_restoring_is_off() {
        let tally = Shape {
            name: "tally",
            passes: 1,
            reapplies: false,
        };
        let stages = [DEDUP, tally];
        let plan = Plan::new(&stages, true, true);
        check_invariants(&stages, &plan);
        let Incremental::Impossible { reason } = &plan.incremental else {
            panic!("{:?}", plan.incremental);
        };
        assert!(
            reason.contains("tally") && reason.contains("dedup"),
            "{reason}"
        );
        // Everything is decoded, and spilled as without an earlier output.
        assert_eq!(plan.skipped(), None);
        assert_eq!(plan.passes[0].keep, Some(0));
        assert!(plan.record().incremental.starts_with("impossible"));
    }

    #[test]
    fn only_per_document_stages_make_one_pass() {
        let stages = [ENTITIES];
        for earlier in [false, true] {
            let plan = Plan::new(&stages, true, earlier);
            check_invariants(&stages, &plan);
            assert_eq!(shape(&plan), [(Source::Inputs, 1, None, None, true)]);
        }
        let plan = Plan::new(&[], true, false);
        assert_eq!(shape(&plan), [(Source::Inputs, 0, None, None, true)]);
    }

    #[test]
    fn every_order_of_stages_gives_a_chained_plan() {
        let all = [BOILERPLATE, DEDUP, ENTITIES, LANGUAGE, LINKING];
        // Every ordering of every subset of up to four stages, every flag.
        fn orders(all: &[Shape], len: usize, prefix: &mut Vec<Shape>, out: &mut Vec<Vec<Shape>>) {
            out.push(prefix.clone());
            if prefix.len() == len {
                return;
            }
            for s in all {
                if !prefix.contains(s) {
                    prefix.push(*s);
                    orders(all, len, prefix, out);
                    prefix.pop();
                }
            }
        }
        let mut arrangements = vec![];
        orders(&all, 4, &mut vec![], &mut arrangements);
        assert!(arrangements.len() > 100);
        for stages in &arrangements {
            for (spilling, earlier) in [(false, false), (true, false), (true, true), (false, true)]
            {
                let plan = Plan::new(stages, spilling, earlier);
                check_invariants(stages, &plan);
            }
        }
    }
}
