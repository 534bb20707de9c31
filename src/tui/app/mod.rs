//! The one state of the TUI, the messages that change it, and the effects it asks for.
//! `update` decides; it never awaits, reads the clock, or touches the network or the disk.

pub mod admin_write;
pub mod budgets;
pub mod bulk;
pub mod delete;
mod drafts;
pub mod guardrail;
pub mod history;
pub mod keys_tab;
pub mod members_tab;
mod overlays;
pub mod questions;
pub mod settings_write;
mod submit;
pub mod tab_write;
pub mod tabs;

pub use submit::{PendingWrite, WriteState};

use crate::api::{ApiError, RetryNotice};
use crate::catalog::Catalog;
use crate::config::{KeyBindings, ScopedKey};
use crate::state::drafts::Draft;
use crate::submit::WriteOutcome;
use crate::tui::flow::FlowKey;
use crate::tui::input::{self, Action, Input, Scope, TextInput};
use crate::tui::screens::form::{FormAction, FormState};
use crate::tui::screens::picker::{PickerAction, PickerState};
use crate::tui::screens::{conflict, loading};
use crate::tui::view::Drawn;
use crate::workspace::{ConflictReport, PatchBody, Workspace, changes_between, echo_mismatches};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize,
    /// Animation frame while something is in flight; carries the time since it began.
    Tick(Duration),
    /// A page of the workspace list as it arrives, and the server's total count.
    ListPage {
        page: Vec<Workspace>,
        total: Option<u64>,
    },
    /// The whole list, or why it could not be had.
    ListLoaded(Result<Vec<Workspace>, ApiError>),
    /// The list's last `ListPage` came (the pages are the list), or why it stopped.
    ListEnded(Result<(), ApiError>),
    /// The answer for the workspace asked for as `target` (an id or slug).
    WorkspaceLoaded {
        target: String,
        result: Result<Workspace, ApiError>,
    },
    /// The submit task fetched the server's state and found fields changed under us.
    SubmitConflict {
        server: Workspace,
        report: ConflictReport,
    },
    /// The conflict check passed; the PATCH is on its way.
    SubmitSending,
    /// How the safe write (crate::submit) ended.
    Written(WriteOutcome),
    /// After a cancelled or doubtful submit: what the server holds now.
    Reread(Result<Workspace, ApiError>),
    Retrying(RetryNotice),
    /// $EDITOR closed: the new text, or why it failed.
    EditorClosed(Result<String, crate::tui::external_editor::EditorError>),
    /// The draft saved for the opened workspace, if any, or a word on the drafts found.
    DraftLoaded(Result<Option<Draft>, DraftNotice>),
    /// Writing the history (or reading part of it) failed.
    StateError(StateTrouble),
    /// A draft write finished: written, or why not (then quitting loses the edits).
    DraftSaved(Result<(), crate::state::StateError>),
    /// The model catalog, fetched (or read from the cache) in the background.
    CatalogLoaded(Result<Catalog, ApiError>),
    /// Every workspace's spend of the last 30 days and the credits left, or why not.
    SpendLoaded(Result<crate::tui::screens::picker::Spend, String>),
    /// A key's effective policy, computed, or why it could not be.
    KeyPolicy {
        hash: String,
        result: Result<crate::admin::policy::Policy, String>,
    },
    /// The listed workspaces that have a draft waiting.
    DraftsWaiting(Vec<String>),
    /// `r` on the form: the workspace as the server holds it now.
    Refreshed(Result<Workspace, ApiError>),
    /// The Budgets tab's answer.
    Budgets(crate::tui::screens::budgets::BudgetsMsg),
    /// The Guardrail tab's answer.
    Guardrail(crate::tui::screens::guardrail::GuardrailMsg),
    /// A named guardrail's form's answer, by guardrail id.
    NamedGuardrail {
        id: String,
        msg: crate::tui::screens::guardrail::GuardrailMsg,
    },
    /// The Guardrails tab's list and counts.
    GuardrailsLoaded {
        workspace_id: String,
        result: Result<crate::tui::screens::guardrails::ListData, crate::api::ApiError>,
    },
    /// The keys of a workspace (all pages, disabled and expired ones too).
    KeysLoaded {
        workspace_id: String,
        result: Result<Vec<crate::admin::keys::Key>, ApiError>,
    },
    /// What the Keys tab reads beside the keys: the server's now, each key's guardrail.
    KeysContext {
        workspace_id: String,
        context: crate::tui::screens::keys_tab::KeysContext,
    },
    /// A new key's secret written to the file named in its dialog, or why not.
    SecretWritten(Result<String, String>),
    /// What the Members tab shows (members, organisation, keys, the default workspace).
    MembersLoaded {
        workspace_id: String,
        result: Result<crate::tui::screens::members_tab::MembersData, ApiError>,
    },
    /// Which workspace is the default one (R21), asked for a guided delete.
    DefaultLoaded {
        workspace_id: String,
        result: Result<Option<String>, ApiError>,
    },
    /// How an admin write ended: the answers, or why it stopped (nothing sent after that).
    AdminSent(
        Result<
            Vec<crate::tui::screens::admin_write::AdminAnswer>,
            crate::tui::screens::admin_write::AdminFailure,
        >,
    ),
    /// The current host's history entries, newest first (or why the file could not be read).
    HistoryLoaded(Result<Vec<crate::state::history::HistoryEntry>, crate::state::StateError>),
    /// The batch of a bulk edit: its progress, and how it ended.
    Bulk(crate::tui::screens::bulk::BulkMsg),
}

/// What the drafts on disk say besides the one offered: each is a warning line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DraftNotice {
    /// An unreadable draft, moved aside: the line that says where.
    #[error("{0}")]
    MovedAside(String),
    /// Another running orws has unsaved edits on the workspace.
    #[error("Another orws has unsaved edits on this workspace; its draft is left alone.")]
    HeldElsewhere,
    /// This many drafts of ended sessions were found; their edits are offered as one.
    #[error(
        "{0} drafts of ended sessions were found on this workspace: their edits are offered together (the newest where they overlap)."
    )]
    Older(usize),
}

/// The history could not be written, or not all of it read: a warning line.
#[derive(Debug, thiserror::Error)]
pub enum StateTrouble {
    /// A settings write landed; its history entry could not be written.
    #[error("Saved, but the history could not be written: {0}")]
    SavedUnrecorded(std::io::Error),
    /// An admin write landed; its history entry could not be written.
    #[error("Done, but the history could not be written: {0}")]
    DoneUnrecorded(std::io::Error),
    /// A bulk edit's history could not be written (the batch says why).
    #[error("The history could not be written: {0}; what lands is not recorded")]
    BatchUnrecorded(String),
    /// Lines of the history file that could not be read: the note that says how many.
    #[error("{0}.")]
    Unreadable(String),
}

pub use crate::submit::SubmitOutcome;

pub use crate::tui::effect::{Effect, WriteRecord};
pub use crate::tui::route::{
    ConflictFound, ConflictView, Level, Overlay, ResultView, SPINNER, Screen, Status,
};

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub picker: PickerState,
    pub form: Option<FormState>,
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    /// Time since the current request began, and the spinner frame.
    pub elapsed: Duration,
    pub frame: usize,
    /// Where the form's workspace lives, shown in the title.
    pub host: String,
    /// What drafts are kept under: the host, or the profile's `profile:NAME`.
    pub state_key: String,
    /// The profile in use: the title names it, in its colour, at all times.
    pub profile: Option<crate::settings::ProfileInUse>,
    /// `--write` lifted a production profile's read-only: the title says `WRITE`.
    pub write: bool,
    /// Whether there is a picker to go back to.
    pub has_picker: bool,
    pub mouse: bool,
    /// `--demo`: its drafts live in a temporary directory removed on quit, so quitting keeps
    /// nothing.
    pub demo: bool,
    pub quit: bool,
    /// The draft offered for restoring.
    pub draft_offer: Option<Draft>,
    /// Why the last draft write failed; `None` once one succeeds.
    pub draft_error: Option<String>,
    /// The model catalog once loaded; why not, when it could not be.
    pub catalog: Option<Arc<Catalog>>,
    pub catalog_error: Option<String>,
    /// The form's browse-mode keys (defaults, or the config file's `[keys]`).
    pub keys: KeyBindings,
    /// A revert under review, and a write whose landing is in doubt.
    pub writes: submit::WriteState,
    catalog_requested: bool,
    spend_requested: bool,
    /// How far the help is scrolled (a small terminal; `j k PgUp PgDn`).
    pub help_scroll: u16,
    /// The open workspace's tabs (Settings is the form).
    pub tabs: crate::tui::screens::tabs::Tabs,
    /// An admin write (not the workspace PATCH) under review, on its way or done.
    pub admin: Option<crate::tui::screens::admin_write::AdminFlow>,
    /// The new workspace form (kept while hidden).
    pub create: Option<crate::tui::screens::create::CreateForm>,
    /// The guided delete of the open workspace.
    pub delete: Option<crate::tui::screens::delete::DeleteFlow>,
    /// `D` in the picker: the guided delete begins once the workspace is open.
    pub delete_after_open: bool,
    /// An undo from the history that waits for its workspace to open.
    pub after_open: Option<crate::tui::screens::history::AfterOpen>,
    /// The history entry the undo being opened from the History screen undoes: the write
    /// flow it opens takes it (`App::take_reverting`), so what lands is recorded as its revert.
    pub reverting: Option<crate::write::record::Reverting>,
    /// What the last frame drew where (stored by `view::draw`).
    pub drawn: RefCell<Drawn>,
    /// A bulk edit of the workspaces marked in the picker.
    pub bulk: Option<crate::tui::screens::bulk::Bulk>,
    /// Read-only, and where it came from (`--read-only`, or `read_only = true` in the config
    /// file): the title says `READ-ONLY`, the keys that lead to a write's Review are marked,
    /// and no Review sends. The client refuses every write on its own as well.
    pub read_only: Option<String>,
    /// The config's policy: every Review shows the rules its writes break, and a deny offers
    /// no Enter (product.md §13, §15).
    pub policy: Option<std::sync::Arc<crate::code::policy::Policy>>,
}

/// The scopes of the one write flow's phases (Review, Sending, Conflict, Result).
pub fn is_flow_scope(scope: Scope) -> bool {
    matches!(
        scope,
        Scope::Review | Scope::Submitting | Scope::Conflict | Scope::Result
    )
}

/// `Esc` then a key, typed fast (or after a burst), reach orws in one read and parse as
/// `Alt-key`. In the form's edit mode an Alt-letter the editor does not use can only be that:
/// split it back into `Esc` (done) and the key.
fn esc_then_key(app: &App, key: &KeyEvent) -> Option<KeyEvent> {
    // The editor's own Alt keys (word moves and deletes, paragraph and page moves).
    const EDITOR_ALT: &str = "hdbf<>pn[]v";
    let KeyCode::Char(c) = key.code else {
        return None;
    };
    let alt_only = key.modifiers == KeyModifiers::ALT;
    let editing = input::context(app) == Err(TextInput::FormEdit);
    (alt_only && editing && !EDITOR_ALT.contains(c))
        .then(|| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

impl App {
    /// What the screens' views read besides their own state.
    pub fn ctx(&self) -> crate::tui::screens::Ctx<'_> {
        crate::tui::screens::Ctx {
            keys: &self.keys,
            frame: self.frame,
            elapsed: self.elapsed,
            read_only: self.read_only.as_deref(),
            drawn: &self.drawn,
            catalog_error: self.catalog_error.as_deref(),
        }
    }

    /// The app and its first effects: the picker, or straight to one workspace.
    pub fn new(host: &str, workspace: Option<String>) -> (Self, Vec<Effect>) {
        let (screen, effect, has_picker) = match workspace {
            Some(w) => (
                Screen::Loading {
                    target: w.clone(),
                    error: None,
                },
                Effect::LoadWorkspace(w),
                false,
            ),
            None => (Screen::Picker, Effect::LoadList, true),
        };
        let picker = PickerState {
            loading: has_picker,
            ..PickerState::default()
        };
        let app = Self {
            screen,
            picker,
            form: None,
            overlay: None,
            status: None,
            elapsed: Duration::ZERO,
            frame: 0,
            host: host.to_string(),
            state_key: host.to_string(),
            policy: None,
            profile: None,
            write: false,
            has_picker,
            mouse: false,
            demo: false,
            quit: false,
            draft_offer: None,
            draft_error: None,
            catalog: None,
            catalog_error: None,
            keys: KeyBindings::default(),
            writes: submit::WriteState::default(),
            catalog_requested: false,
            spend_requested: false,
            help_scroll: 0,
            tabs: Default::default(),
            admin: None,
            create: None,
            delete: None,
            delete_after_open: false,
            after_open: None,
            reverting: None,
            drawn: RefCell::new(Drawn::default()),
            bulk: None,
            read_only: None,
        };
        (app, vec![effect])
    }

    /// The answer to the workspace load in flight, tagged with its target (for tests and
    /// benchmarks that play the runtime's part).
    #[cfg(any(test, feature = "test-util"))]
    pub fn loaded(&self, result: Result<Workspace, ApiError>) -> Msg {
        let mut target = String::new();
        if let Screen::Loading { target: asked, .. } = &self.screen {
            target.clone_from(asked);
        }
        Msg::WorkspaceLoaded { target, result }
    }

    /// True while something animates (a request in flight): the runtime ticks only then.
    pub fn is_busy(&self) -> bool {
        crate::tui::app::settings_write::flow(self).is_some_and(|f| f.is_sending())
            || crate::tui::app::bulk::is_sending(self)
            || self.admin.as_ref().is_some_and(|w| w.is_sending())
            || matches!(self.screen, Screen::Loading { error: None, .. })
            || self.picker.loading && matches!(self.screen, Screen::Picker)
    }

    /// The history entry an undo from the History screen undoes, for the write flow it opens.
    pub(crate) fn take_reverting(&mut self) -> Option<crate::write::record::Reverting> {
        self.reverting.take()
    }

    /// The phase of the settings write flow showing, if one is.
    pub fn settings_write(&self) -> Option<crate::tui::flow::Shown> {
        crate::tui::app::settings_write::flow(self).map(|f| f.shown())
    }

    /// The settings write's Result showing, if it is.
    pub fn settings_result(&self) -> Option<&ResultView> {
        match crate::tui::app::settings_write::flow(self).map(|f| &f.phase) {
            Some(crate::tui::flow::Phase::Result(view)) => Some(view),
            _ => None,
        }
    }

    /// The conflict showing: a submit's (its write flow's Conflict phase), or one found
    /// restoring a draft or re-reading.
    pub fn conflict_view(&self) -> Option<&ConflictView> {
        match &self.screen {
            Screen::Conflict(view) => Some(view),
            Screen::Write(flow) => match &flow.phase {
                crate::tui::flow::Phase::Conflict(view) => Some(view),
                _ => None,
            },
            _ => None,
        }
    }

    /// The last frame showed the "too small" notice: only quit and resizes act.
    pub fn too_small(&self) -> bool {
        self.drawn.borrow().too_small
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            level: Level::Info,
            text: text.into(),
        });
    }

    pub(crate) fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            level: Level::Warning,
            text: text.into(),
        });
    }

    /// The message a Review opens with (what Enter does there); under read-only, why Enter
    /// sends nothing instead.
    pub(crate) fn review_message(&mut self, level: Level, text: impl Into<String>) {
        let (level, text) = match &self.read_only {
            Some(from) => (Level::Warning, crate::tui::screens::read_only_note(from)),
            None => (level, text.into()),
        };
        self.status = Some(Status { level, text });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            level: Level::Error,
            text: text.into(),
        });
    }

    /// Handles one message; unsaved edits that changed are written out as a draft.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let before = self.draft_keys();
        let mut effects = self.handle(msg);
        if let Some(form) = &mut self.form {
            form.refresh_warnings();
            form.settle();
        }
        if let Some(bulk) = &mut self.bulk {
            bulk.form.refresh_warnings();
            bulk.form.settle();
        }
        self.judge_reviews();
        // A restored draft's tab edits go back once their tab has loaded.
        let restored = self.tabs.apply_pending();
        if !restored.is_empty() {
            self.info(format!("{}.", restored.join("; ")));
        }
        for e in self.draft_changes(&before) {
            // A discard has said its deletes already.
            if !effects.contains(&e) {
                effects.push(e);
            }
        }
        effects
    }

    /// Judges every write's Review by the policy, wherever it shows: the settings write, an
    /// admin write, the bulk edit, the Budgets and Guardrail tabs and a named guardrail's form.
    fn judge_reviews(&mut self) {
        let Some(policy) = self.policy.clone() else {
            return;
        };
        let open = self
            .form
            .as_ref()
            .map(|f| (f.workspace.id().to_string(), f.workspace.slug().to_string()));
        let open = open.as_ref().map(|(id, slug)| (id.as_str(), slug.as_str()));
        use crate::tui::screens::tab_write::Phase as TabPhase;
        if let Screen::Write(flow) = &mut self.screen {
            flow.judge(&policy, open);
        }
        if let Some(flow) = &mut self.admin {
            flow.judge(&policy, open);
        }
        if let Some(bulk) = &mut self.bulk
            && let crate::tui::screens::bulk::Phase::Write(flow) = &mut bulk.phase
        {
            flow.judge(&policy, open);
        }
        if let Some(b) = &mut self.tabs.budgets
            && let TabPhase::Write(flow) = &mut b.phase
        {
            flow.judge(&policy, open);
        }
        let named = self.tabs.guardrails.named.values_mut();
        for g in self.tabs.guardrail.iter_mut().chain(named) {
            if let TabPhase::Write(flow) = &mut g.phase {
                flow.judge(&policy, open);
            }
        }
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Release => vec![],
            Msg::Key(key) => self.on_key(key),
            // While the terminal is too small a paste reaches only text being typed.
            Msg::Paste(_) if self.too_small() && crate::tui::input::context(self).is_ok() => {
                vec![]
            }
            Msg::Paste(text) => {
                if let (Screen::Form, Some(form)) = (&self.screen, &mut self.form) {
                    form.paste(&text);
                } else if let (Screen::Bulk, Some(bulk)) = (&self.screen, &mut self.bulk) {
                    bulk.form.paste(&text);
                } else if matches!(self.screen, Screen::Picker) && self.picker.filtering {
                    self.picker
                        .filter
                        .push_str(text.lines().next().unwrap_or(""));
                }
                vec![]
            }
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize => vec![],
            Msg::Tick(elapsed) => {
                self.elapsed = elapsed;
                self.frame = self.frame.wrapping_add(1);
                vec![]
            }
            Msg::ListPage { page, total } => {
                if self.picker.loading {
                    if self.picker.expected.is_none() {
                        // The first page of a (re)load replaces what was shown.
                        self.picker.workspaces.clear();
                    }
                    self.picker.workspaces.extend(page);
                    self.picker.expected = Some(total.unwrap_or(0));
                }
                vec![]
            }
            Msg::ListEnded(result) => {
                let list = result.map(|()| {
                    if self.picker.loading {
                        std::mem::take(&mut self.picker.workspaces)
                    } else {
                        // Not loading (a second load ended): what is shown stays.
                        self.picker.workspaces.clone()
                    }
                });
                self.update(Msg::ListLoaded(list))
            }
            Msg::ListLoaded(result) => {
                self.picker.expected = None;
                self.picker.loading = false;
                let mut effects = Vec::with_capacity(2);
                match result {
                    Ok(list) => {
                        let ids = list.iter().map(|w| w.id().to_string()).collect();
                        effects.push(Effect::FindDrafts(ids));
                        self.picker.set_workspaces(list);
                        // A failed read's error goes; what a write left said stays.
                        if self
                            .status
                            .as_ref()
                            .is_some_and(|s| s.level == Level::Error)
                        {
                            self.status = None;
                        }
                    }
                    Err(e) => {
                        self.picker.set_error(e.to_string());
                        self.error(format!("{e} (r to retry)"));
                    }
                }
                effects.extend(self.catalog_once());
                // The spend column follows the list; the first frame never waits for it.
                if !std::mem::replace(&mut self.spend_requested, true) {
                    effects.push(Effect::LoadSpend);
                }
                effects
            }
            Msg::KeyPolicy { hash, result } => {
                // Shown only while it is still asked for this key.
                if let Some(view) = self.tabs.keys.policy.as_mut().filter(|v| v.hash == hash) {
                    view.policy = Some(result);
                }
                vec![]
            }
            Msg::SpendLoaded(spend) => {
                self.picker.spend = Some(spend);
                vec![]
            }
            Msg::WorkspaceLoaded { target, result } => self.on_workspace_loaded(target, result),
            Msg::Refreshed(result) => self.on_refreshed(result),
            Msg::Budgets(msg) => {
                let effects = crate::tui::app::budgets::update(self, msg);
                crate::tui::app::history::tab_loaded(self);
                effects
            }
            Msg::Guardrail(msg) => {
                let effects = crate::tui::app::guardrail::update(self, msg);
                crate::tui::app::history::tab_loaded(self);
                effects
            }
            Msg::NamedGuardrail { id, msg } => {
                crate::tui::app::guardrail::update_named(self, &id, msg)
            }
            Msg::GuardrailsLoaded {
                workspace_id,
                result,
            } => {
                // A late answer for a workspace no longer open is dropped.
                if self.form_id().as_deref() == Some(workspace_id.as_str()) {
                    self.tabs
                        .guardrails
                        .loaded(result.map_err(|e| e.to_string()));
                }
                vec![]
            }
            Msg::KeysLoaded {
                workspace_id,
                result,
            } => {
                // A late answer for a workspace no longer open is dropped.
                if self.form_id().as_deref() == Some(workspace_id.as_str()) {
                    let result = result.map_err(|e| e.to_string());
                    self.tabs.keys.loaded(&workspace_id, result);
                }
                vec![]
            }
            Msg::SecretWritten(result) => {
                if let Some(d) = &mut self.tabs.keys.secret {
                    d.wrote(result);
                }
                vec![]
            }
            Msg::KeysContext {
                workspace_id,
                context,
            } => {
                if self.form_id().as_deref() == Some(workspace_id.as_str()) {
                    self.tabs.keys.context = Some(context);
                }
                vec![]
            }
            Msg::MembersLoaded {
                workspace_id,
                result,
            } => {
                if self.form_id().as_deref() == Some(workspace_id.as_str()) {
                    self.tabs.members.loaded(result.map_err(|e| e.to_string()));
                }
                vec![]
            }
            Msg::DefaultLoaded {
                workspace_id,
                result,
            } => {
                if let Some(flow) = &mut self.delete
                    && flow.id == workspace_id
                    && let Ok(Some(default)) = result
                {
                    flow.is_default = Some(default == workspace_id);
                }
                vec![]
            }
            Msg::AdminSent(result) => crate::tui::app::admin_write::sent(self, result),
            Msg::HistoryLoaded(result) => crate::tui::app::history::loaded(self, result),
            Msg::Bulk(msg) => crate::tui::app::bulk::on_msg(self, msg),
            Msg::DraftsWaiting(ids) => {
                self.picker.drafts = ids.into_iter().collect();
                vec![]
            }
            Msg::SubmitConflict { server, report } => {
                self.show_conflict(server, report);
                vec![]
            }
            Msg::SubmitSending => {
                if let Some(flow) = crate::tui::app::settings_write::flow_mut(self)
                    && let crate::tui::flow::Phase::Sending(s) = &mut flow.phase
                {
                    s.sending = true;
                }
                vec![]
            }
            Msg::Written(outcome) => self.on_written(outcome),
            Msg::Reread(result) => self.on_reread(result),
            Msg::Retrying(n) => {
                self.warn(format!(
                    "{}; retrying in {:.0} s (try {} of {})",
                    n.reason,
                    n.wait.as_secs_f64().ceil(),
                    n.attempt,
                    n.max_attempts
                ));
                vec![]
            }
            Msg::DraftLoaded(Ok(Some(draft))) if !draft.is_empty() => {
                // Still open (the workspace, the bulk edit or the new workspace it is for).
                let same = self
                    .drafts_now()
                    .iter()
                    .any(|(id, _)| *id == draft.workspace_id);
                if same && self.overlay.is_none() {
                    self.draft_offer = Some(draft);
                    self.overlay = Some(Overlay::RestoreDraft);
                }
                vec![]
            }
            Msg::DraftLoaded(Ok(_)) => vec![],
            Msg::DraftSaved(result) => self.on_draft_saved(result),
            Msg::CatalogLoaded(Ok(catalog)) => {
                let catalog = Arc::new(catalog);
                if let Some(form) = &mut self.form {
                    form.set_catalog(catalog.clone());
                }
                self.catalog = Some(catalog);
                self.catalog_error = None;
                vec![]
            }
            Msg::CatalogLoaded(Err(e)) => {
                // Suggestions are a help, not a need: say so where they would appear.
                self.catalog_error = Some(format!("no model suggestions: {e}"));
                vec![]
            }
            Msg::DraftLoaded(Err(e)) => {
                self.warn(e.to_string());
                vec![]
            }
            Msg::StateError(e) => {
                self.warn(e.to_string());
                vec![]
            }
            Msg::EditorClosed(result) => {
                if crate::tui::app::guardrail::awaits_editor(self) {
                    return crate::tui::app::guardrail::editor_closed(self, result);
                }
                match (result, &mut self.form) {
                    (Ok(text), Some(form)) => {
                        use crate::tui::screens::form::EditorBack;
                        let field = form.focused().spec.name;
                        match form.editor_closed(&text) {
                            EditorBack::Taken => self.info("Text taken from the editor."),
                            EditorBack::Unchanged => self.info(format!(
                                "The editor's text was left unchanged: {field} keeps its old value."
                            )),
                            EditorBack::Again { reason, text, file } => {
                                self.warn(format!(
                                    "Not taken: {reason}. The editor opens again on your text (quit it unchanged to keep the old value)."
                                ));
                                return vec![Effect::OpenEditor { text, file }];
                            }
                        }
                    }
                    (Err(e), _) => self.error(format!("The editor failed: {e}")),
                    _ => {}
                }
                vec![]
            }
        }
    }

    /// A key is mapped once (input.rs) and handed to the active screen or question.
    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(plain) = esc_then_key(self, &key) {
            let mut effects = self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            effects.extend(self.on_key(plain));
            return effects;
        }
        match input::map(self, key) {
            Input::CloseHelp => {
                self.overlay = None;
                vec![]
            }
            Input::ScrollHelp(by) => {
                let max = i32::from(self.drawn.borrow().help_scroll_max);
                let to = (i32::from(self.help_scroll) + by).clamp(0, max);
                self.help_scroll = u16::try_from(to).unwrap_or(0);
                vec![]
            }
            Input::Help => self.show_help(),
            Input::Unbound => vec![],
            Input::Text(TextInput::PickerFilter, key) => {
                self.picker.filter_key(key);
                vec![]
            }
            Input::Text(TextInput::HistoryFilter, key) => {
                crate::tui::app::history::filter_key(self, key);
                vec![]
            }
            Input::Text(TextInput::DeleteSlug, key) => {
                crate::tui::app::delete::type_key(self, key);
                vec![]
            }
            Input::Text(TextInput::CreateEdit, key) => {
                if let Some(form) = &mut self.create {
                    form.edit_key(key);
                }
                vec![]
            }
            Input::Text(TextInput::KeyDeleteName, key) => {
                crate::tui::app::keys_tab::delete_name_key(self, key);
                vec![]
            }
            Input::Text(TextInput::KeyFormEdit, key) => {
                if let Some(form) = &mut self.tabs.keys.form {
                    form.edit_key(key);
                }
                vec![]
            }
            Input::Text(TextInput::KeySecret, key) => {
                crate::tui::app::keys_tab::secret_key(self, key)
            }
            Input::Text(TextInput::KeyMoveFilter, key) => {
                crate::tui::app::keys_tab::filter_key(self, key);
                vec![]
            }
            Input::Text(TextInput::KeysFilter, key) => {
                crate::tui::app::keys_tab::list_filter_key(self, key);
                vec![]
            }
            Input::Text(TextInput::MemberFilter, key) => {
                crate::tui::app::members_tab::filter_key(self, key);
                vec![]
            }
            Input::Text(TextInput::FormEdit, key) if matches!(self.screen, Screen::Bulk) => {
                match &mut self.bulk {
                    Some(bulk) => match bulk.form.edit_mode_key(key) {
                        FormAction::Notice(text) => {
                            self.info(text);
                            vec![]
                        }
                        _ => vec![],
                    },
                    None => vec![],
                }
            }
            Input::Text(TextInput::FormEdit, key) => match &mut self.form {
                Some(form) => {
                    let action = form.edit_mode_key(key);
                    self.form_did(action)
                }
                None => vec![],
            },
            Input::Text(TextInput::TabEdit, key) => crate::tui::app::tabs::text(self, key),
            Input::Action(scope, action) => self.act(scope, action),
        }
    }

    /// What an action means in a scope. Help, quit, the history and the tab keys are answered
    /// here alike wherever the scope has them; every other key goes to its scope's handler as
    /// that scope's own key enum.
    fn act(&mut self, scope: Scope, action: Action) -> Vec<Effect> {
        match action {
            Action::Help => return self.show_help(),
            // Asks first when there are unsaved edits.
            Action::Quit => return self.leave(true),
            Action::History => return history::open(self),
            a if a.is_tab_key() => return tabs::switch(self, a),
            _ => {}
        }
        let Some(key) = ScopedKey::new(scope, action) else {
            return vec![];
        };
        match key {
            ScopedKey::Review(k) => self.act_flow(scope, FlowKey::Review(k)),
            ScopedKey::Submitting(k) => self.act_flow(scope, FlowKey::Submitting(k)),
            ScopedKey::Result(k) => self.act_flow(scope, FlowKey::Result(k)),
            ScopedKey::Conflict(k) => self.act_flow(scope, FlowKey::Conflict(k)),
            ScopedKey::Picker(k) => {
                let done = self.picker.act(k);
                self.picker_did(done)
            }
            ScopedKey::Create(k) => {
                let Some(form) = &mut self.create else {
                    return vec![];
                };
                match form.act(k) {
                    Ok(Some(write)) => crate::tui::app::admin_write::open(self, write),
                    Ok(None) => {}
                    Err(why) => self.error(why),
                }
                vec![]
            }
            ScopedKey::Delete(k) => delete::act(self, k),
            ScopedKey::BulkForm(k) => bulk::form::act(self, k),
            ScopedKey::Loading(k) => {
                let Screen::Loading { target, error } = &self.screen else {
                    return vec![];
                };
                match loading::act(target, error.as_deref(), k) {
                    Some(loading::Asked::Open(target)) => self.open(target),
                    Some(loading::Asked::Picker) => self.back_to_picker(),
                    None => vec![],
                }
            }
            ScopedKey::Form(k) => {
                self.status = None;
                match &mut self.form {
                    Some(form) => {
                        let done = form.act(k);
                        self.form_did(done)
                    }
                    None => vec![],
                }
            }
            ScopedKey::QuestionLeave(k) => {
                let quit = self.overlay == Some(Overlay::ConfirmLeave { quit: true });
                questions::leave(self, quit, k)
            }
            ScopedKey::QuestionDraft(k) => questions::draft(self, k),
            ScopedKey::QuestionResetAll(k) => questions::reset_all(self, k),
            // The notice has only quit, which is answered above.
            ScopedKey::TooSmall(k) => match k {},
            ScopedKey::Budgets(_) | ScopedKey::Guardrail(_) => tabs::act(self, scope, action),
            ScopedKey::Keys(k) => keys_tab::act(self, k),
            ScopedKey::Guardrails(k) => guardrail::act_list(self, k),
            ScopedKey::GuardrailNew(k) => guardrail::act_new(self, k),
            ScopedKey::GuardrailAssign(k) => guardrail::act_assign(self, k),
            ScopedKey::GuardrailAssignAdd(k) => guardrail::act_assign_add(self, k),
            ScopedKey::KeyMove(k) => keys_tab::act_move(self, k),
            ScopedKey::KeyForm(k) => keys_tab::act_form(self, k),
            ScopedKey::Members(k) => members_tab::act(self, k),
            ScopedKey::MemberAdd(k) => members_tab::act_add(self, k),
            ScopedKey::History(k) => history::act(self, k),
        }
    }

    /// A key of a write's phase: to the flow showing (an admin write over the tab or the
    /// picker, the settings PATCH, a bulk edit, the Budgets or Guardrail tab's own), else the
    /// Conflict of a draft or a re-read, which is no write.
    fn act_flow(&mut self, scope: Scope, key: FlowKey) -> Vec<Effect> {
        if self.admin.is_some() {
            return admin_write::act(self, key);
        }
        if matches!(self.screen, Screen::Write(_)) {
            return settings_write::act(self, key);
        }
        if bulk::flow(self).is_some() {
            return bulk::act(self, key);
        }
        if tabs::owns(self, scope) {
            return tabs::act_flow(self, key);
        }
        match key {
            FlowKey::Conflict(k) => {
                let Screen::Conflict(view) = &self.screen else {
                    return vec![];
                };
                let resolved = conflict::act(view, k);
                let Some(form) = &mut self.form else {
                    return vec![];
                };
                // Found restoring a draft or re-reading: only the form is rebased, nothing sent.
                if resolved.rebase {
                    form.rebase(resolved.server);
                    for name in &resolved.take {
                        if let Some(f) = form.field_mut(name) {
                            f.reset();
                        }
                    }
                }
                self.screen = Screen::Form;
                if let Some(say) = resolved.say {
                    self.info(say);
                }
                vec![]
            }
            FlowKey::Review(_) | FlowKey::Submitting(_) | FlowKey::Result(_) => vec![],
        }
    }

    /// What the list asked for after a key.
    fn picker_did(&mut self, done: PickerAction) -> Vec<Effect> {
        match done {
            PickerAction::Open(id) => self.open(id),
            PickerAction::Reload => {
                self.picker.loading = true;
                vec![Effect::LoadList]
            }
            PickerAction::EditMarked => crate::tui::app::bulk::open(self),
            PickerAction::Create => {
                let first = self.create.is_none();
                self.create.get_or_insert_with(Default::default).show();
                // A new workspace's typing left by a gone session is offered the first time.
                match first {
                    true => vec![Effect::LoadDraft {
                        workspace_id: crate::state::drafts::NEW_WORKSPACE.into(),
                    }],
                    false => vec![],
                }
            }
            PickerAction::Delete(id) => {
                self.delete_after_open = true;
                self.open(id)
            }
            PickerAction::Notice(text) => {
                self.info(text);
                vec![]
            }
            PickerAction::None => vec![],
        }
    }

    pub(crate) fn show_help(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Help);
        self.help_scroll = 0;
        vec![]
    }

    /// The workspace list, loading it when there is none yet (opened straight into a form).
    pub(crate) fn back_to_picker(&mut self) -> Vec<Effect> {
        self.screen = Screen::Picker;
        if std::mem::replace(&mut self.has_picker, true) {
            vec![]
        } else {
            self.picker.loading = true;
            vec![Effect::LoadList]
        }
    }

    fn form_id(&self) -> Option<String> {
        self.form.as_ref().map(|f| f.workspace.id().to_string())
    }

    pub(crate) fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        vec![Effect::Quit]
    }

    pub(crate) fn open(&mut self, target: String) -> Vec<Effect> {
        self.screen = Screen::Loading {
            target: target.clone(),
            error: None,
        };
        self.elapsed = Duration::ZERO;
        vec![Effect::LoadWorkspace(target)]
    }

    /// The catalog is fetched once, after the first screen has what it needs, so it never
    /// delays the first frame with values.
    fn catalog_once(&mut self) -> Vec<Effect> {
        if std::mem::replace(&mut self.catalog_requested, true) {
            vec![]
        } else {
            vec![Effect::LoadCatalog]
        }
    }

    fn on_workspace_loaded(
        &mut self,
        asked: String,
        result: Result<Workspace, ApiError>,
    ) -> Vec<Effect> {
        let Screen::Loading { target, .. } = &self.screen else {
            return vec![];
        };
        // A late answer for a workspace opened before (open A, Esc, open B) never opens it.
        if asked != *target {
            return vec![];
        }
        // The server answered with another workspace than asked for: say so, never spin.
        let result = result.map_err(|e| e.to_string()).and_then(|ws| {
            if crate::workspace::identity::answers(&asked, &ws) {
                Ok(ws)
            } else {
                Err(crate::workspace::identity::wrong_answer(&asked, &ws))
            }
        });
        match result {
            Ok(ws) => {
                let workspace_id = ws.id().to_string();
                // Opened again (an undo from the History): back on the tab it was on.
                let was_on = self
                    .form
                    .as_ref()
                    .filter(|f| f.workspace.id() == workspace_id)
                    .map(|_| self.tabs.current);
                let mut form = FormState::new(ws);
                if let Some(catalog) = &self.catalog {
                    form.set_catalog(catalog.clone());
                }
                self.form = Some(form);
                self.tabs = Default::default();
                self.admin = None;
                self.delete = None;
                self.screen = Screen::Form;
                self.status = None;
                let mut effects = vec![Effect::LoadDraft { workspace_id }];
                if let Some(tab) = was_on {
                    effects.extend(tabs::show(self, tab));
                }
                if std::mem::take(&mut self.delete_after_open) {
                    effects.extend(crate::tui::app::delete::start(self));
                }
                if let Some(then) = self.after_open.take() {
                    effects.extend(crate::tui::app::history::after_open(self, then));
                }
                effects.extend(self.catalog_once());
                return effects;
            }
            Err(e) => {
                self.screen = Screen::Loading {
                    target: asked,
                    error: Some(e),
                };
            }
        }
        vec![]
    }

    /// `r`: the server's state under the edits. A field changed both here and there goes to
    /// the Conflict screen (whose `m`/`t` only rebase); other remote changes are taken in.
    fn on_refreshed(&mut self, result: Result<Workspace, ApiError>) -> Vec<Effect> {
        let (Screen::Form, Some(form)) = (&self.screen, &mut self.form) else {
            // Left the form meanwhile: the answer is stale.
            return vec![];
        };
        let server = match result {
            Ok(ws) if ws.id() == form.workspace.id() => ws,
            Ok(ws) => {
                self.error(format!(
                    "The re-read answered with another workspace ({}); nothing changed.",
                    ws.id()
                ));
                return vec![];
            }
            Err(e) => {
                self.error(format!(
                    "Could not re-read the workspace: {e}; your edits are kept."
                ));
                return vec![];
            }
        };
        let report = crate::workspace::check_conflicts(&form.workspace, &server, &form.patch());
        if report.has_conflicts() {
            self.screen = Screen::Conflict(ConflictView {
                server,
                report,
                found: ConflictFound::Rereading,
            });
            self.warn("The server changed fields you are changing; choose whose values to keep.");
            return vec![];
        }
        let remote = report.remote_changes.len();
        form.rebase(server);
        self.info(match remote {
            0 => "Re-read: nothing changed on the server.".to_string(),
            n => format!(
                "Re-read: took in {n} field{} changed on the server; your edits are kept.",
                if n == 1 { "" } else { "s" }
            ),
        });
        vec![]
    }

    /// What the form asked for after a key.
    fn form_did(&mut self, action: FormAction) -> Vec<Effect> {
        match action {
            FormAction::None => vec![],
            FormAction::Review => self.review(),
            FormAction::Reread => match self.form_id() {
                Some(id) => {
                    self.info("Re-reading the workspace…");
                    vec![Effect::Refresh(id)]
                }
                None => vec![],
            },
            FormAction::Back => self.leave(false),
            FormAction::DeleteWorkspace => crate::tui::app::delete::start(self),
            FormAction::ExternalEditor => match &mut self.form {
                Some(form) => {
                    let (text, file) = form.external_editor_text();
                    vec![Effect::OpenEditor { text, file }]
                }
                None => vec![],
            },
            FormAction::ConfirmResetAll => {
                self.overlay = Some(Overlay::ConfirmResetAll);
                vec![]
            }
            FormAction::Notice(text) => {
                self.info(text);
                vec![]
            }
        }
    }

    /// Quit or go back to the picker, asking first when there are unsaved edits.
    pub(crate) fn leave(&mut self, quit: bool) -> Vec<Effect> {
        if self.unsaved_on_leave(quit) > 0 {
            self.overlay = Some(Overlay::ConfirmLeave { quit });
            return vec![];
        }
        self.leave_now(quit)
    }

    /// Edits not sent yet, on every tab: the quit and back questions count them.
    pub fn unsaved(&self) -> usize {
        self.form.as_ref().map_or(0, |f| f.modified_count())
            + self.tabs.unsaved()
            + self.bulk.as_ref().map_or(0, |b| b.unsaved())
    }

    /// What leaving loses: the edits, and when quitting the new workspace's typed text too
    /// (going back to the picker keeps that form).
    pub fn unsaved_on_leave(&self, quit: bool) -> usize {
        let create = self.create.as_ref().map_or(0, |c| c.unsaved());
        self.unsaved() + if quit { create } else { 0 }
    }

    pub(crate) fn leave_now(&mut self, quit: bool) -> Vec<Effect> {
        if quit {
            return self.quit_now();
        }
        // Opened straight into a form, Esc still leads to the list of all workspaces.
        self.has_picker = true;
        // Back on the list, the cursor is on the workspace just left.
        self.picker.select_after_load = self.form.as_ref().map(|f| f.workspace.id().to_string());
        self.form = None;
        self.bulk = None;
        self.tabs = Default::default();
        self.admin = None;
        self.delete = None;
        self.after_open = None;
        self.reverting = None;
        self.screen = Screen::Picker;
        self.picker.loading = true;
        // The list may be stale after a submit.
        vec![Effect::LoadList]
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        use crossterm::event::MouseEventKind;
        if !self.mouse || self.overlay.is_some() || self.too_small() {
            return vec![];
        }
        // The wheel moves as ↑/↓ do where there is a list or a page to move through.
        let wheel = match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        };
        if let (
            Some(action),
            Ok(
                scope @ (Scope::Picker
                | Scope::Form
                | Scope::Review
                | Scope::BulkForm
                | Scope::Submitting
                | Scope::Result),
            ),
        ) = (wheel, input::context(self))
        {
            return self.act(scope, action);
        }
        if let (Screen::Form, Some(form), MouseEventKind::Down(_)) =
            (&self.screen, &mut self.form, m.kind)
            && !form.is_editing()
        {
            // The rows where the last frame drew each field.
            let at = ratatui::layout::Position::new(m.column, m.row);
            let clicked = self
                .drawn
                .borrow()
                .field_rows
                .iter()
                .find(|(rect, _)| rect.contains(at))
                .map(|(_, i)| *i);
            if let Some(i) = clicked {
                // A click on the focused checkbox ticks it, as a second click would anywhere.
                let tick = form.focus == i
                    && form.fields[i].spec.kind == crate::workspace::FieldKind::Toggle;
                form.focus = i;
                if tick {
                    form.act(crate::config::keys::FormKey::Toggle);
                }
            }
        }
        vec![]
    }
}
