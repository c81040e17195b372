//! Names: capitalised spans found in the text, labelled and resolved to one name each.

mod label;

pub use label::{group, lists_naming, strip_possessive, Name, Tagger};
