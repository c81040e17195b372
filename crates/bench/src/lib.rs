//! newsprep's measuring tools, behind the `newsprep-bench` binary: each stage scored
//! against gold data (`eval*`), and seeded corpora with known copies (`gen`), which the
//! integration tests also call to make their inputs. Kept out of the CLI package so that
//! `newsprep` carries no benchmark code and none of its dependencies.

pub mod eval;
pub mod eval_dedup;
pub mod eval_entities;
pub mod eval_hostile;
pub mod eval_html;
pub mod eval_mojibake;
pub mod gen;
mod tools;
