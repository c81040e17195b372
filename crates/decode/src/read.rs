//! Reading an input file into memory, decompressing `.gz` and `.zst` on the way, and
//! never holding more than `max_bytes` of it: a gzip bomb stops at the cap.

use std::fs::File;
use std::io::{self, Read};

use newsprep_core::document::{Reason, Rejection};
use newsprep_core::input::{Compression, InputFile};

/// Reads the whole file, decompressed, or rejects it as `too_large`, `unreadable` or
/// `bad_compression`.
pub fn read_capped(input: &InputFile, max_bytes: u64) -> Result<Vec<u8>, Rejection> {
    if input.size > max_bytes {
        return Err(too_large(format!(
            "file is {} bytes, over max_bytes = {max_bytes}",
            input.size
        )));
    }
    let file = File::open(&input.path)
        .map_err(|e| Rejection::new(Reason::Unreadable, format!("cannot open file: {e}")))?;
    match input.compression {
        Compression::None => read_limited(file, max_bytes)
            .map_err(|e| Rejection::new(Reason::Unreadable, format!("cannot read file: {e}"))),
        Compression::Gzip | Compression::Zstd => read_stream(file, input.compression, max_bytes),
    }
}

/// Reads a file's bytes from any stream (a file object, bytes already in memory),
/// decompressed as `compression` says, with the same cap and rejections as
/// [`read_capped`]: a stream's size is not known ahead, so a plain one is also
/// stopped at the cap.
pub fn read_stream(
    reader: impl Read,
    compression: Compression,
    max_bytes: u64,
) -> Result<Vec<u8>, Rejection> {
    match compression {
        Compression::None => {
            let bytes = read_limited(reader, max_bytes).map_err(|e| {
                Rejection::new(Reason::Unreadable, format!("cannot read file: {e}"))
            })?;
            if bytes.len() as u64 > max_bytes {
                return Err(too_large(format!(
                    "file is over max_bytes = {max_bytes}; stopped reading there"
                )));
            }
            Ok(bytes)
        }
        Compression::Gzip => {
            decompress(flate2::read::MultiGzDecoder::new(reader), max_bytes, "gzip")
        }
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::new(reader).map_err(|e| {
                Rejection::new(Reason::Unreadable, format!("cannot read file: {e}"))
            })?;
            decompress(decoder, max_bytes, "zstd")
        }
    }
}

fn decompress(reader: impl Read, max_bytes: u64, format: &str) -> Result<Vec<u8>, Rejection> {
    let bytes = read_limited(reader, max_bytes).map_err(|e| {
        Rejection::new(
            Reason::BadCompression,
            format!("broken {format} stream: {e}"),
        )
    })?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(format!(
            "decompressed {format} content exceeds max_bytes = {max_bytes}; stopped reading there"
        )));
    }
    Ok(bytes)
}

/// Reads at most `max_bytes + 1` bytes, so a caller can tell "exactly at the cap" from
/// "over it" without reading the rest.
fn read_limited(reader: impl Read, max_bytes: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        // Only compressed streams get here; plain files were checked by size first,
        // but a file can grow between the walk and the read.
        bytes.truncate(max_bytes as usize + 1);
    }
    Ok(bytes)
}

fn too_large(detail: String) -> Rejection {
    Rejection::new(Reason::TooLarge, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    fn input(path: &Path, compression: Compression) -> InputFile {
        InputFile {
            path: path.to_owned(),
            rel_path: "x".into(),
            size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            compression,
        }
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn reads_gzip_and_zstd() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.txt.gz");
        std::fs::write(&gz, gzip(b"hello gzip")).unwrap();
        let zst = dir.path().join("a.txt.zst");
        std::fs::write(&zst, zstd::encode_all(&b"hello zstd"[..], 3).unwrap()).unwrap();
        assert_eq!(
            read_capped(&input(&gz, Compression::Gzip), 100).unwrap(),
            b"hello gzip"
        );
        assert_eq!(
            read_capped(&input(&zst, Compression::Zstd), 100).unwrap(),
            b"hello zstd"
        );
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("bomb.txt.gz");
        std::fs::write(&bomb, gzip(&vec![b'a'; 5_000_000])).unwrap();
        let err = read_capped(&input(&bomb, Compression::Gzip), 100_000).unwrap_err();
        assert_eq!(err.reason, Reason::TooLarge);
        assert!(err.detail.contains("decompressed gzip"), "{}", err.detail);
    }

    #[test]
    fn truncated_and_garbage_streams_are_bad_compression() {
        let dir = tempfile::tempdir().unwrap();
        let full = gzip(&b"some text that compresses ".repeat(100));
        let cut = dir.path().join("cut.txt.gz");
        std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
        let junk = dir.path().join("junk.txt.zst");
        std::fs::write(&junk, b"this is not zstd at all").unwrap();
        for (path, kind) in [(cut, Compression::Gzip), (junk, Compression::Zstd)] {
            let err = read_capped(&input(&path, kind), 1 << 20).unwrap_err();
            assert_eq!(err.reason, Reason::BadCompression, "{}", err.detail);
        }
    }

    /// Bytes in memory read as the file holding them does, cap and rejections alike.
    #[test]
    fn a_stream_reads_as_its_file_does() {
        let dir = tempfile::tempdir().unwrap();
        let full = gzip(&b"some text that compresses ".repeat(100));
        let cases = [
            ("a.txt.gz", full.clone(), Compression::Gzip, 1 << 20),
            (
                "cut.txt.gz",
                full[..full.len() / 2].to_vec(),
                Compression::Gzip,
                1 << 20,
            ),
            ("bomb.txt.gz", full, Compression::Gzip, 500),
            (
                "a.txt.zst",
                zstd::encode_all(&b"hello"[..], 3).unwrap(),
                Compression::Zstd,
                100,
            ),
            ("junk.txt.zst", b"not zstd".to_vec(), Compression::Zstd, 100),
        ];
        for (name, bytes, compression, cap) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let from_file = read_capped(&input(&path, compression), cap);
            let from_stream = read_stream(&bytes[..], compression, cap);
            assert_eq!(from_stream, from_file, "{name}");
        }
        let err = read_stream(&[b'x'; 2000][..], Compression::None, 1000).unwrap_err();
        assert_eq!(err.reason, Reason::TooLarge);
        assert_eq!(
            read_stream(&b"plain"[..], Compression::None, 5).unwrap(),
            b"plain"
        );
    }

    #[test]
    fn plain_file_over_the_cap_is_too_large_and_a_missing_one_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'x'; 2000]).unwrap();
        let err = read_capped(&input(&big, Compression::None), 1000).unwrap_err();
        assert_eq!(err.reason, Reason::TooLarge);
        let gone = input(&dir.path().join("gone.txt"), Compression::None);
        let err = read_capped(&gone, 1000).unwrap_err();
        assert_eq!(err.reason, Reason::Unreadable);
    }
}
