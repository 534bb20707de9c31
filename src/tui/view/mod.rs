//! Drawing: a pure function of the app's state (no clock, no I/O). This module lays out the
//! title bar, the screen, the status message and the key hints; each screen has its module.

pub(crate) mod grid;
mod questions;
mod tabs;
pub(crate) mod text;
pub(crate) mod values;

use super::app::{App, Screen};
use super::chrome;
use super::screens::{conflict, form, loading, picker, result, review, submitting};
use super::theme::Theme;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// What the last frame drew where: the mouse's hit areas and whether the screen was too small.
/// `draw` stores it in the app, so `update` never copies geometry from constants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drawn {
    /// The "too small" notice was shown instead of a screen.
    pub too_small: bool,
    /// The form's field rows on screen, each with the index of its field.
    pub field_rows: Vec<(Rect, usize)>,
    /// The review's content height and the rows of it shown (its scroll range).
    pub review: (u16, u16),
    /// How far the help can scroll (0 when it fits).
    pub help_scroll_max: u16,
}

/// The smallest terminal the screens are drawn in; below it, a notice.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    *app.drawn.borrow_mut() = Drawn {
        too_small,
        field_rows: Vec::new(),
        review: (0, 0),
        help_scroll_max: 0,
    };
    if too_small {
        chrome::too_small(buf, area, app, theme);
        return;
    }
    let message = chrome::message_height(app, area.width);
    let title = Rect::new(area.x, area.y, area.width, 1);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 2 - message);
    let message_area = Rect::new(area.x, body.bottom(), area.width, message);
    let bar = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    chrome::title(buf, title, app, theme);
    let ctx = app.ctx();
    match (&app.screen, &app.form) {
        (Screen::Picker, _) => {
            picker::view::draw(buf, body, &ctx, &app.picker, theme);
            if let Some(c) = app.create.as_ref().filter(|c| c.open) {
                super::screens::create::view::draw(buf, body, c, theme);
            }
            if let Some(write) = &app.admin {
                super::screens::admin_write::view::draw(buf, body, &ctx, write, theme);
            }
        }
        (Screen::Loading { target, error }, _) => loading::view::draw(
            buf,
            body,
            &ctx,
            app.has_picker,
            target,
            error.as_deref(),
            theme,
        ),
        (Screen::Form, Some(form)) => tabs::draw(buf, body, app, form, theme),
        (Screen::Write(flow), Some(form)) => draw_settings_write(buf, body, app, form, flow, theme),
        (Screen::Bulk, _) => super::app::bulk::draw(buf, body, app, theme),
        (Screen::Conflict(view), Some(form)) => conflict::view::draw(buf, body, form, view, theme),
        (Screen::History(view), _) => {
            super::screens::history::view::draw(buf, body, view, theme);
        }
        // A screen that needs the form but has none: nothing to show but the bars.
        (Screen::Form | Screen::Write(_) | Screen::Conflict(_), None) => {}
    }
    chrome::message(buf, message_area, app, theme);
    chrome::bar(buf, bar, app, theme);
    if let Some(o) = app.overlay {
        // The help box, or the question asked.
        questions::draw(buf, area, app, o, theme);
    }
}

/// A rounded box with a title, as every screen's main panel.
pub(crate) fn panel<'a>(
    title: impl Into<ratatui::text::Line<'a>>,
    theme: &Theme,
) -> ratatui::widgets::Block<'a> {
    // A title keeps zero-width characters such as a bidi override: they are made visible.
    let mut title = title.into();
    for span in &mut title.spans {
        if span.content.chars().any(crate::text::is_unsafe) {
            span.content = crate::text::escape(&span.content).into_owned().into();
        }
    }
    ratatui::widgets::Block::bordered()
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(theme.border)
        .title(title.style(theme.heading))
}

/// The area inside a one-cell border.
pub(crate) fn inside(area: Rect) -> Rect {
    inset(area, 1, 1)
}

/// `area` with `dx` columns left out on either side and `dy` rows above and below.
pub(crate) fn inset(area: Rect, dx: u16, dy: u16) -> Rect {
    Rect::new(
        area.x + dx,
        area.y + dy,
        area.width.saturating_sub(2 * dx),
        area.height.saturating_sub(2 * dy),
    )
}

/// `area` with `left` and `right` columns left out (a margin inside a box).
pub(crate) fn padded(area: Rect, left: u16, right: u16) -> Rect {
    Rect::new(
        area.x + left,
        area.y,
        area.width.saturating_sub(left + right),
        area.height,
    )
}

/// The items of a list that fit in `rows` lines with the `selected` one in view, each with its
/// line (0 for the first shown) and its index.
pub(crate) fn in_view<T>(
    items: &[T],
    selected: usize,
    rows: usize,
) -> impl Iterator<Item = (u16, usize, &T)> {
    let start = selected.saturating_sub(rows.saturating_sub(1));
    let shown = items.iter().enumerate().skip(start).take(rows);
    shown.map(move |(i, item)| ((i - start) as u16, i, item))
}

/// A `width`×`height` rectangle (at most `area`) in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(area.width), height.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `rect` and draws a box over it (an overlay); returns the inside.
pub(crate) fn popup(
    buf: &mut ratatui::buffer::Buffer,
    rect: Rect,
    title: &str,
    theme: &Theme,
) -> Rect {
    use ratatui::widgets::{Block, BorderType, Clear, Widget};
    Clear.render(rect, buf);
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.popup_border)
        .title(ratatui::text::Line::styled(
            format!(" {title} "),
            theme.heading,
        ))
        .render(rect, buf);
    inside(rect)
}

/// A popup over a list inside the panel `area`: the rows it spans are cleared from border to
/// border first, so no cell of the list shows beside it.
pub(crate) fn popup_over(
    buf: &mut ratatui::buffer::Buffer,
    area: Rect,
    rect: Rect,
    title: &str,
    theme: &Theme,
) -> Rect {
    use ratatui::widgets::{Clear, Widget};
    let band = Rect::new(
        area.x + 1,
        rect.y,
        area.width.saturating_sub(2),
        rect.height,
    )
    .intersection(area);
    Clear.render(band, buf);
    popup(buf, rect, title, theme)
}

/// The settings PATCH's phase in the one write flow.
fn draw_settings_write(
    buf: &mut Buffer,
    body: Rect,
    app: &App,
    form: &crate::tui::screens::form::FormState,
    flow: &crate::tui::screens::settings_write::SettingsFlow,
    theme: &Theme,
) {
    use crate::tui::flow::Phase;
    let review = |buf: &mut Buffer| {
        let drawn = review::view::draw(
            buf,
            body,
            form,
            flow.scroll,
            app.read_only.as_deref(),
            &flow.policy,
            theme,
        );
        flow.shown_scroll(usize::from(drawn.0), drawn.1);
        app.drawn.borrow_mut().review = drawn;
    };
    match &flow.phase {
        Phase::Review => review(buf),
        Phase::Sending(s) => {
            if flow.plan.revert {
                form::view::draw(buf, body, &app.ctx(), form, theme);
            } else {
                // The review under the popup, as it was scrolled.
                review(buf);
            }
            submitting::view::draw(buf, body, &app.ctx(), s.sending, flow.plan.revert, theme);
        }
        Phase::Result(view) => result::view::draw(buf, body, view, flow, theme),
        Phase::Conflict(view) => conflict::view::draw(buf, body, form, view, theme),
    }
}
