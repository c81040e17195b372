//! The hostile-shape sweep: every generated shape of [`html::hostile`] at the size
//! limit decodes, to a document or a quarantine row, in bounded time.

use std::time::{Duration, Instant};

use newsprep_core::config::DecodeConfig;
use newsprep_decode::{html, Decoder};

/// A release build takes 0.1 to 10 seconds per shape on a busy machine (BENCHMARKS.md,
/// "Hostile pages"); a debug build is ten to thirty times slower. A shape that is
/// quadratic again takes many minutes.
const BOUND: Duration = Duration::from_secs(if cfg!(debug_assertions) { 180 } else { 30 });

#[test]
fn every_hostile_shape_at_the_size_limit_decodes_in_bounded_time() {
    let config = DecodeConfig::default();
    let decoder = Decoder::new(&config);
    // A debug build sweeps a quarter of the limit, so the suite stays quick; the
    // quadratic shapes are minutes long at that size too.
    let size = config.max_bytes as usize / if cfg!(debug_assertions) { 4 } else { 1 };
    let mut slow = Vec::new();
    for name in html::hostile::SHAPES {
        let page = html::hostile::page(name, size).expect("known shape");
        let started = Instant::now();
        let outcome = decoder.decode_html_bytes(page.as_bytes());
        let took = started.elapsed();
        eprintln!(
            "{name}: {took:?}, {}",
            match &outcome {
                Ok(page) => format!("{} characters", page.decoded.text.len()),
                Err(rejection) => format!("{:?}", rejection.reason),
            }
        );
        if took > BOUND {
            slow.push(format!("{name} took {took:?}"));
        }
    }
    assert!(slow.is_empty(), "{slow:?}");
}
