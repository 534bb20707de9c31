//! The tab strip above the workspace screen, and the tab under it.

use crate::tui::app::App;
use crate::tui::screens::form::{self, FormState};
use crate::tui::screens::tabs::Tab;
use crate::tui::theme::Theme;
use crate::tui::view::text::put;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, form: &FormState, theme: &Theme) {
    if area.height < 2 {
        return;
    }
    strip(buf, Rect::new(area.x, area.y, area.width, 1), app, theme);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    match app.tabs.current {
        Tab::Settings => form::view::draw(buf, body, &app.ctx(), form, theme),
        Tab::Budgets => {
            // Without an open workspace there is nothing to load: the body stays empty.
            if let Some(b) = &app.tabs.budgets {
                let read_only = app.read_only.as_deref();
                crate::tui::screens::budgets::view::draw(buf, body, b, read_only, theme);
            }
        }
        Tab::Members => {
            crate::tui::screens::members_tab::view::draw(buf, body, &app.tabs.members, theme)
        }
        Tab::Keys => {
            let destinations = crate::tui::app::keys_tab::destinations(app);
            crate::tui::screens::keys_tab::view::draw(
                buf,
                body,
                &app.tabs.keys,
                &destinations,
                app.picker.loading,
                theme,
            );
        }
        Tab::Guardrail => {
            use crate::tui::screens::guardrails::Showing;
            let t = &app.tabs.guardrails;
            let form = match &t.showing {
                _ if t.create.is_some() || t.deleting.is_some() || t.assigning.is_some() => None,
                Showing::List => None,
                Showing::Default => app.tabs.guardrail.as_ref(),
                Showing::Named(id) => t.named.get(id),
            };
            if form.is_none() {
                crate::tui::screens::guardrails::view::draw(buf, body, t, theme);
            }
            if let Some(g) = form {
                let editor =
                    crate::tui::chrome::first_key(&app.keys, crate::config::Action::Editor);
                let read_only = app.read_only.as_deref();
                crate::tui::screens::guardrail::view::draw(buf, body, g, theme, &editor, read_only);
            }
        }
    }
    if let Some(flow) = &app.delete {
        crate::tui::screens::delete::view::draw(buf, body, flow, &app.tabs.keys, theme);
    }
    if let Some(write) = &app.admin {
        crate::tui::screens::admin_write::view::draw(buf, body, &app.ctx(), write, theme);
    }
}

/// `1 Settings · 2 Budgets · …`, the current one marked.
fn strip(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    // Where ` · ` between the tabs does not fit (60 columns), a bare `·` keeps them whole.
    let names: usize = Tab::ALL
        .iter()
        .map(|t| crate::tui::view::text::width(t.label()) + 2)
        .sum();
    let wide = 1 + names + 2 + 3 * (Tab::ALL.len() - 1) <= area.width as usize;
    let sep = if wide { " · " } else { "·" };
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(sep, theme.dim));
        }
        let text = format!("{} {}", tab.number(), tab.label());
        if tab == app.tabs.current {
            spans.push(Span::styled(format!("[{text}]"), theme.heading));
        } else {
            spans.push(Span::styled(text, theme.dim));
        }
    }
    put(buf, area, 0, &Line::from(spans));
}
