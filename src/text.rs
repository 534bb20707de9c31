//! Text that leaves for a terminal: control characters made visible, so nothing a server (or a
//! file) sends can move the cursor, retitle the window, clear the screen or reorder a line.
//!
//! Escaped: C0 (U+0000–U+001F, newline and tab included: every caller shows one line), DEL,
//! C1 (U+0080–U+009F), the bidi embeddings, overrides and isolates that can reorder a line
//! (U+202A–U+202E, U+2066–U+2069, the "Trojan Source" set) and the line/paragraph separators
//! U+2028/U+2029. The plain marks LRM/RLM/ALM stay (right-to-left names use them), and so do
//! zero-width joiners (emoji need them).

use std::borrow::Cow;

/// True for the characters [`escape`] makes visible.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// The text with each unsafe character written as `\x1b` (up to U+00FF) or `\u{202e}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) <= 0xff {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with the unsafe characters serde_json leaves raw (DEL, C1, bidi) written as
/// `\uXXXX`. They can only stand inside strings, so the result is the same JSON value.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// serde_json escapes C0 itself; the newlines between pretty-printed lines must stay.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && c > '\u{1f}'
}

/// The first unsafe character of `s`, named for a person, e.g. "an escape character (\x1b)".
pub fn first_unsafe(s: &str) -> Option<String> {
    let c = s.chars().find(|c| is_unsafe(*c))?;
    let what = match c {
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        '\u{1b}' => "an escape character",
        '\u{7f}' => "a delete character",
        '\u{0}'..='\u{1f}' | '\u{80}'..='\u{9f}' => "a control character",
        '\u{2028}' | '\u{2029}' => "a line separator",
        _ => "a bidirectional control",
    };
    Some(format!("{what} ({})", escape(&c.to_string())))
}

/// Each item as text, joined with "; " (broken rules in one sentence).
pub fn joined<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(escape("Prod 日本 🧑‍💻 é"), Cow::Borrowed(_)));
        assert!(matches!(escape("שלום\u{200f} x"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_controls_are_made_visible() {
        assert_eq!(
            escape("Prod\x1b]0;x\x07\x1b[2J"),
            "Prod\\x1b]0;x\\x07\\x1b[2J"
        );
        assert_eq!(escape("a\nb\tc\rd\u{7f}"), "a\\x0ab\\x09c\\x0dd\\x7f");
        assert_eq!(escape("\u{9b}31m"), "\\x9b31m");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn json_keeps_its_meaning() {
        let v = serde_json::json!({"name": "a\u{9b}b\u{202e}c\u{7f}\u{1b}"});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let escaped = escape_json(&text);
        assert!(!escaped.chars().any(|c| is_unsafe(c) && c != '\n'));
        assert!(escaped.contains("\\u009b") && escaped.contains("\\u202e"));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn names_the_first_unsafe_character() {
        assert_eq!(
            first_unsafe("a\x1b[2J").as_deref(),
            Some("an escape character (\\x1b)")
        );
        assert_eq!(first_unsafe("fine"), None);
    }
}
