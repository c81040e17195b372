//! Names: capitalised spans found in the text, labelled and resolved to one name each.

mod label;

pub use label::{strip_possessive, Name, Tagger};
