//! Escaping for the page: every string that came from a document, a path or a setting
//! goes through one of these before it is written, in text, in an attribute or in the
//! data handed to the page's script.

use std::borrow::Cow;

use serde::Serialize;

/// `text` safe in an element's content and in a quoted attribute value.
pub fn html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `value` as JSON that may sit inside `<script type="application/json">`: `<`, `>`
/// and `&` are written `\u003c`, `\u003e` and `\u0026`, so no `</script>` or `<!--` in a
/// title can end the element early, and U+2028 and U+2029, which old script parsers
/// take for line ends, are escaped too. Outside strings JSON holds none of these, so
/// the result is the same JSON value.
pub fn script_json(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            html(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert!(matches!(html("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn script_data_cannot_close_its_element() {
        let json = script_json(&["</script><!-- \u{2028} &"]);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["</script><!-- \u{2028} &"]);
    }

    #[test]
    fn shorten_cuts_at_a_character() {
        assert_eq!(shorten("Jalālābād", 4), "Jalā…");
        assert_eq!(shorten("Osh", 4), "Osh");
    }
}
