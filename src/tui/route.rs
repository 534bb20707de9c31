//! Where the app is: the screen showing (with the state only it has), the layer over it, and
//! the status line. Screens and views read these without the app.

use crate::submit::SubmitOutcome;
use crate::workspace::{Change, ConflictReport, Workspace};

/// The spinner's frames (one per tick).
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[derive(Debug, Clone, PartialEq)]
pub struct ResultView {
    pub outcome: SubmitOutcome,
    pub changes: Vec<Change>,
    /// Requested fields the server stored differently (the echo check).
    pub echo_warnings: Vec<String>,
    pub reverting: bool,
    /// How many fields the PATCH carried; more than `outcome.patch` holds when it partly landed.
    pub sent: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    pub server: Workspace,
    pub report: ConflictReport,
    /// When the conflict was found: only after a submit does `m` lead back to a Review.
    pub found: ConflictFound,
}

/// When a conflict was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictFound {
    /// Checking before a PATCH: nothing was sent.
    Submitting,
    /// Restoring a draft: `m`/`t` only rebase the form and send nothing.
    RestoringDraft,
    /// Re-reading the workspace (`r`): `m`/`t` only rebase the form and send nothing.
    Rereading,
}

#[derive(Debug)]
pub enum Screen {
    Picker,
    /// Opening a workspace; `error` when that failed.
    Loading {
        target: String,
        error: Option<String>,
    },
    Form,
    /// The settings PATCH in the one write flow: its Review, Submitting, Conflict, Result.
    Write(Box<crate::tui::screens::settings_write::SettingsFlow>),
    /// Fields changed on the server and in the form, found restoring a draft or re-reading
    /// (not a write: `m`/`t` only rebase the form). A submit's conflict is the flow's.
    Conflict(ConflictView),
    /// The history of applied changes, over the screen it was opened from.
    History(Box<crate::tui::screens::history::HistoryView>),
    /// A bulk edit of the marked workspaces (its phases live in `App::bulk`).
    Bulk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// Unsaved edits: `quit` = leaving orws, else going back to the picker.
    ConfirmLeave {
        quit: bool,
    },
    /// A draft of unsaved edits exists for this workspace: restore it?
    RestoreDraft,
    /// Put every field back to the server's value?
    ConfirmResetAll,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: Level,
    pub text: String,
}
