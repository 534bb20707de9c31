//! The router's side of the settings PATCH's write flow (screens::settings_write): opening its
//! Review from the form, its keys, and what a conflict's choice does to the form.
use crate::tui::app::App;
use crate::tui::effect::Effect;
use crate::tui::flow::{Choice, Phase, Step};
use crate::tui::route::{ConflictView, Level, Screen};
use crate::tui::screens::settings_write::{Sending, SettingsFlow, SettingsPlan};

/// The settings write showing, if one is.
pub fn flow(app: &App) -> Option<&SettingsFlow> {
    match &app.screen {
        Screen::Write(flow) => Some(flow),
        _ => None,
    }
}

pub fn flow_mut(app: &mut App) -> Option<&mut SettingsFlow> {
    match &mut app.screen {
        Screen::Write(flow) => Some(flow),
        _ => None,
    }
}

/// The Review of the form's change, as the form holds it now (`None`: nothing to send).
pub fn plan(app: &App, revert: bool) -> Option<SettingsPlan> {
    let form = app.form.as_ref()?;
    let patch = form.patch();
    (!patch.is_empty()).then(|| SettingsPlan {
        base: form.workspace.clone(),
        patch,
        revert,
    })
}

/// The keys of the flow for the settings PATCH.
pub fn act(app: &mut App, key: crate::tui::flow::FlowKey) -> Vec<Effect> {
    let read_only = app.read_only.clone();
    let Some(showing) = flow_mut(app) else {
        return vec![];
    };
    let reverting = showing.plan.revert;
    let from_history = showing.opened_from_history();
    let staged: Vec<String> = showing.plan.patch.fields().keys().cloned().collect();
    match showing.act(key, read_only.as_deref()) {
        Step::Ignored | Step::Done | Step::Retry(_) => vec![],
        Step::Refused(why) => {
            app.warn(why);
            vec![]
        }
        Step::Send(plan) => app.submit(plan),
        Step::Left if from_history => {
            // Back where the undo came from, with nothing staged in the form.
            if let Some(form) = &mut app.form {
                for name in &staged {
                    if let Some(f) = form.field_mut(name) {
                        f.reset();
                    }
                }
            }
            app.screen = Screen::Form;
            crate::tui::screens::history::open(app)
        }
        // Leaving a Review: its line ("Enter sends …") no longer applies.
        Step::Left => {
            app.screen = Screen::Form;
            app.info("Nothing was sent.");
            vec![]
        }
        Step::Returned => {
            app.info("Nothing was sent.");
            // Esc on an undo's Review: the form's fields go back to what the result shows.
            if reverting
                && let Some(Phase::Result(view)) = flow(app).map(|f| f.phase.clone())
                && let Some(form) = &mut app.form
            {
                for name in view.outcome.patch.fields().keys() {
                    if let Some(f) = form.field_mut(name) {
                        f.reset();
                    }
                }
            }
            vec![]
        }
        Step::StopWaiting => {
            let sending = matches!(
                flow(app).map(|f| &f.phase),
                Some(Phase::Sending(Sending { sending: true }))
            );
            app.cancel_submit(sending)
        }
        Step::Closed(_) => {
            app.screen = Screen::Form;
            vec![]
        }
        Step::Undo(view) => app.revert(view),
        Step::Resolved(view, choice) => {
            // An undo stays the undo it was through its conflict (its history entry says so).
            let undoing = flow(app).map(|f| (f.plan.revert, f.reverting.clone(), f.from_history));
            let effects = resolve(app, view, choice);
            if let (Some((revert, reverting, from_history)), Some(f)) = (undoing, flow_mut(app)) {
                f.plan.revert = revert;
                f.reverting = reverting;
                f.from_history = from_history;
            }
            effects
        }
    }
}

/// A choice on the Conflict phase of a submit: nothing was sent.
fn resolve(app: &mut App, view: ConflictView, choice: Choice) -> Vec<Effect> {
    let server = view.server;
    let conflicts: Vec<String> = view
        .report
        .conflicts
        .iter()
        .map(|c| c.field.clone())
        .collect();
    let Some(form) = &mut app.form else {
        app.screen = Screen::Form;
        return vec![];
    };
    match choice {
        Choice::KeepMine => {
            // Keep mine: rebase on what was shown and review again. Enter there runs the
            // conflict check again, so a change newer than the one shown is never overwritten.
            form.rebase(server);
            open_review(app, false);
            app.review_message(
                Level::Info,
                "Your values on top of the server's: Enter sends them (after a fresh conflict check), Esc goes back.",
            );
        }
        Choice::TakeTheirs => {
            form.rebase(server);
            for name in &conflicts {
                if let Some(f) = form.field_mut(name) {
                    f.reset();
                }
            }
            if open_review(app, false) {
                app.info("Took their values for the conflicting fields; review the rest.");
            } else {
                app.info("Took their values for the conflicting fields.");
            }
        }
        Choice::Back => app.screen = Screen::Form,
    }
    vec![]
}

/// Opens the Review of the form's change; `false` (and the form shows) when there is none.
pub fn open_review(app: &mut App, revert: bool) -> bool {
    match plan(app, revert) {
        Some(plan) => {
            app.screen = Screen::Write(Box::new(SettingsFlow::review(plan)));
            true
        }
        None => {
            app.screen = Screen::Form;
            false
        }
    }
}
