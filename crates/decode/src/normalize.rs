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
    let mut line = String::new();
    let mut blank_before = false;
    for raw in split_lines(text) {
        clean_line(raw, &mut line);
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        // The separator goes in front of a line known not to be blank, so blank lines
        // at either end of the text never reach the output.
        if !out.is_empty() {
            out.push_str(if blank_before { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank_before = false;
    }
    out
}

/// Lines split at `\r\n`, `\r` or `\n`.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

/// Writes `raw` into `line` without control characters and with each run of spaces
/// and tabs made one character (a tab if the run holds one, else a space), dropping
/// the runs at either end.
fn clean_line(raw: &str, line: &mut String) {
    line.clear();
    let mut gap: Option<char> = None;
    for c in raw.chars() {
        match c {
            '\t' => gap = Some('\t'),
            // No-break, thin, ideographic and other Unicode spaces count as spaces.
            _ if c.is_whitespace() => gap = Some(gap.unwrap_or(' ')),
            _ if c.is_control() || c == '\u{FEFF}' => {}
            _ => {
                if let Some(space) = gap.take() {
                    if !line.is_empty() {
                        line.push(space);
                    }
                }
                line.push(c);
            }
        }
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
    fn keeps_inner_tabs() {
        assert_eq!(normalize("a\tb  \t c"), "a\tb\tc");
    }
}
