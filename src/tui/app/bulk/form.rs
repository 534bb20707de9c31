//! The router's side of screens::bulk::form: what needs the whole app.
use super::{Bulk, Phase, Purpose, plan};
use crate::config::keys::BulkFormKey;
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::route::Overlay;
use crate::tui::screens::form::{self, FormAction};
use crate::tui::theme::Theme;
use crate::tui::view::text::{put, put_cut, truncate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn act(app: &mut App, key: BulkFormKey) -> Vec<Effect> {
    let Some(bulk) = &mut app.bulk else {
        return vec![];
    };
    app.status = None;
    let done = bulk.form.act(key.into());
    match done {
        // Not keys of a bulk form (no $EDITOR, re-read or delete there).
        FormAction::None
        | FormAction::ExternalEditor
        | FormAction::Reread
        | FormAction::DeleteWorkspace => vec![],
        FormAction::ConfirmResetAll => vec![],
        FormAction::Notice(text) => {
            app.info(text);
            vec![]
        }
        FormAction::Review => to_review(app),
        FormAction::Back => back(app),
    }
}

/// `Esc`: back to the picker; with edits, the question first (they are lost: no draft).
fn back(app: &mut App) -> Vec<Effect> {
    if app.bulk.as_ref().is_some_and(|b| b.unsaved() > 0) {
        app.overlay = Some(Overlay::ConfirmLeave { quit: false });
        return vec![];
    }
    app.status = None;
    super::close(app)
}

/// `s`: the Review of one minimal patch per workspace, when there is something to send.
fn to_review(app: &mut App) -> Vec<Effect> {
    let Some(bulk) = &mut app.bulk else {
        return vec![];
    };
    let invalid = bulk.form.invalid_fields();
    if !invalid.is_empty() {
        let names: Vec<&str> = invalid
            .iter()
            .map(|n| crate::tui::view::values::label(n))
            .collect();
        app.error(format!("Fix {} first; nothing is sent.", names.join(", ")));
        return vec![];
    }
    if bulk.form.modified_count() == 0 {
        app.info("Nothing changed: there is nothing to save.");
        return vec![];
    }
    let plan = plan::plan(&bulk.form, &bulk.workspaces);
    if plan.items.is_empty() {
        let n = plan.unchanged.len();
        app.info(format!(
            "All {n} workspaces already hold these values: there is nothing to send."
        ));
        return vec![];
    }
    bulk.phase = Phase::Write(Box::new(super::BulkFlow::review(
        crate::tui::screens::bulk::review::BulkReview::new(
            plan.items,
            plan.unchanged,
            Purpose::Edit,
        ),
    )));
    vec![]
}

/// The header (how many workspaces, the same-name warning) and the form's own view below it.
pub fn draw(buf: &mut Buffer, area: Rect, app: &App, bulk: &Bulk, theme: &Theme) {
    let n = bulk.workspaces.len();
    let labels: Vec<String> = bulk.workspaces.iter().map(plan::label).collect();
    let s = if n == 1 { "" } else { "s" };
    let head = format!("Bulk edit of {n} workspace{s}: {}", labels.join(", "));
    let w = area.width as usize;
    put_cut(buf, area, 0, &head, w, theme.heading);
    let name_changed = bulk
        .form
        .fields
        .iter()
        .any(|f| f.spec.name == "name" && f.is_modified())
        && n > 1;
    let second = if name_changed {
        Line::from(vec![
            Span::styled("! ", theme.warning),
            Span::styled(
                truncate(
                    &format!("All {n} workspaces will get the same name."),
                    w.saturating_sub(2),
                )
                .into_owned(),
                theme.warning,
            ),
        ])
    } else {
        Line::styled(
            truncate(
                "A field they differ in shows \"N values\" and is sent only once you set it; a draft keeps your edits.",
                w,
            )
            .into_owned(),
            theme.dim,
        )
    };
    put(buf, area, 1, &second);
    let rest = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2),
    );
    form::view::draw(buf, rest, &app.ctx(), &bulk.form, theme);
}
