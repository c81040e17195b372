//! The language stage: names the language of each document's article text, after
//! boilerplate removal has taken the menus and footers away, and sends the languages
//! `[language] keep` does not list to quarantine as `other_language`.
//!
//! Identification is whatlang's: trigram profiles of 69 languages, a few hundred
//! kilobytes in the binary, fast enough to look at every document (BENCHMARKS.md,
//! "Language identification", has the figures and why not lingua). A text under
//! `min_words` words is `und` rather than a guess; a longer one always gets a language.

use newsprep_core::config::LanguageConfig;
use newsprep_core::document::{Document, LanguageNote, Reason, Rejection};
use newsprep_core::DocStage;
use unicode_segmentation::UnicodeSegmentation;
use whatlang::Lang;

/// How much of a text is looked at: the language of a news article is settled long
/// before its end, and the cost of a long page stays bounded.
const SAMPLE_BYTES: usize = 4096;

/// The language stage, built from `[language]`.
pub struct Language {
    keep: Vec<&'static str>,
    min_words: usize,
}

/// A `keep` entry that names no language this stage can tell.
#[derive(Debug, thiserror::Error)]
#[error("invalid value in [language] keep: {code:?} is not a language code this stage identifies (ISO 639-1 such as \"en\", or ISO 639-3 where a language has no 639-1 code)")]
pub struct UnknownLanguage {
    pub code: String,
}

impl Language {
    pub fn new(config: &LanguageConfig) -> Result<Language, UnknownLanguage> {
        let keep = config
            .keep
            .iter()
            .map(|code| {
                known_code(code).ok_or_else(|| UnknownLanguage {
                    code: code.to_owned(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Language {
            keep,
            min_words: config.min_words,
        })
    }

    /// The language of `text`: `und` with score 0 under `min_words` words.
    pub fn identify(&self, text: &str) -> LanguageNote {
        let sample = head(text, SAMPLE_BYTES);
        if sample.unicode_words().take(self.min_words).count() < self.min_words {
            return LanguageNote::undetermined();
        }
        match whatlang::detect(sample) {
            Some(info) => LanguageNote {
                code: iso_code(info.lang()).to_owned(),
                score: round(info.confidence()),
            },
            // Words but no letters of any script whatlang knows (numbers, symbols).
            None => LanguageNote::undetermined(),
        }
    }
}

impl DocStage for Language {
    fn name(&self) -> &'static str {
        "language"
    }

    fn process(&self, doc: &mut Document) -> Result<(), Rejection> {
        let note = self.identify(&doc.text);
        // A text too short to tell is kept: dropping it would drop short briefs in
        // the very languages the user keeps.
        let kept = self.keep.is_empty()
            || note.code == LanguageNote::UNDETERMINED
            || self.keep.contains(&note.code.as_str());
        let rejection = (!kept).then(|| Rejection::new(Reason::OtherLanguage, note.code.clone()));
        doc.language = Some(note);
        rejection.map_or(Ok(()), Err)
    }

    /// The language comes from the text alone.
    fn reapplies(&self) -> bool {
        true
    }
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Two decimals: the score is a rough confidence, and stable digits keep outputs
/// comparable across builds.
fn round(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

/// `code` as the `language` column writes it, if this stage can produce it.
fn known_code(code: &str) -> Option<&'static str> {
    if code == LanguageNote::UNDETERMINED {
        return Some(LanguageNote::UNDETERMINED);
    }
    Lang::all()
        .iter()
        .map(|&lang| iso_code(lang))
        .find(|known| *known == code)
}

/// ISO 639-1 for each language whatlang tells apart (all of them have one); whatlang
/// itself speaks ISO 639-3.
pub fn iso_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(keep: &[&str]) -> Language {
        Language::new(&LanguageConfig {
            keep: keep.iter().map(|s| s.to_string()).collect(),
            ..LanguageConfig::default()
        })
        .expect("known codes")
    }

    fn doc(text: &str) -> Document {
        Document {
            text: text.to_owned(),
            ..Document::default()
        }
    }

    const GERMAN: &str = "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. Der Wirtschaftsminister sagte, die Kosten für die Verbraucher würden in den nächsten Jahren sinken, während die Opposition das Vorhaben als unzureichend kritisierte.";
    const ENGLISH: &str = "The government of Kyrgyzstan appealed to Russia on Saturday to send troops to the southern city of Osh, where ethnic violence has killed dozens of people and forced thousands of ethnic Uzbeks to flee towards the border with Uzbekistan.";
    const KOREAN: &str = "정부는 수요일 서울에서 새로운 경제 정책을 발표했다. 기획재정부 장관은 내년부터 중소기업에 대한 세금 감면이 확대될 것이라고 말했다. 야당은 이번 정책이 가계 부채 문제를 해결하기에는 부족하다고 비판했다. 전문가들은 물가 상승률이 여전히 높은 수준이라고 지적하며 추가 대책이 필요하다고 강조했다.";

    #[test]
    fn names_the_language_of_real_sentences() {
        let stage = stage(&[]);
        for (text, code) in [(ENGLISH, "en"), (GERMAN, "de"), (KOREAN, "ko")] {
            let note = stage.identify(text);
            assert_eq!(note.code, code, "{text}");
            assert!(note.score > 0.5 && note.score <= 1.0, "{note:?}");
        }
    }

    #[test]
    fn a_short_text_is_undetermined() {
        let note = stage(&[]).identify("Bishkek, 12 June (Reuters) — Roza Otunbayeva said.");
        assert_eq!(note, LanguageNote::undetermined());
    }

    #[test]
    fn keep_quarantines_other_languages_with_the_code() {
        let stage = stage(&["en"]);
        let mut english = doc(ENGLISH);
        assert_eq!(stage.process(&mut english), Ok(()));
        assert_eq!(english.language.map(|n| n.code).as_deref(), Some("en"));
        let mut german = doc(GERMAN);
        let rejection = stage.process(&mut german).expect_err("German is not kept");
        assert_eq!(rejection.reason, Reason::OtherLanguage);
        assert_eq!(rejection.detail, "de");
        assert_eq!(german.language.map(|n| n.code).as_deref(), Some("de"));
        let mut short = doc("Kurz notiert: Der Zug fällt aus.");
        assert_eq!(stage.process(&mut short), Ok(()));
    }

    #[test]
    fn keep_names_only_codes_the_stage_can_give() {
        for bad in ["english", "EN", "xx", "deu"] {
            let config = LanguageConfig {
                keep: vec![bad.to_owned()],
                ..LanguageConfig::default()
            };
            assert!(Language::new(&config).is_err(), "{bad}");
        }
        assert!(stage(&["en", "de", "zh", "und"]).keep.len() == 4);
    }

    #[test]
    fn every_language_has_a_distinct_two_letter_code() {
        let mut codes: Vec<&str> = Lang::all().iter().map(|&l| iso_code(l)).collect();
        assert!(codes.iter().all(|c| c.len() == 2));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Lang::all().len());
    }
}
