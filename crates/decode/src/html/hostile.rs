//! Generated hostile pages: the shapes that make an HTML parser slow (many attributes,
//! many elements, one endless word, a huge table, an unclosed comment, a flood of
//! entities, unclosed formatting elements), each filled to a given size. A test sweeps
//! them at the size limit with a generous bound; `newsprep-bench eval-hostile` records
//! their times in a release build (BENCHMARKS.md).

/// The names of the shapes, in the order [`page`] knows them.
pub const SHAPES: [&str; 8] = [
    "attributes",
    "elements",
    "long_word",
    "table",
    "open_comment",
    "entities",
    "formatting",
    "open_anchors",
];

/// The page of shape `name`, about `size` bytes long; `None` for an unknown name.
pub fn page(name: &str, size: usize) -> Option<String> {
    let fill = |unit: &str| unit.repeat(size / unit.len().max(1));
    let page = match name {
        // One element: the parser checks each attribute against the element's others.
        "attributes" => {
            let mut tag = String::with_capacity(size + 64);
            tag.push_str("<html><body><div");
            let mut n = 0usize;
            while tag.len() < size {
                tag.push_str(&format!(" a{n}=x"));
                n += 1;
            }
            tag.push_str(">text</div></body></html>");
            tag
        }
        "elements" => format!("<html><body>{}</body></html>", fill("<span>a</span>")),
        "long_word" => format!("<html><body><p>{}</p></body></html>", fill("a")),
        "table" => format!(
            "<html><body><table>{}</table></body></html>",
            fill("<tr><td>1</td><td>2</td><td>3</td></tr>")
        ),
        "open_comment" => format!("<html><body><!--{}", fill("x <p>y</p>\n")),
        "entities" => format!(
            "<html><body><p>{}</p></body></html>",
            fill("&amp;&#x41;&eacute;&notin;&#1234;")
        ),
        // Distinct attributes defeat the parser's limit of three identical entries in the
        // list of active formatting elements, which every new paragraph reopens.
        "formatting" => {
            let open: String = (0..2000).map(|i| format!("<b id={i}>")).collect();
            let paragraphs = "<p>x".repeat(size.saturating_sub(open.len()) / 4);
            format!("<html><body>{open}{paragraphs}")
        }
        // Each new `<a>` closes the one before through the adoption agency algorithm.
        "open_anchors" => format!("<html><body>{}", fill("<a href=/x>link ")),
        _ => return None,
    };
    Some(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_filled_to_about_its_size() {
        for name in SHAPES {
            let page = page(name, 100_000).expect("known shape");
            assert!(
                (90_000..110_000).contains(&page.len()),
                "{name}: {}",
                page.len()
            );
        }
        assert!(page("nothing", 10).is_none());
    }
}
