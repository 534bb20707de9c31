//! The Review of a batch: each workspace with its exact patch, and the count. Only `Enter`
//! sends (product.md §4: no single letter writes); `Esc` goes back with nothing lost.

use super::Move;
use super::batch::Item;
use super::{Phase, Purpose, progress};
use crate::config::Action;
use crate::tui::app::{App, Effect};
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use crate::tui::view::values::{label, value};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

#[derive(Debug, Clone, PartialEq)]
pub struct BulkReview {
    pub items: Vec<Item>,
    /// Workspaces that need no request (they already hold the values), by label.
    pub unchanged: Vec<String>,
    pub purpose: Purpose,
    pub scroll: u16,
}

impl BulkReview {
    pub fn new(items: Vec<Item>, unchanged: Vec<String>, purpose: Purpose) -> Self {
        Self {
            items,
            unchanged,
            purpose,
            scroll: 0,
        }
    }

    /// "apply to 37 workspaces", and those needing no change counted apart.
    pub fn count_line(&self) -> String {
        let n = self.items.len();
        let s = if n == 1 { "" } else { "s" };
        let mut line = format!("{} {n} workspace{s}", self.purpose.verb());
        if !self.unchanged.is_empty() {
            let u = self.unchanged.len();
            let (s, hold) = if u == 1 { ("", "holds") } else { ("s", "hold") };
            line.push_str(&format!(
                " · {u} other{s} already {hold} these values (nothing sent)"
            ));
        }
        line
    }
}

pub fn hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Submit, "submit"),
        (Action::Back, "back"),
        (Action::Up, "scroll"),
        (Action::Down, "scroll"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
        (Action::PageDown, "page down"),
        (Action::PageUp, "page up"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
    ]
}

pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Submit => submit(app),
        Action::Back => back(app),
        Action::Help => app.show_help(),
        Action::Quit => app.leave(true),
        Action::Up => super::scroll(app, Move::Line(-1)),
        Action::Down => super::scroll(app, Move::Line(1)),
        Action::PageUp => super::scroll(app, Move::Page(-1)),
        Action::PageDown => super::scroll(app, Move::Page(1)),
        Action::Top => super::scroll(app, Move::Top),
        Action::Bottom => super::scroll(app, Move::Bottom),
        Action::Edit
        | Action::Toggle
        | Action::CycleBack
        | Action::CycleOn
        | Action::Clear
        | Action::Undo
        | Action::Redo
        | Action::Reset
        | Action::ResetAll
        | Action::Editor
        | Action::History
        | Action::Review
        | Action::Open
        | Action::Mark
        | Action::EditMarked
        | Action::Filter
        | Action::Reload
        | Action::Retry
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Yes
        | Action::KeepDraft
        | Action::Discard
        | Action::No
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4
        | Action::Tab5
        | Action::NextTab
        | Action::PrevTab
        | Action::Disable
        | Action::MoveKey
        | Action::Remove
        | Action::Add
        | Action::Create
        | Action::DeleteWorkspace => vec![],
    }
}

/// `Enter`: the batch starts; its progress shows at once.
fn submit(app: &mut App) -> Vec<Effect> {
    let Some(bulk) = &mut app.bulk else {
        return vec![];
    };
    let Phase::Review(review) = &bulk.phase else {
        return vec![];
    };
    let items = review.items.clone();
    bulk.phase = Phase::Progress(progress::Progress::new(items.clone(), review.purpose));
    app.status = None;
    app.elapsed = std::time::Duration::ZERO;
    vec![Effect::Bulk(super::BulkEffect::Run(items))]
}

/// `Esc`: the form (a change) or the result (a retry or an undo), nothing lost.
fn back(app: &mut App) -> Vec<Effect> {
    let Some(bulk) = &mut app.bulk else {
        return vec![];
    };
    let Phase::Review(review) = &bulk.phase else {
        return vec![];
    };
    if bulk.from_history && bulk.last.is_none() {
        app.info("Nothing was sent.");
        return super::close(app);
    }
    bulk.phase = match (review.purpose, bulk.last.take()) {
        (Purpose::Retry | Purpose::Undo, Some(last)) => Phase::Result(last),
        _ => Phase::Form,
    };
    vec![]
}

/// The review's lines: the count, then per workspace its label and field: before → after,
/// and the exact body sent to its uuid.
pub fn lines(review: &BulkReview, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let push = |out: &mut Vec<Line<'static>>, text: &str, style| {
        out.extend(wrap_owned(&[(text, style)], width, usize::MAX));
    };
    let head = review.count_line();
    push(&mut out, &capitalised(&head), theme.heading);
    // Only when one name goes to several (an undo gives each its own back).
    let names: Vec<_> = review
        .items
        .iter()
        .filter_map(|i| i.patch.fields().get("name"))
        .collect();
    if names.len() > 1 && names.iter().all(|n| *n == names[0]) {
        push(
            &mut out,
            &format!("! All {} workspaces get the same name.", review.items.len()),
            theme.warning,
        );
    }
    for item in &review.items {
        out.push(Line::default());
        push(
            &mut out,
            &format!("{}  ({})", item.label, item.id),
            theme.label,
        );
        for (field, after) in item.patch.fields() {
            let spec = crate::workspace::field(field);
            let before = value(spec, item.base.get(field)).text.into_owned();
            let after = value(spec, Some(after)).text.into_owned();
            let change = format!("{}: {before} → {after}", label(field));
            out.extend(super::indented(&change, 2, width, theme.label, usize::MAX));
        }
        let request = format!("PATCH /workspaces/{}", item.id);
        out.extend(super::indented(&request, 2, width, theme.json, usize::MAX));
        // Pretty-printed as the single Review: one field a line, never broken inside a string
        // at a space the way a wrapped compact body would be.
        let body = serde_json::to_string_pretty(&item.patch.to_json())
            .unwrap_or_else(|_| item.patch.to_body_string());
        for line in crate::text::escape_json(&body).lines() {
            out.extend(super::indented(line, 2, width, theme.json, usize::MAX));
        }
    }
    if !review.unchanged.is_empty() {
        out.push(Line::default());
        push(
            &mut out,
            &format!("Nothing sent to: {}", review.unchanged.join(", ")),
            theme.dim,
        );
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, review: &BulkReview, theme: &Theme) {
    let title = " Bulk review ";
    let inner_w = area.width.saturating_sub(4) as usize;
    let mut lines = lines(review, inner_w, theme);
    // Read-only: said under the count, in sight whatever the scroll of a long batch.
    if let Some(from) = &app.read_only {
        let note = crate::tui::screens::read_only_note(from);
        let at = 1.min(lines.len());
        let note = wrap_owned(&[(note.as_str(), theme.warning)], inner_w, usize::MAX);
        lines.splice(at..at, note);
    }
    super::draw_lines(buf, area, app, title, &lines, review.scroll, theme);
}
