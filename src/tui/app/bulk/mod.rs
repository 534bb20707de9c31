//! The router's side of screens::bulk: what needs the whole app.
pub mod form;
pub mod progress;
pub mod result;
pub mod review;

use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::screens::bulk::*;
use crate::workspace::{PatchBody, Workspace};

/// `e` / `Enter` in the picker with marks: one form for the marked workspaces.
pub fn open(app: &mut App) -> Vec<Effect> {
    let marked = app.picker.marked_workspaces();
    if marked.is_empty() {
        return vec![];
    }
    let mut bulk = Bulk::new(marked);
    if let Some(catalog) = &app.catalog {
        bulk.form.set_catalog(catalog.clone());
    }
    let workspace_id = bulk.draft_id();
    app.bulk = Some(bulk);
    app.screen = crate::tui::route::Screen::Bulk;
    app.status = None;
    app.info("One form for every marked workspace.");
    // A draft of these same workspaces' bulk edit, left by a gone session, is offered.
    vec![Effect::LoadDraft { workspace_id }]
}

/// `u` on a batch in the history: a Review undoing its landed parts (`items`, each with the
/// entry's `after` as its base, so a later change is a conflict, never overwritten). An open
/// workspace is left first (the caller has checked it holds no unsaved edits).
pub fn open_undo(app: &mut App, items: Vec<batch::Item>) -> Vec<Effect> {
    let mut effects = if app.form.is_some() {
        app.leave_now(false)
    } else {
        vec![]
    };
    if items.is_empty() {
        app.info("Nothing to undo: the batch has no part that landed.");
        return effects;
    }
    // A workspace the list (as last read) shows holding what the undo sends needs no request.
    let (held, items): (Vec<batch::Item>, Vec<batch::Item>) = items.into_iter().partition(|i| {
        app.picker
            .workspaces
            .iter()
            .find(|w| w.id() == i.id)
            .is_some_and(|w| PatchBody::between(w, i.patch.fields()).is_empty())
    });
    if items.is_empty() {
        app.info("Nothing to undo: the server already holds the values from before this change.");
        return effects;
    }
    let unchanged = held.into_iter().map(|i| i.label).collect();
    let workspaces: Vec<Workspace> = items.iter().map(|i| i.base.clone()).collect();
    let mut bulk = Bulk::new(workspaces);
    let mut flow = BulkFlow::review(crate::tui::screens::bulk::review::BulkReview::new(
        items,
        unchanged,
        Purpose::Undo,
    ));
    flow.reverting = app.take_reverting();
    flow.from_history = flow.reverting.is_some();
    bulk.phase = Phase::Write(Box::new(flow));
    bulk.from_history = true;
    app.bulk = Some(bulk);
    app.screen = crate::tui::route::Screen::Bulk;
    app.status = None;
    effects.retain(|e| *e != Effect::LoadList);
    effects
}

/// The bulk edit's write flow, when one shows.
pub fn flow(app: &App) -> Option<&BulkFlow> {
    match (&app.screen, app.bulk.as_ref().map(|b| &b.phase)) {
        (crate::tui::route::Screen::Bulk, Some(Phase::Write(flow))) => Some(flow),
        _ => None,
    }
}

/// The keys of the write flow, for a bulk edit: Enter on the Review starts the batch; `Esc`
/// there goes back to the form (or, for an undo from the history, closes it); while sending
/// `Esc` starts no new write; the result closes, or reviews a retry or an undo.
pub fn act(app: &mut App, key: crate::tui::flow::FlowKey) -> Vec<Effect> {
    use crate::tui::flow::Step;
    let read_only = app.read_only.clone();
    let Some(bulk) = app.bulk.as_mut() else {
        return vec![];
    };
    let Phase::Write(flow) = &mut bulk.phase else {
        return vec![];
    };
    match flow.act(key, read_only.as_deref()) {
        Step::Ignored | Step::Done | Step::Returned | Step::Resolved(..) => vec![],
        Step::Refused(why) => {
            app.warn(why);
            vec![]
        }
        Step::Send(review) => {
            let reverting = flow.reverting.clone();
            app.status = None;
            app.elapsed = std::time::Duration::ZERO;
            vec![Effect::Bulk(BulkEffect::Run(review.items, reverting))]
        }
        Step::Left if bulk.from_history => {
            // Back to the History the undo came from.
            let mut effects = close(app);
            effects.extend(crate::tui::app::history::open(app));
            effects
        }
        Step::Left => {
            bulk.phase = Phase::Form;
            vec![]
        }
        Step::StopWaiting => progress::stop(app),
        Step::Closed(_) => close(app),
        Step::Undo(_) => result::again(app, Purpose::Undo),
        Step::Retry(_) => result::again(app, Purpose::Retry),
    }
}

/// The answer of the runtime to the batch in flight.
pub fn on_msg(app: &mut App, msg: BulkMsg) -> Vec<Effect> {
    match msg {
        BulkMsg::Event(event) => {
            if let Some(Phase::Write(flow)) = app.bulk.as_mut().map(|b| &mut b.phase)
                && let crate::tui::flow::Phase::Sending(p) = &mut flow.phase
            {
                p.event(event);
            }
            vec![]
        }
        BulkMsg::Finished(outcomes) => result::finished(app, outcomes),
        BulkMsg::ReadBack(Ok(list)) if list.is_empty() => vec![],
        BulkMsg::ReadBack(Ok(list)) => {
            let names: Vec<String> = list.iter().take(5).map(batch::Overwritten::line).collect();
            let more = list.len().saturating_sub(5);
            app.warn(format!(
                "Read back after the batch: changed again by another writer since: {}{}",
                names.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ));
            vec![]
        }
        BulkMsg::ReadBack(Err(e)) => {
            app.warn(format!(
                "The workspaces could not be read back after the batch ({e}); what landed is in the history."
            ));
            vec![]
        }
    }
}

/// Back to the picker, the marks kept (for another change to the same workspaces); the status
/// line keeps how the batch ended.
pub fn close(app: &mut App) -> Vec<Effect> {
    app.bulk = None;
    app.screen = crate::tui::route::Screen::Picker;
    app.picker.loading = true;
    // The list is stale after a write.
    vec![Effect::LoadList]
}

/// Lines in a panel, scrolled; records the content height and the rows shown for `scroll`.
pub(crate) fn draw_lines(
    buf: &mut ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
    app: &App,
    title: &str,
    lines: &[ratatui::text::Line<'static>],
    flow: &BulkFlow,
    theme: &crate::tui::theme::Theme,
) {
    use crate::tui::view::{inside, padded, panel};
    use ratatui::widgets::Widget;
    let content = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let inner = inside(area);
    let inner = padded(inner, 1, 1);
    let scroll = flow.shown_scroll(lines.len(), inner.height);
    let mut block = panel(title, theme);
    if scroll > 0 {
        block = block.title(
            ratatui::text::Line::styled(format!(" ↑ {scroll} more "), theme.dim).right_aligned(),
        );
    }
    let below = content.saturating_sub(scroll + inner.height);
    if below > 0 {
        block = block.title_bottom(
            ratatui::text::Line::styled(format!(" ↓ {below} more "), theme.dim).right_aligned(),
        );
    }
    block.render(area, buf);
    for (dy, line) in lines
        .iter()
        .skip(usize::from(scroll))
        .take(usize::from(inner.height))
        .enumerate()
    {
        crate::tui::view::text::put(buf, inner, dy as u16, line);
    }
    app.drawn.borrow_mut().review = (content, inner.height);
}

/// Draws the bulk edit's current screen.
pub fn draw(
    buf: &mut ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
    app: &App,
    theme: &crate::tui::theme::Theme,
) {
    let Some(bulk) = &app.bulk else {
        return;
    };
    use crate::tui::flow::Phase as FlowPhase;
    match &bulk.phase {
        Phase::Form => form::draw(buf, area, app, bulk, theme),
        Phase::Write(flow) => match &flow.phase {
            FlowPhase::Review => review::draw(buf, area, app, flow, theme),
            FlowPhase::Sending(p) => progress::draw(buf, area, app, p, flow, theme),
            FlowPhase::Result(r) => result::draw(buf, area, app, r, flow, theme),
            FlowPhase::Conflict(()) => {}
        },
    }
}

/// A batch is in flight (the spinner and elapsed time tick).
pub fn is_sending(app: &App) -> bool {
    flow(app).is_some_and(|f| f.is_sending())
}

/// The workspaces whose write the batch has sent and not yet settled (what may still land
/// if orws quits now).
pub fn in_flight(app: &App) -> Vec<String> {
    let Some(Phase::Write(flow)) = app.bulk.as_ref().map(|b| &b.phase) else {
        return vec![];
    };
    let crate::tui::flow::Phase::Sending(p) = &flow.phase else {
        return vec![];
    };
    p.items
        .iter()
        .zip(p.phases.iter().zip(&p.statuses))
        .filter(|(_, (phase, status))| {
            status.is_none()
                && matches!(
                    phase,
                    Some(crate::submit::Phase::Sending { .. } | crate::submit::Phase::Rechecking)
                )
        })
        .map(|(item, _)| item.label.clone())
        .collect()
}
