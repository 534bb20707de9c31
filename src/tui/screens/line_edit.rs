//! The readline keys of a one-line value typed in a tab (Budgets, Guardrail), as the settings
//! form's editor has them: `Ctrl-A`/`Home`, `Ctrl-E`/`End`, `←`/`→`, `Ctrl-U` kills to the
//! start, `Ctrl-K` to the end, `Ctrl-W` the word before the cursor.
//!
//! The cursor is kept as `back`, the number of characters after it, so 0 (the default) is the
//! end of the text: code that only appends stays right without knowing about the cursor.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Whether `key` changes the text (so the caller can remember an undo step first).
pub fn changes(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('u' | 'k' | 'w') if ctrl => true,
        KeyCode::Char(_) => !ctrl,
        KeyCode::Backspace | KeyCode::Delete => true,
        _ => false,
    }
}

/// Whether `key` is one of these keys (an edit or a cursor move).
pub fn handles(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    changes(key)
        || matches!(
            key.code,
            KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End
        )
        || (ctrl && matches!(key.code, KeyCode::Char('a' | 'e')))
}

/// Applies `key` to `text` with the cursor `back` characters from its end; false when the key
/// is not one of these (the caller handles it).
pub fn apply(text: &mut String, back: &mut usize, key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let len = text.chars().count();
    // An undo may have shortened the text under the cursor.
    *back = (*back).min(len);
    let at = len - *back;
    let byte = |i: usize| text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
    match key.code {
        KeyCode::Char('a') if ctrl => *back = len,
        KeyCode::Home => *back = len,
        KeyCode::Char('e') if ctrl => *back = 0,
        KeyCode::End => *back = 0,
        KeyCode::Left => *back = (*back + 1).min(len),
        KeyCode::Right => *back = back.saturating_sub(1),
        KeyCode::Char('u') if ctrl => {
            let b = byte(at);
            text.replace_range(..b, "");
        }
        KeyCode::Char('k') if ctrl => {
            let b = byte(at);
            text.truncate(b);
            *back = 0;
        }
        KeyCode::Char('w') if ctrl => {
            let chars: Vec<char> = text.chars().collect();
            let mut from = at;
            while from > 0 && chars[from - 1].is_whitespace() {
                from -= 1;
            }
            while from > 0 && !chars[from - 1].is_whitespace() {
                from -= 1;
            }
            let (a, b) = (byte(from), byte(at));
            text.replace_range(a..b, "");
        }
        KeyCode::Char(c) if !ctrl => {
            let b = byte(at);
            text.insert(b, c);
        }
        KeyCode::Backspace if at > 0 => {
            let (a, b) = (byte(at - 1), byte(at));
            text.replace_range(a..b, "");
        }
        KeyCode::Delete if *back > 0 => {
            let (a, b) = (byte(at), byte(at + 1));
            text.replace_range(a..b, "");
            *back -= 1;
        }
        KeyCode::Backspace | KeyCode::Delete => {}
        _ => return false,
    }
    true
}

/// `text` with the cursor mark `▏` drawn `back` characters from its end.
pub fn with_cursor(text: &str, back: usize) -> String {
    let len = text.chars().count();
    let at = len - back.min(len);
    let mut out: String = text.chars().take(at).collect();
    out.push('▏');
    out.extend(text.chars().skip(at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, keys: &[KeyEvent]) -> (String, usize) {
        let (mut t, mut back) = (text.to_string(), 0);
        for k in keys {
            assert!(apply(&mut t, &mut back, k), "{k:?}");
        }
        (t, back)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }
    fn plain(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn each_readline_key_edits_around_the_cursor() {
        assert_eq!(run("12.50", &[ctrl('u')]), (String::new(), 0));
        assert_eq!(
            run("12.50", &[plain(KeyCode::Left), ctrl('u')]),
            ("0".into(), 1)
        );
        assert_eq!(run("12.50", &[ctrl('a'), ctrl('k')]), (String::new(), 0));
        assert_eq!(run("a bc de", &[ctrl('w')]), ("a bc ".into(), 0));
        assert_eq!(run("a bc ", &[ctrl('w')]), ("a ".into(), 0));
        assert_eq!(
            run("12", &[ctrl('a'), plain(KeyCode::Char('9'))]),
            ("912".into(), 2)
        );
        assert_eq!(
            run("12", &[ctrl('a'), ctrl('e'), plain(KeyCode::Char('9'))]),
            ("129".into(), 0)
        );
        assert_eq!(
            run("é1", &[plain(KeyCode::Left), plain(KeyCode::Backspace)]),
            ("1".into(), 1)
        );
        assert_eq!(with_cursor("12", 1), "1▏2");
    }
}
