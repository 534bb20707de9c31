//! The router's side of screens::bulk::progress: what needs the whole app.
use super::{BulkEffect, Phase, Purpose};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::bulk::progress::*;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// `Esc`: no new write starts; those in flight finish and the result follows.
pub fn stop(app: &mut App) -> Vec<Effect> {
    let Some(Phase::Write(flow)) = app.bulk.as_mut().map(|b| &mut b.phase) else {
        return vec![];
    };
    let crate::tui::flow::Phase::Sending(p) = &mut flow.phase else {
        return vec![];
    };
    if std::mem::replace(&mut p.stopping, true) {
        return vec![];
    }
    app.info("Stopping: no new write starts; those in flight finish.");
    vec![Effect::Bulk(BulkEffect::Stop)]
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    p: &Progress,
    flow: &super::BulkFlow,
    theme: &Theme,
) {
    let frame = crate::tui::route::SPINNER[app.frame % crate::tui::route::SPINNER.len()];
    let width = area.width.saturating_sub(4) as usize;
    let lines = lines(p, width, frame, app.elapsed, theme);
    let title = match p.purpose {
        Purpose::Edit => " Applying ",
        Purpose::Retry => " Trying again ",
        Purpose::Undo => " Undoing ",
    };
    super::draw_lines(buf, area, app, title, &lines, flow, theme);
}
