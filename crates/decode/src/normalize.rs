//! Normalising decoded text so that equal texts are equal strings: Unicode NFC, `\n`
//! line endings, no control characters but `\n` and `\t`, single spaces (any Unicode
//! space, no-break included, becomes one ASCII space), no spaces at either end of a
//! line, at most one blank line in a row and none at either end.
//!
//! Leading spaces go too: page dumps indent paragraphs at random depths, and the
//! indentation carries no meaning a reader of the text needs.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Returns the normalised text.
pub fn normalize(text: &str) -> String {
    let nfc: String;
    let text = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        nfc = text.nfc().collect();
        &nfc
    };

    let mut out = String::with_capacity(text.len());
    let mut blank_before = false;
    for raw in split_lines(text) {
        // The separator goes in front of a line known not to be blank, so blank lines
        // at either end of the text never reach the output: it is written first and
        // taken back when the line turns out empty, which saves copying every line.
        let mark = out.len();
        if !out.is_empty() {
            out.push_str(if blank_before { "\n\n" } else { "\n" });
        }
        let line_start = out.len();
        clean_line(raw, &mut out);
        if out.len() == line_start {
            out.truncate(mark);
            blank_before = true;
        } else {
            blank_before = false;
        }
    }
    out
}

/// Lines split at `\r\n`, `\r` or `\n`.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

/// Appends `raw` to `out` without control characters and with each run of spaces
/// and tabs made one character (a tab if the run holds one, else a space), dropping
/// the runs at either end.
fn clean_line(raw: &str, out: &mut String) {
    let start = out.len();
    let mut gap: Option<char> = None;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most text is printable ASCII: copy such runs whole rather than a character
        // at a time.
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_graphic())
            .count();
        let (piece, c) = if run > 0 {
            (&raw[i..i + run], None)
        } else {
            let c = raw[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            match c {
                '\t' => {
                    gap = Some('\t');
                    continue;
                }
                // No-break, thin, ideographic and other Unicode spaces count as spaces.
                _ if c.is_whitespace() => {
                    gap = Some(gap.unwrap_or(' '));
                    continue;
                }
                _ if c.is_control() || c == '\u{FEFF}' => continue,
                _ => ("", Some(c)),
            }
        };
        if let Some(space) = gap.take() {
            if out.len() > start {
                out.push(space);
            }
        }
        out.push_str(piece);
        if let Some(c) = c {
            out.push(c);
        }
        i += run;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_to_nfc() {
        assert_eq!(normalize("Jalal-Abad cafe\u{301}"), "Jalal-Abad caf\u{e9}");
    }

    #[test]
    fn unifies_line_endings_and_blank_lines() {
        let input = "\r\n\r\nTitle\r\n\r\n\r\n\r\nFirst line\rsecond line\n\n\n";
        assert_eq!(normalize(input), "Title\n\nFirst line\nsecond line");
    }

    #[test]
    fn strips_controls_and_collapses_spaces() {
        let input = "    Tensions  have\u{7}  been   high \u{feff}   \n\u{1b}[0m ok\t \n";
        assert_eq!(normalize(input), "Tensions have been high\n[0m ok");
    }

    #[test]
    fn unicode_spaces_become_one_space() {
        assert_eq!(
            normalize("\u{a0} Focus:\u{a0}\u{a0}Kyrgyzstan\u{2009}now\u{3000}"),
            "Focus: Kyrgyzstan now"
        );
    }

    #[test]
    fn copies_non_ascii_letters_and_punctuation_between_ascii_runs() {
        assert_eq!(
            normalize("  Jalal\u{2019}abad \u{2014}\u{a0} \u{201c}quoted\u{201d}\u{2009}text\u{85}\n\n\n\u{3000}\n\u{1b}\u{feff}"),
            "Jalal\u{2019}abad \u{2014} \u{201c}quoted\u{201d} text"
        );
    }

    #[test]
    fn keeps_inner_tabs() {
        assert_eq!(normalize("a\tb  \t c"), "a\tb\tc");
    }
}
