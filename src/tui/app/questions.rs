//! The questions over a screen — leaving with unsaved edits, restoring a draft, resetting every
//! field — are the router's layers: they act on the whole app. One vocabulary in every
//! question: `d` is the one key that discards, `n`/`Esc` mean "not now" (nothing is lost), `y`
//! is yes to what loses nothing.

use crate::config::keys::{DraftKey, LeaveKey, ResetAllKey};
use crate::config::{Action, Scope};
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::route::Overlay;

/// The keys of the question on leaving, most useful first: the hint bar and the help are
/// built from these.
pub fn leave_hints(app: &App) -> Vec<(Action, &'static str)> {
    let quit = matches!(app.overlay, Some(Overlay::ConfirmLeave { quit: true }));
    let mut keys = Vec::with_capacity(4);
    if nothing_keeps(app, quit).is_none() {
        keys.push((LeaveKey::KeepDraft.into(), "keep draft"));
        keys.push((LeaveKey::Yes.into(), "keep draft"));
    }
    keys.push((LeaveKey::Discard.into(), "discard"));
    keys.push((LeaveKey::No.into(), "stay"));
    keys
}

/// The keys of the question on a draft.
pub fn draft_hints() -> Vec<(Action, &'static str)> {
    vec![
        (DraftKey::Yes.into(), "restore"),
        (DraftKey::Discard.into(), "discard"),
        (DraftKey::No.into(), "not now"),
    ]
}

/// The keys of the question on resetting every field.
pub fn reset_all_hints() -> Vec<(Action, &'static str)> {
    vec![
        (ResetAllKey::Yes.into(), "reset all"),
        (ResetAllKey::No.into(), "not now"),
    ]
}

/// Why no draft would keep the edits if the person left now (`quit`: leaving orws), if so:
/// then `y`/`k` ("keep the draft") do not leave, as they would lose the edits; only `d` does.
pub fn nothing_keeps(app: &App, quit: bool) -> Option<String> {
    if let Some(warning) = app.draft_loss_warning() {
        return Some(warning);
    }
    if quit && app.demo {
        return Some("The demo keeps no draft once it quits.".into());
    }
    None
}

/// Leaving with unsaved edits: `quit` = leaving orws, else going back to the picker.
pub fn leave(app: &mut App, quit: bool, key: LeaveKey) -> Vec<Effect> {
    match key {
        // Keep the draft and leave; with nothing to keep them, `y` would lose the edits: stay.
        LeaveKey::Yes | LeaveKey::KeepDraft => {
            if let Some(why) = nothing_keeps(app, quit) {
                app.warn(format!("{why} d discards the edits and leaves; n stays."));
                return vec![];
            }
            app.overlay = None;
            app.leave_now(quit)
        }
        LeaveKey::Discard => {
            app.overlay = None;
            // What leaving takes away is discarded, drafts and all; going back to the picker
            // keeps the new workspace's form (and its draft) as it keeps the form.
            let gone: Vec<String> = app
                .drafts_now()
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| quit || id != crate::state::drafts::NEW_WORKSPACE)
                .collect();
            if let Some(form) = &mut app.form {
                form.reset_all();
            }
            app.tabs.discard();
            if let Some(bulk) = &mut app.bulk {
                bulk.form.reset_all();
            }
            if quit {
                app.create = None;
            }
            let mut effects = app.leave_now(quit);
            effects.extend(
                gone.into_iter()
                    .map(|workspace_id| Effect::DeleteDraft { workspace_id }),
            );
            effects
        }
        LeaveKey::No => {
            app.overlay = None;
            vec![]
        }
    }
}

/// A draft of unsaved edits exists for this workspace: restore it?
pub fn draft(app: &mut App, key: DraftKey) -> Vec<Effect> {
    match key {
        DraftKey::Yes => {
            app.overlay = None;
            app.restore_draft();
            vec![]
        }
        DraftKey::Discard => {
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
        DraftKey::No => {
            app.overlay = None;
            app.draft_offer = None;
            app.info("The draft is kept; it is offered again when this workspace opens.");
            vec![]
        }
    }
}

/// Put every field back to the server's value?
pub fn reset_all(app: &mut App, key: ResetAllKey) -> Vec<Effect> {
    match key {
        ResetAllKey::Yes => {
            app.overlay = None;
            if let Some(form) = &mut app.form {
                form.reset_all();
            }
            app.info("Every field is back to the server's value; u undoes that.");
            vec![]
        }
        ResetAllKey::No => {
            app.overlay = None;
            vec![]
        }
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
