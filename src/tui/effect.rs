//! What the app asks the runtime to do: the I/O of every screen, carried out off the loop.

use crate::state::drafts::Draft;
use crate::workspace::{PatchBody, Workspace};
use std::time::Duration;

/// A history entry for a write of the workspace's other tabs, built by the one record of
/// every kind ([`crate::write::record`]).
pub use crate::write::record::Record as WriteRecord;

/// What the app asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadList,
    /// Fetch the model catalog in the background (answered with `Msg::CatalogLoaded`).
    LoadCatalog,
    /// Read the spend of every workspace (`/activity`) and the credits, in the background,
    /// once the list has drawn (answered with `Msg::SpendLoaded`).
    LoadSpend,
    /// Compute a key's effective policy from what the API gives (answered with
    /// `Msg::KeyPolicy`).
    LoadKeyPolicy {
        key: Box<crate::admin::keys::Key>,
        workspace: Box<crate::workspace::Workspace>,
    },
    LoadWorkspace(String),
    /// Which of these workspaces have a draft waiting (answered with `Msg::DraftsWaiting`).
    FindDrafts(Vec<String>),
    /// Re-read the open workspace, keeping the edits (answered with `Msg::Refreshed`).
    Refresh(String),
    /// The safe write: GET the workspace, check for conflicts against `base`, then PATCH
    /// `base`'s uuid (crate::submit::safe_patch).
    Submit {
        base: Workspace,
        patch: PatchBody,
    },
    /// Abort the submit task; re-read the workspace when the PATCH may have landed.
    CancelSubmit {
        reread: Option<String>,
    },
    /// Re-read the workspace after `after` to tell whether a doubtful write landed
    /// (answered with `Msg::Reread`).
    Recheck {
        id: String,
        after: Duration,
    },
    /// Hand `text` to $VISUAL / $EDITOR in a file named `file`, for its content (`….json`).
    OpenEditor {
        text: String,
        file: String,
    },
    /// Read the draft of this workspace (answered with `Msg::DraftLoaded`).
    LoadDraft {
        workspace_id: String,
    },
    /// Write the unsaved edits (the runtime stamps the time).
    SaveDraft(Draft),
    DeleteDraft {
        workspace_id: String,
    },
    /// List a workspace's keys, all of them (answered with `Msg::KeysLoaded`).
    LoadKeys(String),
    /// Write a new key's secret to a new 0600 file (answered with `Msg::SecretWritten`).
    WriteSecret {
        path: String,
        secret: crate::admin::key_labels::Secret,
    },
    /// Read what the Members tab shows (answered with `Msg::MembersLoaded`).
    LoadMembers(String),
    /// Which workspace is the default one (answered with `Msg::DefaultLoaded`).
    LoadDefault(String),
    /// Send an admin write's requests in order, stopping at the first failure (answered with
    /// `Msg::AdminSent`). `workspace`: the one open, where a key's write is read back from.
    AdminSend {
        requests: Vec<crate::tui::screens::admin_write::AdminRequest>,
        workspace: Option<String>,
        /// The key (hash) that must still be in this workspace, else nothing is sent.
        key_in: Option<(String, String)>,
        /// A workspace delete: the workspace as the Review saw it, which the delete settles
        /// against (changed meanwhile: a conflict, never deleted unseen).
        base: Option<Box<Workspace>>,
    },
    /// Stop waiting for the admin write in flight.
    CancelAdmin,
    /// Append an applied patch to the history (the runtime stamps the time).
    RecordHistory {
        patch: PatchBody,
        before: Workspace,
        after: Workspace,
        /// The history entry this write undoes (an undo from the History screen, or `u`).
        reverting: Option<crate::write::record::Reverting>,
        /// The entry's id, given when the write landed (its `u` names it).
        id: String,
    },
    /// Append a write other than a settings PATCH to the history (the runtime stamps the time
    /// and the host).
    RecordWrite(WriteRecord),
    /// Read the current host's history (answered with `Msg::HistoryLoaded`).
    LoadHistory,
    Quit,
    /// The Budgets tab's I/O (answered with `Msg::Budgets`).
    Budgets {
        workspace: String,
        effect: crate::tui::screens::budgets::BudgetsEffect,
    },
    /// The Guardrail tab's I/O (answered with `Msg::Guardrail`).
    Guardrail {
        id: String,
        effect: crate::tui::screens::guardrail::GuardrailEffect,
    },
    /// A named guardrail's form's I/O (answered with `Msg::NamedGuardrail`); `owner` the
    /// workspace it belongs to (`None`: account-wide).
    NamedGuardrail {
        id: String,
        owner: Option<String>,
        effect: crate::tui::screens::guardrail::GuardrailEffect,
    },
    /// Read the Guardrails tab's list and every assignment (answered with
    /// `Msg::GuardrailsLoaded`).
    LoadGuardrails(String),
    /// A bulk edit's batch and its history (answered with `Msg::Bulk`).
    Bulk(crate::tui::screens::bulk::BulkEffect),
}
