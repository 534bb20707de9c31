//! The keys of a suggestion list under a typed value (the form's model fields, the Guardrail's
//! model lists): `↓`/`Ctrl-N` and `↑`/`Ctrl-P` move the highlight (up from the first leaves the
//! list, keeping the typed text), `Enter` takes the highlighted one.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does to a list of `len` suggestions with `at` highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The highlight is now here (`None`: back on the typed text).
    Highlight(Option<usize>),
    /// Take the suggestion at this index.
    Take(usize),
}

/// `None` when the key is not the list's (it goes to the text).
pub fn step(key: &KeyEvent, at: Option<usize>, len: usize) -> Option<Step> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let down = key.code == KeyCode::Down || (ctrl && key.code == KeyCode::Char('n'));
    let up = key.code == KeyCode::Up || (ctrl && key.code == KeyCode::Char('p'));
    match at {
        _ if down => Some(Step::Highlight(Some(at.map_or(0, |i| (i + 1).min(last))))),
        Some(0) if up => Some(Step::Highlight(None)),
        Some(i) if up => Some(Step::Highlight(Some(i - 1))),
        Some(i) if key.code == KeyCode::Enter => Some(Step::Take(i.min(last))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn ctrl_n_and_ctrl_p_move_as_the_arrows_do() {
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        for (down, up) in [
            (k(KeyCode::Down, none), k(KeyCode::Up, none)),
            (k(KeyCode::Char('n'), ctrl), k(KeyCode::Char('p'), ctrl)),
        ] {
            assert_eq!(step(&down, None, 3), Some(Step::Highlight(Some(0))));
            assert_eq!(
                step(&down, Some(2), 3),
                Some(Step::Highlight(Some(2))),
                "stays on the last"
            );
            assert_eq!(step(&up, Some(1), 3), Some(Step::Highlight(Some(0))));
            assert_eq!(
                step(&up, Some(0), 3),
                Some(Step::Highlight(None)),
                "back on the text"
            );
            assert_eq!(step(&up, None, 3), None, "the text's own key");
        }
        assert_eq!(
            step(&k(KeyCode::Enter, none), Some(1), 3),
            Some(Step::Take(1))
        );
        assert_eq!(step(&k(KeyCode::Enter, none), None, 3), None);
        assert_eq!(
            step(&k(KeyCode::Char('n'), none), Some(0), 3),
            None,
            "plain n is text"
        );
        assert_eq!(step(&k(KeyCode::Down, none), None, 0), None, "no list");
    }
}
