//! The decode stage end to end: the same texts in many encodings and wrappings must
//! come out equal to the originals, and every kind of bad input must land in
//! quarantine with its reason while the run goes on.

use std::io::Write;

use encoding_rs::{Encoding, GB18030, ISO_8859_2, KOI8_R, SHIFT_JIS, WINDOWS_1251, WINDOWS_1252};

use newsprep_decode::mojibake;

use crate::util::{manifest, Table, TestDir};

const ENGLISH: &str = "Kyrgyzstan’s interim government has appealed to Russia to send troops to quell growing ethnic violence in the southern city of Osh.\n\n“The situation is spinning out of control,” Roza Otunbayeva told reporters in Bishkek — about 1,000 people were wounded.";
const FRENCH: &str = "Le gouvernement intérimaire du Kirghizistan a demandé à la Russie d’envoyer des troupes. « La situation échappe à tout contrôle », a déclaré la présidente. Les réfugiés ouzbeks ont fui vers la frontière, où l’aide humanitaire arrive déjà.";
const RUSSIAN: &str = "Временное правительство Киргизии обратилось к России с просьбой направить войска для подавления этнического насилия в южном городе Ош. Беженцы сообщили, что узбекские кварталы горят.";
const POLISH: &str = "Rząd tymczasowy Kirgistanu zwrócił się do Rosji o przysłanie wojsk. Świadkowie mówią, że źródłem przemocy są gangi, a uchodźcy uciekają przez granicę. Sytuacja wymyka się spod kontroli, ludzie są przerażeni i głodni.";
const JAPANESE: &str = "キルギスの暫定政府は、南部の都市オシュで拡大する民族間の暴力を鎮めるため、ロシアに軍の派遣を要請した。難民は国境を越えてウズベキスタンへ逃れている。";
const CHINESE: &str = "吉尔吉斯斯坦临时政府呼吁俄罗斯派兵平息南部城市奥什日益严重的民族暴力。难民正越过边境逃往乌兹别克斯坦，当地局势依然紧张。";

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "fixture text fits {}", encoding.name());
    bytes.into_owned()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = std::iter::once(0xFEFF)
        .filter(|_| bom)
        .chain(text.encode_utf16());
    for unit in units {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// What a text looks like after its UTF-8 was read as windows-1252 and saved again.
fn mojibake(text: &str) -> Vec<u8> {
    let (garbled, _) = WINDOWS_1252.decode_without_bom_handling(text.as_bytes());
    garbled.as_bytes().to_vec()
}

#[test]
fn every_encoding_and_wrapping_decodes_to_the_original() {
    let dir = TestDir::new();
    // (file, bytes, original text, accepted encoding names)
    let cases: Vec<(&str, Vec<u8>, &str, &[&str])> = vec![
        ("utf8.txt", ENGLISH.as_bytes().to_vec(), ENGLISH, &["UTF-8"]),
        (
            "cp1252.txt",
            encode(WINDOWS_1252, FRENCH),
            FRENCH,
            &["windows-1252"],
        ),
        (
            "cp1251.txt",
            encode(WINDOWS_1251, RUSSIAN),
            RUSSIAN,
            &["windows-1251"],
        ),
        // chardetng names the superset KOI8-U, which decodes Russian identically.
        (
            "koi8r.txt",
            encode(KOI8_R, RUSSIAN),
            RUSSIAN,
            &["KOI8-R", "KOI8-U"],
        ),
        (
            "latin2.txt",
            encode(ISO_8859_2, POLISH),
            POLISH,
            &["ISO-8859-2"],
        ),
        (
            "sjis.txt",
            encode(SHIFT_JIS, JAPANESE),
            JAPANESE,
            &["Shift_JIS"],
        ),
        // GBK's decoder is GB18030's; chardetng names it GBK.
        (
            "gb18030.txt",
            encode(GB18030, CHINESE),
            CHINESE,
            &["GBK", "gb18030"],
        ),
        (
            "utf16le_bom.txt",
            utf16(RUSSIAN, false, true),
            RUSSIAN,
            &["UTF-16LE"],
        ),
        (
            "utf16be_bom.txt",
            utf16(JAPANESE, true, true),
            JAPANESE,
            &["UTF-16BE"],
        ),
        (
            "utf16le_nobom.txt",
            utf16(ENGLISH, false, false),
            ENGLISH,
            &["UTF-16LE"],
        ),
        (
            "utf16be_nobom.txt",
            utf16(FRENCH, true, false),
            FRENCH,
            &["UTF-16BE"],
        ),
        (
            "nested/cp1251.txt.gz",
            gzip(&encode(WINDOWS_1251, RUSSIAN)),
            RUSSIAN,
            &["windows-1251"],
        ),
        (
            "nested/deeper/english.text.zst",
            zstd::encode_all(ENGLISH.as_bytes(), 3).expect("zstd"),
            ENGLISH,
            &["UTF-8"],
        ),
        ("mojibake.txt", mojibake(ENGLISH), ENGLISH, &["UTF-8"]),
        (
            "crlf_and_spaces.txt",
            format!(
                "  {}  \r\n\r\n\r\n\r\n",
                ENGLISH.replace('\n', "\r\n").replace(". ", ".    ")
            )
            .into_bytes(),
            ENGLISH,
            &["UTF-8"],
        ),
    ];
    for (name, bytes, _, _) in &cases {
        dir.write(name, bytes);
    }

    dir.run_pipeline(&["--config", dir.decode_only()]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let texts = docs.map("source_path", "text");
    let encodings = docs.map("source_path", "encoding");
    assert_eq!(docs.rows(), cases.len());
    for (name, _, original, accepted) in &cases {
        assert_eq!(texts[*name], *original, "text of {name}");
        assert!(
            accepted.contains(&encodings[*name].as_str()),
            "{name} decoded as {}",
            encodings[*name]
        );
    }
    // The garbled copy of ENGLISH has one repair for each of its apostrophe, two
    // quotes and dash (each three characters of windows-1252 made one again); every
    // other file has none.
    let repairs = docs.ints("mojibake_repairs");
    let paths = docs.strings("source_path");
    for (path, n) in paths.iter().zip(repairs) {
        let expected = if path == "mojibake.txt" { 4 } else { 0 };
        assert_eq!(n, expected, "repairs in {path}");
    }
}

#[test]
fn bad_inputs_are_quarantined_with_their_reasons() {
    let dir = TestDir::new();
    dir.write("good.txt", ENGLISH);
    dir.write("empty.txt", "");
    dir.write("blank.txt", " \n\t\r\n  ");
    dir.write("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    // A UTF-8 BOM in front of latin-1 bytes: most accented letters fail to decode.
    let mut lying = b"\xEF\xBB\xBF".to_vec();
    lying.extend(encode(WINDOWS_1252, &"déjà été, très élevé. ".repeat(20)));
    dir.write("lying_bom.txt", lying);
    dir.write("big.txt", "word ".repeat(10_000));
    dir.write("bomb.txt.gz", gzip(&vec![b'a'; 10_000_000]));
    let broken = gzip(ENGLISH.repeat(20).as_bytes());
    dir.write("broken.txt.gz", &broken[..broken.len() / 2]);
    dir.write("junk.txt.zst", "not a zstd stream at all");
    dir.write("notes.md", "not an input: ignored, not quarantined");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.txt"), "secret").expect("write secret");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.input().join("link.txt"),
    )
    .expect("symlink");
    std::fs::write(
        dir.path().join("small.toml"),
        "[decode]\nmax_bytes = 40000\n[boilerplate]\nenabled = false\n",
    )
    .expect("config");

    dir.run_pipeline(&["--config", "small.toml"]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    assert_eq!(docs.strings("source_path"), ["good.txt"]);
    let quarantine = Table::read(&dir.output().join("quarantine.parquet"));
    let reasons = quarantine.map("source_path", "reason");
    let mut expected = vec![
        ("big.txt", "too_large"),
        ("binary.txt", "binary"),
        ("blank.txt", "empty"),
        ("bomb.txt.gz", "too_large"),
        ("broken.txt.gz", "bad_compression"),
        ("empty.txt", "empty"),
        ("junk.txt.zst", "bad_compression"),
        ("lying_bom.txt", "undecodable"),
    ];
    if cfg!(unix) {
        expected.push(("link.txt", "outside_input"));
    }
    let expected: std::collections::BTreeMap<String, String> = expected
        .into_iter()
        .map(|(p, r)| (p.to_owned(), r.to_owned()))
        .collect();
    assert_eq!(reasons, expected);
    let details = quarantine.map("source_path", "detail");
    // Each reason says what was found, where it helps, with the number or setting.
    let mut expected_details = vec![
        ("big.txt", "file is 50000 bytes, over max_bytes = 40000"),
        (
            "binary.txt",
            "starts with the signature of a PNG image: not a text file; largest block: \"IHDR\"",
        ),
        ("blank.txt", "file holds only whitespace"),
        (
            "bomb.txt.gz",
            "decompressed gzip content exceeds max_bytes = 40000; stopped reading there",
        ),
        (
            "broken.txt.gz",
            "broken gzip stream: incomplete deflate stream",
        ),
        ("empty.txt", "file is empty"),
        (
            "junk.txt.zst",
            "broken zstd stream: Unknown frame descriptor",
        ),
        (
            "lying_bom.txt",
            "140 of 440 characters did not decode as UTF-8 and were replaced by U+FFFD, over max_replacement_ratio = 0.01",
        ),
    ];
    if cfg!(unix) {
        expected_details.push((
            "link.txt",
            "symbolic link leads outside the input directory and was not followed",
        ));
    }
    let expected_details: std::collections::BTreeMap<String, String> = expected_details
        .into_iter()
        .map(|(p, d)| (p.to_owned(), d.to_owned()))
        .collect();
    assert_eq!(details, expected_details);
    assert_eq!(quarantine.strings("stage"), vec!["decode"; expected.len()]);

    let manifest = manifest(&dir.output());
    let counts = &manifest.counts;
    assert_eq!(counts.read, expected.len() as u64 + 1);
    assert_eq!(counts.written, 1);
    assert_eq!(counts.quarantined, expected.len() as u64);
    assert_eq!(counts.files_ignored, 1);
    assert_eq!(manifest.quarantined_by_reason["too_large"], 2);
    assert_eq!(manifest.quarantined_by_reason["bad_compression"], 2);
}

/// The mojibake suite (`tests/fixtures/mojibake/`, written by
/// scripts/mojibake_suite.py) through the binary: correct text that looks suspicious
/// comes out byte for byte as it went in, and the broken lines come out as the
/// sentences they were made from, each file counted as repaired or not.
#[test]
fn correct_text_stays_and_mojibake_is_repaired_end_to_end() {
    let lines = |text: &'static str| text.lines().filter(|l| !l.starts_with('#'));
    let correct: Vec<&str> = lines(include_str!("../fixtures/mojibake/correct.txt")).collect();
    let cases: Vec<(String, &str)> = lines(include_str!("../fixtures/mojibake/broken.tsv"))
        .map(|line| {
            let mut fields = line.split('\t');
            let broken = fields.next().expect("broken column");
            (
                mojibake::unescape_c1(broken),
                fields.next().expect("correct column"),
            )
        })
        .collect();
    // One file per broken line, so that each is checked and counted on its own.
    let dir = TestDir::new();
    dir.write("correct.txt", correct.join("\n"));
    for (i, (broken, _)) in cases.iter().enumerate() {
        dir.write(&format!("broken/{i:03}.txt"), broken);
    }

    dir.run_pipeline(&["--config", dir.decode_only()]);

    let docs = Table::read(&dir.output().join("documents.parquet"));
    let texts = docs.map("source_path", "text");
    let repairs: std::collections::BTreeMap<String, i64> = docs
        .strings("source_path")
        .into_iter()
        .zip(docs.ints("mojibake_repairs"))
        .collect();
    // Normalisation makes every Unicode space an ASCII one; nothing else may change.
    assert_eq!(
        texts["correct.txt"],
        correct.join("\n").replace('\u{a0}', " ")
    );
    assert_eq!(repairs["correct.txt"], 0);
    let mut unrepaired = Vec::new();
    let mut counted = 0;
    for (i, (broken, original)) in cases.iter().enumerate() {
        let path = format!("broken/{i:03}.txt");
        if texts[&path] == *original {
            assert!(repairs[&path] > 0, "{path} repaired but not counted");
            counted += repairs[&path];
        } else {
            eprintln!("not repaired: {broken} -> {}", texts[&path]);
            unrepaired.push(i);
        }
    }
    // Every line of the suite is repaired, and the characters it rewrites counted.
    assert_eq!(unrepaired, Vec::<usize>::new(), "of {} lines", cases.len());
    assert_eq!(counted, 457);
}
