//! One module per screen: its state, its `update` (what each of its actions does), its view,
//! and `hints()` — the actions it acts on, from which the hint bar and the help are built.

pub mod admin_write;
pub mod budgets;
pub mod bulk;
pub mod conflict;
pub mod create;
pub mod delete;
pub mod form;
pub mod guardrail;
pub mod guardrails;
pub mod history;
pub mod key_form;
pub mod key_secret;
pub mod keys_tab;
pub mod line_edit;
pub mod loading;
pub mod members_tab;
pub mod picker;
pub mod result;
pub mod review;
pub mod settings_write;
pub mod submitting;
pub mod suggest;
pub mod tab_write;
pub mod tabs;

/// What a screen's view reads besides its own state: the keys (for hints), the clock (the
/// spinner), read-only, and where the frame records what it drew. Read-only: a view changes
/// nothing but that record.
pub struct Ctx<'a> {
    pub keys: &'a crate::config::KeyBindings,
    /// The spinner frame.
    pub frame: usize,
    /// Time since the current request began.
    pub elapsed: std::time::Duration,
    /// Where read-only came from, when the run is read-only.
    pub read_only: Option<&'a str>,
    pub drawn: &'a std::cell::RefCell<crate::tui::view::Drawn>,
    /// Why the model catalog could not be loaded (the form says so where it would suggest).
    pub catalog_error: Option<&'a str>,
}

impl Ctx<'_> {
    /// The spinner's glyph now.
    pub fn spinner(&self) -> &'static str {
        crate::tui::route::SPINNER[self.frame % crate::tui::route::SPINNER.len()]
    }
}

/// How far `Ctrl-D`/`Ctrl-U` move in a list: half of the page that PageDown/PageUp move.
pub const HALF_PAGE: usize = 5;

/// What every Review says under read-only, in place of "Enter sends" (product.md §15).
/// The rules a Review's writes break, one line each, a deny marked `✗` and a warn `!` (never
/// by colour alone); names from the server escaped.
pub fn policy_notes(
    verdict: &crate::tui::flow::PolicyVerdict,
    theme: &crate::tui::theme::Theme,
) -> Vec<(String, ratatui::style::Style)> {
    verdict
        .lines
        .iter()
        .map(|l| {
            let l = crate::text::escape(l);
            match l.strip_prefix("deny: ") {
                Some(rest) => (
                    format!("✗ Policy denies, Enter sends nothing: {rest}"),
                    theme.error,
                ),
                None => (
                    format!("! Policy warns: {}", l.trim_start_matches("warn: ")),
                    theme.warning,
                ),
            }
        })
        .collect()
}

pub fn read_only_note(from: &str) -> String {
    format!("Read-only ({from}): nothing can be sent from here, Enter does nothing. Esc goes back.")
}

/// The status after Enter on a Review under read-only.
pub fn read_only_refusal(from: &str) -> String {
    format!("Nothing sent: {from} refuses every write (read-only).")
}
