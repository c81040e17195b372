//! Repairing mojibake: UTF-8 bytes that were once decoded as windows-1252 (or latin-1)
//! and saved again, so that `“` reads `â€œ` and `é` reads `Ã©`.
//!
//! Each character of such text stands for one byte. Where a run of them spells a
//! complete, valid UTF-8 multi-byte sequence, the run is replaced by the character the
//! sequence encodes. Correct text is left alone, because a lead byte character (`Ã`,
//! `â`, `Ð`) followed by exactly the right number of continuation byte characters
//! (`©`, `€`, `œ`) that also form a valid sequence does not occur in real writing.

use std::borrow::Cow;

/// Passes of repair at most: text mis-decoded twice needs two.
const MAX_PASSES: usize = 3;

/// Returns the repaired text and the number of characters it rewrote.
pub fn repair(text: &str) -> (Cow<'_, str>, u64) {
    let mut current = Cow::Borrowed(text);
    let mut repaired = 0;
    for _ in 0..MAX_PASSES {
        // Fast path: without a character that stands for a lead byte there is nothing
        // to repair, and clean text pays for one scan only.
        if !current.chars().any(is_lead_char) {
            break;
        }
        let (next, n) = repair_once(&current);
        if n == 0 {
            break;
        }
        repaired += n;
        current = Cow::Owned(next);
    }
    (current, repaired)
}

fn is_lead_char(c: char) -> bool {
    ('\u{C2}'..='\u{F4}').contains(&c)
}

fn repair_once(text: &str) -> (String, u64) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut repaired = 0;
    let mut i = 0;
    while i < chars.len() {
        if let Some((decoded, used)) = utf8_sequence_at(&chars[i..]) {
            out.push(decoded);
            repaired += 1;
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (out, repaired)
}

/// If `chars` starts with characters whose windows-1252 bytes form one valid UTF-8
/// multi-byte sequence, the character it encodes and how many characters it took.
fn utf8_sequence_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (k, &c) in chars.get(1..len)?.iter().enumerate() {
        let b = cp1252_byte(c)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        bytes[k + 1] = b;
    }
    // from_utf8 also rejects overlong forms and surrogates.
    let decoded = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    Some((decoded, len))
}

/// The byte windows-1252 maps to `c`, taking U+0080..U+009F as the bytes themselves
/// (latin-1, and what decoders emit for windows-1252's five unmapped bytes).
fn cp1252_byte(c: char) -> Option<u8> {
    let code = c as u32;
    if (0x80..=0xFF).contains(&code) {
        return Some(code as u8);
    }
    let byte = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
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

    #[test]
    fn leaves_correct_text_untouched() {
        for text in [
            "Kyrgyzstan’s “interim” government — plain English…",
            "Le café à Paris était très animé, déjà Noël.",
            "Größere Straßen in München, Übergänge für Äpfel.",
            "Zażółć gęślą jaźń; Příliš žluťoučký kůň úpěl ďábelské ódy.",
            "Ош, Жалал-Абад и Бишкек.",
            "東京都の人口は約1400万人です。",
            "Ã alone, â at the end â",
            "£5 ©2005 ®™ ½ ¼ ¾ ±1 µg",
        ] {
            let (fixed, n) = repair(text);
            assert_eq!((fixed.as_ref(), n), (text, 0));
            assert!(matches!(fixed, Cow::Borrowed(_)) || n == 0);
        }
    }
}
