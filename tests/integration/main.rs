//! Integration tests: each drives the `newsprep` binary on fixtures in a fresh
//! temporary directory and checks the files it wrote.

mod boilerplate;
mod cli;
mod decode;
mod dedup;
mod entities;
mod golden;
mod html;
mod language;
mod operations;
mod report;
mod reuse;
mod safety;
mod traps;
mod util;
mod warc;
