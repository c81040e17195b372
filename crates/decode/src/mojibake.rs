//! Repairing mojibake: text whose UTF-8 bytes were once read in another encoding and
//! saved again, so that `“` reads `â€œ` (windows-1252), `вЂњ` (windows-1251) or `‚Äú`
//! (MacRoman), and `é` reads `Ã©`.
//!
//! The repair is plsfix, a port of ftfy: a line is re-encoded and read again as UTF-8
//! only when the result is valid and scores lower on ftfy's "badness" (unlikely
//! neighbours of character classes), so a capital accented letter before a symbol
//! (`NESTLÉ®`, `MARQUÉ…`, `5×£35`) stays what it is. On our suite of real-looking
//! cases (`tests/fixtures/mojibake/`) it fixes 54 of 60 broken lines and leaves 58 of
//! 59 correct ones alone, where the byte-sequence rule we had before fixed 40 and
//! damaged 8 (BENCHMARKS.md, "Mojibake repair"). Around it, four things of our own:
//! - a right quote that lost its last byte (`â€` then U+FFFD: `”` is E2 80 9D, and 9D
//!   is undefined in windows-1252) is read as that quote, when the line then repairs
//!   cleanly;
//! - a line whose repair leaves it dense with accented capitals is decoration
//!   (leetspeak, symbol art), not misread text: real text that went through an
//!   encoding accident comes back as ordinary words, so such a repair is refused;
//! - a repair that writes a character foreign to where it stands (an IPA letter, a
//!   lower-case letter between capitals, Greek or Cyrillic against a Latin letter) is
//!   refused: ftfy's own negative cases hold such lines (`ANDRÉ§`, a title in capitals
//!   with a no-break space after `Ã`), see [`is_implausible`];
//! - plsfix also decodes HTML entities, which is not an encoding repair: `&` is
//!   masked around it, so `AT&amp;T` in a text dump stays as written.
//!
//! Only lines with a character that can take part in mojibake are looked at, so clean
//! ASCII and most correct text pay for one scan.

use std::borrow::Cow;
use std::ops::Range;

use plsfix::TextFixerConfig;

/// Returns the repaired text and the number of characters the repair wrote.
pub fn repair(text: &str) -> (Cow<'_, str>, u64) {
    if !text.chars().any(may_be_mojibake) {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut repaired = 0;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        match repair_line(line) {
            Some((fixed, n)) => {
                out.push_str(&fixed);
                repaired += n;
                changed = true;
            }
            None => out.push_str(line),
        }
    }
    if changed {
        (Cow::Owned(out), repaired)
    } else {
        (Cow::Borrowed(text), 0)
    }
}

/// Whether `c` can stand for a byte of a misread UTF-8 sequence: what windows-1252,
/// latin-1, windows-1251 and MacRoman (up to its mathematical symbols and `ﬁ`) map
/// their upper half to, and the replacement character a lost byte leaves. CJK and
/// other scripts beyond U+2FFF never do.
fn may_be_mojibake(c: char) -> bool {
    (!c.is_ascii() && c < '\u{3000}') || matches!(c, '\u{F8FF}' | 'ﬁ' | 'ﬂ' | '\u{FFFD}')
}

/// Whether `line` holds what every kind of mojibake leaves: two suspicious characters
/// in a row (a misread multi-byte sequence), a lead byte before a space (its 0xA0
/// continuation turned into a space), or a replacement character. A lone curly quote
/// in English text is none of these, and costs no repair attempt.
fn has_mojibake_shape(line: &str) -> bool {
    let mut previous = ' ';
    for c in line.chars() {
        let suspicious = may_be_mojibake(c);
        if c == '\u{FFFD}'
            || (suspicious && may_be_mojibake(previous))
            || (c == ' ' && matches!(previous, 'Ã' | 'Â' | 'â' | 'Ð' | 'Ñ'))
        {
            return true;
        }
        previous = c;
    }
    false
}

/// A right quote (E2 80 9D) read as windows-1252 by a decoder that replaced the
/// undefined 9D.
const LOST_QUOTE: &str = "â€\u{FFFD}";

/// Bytes of a line from which it is left as it is: plsfix slices a longer line at a
/// byte offset that may fall inside a character, and panics (a 16 MB page of one
/// paragraph of entities, found by the hostile-page sweep). No line a person wrote is
/// a megabyte long.
const MAX_LINE_BYTES: usize = 1_000_000;

/// The repaired line and the characters the repair wrote, or `None` to keep it.
fn repair_line(line: &str) -> Option<(String, u64)> {
    if line.len() > MAX_LINE_BYTES || !has_mojibake_shape(line) {
        return None;
    }
    // A lost last byte of a right quote: try the quote first, keep it only if the line
    // then comes out with no `â€` left; otherwise repair the line as it is.
    let with_quote = line
        .contains(LOST_QUOTE)
        .then(|| line.replace(LOST_QUOTE, "â€\u{9D}"))
        .and_then(|restored| fix_encoding(&restored))
        .filter(|fixed| !fixed.contains("â€") && !fixed.contains('\u{9D}'));
    let fixed = match with_quote {
        Some(fixed) => fixed,
        None => fix_encoding(line)?,
    };
    if fixed == line || is_decoration(&fixed) {
        return None;
    }
    let (chars, runs) = rewritten_runs(line, &fixed);
    if is_implausible(&chars, &runs) {
        return None;
    }
    // How many characters the repair wrote: each stretch's, or one for a space the
    // repair took back into the character before it (`Ã ` is `à` whose 0xA0 became a
    // space), which leaves an empty stretch.
    let n = runs.iter().map(|run| run.len().max(1) as u64).sum();
    Some((fixed, n))
}

/// plsfix's encoding repair alone, with `&` masked so that no HTML entity is decoded;
/// `None` when the line has no character free to mask with (then it is left alone).
fn fix_encoding(line: &str) -> Option<String> {
    let mask = ['\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}']
        .into_iter()
        .find(|m| !line.contains(*m))?;
    let masked = line.replace('&', &mask.to_string());
    let fixed = plsfix::fix_text(&masked, Some(&config()));
    Some(fixed.replace(mask, "&"))
}

fn config() -> TextFixerConfig {
    TextFixerConfig {
        unescape_html: Some(false),
        remove_terminal_escapes: false,
        fix_encoding: true,
        restore_byte_a0: true,
        replace_lossy_sequences: true,
        decode_inconsistent_utf8: true,
        fix_c1_controls: true,
        fix_latin_ligatures: false,
        fix_character_width: false,
        uncurl_quotes: false,
        fix_line_breaks: false,
        remove_control_chars: false,
        normalization: None,
        max_decode_length: 1_000_000,
    }
}

/// Whether a repaired line still reads as symbol art: at least four Latin-1 letters,
/// a quarter or more of its letters. Text in any language that uses them (Icelandic,
/// Portuguese capitals, German) stays well below once it is repaired.
fn is_decoration(line: &str) -> bool {
    let (mut letters, mut latin1) = (0usize, 0usize);
    for c in line.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if ('\u{C0}'..='\u{FF}').contains(&c) {
            latin1 += 1;
        }
    }
    latin1 >= 4 && latin1 * 4 >= letters
}

/// Whether a repair wrote a character that does not fit where it stands, so the line
/// was correct text that happened to look like mojibake:
/// - a letter of the IPA or a spacing modifier (U+0250 to U+02FF), which news text does
///   not hold: `ANDRÉ§` is not `ANDRɧ`;
/// - a lower-case letter between capitals, as a title in capitals has them: `MANHÃ`
///   and a no-break space is not `MANHà`, run into the next word;
/// - a Greek, Cyrillic, Hebrew or Arabic character written against a Latin letter in
///   the same word: `NOUVEAUÎ` and a no-break space is not `NOUVEAUΠ`.
///
/// Mojibake undone gives back characters of the text's own script and case: `Ã©`
/// becomes `é` between lower-case letters, `Ð¡Ð¾` becomes Cyrillic beside Cyrillic.
fn is_implausible(fixed: &[char], runs: &[Range<usize>]) -> bool {
    runs.iter().flat_map(Range::clone).any(|k| {
        let prev = k.checked_sub(1).map(|p| fixed[p]);
        misfits(fixed[k], prev, fixed.get(k + 1).copied())
    })
}

fn misfits(c: char, prev: Option<char>, next: Option<char>) -> bool {
    if ('\u{250}'..='\u{2FF}').contains(&c) {
        return true;
    }
    let upper = |x: Option<char>| x.is_some_and(char::is_uppercase);
    if c.is_lowercase() && upper(prev) && upper(next) {
        return true;
    }
    let latin = |x: Option<char>| x.is_some_and(|x| x.is_alphabetic() && x < '\u{250}');
    let other_script = ('\u{370}'..='\u{6FF}').contains(&c);
    other_script && (latin(prev) || latin(next))
}

/// The characters of `fixed`, and the stretches of them the repair wrote: the non-ASCII
/// characters of `fixed` where it differs from `original`. Mojibake is never ASCII, so
/// both agree again at the next ASCII character, but for a space the repair took back
/// into the character before it (`Ã ` is `à` whose 0xA0 became a space): there the
/// stretch may be empty.
fn rewritten_runs(original: &str, fixed: &str) -> (Vec<char>, Vec<Range<usize>>) {
    let a: Vec<char> = original.chars().collect();
    let b: Vec<char> = fixed.chars().collect();
    let (mut i, mut j) = (0, 0);
    let mut runs = Vec::new();
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
        } else if a[i].is_ascii() && b[j].is_ascii() {
            i += 1;
        } else {
            while i < a.len() && !a[i].is_ascii() {
                i += 1;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii() {
                j += 1;
            }
            runs.push(start..j);
        }
    }
    (b, runs)
}

/// A line of the mojibake suite (`tests/fixtures/mojibake/broken.tsv`) as text: the
/// suite writes C1 controls, which latin-1 mojibake is full of, as `\xNN` so that the
/// file stays readable; an escape that names no character stays as written.
pub fn unescape_c1(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\\x") {
        out.push_str(&rest[..at]);
        match rest
            .get(at + 2..at + 4)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
        {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 4..];
            }
            None => {
                out.push_str("\\x");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a text looks like after its UTF-8 bytes were read as windows-1252.
    fn garble(text: &str) -> String {
        let (garbled, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(text.as_bytes());
        garbled.into_owned()
    }

    #[test]
    fn repairs_quotes_accents_dashes_and_cyrillic() {
        let original = "“The sky is grey,” said Tatyana — café, Jalal’abad, Ош, 50 €.";
        let garbled = garble(original);
        assert_ne!(garbled, original);
        let (fixed, n) = repair(&garbled);
        assert_eq!(fixed, original);
        assert_eq!(n, 8);
    }

    #[test]
    fn repairs_text_garbled_twice() {
        let original = "naïve “quotes”";
        let twice = garble(&garble(original));
        let (fixed, _) = repair(&twice);
        assert_eq!(fixed, original);
    }

    /// plsfix panicked on a line of 3 MB whose byte 3,000,000 fell inside a character.
    #[test]
    fn a_line_of_megabytes_is_left_alone_not_a_panic() {
        let line = "&Aé∉Ӓ".repeat(400_000);
        let (fixed, n) = repair(&line);
        assert_eq!((fixed.len(), n), (line.len(), 0));
    }

    #[test]
    fn repairs_a_right_quote_that_lost_its_last_byte() {
        let (fixed, _) = repair("â€œWe will not back down,â€\u{FFFD} the minister said.");
        assert_eq!(fixed, "“We will not back down,” the minister said.");
    }

    #[test]
    fn repairs_one_line_and_leaves_the_next() {
        let text = "Le cafÃ© est fermÃ©.\nNESTLÉ® Nescafé, 5×£35.\n";
        let (fixed, n) = repair(text);
        assert_eq!(fixed, "Le café est fermé.\nNESTLÉ® Nescafé, 5×£35.\n");
        assert_eq!(n, 2);
    }

    #[test]
    fn leaves_html_entities_and_symbol_art_alone() {
        for text in [
            "AT&amp;T and R&D at caf&eacute; prices",
            "§Ë|ÄMÄ† Þ4G1 ÇÏÑTÄ, K4L1ÄN ßÄÑ9Ë† !!",
        ] {
            let (fixed, n) = repair(text);
            assert_eq!((fixed.as_ref(), n), (text, 0));
        }
    }

    const CORRECT: &str = include_str!("../../../tests/fixtures/mojibake/correct.txt");
    const BROKEN: &str = include_str!("../../../tests/fixtures/mojibake/broken.tsv");

    /// The suite's cases, `\xNN` escapes (C1 controls) read back.
    fn broken_cases() -> Vec<(String, &'static str, &'static str)> {
        BROKEN
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let mut fields = l.split('\t');
                let broken = unescape_c1(fields.next().expect("broken"));
                (
                    broken,
                    fields.next().expect("correct"),
                    fields.next().expect("kind"),
                )
            })
            .collect()
    }

    #[test]
    fn the_suite_correct_lines_stay_and_broken_ones_are_fixed() {
        let correct: Vec<&str> = CORRECT.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(correct.len() >= 50);
        let changed: Vec<String> = correct
            .iter()
            .filter_map(|line| {
                let (fixed, _) = repair(line);
                (fixed != *line).then(|| format!("{line} -> {fixed}"))
            })
            .collect();
        assert_eq!(changed, Vec::<String>::new(), "correct text changed");

        let cases = broken_cases();
        assert!(cases.len() >= 50);
        let mut missed = Vec::new();
        for (broken, correct, kind) in &cases {
            let (fixed, n) = repair(broken);
            if fixed != *correct {
                missed.push((*kind, broken.clone(), fixed.into_owned()));
            } else {
                assert!(n > 0, "{broken}: repaired but not counted");
            }
        }
        let must = ["cp1252", "double", "lost_byte"];
        let hard: Vec<_> = missed.iter().filter(|m| must.contains(&m.0)).collect();
        assert!(hard.is_empty(), "windows-1252 cases not fixed: {hard:?}");
        assert!(missed.len() * 10 <= cases.len(), "missed {missed:?}");
    }

    #[test]
    fn leaves_correct_text_untouched() {
        for text in [
            "Kyrgyzstan’s “interim” government — plain English…",
            "Le café à Paris était très animé, déjà Noël.",
            "Größere Straßen in München, Übergänge für Äpfel.",
            "Zażółć gęślą jaźń; Příliš žluťoučký kůň úpěl ďábelské ódy.",
            "Ош, Жалал-Абад и Бишкек.",
            "東京都の人口は約1400万人です。",
            "£5 ©2005 ®™ ½ ¼ ¾ ±1 µg",
            "NESTLÉ® MARQUÉ… 4288×3216 5×£35 AHÅ™ CAFÉ™",
        ] {
            let (fixed, n) = repair(text);
            assert_eq!((fixed.as_ref(), n), (text, 0));
            assert!(matches!(fixed, Cow::Borrowed(_)));
        }
    }
}
