//! Styles of every screen. With colour off, styles use only modifiers (bold, dim, reversed,
//! underlined, crossed-out), and every state also has a text mark, so nothing relies on colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    /// The title bar across the top.
    pub title: Style,
    /// The workspace's name in the title bar.
    pub title_accent: Style,
    pub border: Style,
    /// Block titles and table headings.
    pub heading: Style,
    /// Secondary text: read-only fields, `null`, API names, rules.
    pub dim: Style,
    pub label: Style,
    /// The focused form row.
    pub focus: Style,
    /// The focused row's marker and label.
    pub focus_label: Style,
    /// The picker's selected row.
    pub selected: Style,
    /// A key in the hints and the help.
    pub key: Style,
    /// The hint bar at the bottom.
    pub bar: Style,
    /// The mode badge in the hint bar (BROWSE, EDIT…).
    pub badge: Style,
    pub error: Style,
    pub warning: Style,
    pub info: Style,
    /// `✓ applied`.
    pub ok: Style,
    /// The `●` modified mark and modified values.
    pub modified: Style,
    /// Removed words of a diff (also wrapped in `[-…-]`).
    pub removed: Style,
    /// Added words of a diff (also wrapped in `{+…+}`).
    pub added: Style,
    /// The text being edited (laid over the text area).
    pub editing: Style,
    /// The exact request body.
    pub json: Style,
    /// Overlay boxes' borders.
    pub popup_border: Style,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        let dim = plain.add_modifier(Modifier::DIM);
        let reversed = plain.add_modifier(Modifier::REVERSED);
        if !color {
            return Self {
                color,
                title: reversed,
                title_accent: reversed.add_modifier(Modifier::BOLD),
                border: plain,
                heading: bold,
                dim,
                label: plain,
                focus: plain,
                focus_label: bold,
                selected: reversed,
                key: bold,
                bar: plain,
                badge: reversed.add_modifier(Modifier::BOLD),
                error: bold,
                warning: bold,
                info: plain,
                ok: bold,
                modified: bold,
                removed: plain.add_modifier(Modifier::CROSSED_OUT),
                added: bold.add_modifier(Modifier::UNDERLINED),
                editing: plain,
                json: plain,
                popup_border: bold,
            };
        }
        // A dark palette: 256-colour greys for surfaces, the basic colours for meaning.
        let surface = Color::Indexed(236);
        let raised = Color::Indexed(238);
        Self {
            color,
            title: plain.fg(Color::Indexed(252)).bg(Color::Indexed(24)),
            title_accent: bold.fg(Color::White).bg(Color::Indexed(24)),
            border: plain.fg(Color::Indexed(240)),
            heading: bold.fg(Color::Cyan),
            dim: plain.fg(Color::Indexed(245)),
            label: plain.fg(Color::Indexed(252)),
            focus: plain.bg(surface),
            focus_label: bold.fg(Color::White).bg(surface),
            selected: bold.fg(Color::White).bg(Color::Indexed(24)),
            key: bold.fg(Color::Yellow),
            bar: plain.fg(Color::Indexed(250)).bg(Color::Indexed(235)),
            badge: bold.fg(Color::Black).bg(Color::Cyan),
            error: bold.fg(Color::LightRed),
            warning: bold.fg(Color::Yellow),
            info: plain.fg(Color::Indexed(250)),
            ok: bold.fg(Color::LightGreen),
            modified: bold.fg(Color::LightYellow),
            removed: plain
                .fg(Color::LightRed)
                .add_modifier(Modifier::CROSSED_OUT),
            added: bold.fg(Color::LightGreen),
            editing: plain.fg(Color::White).bg(raised),
            json: plain.fg(Color::LightGreen),
            popup_border: plain.fg(Color::Cyan),
        }
    }

    /// The theme the settings name: `dark`, `light`, or `none` (no colour at all).
    pub fn from_setting(theme: crate::config::ThemeName) -> Self {
        match theme {
            crate::config::ThemeName::Dark => Self::new(true),
            crate::config::ThemeName::None => Self::new(false),
            crate::config::ThemeName::Light => Self::light(),
        }
    }

    /// For light terminal backgrounds: dark text, pale surfaces, deeper colours for meaning.
    pub fn light() -> Self {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        let surface = Color::Indexed(254);
        Self {
            title: plain.fg(Color::Indexed(255)).bg(Color::Indexed(25)),
            title_accent: bold.fg(Color::White).bg(Color::Indexed(25)),
            border: plain.fg(Color::Indexed(248)),
            heading: bold.fg(Color::Indexed(25)),
            dim: plain.fg(Color::Indexed(243)),
            label: plain.fg(Color::Indexed(235)),
            focus: plain.bg(surface),
            focus_label: bold.fg(Color::Black).bg(surface),
            selected: bold.fg(Color::White).bg(Color::Indexed(25)),
            key: bold.fg(Color::Indexed(130)),
            bar: plain.fg(Color::Indexed(236)).bg(Color::Indexed(253)),
            badge: bold.fg(Color::White).bg(Color::Indexed(25)),
            error: bold.fg(Color::Indexed(160)),
            warning: bold.fg(Color::Indexed(130)),
            info: plain.fg(Color::Indexed(238)),
            ok: bold.fg(Color::Indexed(28)),
            modified: bold.fg(Color::Indexed(130)),
            removed: plain
                .fg(Color::Indexed(160))
                .add_modifier(Modifier::CROSSED_OUT),
            added: bold.fg(Color::Indexed(28)),
            editing: plain.fg(Color::Black).bg(Color::Indexed(253)),
            json: plain.fg(Color::Indexed(28)),
            popup_border: plain.fg(Color::Indexed(25)),
            ..Self::new(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ThemeName as Setting;

    #[test]
    fn each_setting_gives_its_palette() {
        assert_eq!(
            Theme::from_setting(Setting::Dark).title,
            Theme::new(true).title
        );
        assert_ne!(
            Theme::from_setting(Setting::Light).title,
            Theme::new(true).title
        );
        let none = Theme::from_setting(Setting::None);
        assert!(!none.color);
        assert_eq!(none.error.fg, None, "no colour at all");
        assert!(Theme::light().color);
    }
}
