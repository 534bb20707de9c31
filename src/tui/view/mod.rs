//! Drawing (placeholder from the lead; the view helper replaces this file).
use super::app::App;
use super::theme::Theme;
use ratatui::Frame;

/// The screen row of the form's first field (for mouse clicks).
pub const FORM_FIRST_ROW: u16 = 2;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let _ = (frame, app, theme);
}
