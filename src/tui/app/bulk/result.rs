//! The router's side of screens::bulk::result: what needs the whole app.
use super::batch::{self, Status};
use super::{Bulk, BulkEffect, Phase, Purpose};
use crate::submit::WriteOutcome;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::bulk::result::*;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The batch ended: its result, and one history entry for what landed.
pub fn finished(app: &mut App, outcomes: Vec<Option<WriteOutcome>>) -> Vec<Effect> {
    let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &app.bulk
    else {
        return vec![];
    };
    let crate::tui::flow::Phase::Sending(p) = &flow.phase else {
        return vec![];
    };
    let result = BulkResult {
        items: p.items.clone(),
        outcomes,
        purpose: p.purpose,
        unchanged: flow.plan.unchanged.clone(),
    };
    let record = result.outcomes.iter().any(|o| landed(o.as_ref())).then(|| {
        Effect::Bulk(BulkEffect::Record {
            outcomes: result.outcomes.clone(),
        })
    });
    let summary = result.summary();
    if let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &mut app.bulk
    {
        flow.finish(result);
    }
    app.info(format!("Done: {summary}."));
    record.into_iter().collect()
}

/// `r` / `u`: a Review of the failed writes again (never the conflicts), or of the writes that
/// undo what landed (each checked against what it landed as). `Esc` there comes back here.
pub fn again(app: &mut App, purpose: Purpose) -> Vec<Effect> {
    let Some(Bulk {
        phase: Phase::Write(flow),
        ..
    }) = &mut app.bulk
    else {
        return vec![];
    };
    let crate::tui::flow::Phase::Result(result) = &flow.phase else {
        return vec![];
    };
    let items = match purpose {
        // The failed ones, and those a stop left unstarted; a conflict is never tried again.
        Purpose::Retry => result
            .items
            .iter()
            .zip(&result.outcomes)
            .filter(|(_, o)| {
                matches!(
                    batch::status(o.as_ref()),
                    Status::Failed | Status::NotStarted
                )
            })
            .map(|(item, _)| item.clone())
            .collect(),
        Purpose::Undo => batch::undo_items(&result.items, &result.outcomes),
        Purpose::Edit => vec![],
    };
    if items.is_empty() {
        app.info(match purpose {
            Purpose::Retry => "No write failed (a conflict is never tried again).",
            Purpose::Undo | Purpose::Edit => "Nothing landed: there is nothing to undo.",
        });
        return vec![];
    }
    let review = crate::tui::screens::bulk::review::BulkReview::new(items, vec![], purpose);
    match purpose {
        Purpose::Undo => flow.undo(review),
        Purpose::Retry | Purpose::Edit => flow.follow(review),
    }
    app.status = None;
    vec![]
}

pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    r: &BulkResult,
    flow: &super::BulkFlow,
    theme: &Theme,
) {
    let lines = lines(r, area.width.saturating_sub(4) as usize, theme);
    let title = match r.purpose {
        Purpose::Edit => " Bulk result ",
        Purpose::Retry => " Result of trying again ",
        Purpose::Undo => " Result of the undo ",
    };
    super::draw_lines(buf, area, app, title, &lines, flow, theme);
}
