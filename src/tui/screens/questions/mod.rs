//! The questions over a screen: leaving with unsaved edits, restoring a draft, resetting every
//! field. One vocabulary in every question: `d` is the one key that discards, `n`/`Esc` mean
//! "not now" (nothing is lost), `y` is yes to what loses nothing.

pub mod view;

use crate::config::{Action, Scope};
use crate::tui::app::{App, Effect, Overlay};

/// The keys of a question, most useful first: the hint bar and the help are built from these.
pub fn hints(app: &App, scope: Scope) -> Vec<(Action, &'static str)> {
    match scope {
        Scope::QuestionLeave => {
            let quit = matches!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
            let mut keys = Vec::with_capacity(4);
            if nothing_keeps(app, quit).is_none() {
                keys.push((Action::KeepDraft, "keep draft"));
                keys.push((Action::Yes, "keep draft"));
            }
            keys.push((Action::Discard, "discard"));
            keys.push((Action::No, "stay"));
            keys
        }
        Scope::QuestionDraft => vec![
            (Action::Yes, "restore"),
            (Action::Discard, "discard"),
            (Action::No, "not now"),
        ],
        Scope::QuestionResetAll => vec![(Action::Yes, "reset all"), (Action::No, "not now")],
        Scope::Picker
        | Scope::BulkForm
        | Scope::Loading
        | Scope::Form
        | Scope::Review
        | Scope::Submitting
        | Scope::Result
        | Scope::Conflict
        | Scope::TooSmall
        | Scope::History
        | Scope::Budgets
        | Scope::Guardrail
        | Scope::Keys
        | Scope::KeyMove
        | Scope::Members
        | Scope::MemberAdd
        | Scope::Create
        | Scope::Delete => vec![],
    }
}

/// Why no draft would keep the edits if the person left now (`quit`: leaving orws), if so:
/// then `y`/`k` ("keep the draft") do not leave, as they would lose the edits; only `d` does.
pub fn nothing_keeps(app: &App, quit: bool) -> Option<String> {
    if app.bulk.as_ref().is_some_and(|b| b.unsaved() > 0) {
        return Some("No draft is kept for a bulk edit.".into());
    }
    if let Some(warning) = app.draft_loss_warning() {
        return Some(warning);
    }
    if quit && app.unsaved() == 0 {
        return Some("No draft is kept for a new workspace's name and slug.".into());
    }
    if quit && app.demo {
        return Some("The demo keeps no draft once it quits.".into());
    }
    None
}

/// Leaving with unsaved edits: `quit` = leaving orws, else going back to the picker.
pub fn leave(app: &mut App, quit: bool, action: Action) -> Vec<Effect> {
    match action {
        // Keep the draft and leave; with nothing to keep them, `y` would lose the edits: stay.
        Action::Yes | Action::KeepDraft => {
            if let Some(why) = nothing_keeps(app, quit) {
                app.warn(format!("{why} d discards the edits and leaves; n stays."));
                return vec![];
            }
            app.overlay = None;
            app.leave_now(quit)
        }
        Action::Discard => {
            app.overlay = None;
            let id = app.form.as_ref().map(|f| f.workspace.id().to_string());
            if let Some(form) = &mut app.form {
                form.reset_all();
            }
            let mut effects = app.leave_now(quit);
            // Quitting keeps the form, so `update` sees the edits go and deletes the
            // draft; going back drops the form, so the draft is deleted here.
            if !quit && let Some(workspace_id) = id {
                effects.push(Effect::DeleteDraft { workspace_id });
            }
            effects
        }
        Action::No => {
            app.overlay = None;
            vec![]
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
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
        | Action::Submit
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::Help
        | Action::Quit
        | Action::Back
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

/// A draft of unsaved edits exists for this workspace: restore it?
pub fn draft(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Yes => {
            app.overlay = None;
            app.restore_draft();
            vec![]
        }
        Action::Discard => {
            app.overlay = None;
            app.info("Draft discarded.");
            match app.draft_offer.take() {
                Some(d) => vec![Effect::DeleteDraft {
                    workspace_id: d.workspace_id,
                }],
                None => vec![],
            }
        }
        // Not now: the form opens on the server's values and the draft stays on disk.
        Action::No => {
            app.overlay = None;
            app.draft_offer = None;
            app.info("The draft is kept; it is offered again when this workspace opens.");
            vec![]
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
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
        | Action::Submit
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::KeepDraft
        | Action::Help
        | Action::Quit
        | Action::Back
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

/// Put every field back to the server's value?
pub fn reset_all(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Yes => {
            app.overlay = None;
            if let Some(form) = &mut app.form {
                form.reset_all();
            }
            app.info("Every field is back to the server's value; u undoes that.");
            vec![]
        }
        Action::No => {
            app.overlay = None;
            vec![]
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::Edit
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
        | Action::Submit
        | Action::Cancel
        | Action::Done
        | Action::KeepMine
        | Action::TakeTheirs
        | Action::KeepDraft
        | Action::Discard
        | Action::Help
        | Action::Quit
        | Action::Back
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

/// Which question an overlay asks, if it is one.
pub fn scope_of(overlay: Overlay) -> Option<Scope> {
    match overlay {
        Overlay::ConfirmLeave { .. } => Some(Scope::QuestionLeave),
        Overlay::RestoreDraft => Some(Scope::QuestionDraft),
        Overlay::ConfirmResetAll => Some(Scope::QuestionResetAll),
        Overlay::Help => None,
    }
}
