//! Micro-benchmarks of each stage's hot loop, on the real page dumps of
//! `bench/fixture/pages/` (`cargo bench`, or `make bench-micro`). End-to-end figures
//! come from `make bench`; these tell which loop moved when one of them changes.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsprep_boilerplate::Boilerplate;
use newsprep_core::config::{
    BoilerplateConfig, DecodeConfig, DedupConfig, EntitiesConfig, LanguageConfig,
};
use newsprep_decode::Decoder;
use newsprep_dedup::{text, Dedup};
use newsprep_entities::Entities;
use newsprep_language::Language;

/// The fixture's pages as bytes, in name order.
fn pages() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/fixture/pages");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("bench/fixture/pages")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("page"))
        .collect()
}

fn bytes(items: &[impl AsRef<[u8]>]) -> Throughput {
    Throughput::Bytes(items.iter().map(|i| i.as_ref().len() as u64).sum())
}

fn decode(c: &mut Criterion) {
    let decoder = Decoder::new(&DecodeConfig::default());
    let utf8 = pages();
    // The same pages as a Windows code page, so detection and transcoding run.
    let cp1252: Vec<Vec<u8>> = utf8
        .iter()
        .map(|p| {
            encoding_rs::WINDOWS_1252
                .encode(&String::from_utf8_lossy(p))
                .0
                .into_owned()
        })
        .collect();
    // The same pages again after their UTF-8 was read as windows-1252 and saved as
    // UTF-8: mojibake on every line with a non-ASCII character, all of it repaired.
    let mojibake: Vec<Vec<u8>> = utf8
        .iter()
        .map(|p| {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(p)
                .0
                .into_owned()
                .into_bytes()
        })
        .collect();
    let mut group = c.benchmark_group("decode");
    for (name, input) in [
        ("utf8", &utf8),
        ("windows-1252", &cp1252),
        ("mojibake", &mojibake),
    ] {
        group.throughput(bytes(input));
        group.bench_function(name, |b| {
            b.iter(|| {
                input
                    .iter()
                    .filter_map(|p| decoder.decode_bytes(p).ok())
                    .count()
            })
        });
    }
    group.finish();
}

/// The fixture decoded, as the stages after decode see it.
fn texts() -> Vec<String> {
    let decoder = Decoder::new(&DecodeConfig::default());
    pages()
        .iter()
        .filter_map(|p| decoder.decode_bytes(p).ok())
        .map(|d| d.text)
        .collect()
}

/// The fixture's articles, as dedup and entity tagging see them.
fn articles() -> Vec<String> {
    let extract = Boilerplate::new(&BoilerplateConfig::default());
    texts().iter().map(|t| extract.extract(t).text).collect()
}

fn boilerplate(c: &mut Criterion) {
    let stage = Boilerplate::new(&BoilerplateConfig::default());
    let texts = texts();
    let mut group = c.benchmark_group("boilerplate");
    group.throughput(bytes(&texts));
    group.bench_function("extract", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| stage.extract(t).text.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn dedup(c: &mut Criterion) {
    let stage = Dedup::new(&DedupConfig::default());
    let articles = articles();
    let mut group = c.benchmark_group("dedup");
    group.throughput(bytes(&articles));
    group.bench_function("signature", |b| {
        b.iter(|| {
            articles
                .iter()
                .enumerate()
                .map(|(i, t)| stage.entry(i as u64, t, None))
                .collect::<Vec<_>>()
        })
    });
    let shingles: Vec<Vec<u64>> = articles.iter().map(|t| text::text_shingles(t, 5)).collect();
    group.bench_function("jaccard", |b| {
        b.iter(|| {
            shingles
                .windows(2)
                .map(|w| text::jaccard(&w[0], &w[1]))
                .sum::<f64>()
        })
    });
    group.finish();
}

fn language(c: &mut Criterion) {
    let stage = Language::new(&LanguageConfig::default()).expect("default config");
    let articles = articles();
    let mut group = c.benchmark_group("language");
    group.throughput(bytes(&articles));
    group.bench_function("identify", |b| {
        b.iter(|| {
            articles
                .iter()
                .filter(|t| stage.identify(t).code == "en")
                .count()
        })
    });
    group.finish();
}

fn entities(c: &mut Criterion) {
    let stage = Entities::new(&EntitiesConfig::default()).expect("built-in gazetteer");
    let articles = articles();
    let mut group = c.benchmark_group("entities");
    group.throughput(bytes(&articles));
    group.bench_function("tag", |b| {
        b.iter(|| articles.iter().map(|t| stage.tag(t).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group! {
    name = stages;
    // Each iteration covers the whole fixture (about 2 MB): ten samples are plenty.
    config = Criterion::default().sample_size(10);
    targets = decode, boilerplate, language, dedup, entities
}
criterion_main!(stages);
