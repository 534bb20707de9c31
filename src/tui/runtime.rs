//! The loop: messages in (terminal events, task results, animation ticks), effects out.
//! Generic over the terminal, so tests drive it with injected keys and a `TestBackend`.

use super::app::{App, DraftNotice, Effect, Msg, Overlay, StateTrouble};
use super::draft_writer::{DEBOUNCE, DraftOp, DraftWrite, DraftWriter};
use super::theme::Theme;
use super::view;
use crate::api::Client;
use crate::state::StateError;
use crate::state::drafts::{Draft, DraftStore};
use crate::state::history::{self, HistoryEntry};
use crate::submit::{Phase, RetryPolicy, WriteOutcome, WriteRequest, safe_patch};
use crate::tui::screens::bulk::{BulkEffect, BulkMsg, batch};
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

/// Where the loop gets its input and draws: the real terminal, or a test double.
pub trait Host {
    type B: Backend;
    fn terminal(&mut self) -> &mut Terminal<Self::B>;
    /// The next terminal event; `None` when input has ended or the process is asked to stop
    /// (SIGTERM, SIGHUP).
    fn next_event(&mut self) -> impl std::future::Future<Output = Option<io::Result<Event>>>;
    /// Hands the terminal to $VISUAL / $EDITOR on `text`, in a file named `file` (for its
    /// content: `….json`), and returns the edited text.
    fn run_editor(
        &mut self,
        text: &str,
        file: &str,
    ) -> Result<String, super::external_editor::EditorError>;
    /// Ctrl-Z: gives the terminal back and stops the process until it is continued, then
    /// takes the terminal again (the next draw repaints it whole).
    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Whether more input is already waiting: the frame is skipped then, so a burst of keys
    /// is taken in at the speed it comes (a lagging reader would see a later Esc and the key
    /// after it in one read, as Alt-key).
    fn input_pending(&mut self) -> impl std::future::Future<Output = bool> {
        async { false }
    }
    /// The stop signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT) that made `next_event` end, if one did.
    fn stopped_by(&self) -> Option<i32> {
        None
    }
    /// The next stop signal, while the writes in flight settle after the first (a second one
    /// quits at once). Never, for a host without signals.
    fn next_stop(&mut self) -> impl std::future::Future<Output = i32> {
        std::future::pending()
    }
}

/// The spinner's frame interval while a request is in flight.
const FRAME: Duration = Duration::from_millis(80);

/// How long the first frame waits for the first read before it is drawn as "loading".
const FIRST_READ_GRACE: Duration = Duration::from_millis(50);

pub struct Runtime {
    client: Client,
    /// The same connection without the retry hook: the background catalog fetch retries
    /// quietly, so its notices never stand in the status line for the person's own request.
    background: Client,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    submit: Option<JoinHandle<()>>,
    /// A Budgets or Guardrail tab's write in flight (its Cancel aborts it).
    tab_write: Option<JoinHandle<()>>,
    /// Whether the task in `submit` is a write (a settings or admin send, or the re-read that
    /// settles a cancelled one), not a delayed re-check: a stop signal waits for a write.
    submit_writes: bool,
    /// A bulk edit's batch in flight: `true` on it starts no new write.
    bulk_stop: Option<tokio::sync::watch::Sender<bool>>,
    /// The task running the bulk edit's batch.
    bulk_task: Option<JoinHandle<()>>,
    /// Said on stderr once the terminal is back: writes a quit left in doubt.
    abandoned: Option<String>,
    /// Writes in flight at once in a bulk edit (Settings::concurrency).
    concurrency: usize,
    /// Where history lives; `None` keeps none.
    state_dir: Option<PathBuf>,
    /// This process's drafts (`None`: not kept, as in tests without a state dir).
    drafts: Option<Drafts>,
    /// Where the model catalog is cached; `None` fetches it every time.
    cache_dir: Option<PathBuf>,
    /// Set when the edits could not be kept on the way out.
    lost: LostEdits,
    /// How every write waits out a busy server (429/503): the real wait by default, none in
    /// tests ([`Runtime::with_retry`]).
    retry: RetryPolicy,
    /// The first read (the list or the workspace) was started before the loop.
    first_read: bool,
    /// How long the first frame waits for it ([`FIRST_READ_GRACE`]).
    first_read_grace: Duration,
}

/// The draft side of the runtime: the store, its writer thread, and what waits to be written.
struct Drafts {
    store: Result<Arc<DraftStore>, StateError>,
    writer: DraftWriter,
    /// The latest change not yet handed to the writer, and when it must be at the latest.
    pending: Option<DraftWrite>,
    due: Option<tokio::time::Instant>,
    /// The left-over draft on offer, until the question is answered.
    offered: Option<PathBuf>,
    /// The offered draft, taken over by the answer (restored or discarded).
    adopted: Option<PathBuf>,
}

/// Why edits were lost on the way out, for the exit message.
pub type LostEdits = Option<String>;

impl Runtime {
    /// A runtime and the sender that task results (and retry notices) come back on.
    pub fn new(client: Client) -> Self {
        let (tx, rx) = unbounded_channel();
        let notices = tx.clone();
        // Retries of the person's own requests show in the status line as they happen.
        let foreground = client.clone().with_retry_hook(Arc::new(move |n| {
            let _ = notices.send(Msg::Retrying(n.clone()));
        }));
        Self {
            background: client,
            client: foreground,
            tx,
            rx,
            submit: None,
            tab_write: None,
            submit_writes: false,
            bulk_stop: None,
            bulk_task: None,
            abandoned: None,
            concurrency: crate::settings::DEFAULT_CONCURRENCY,
            state_dir: None,
            drafts: None,
            cache_dir: None,
            lost: None,
            retry: RetryPolicy::default(),
            first_read: false,
            first_read_grace: FIRST_READ_GRACE,
        }
    }

    /// The first frame waits up to `grace` for the first read (tests: a long one, so what
    /// is drawn first does not depend on the machine's speed).
    pub fn with_first_read_grace(mut self, grace: Duration) -> Self {
        self.first_read_grace = grace;
        self
    }

    /// Writes wait out a busy server as `policy` says (tests: [`RetryPolicy::without_waiting`]).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most `n` writes of a bulk edit in flight at once (at least 1).
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Caches the model catalog under `dir`.
    pub fn with_cache_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.cache_dir = dir;
        self
    }

    /// Keeps drafts and history under `dir`. `None` means there is no state directory: each
    /// draft write then fails, and the app says the edits are not kept.
    pub fn with_state_dir(mut self, dir: Option<PathBuf>) -> Self {
        let store = match &dir {
            Some(d) => DraftStore::open(d)
                .map(Arc::new)
                .map_err(|e| StateError::Unusable {
                    dir: d.clone(),
                    source: Arc::new(e),
                }),
            None => Err(StateError::NoDir),
        };
        let writer = DraftWriter::start(
            store.clone(),
            self.client.state_key().to_string(),
            self.tx.clone(),
        );
        self.drafts = Some(Drafts {
            store,
            writer,
            pending: None,
            due: None,
            offered: None,
            adopted: None,
        });
        self.state_dir = dir;
        self
    }

    /// Runs until the app quits, input ends, or a stop signal arrives.
    pub async fn run<H: Host>(
        &mut self,
        host: &mut H,
        app: &mut App,
        theme: &Theme,
        first: Vec<Effect>,
    ) -> io::Result<()> {
        self.run_effects(host, app, first);
        let mut busy_since: Option<Instant> = None;
        let mut ticker = tokio::time::interval(FRAME);
        // The first read is usually back within a millisecond or two of the terminal: the
        // form is then the first frame, not a "loading" one drawn just before it. A slower
        // server gets the loading frame after FIRST_READ_GRACE.
        let mut first_read = std::mem::take(&mut self.first_read)
            .then(|| tokio::time::Instant::now() + self.first_read_grace);
        loop {
            if app.quit {
                self.finish(app);
                return Ok(());
            }
            // Skip the frame when more messages or keys are already queued: they change it again.
            if first_read.is_none() && self.rx.is_empty() && !host.input_pending().await {
                if let Err(e) = draw(host, app, theme) {
                    // A terminal gone (EIO on a hung-up pty) still leaves the draft on disk.
                    self.finish(app);
                    return Err(e);
                }
                crate::startup::mark("first_frame");
                if matches!(app.screen, crate::tui::route::Screen::Form) {
                    crate::startup::first_form_drawn();
                }
            }
            let busy = app.is_busy();
            if busy && busy_since.is_none() {
                busy_since = Some(Instant::now());
                ticker.reset();
            } else if !busy {
                busy_since = None;
            }
            let due = self.drafts.as_ref().and_then(|d| d.due);
            let msg = tokio::select! {
                biased;
                Some(msg) = self.rx.recv() => msg,
                event = host.next_event() => match event {
                    Some(Ok(event)) if is_suspend(&event) => {
                        // Every mode: the draft is on disk before the terminal is given back.
                        let _ = self.flush_and_wait();
                        if let Err(e) = host.suspend() {
                            self.finish(app);
                            return Err(e);
                        }
                        continue;
                    }
                    Some(Ok(event)) => match msg_of(event) {
                        Some(msg) => msg,
                        None => continue,
                    },
                    Some(Err(e)) => {
                        self.finish(app);
                        return Err(e);
                    }
                    None => {
                        // A stop signal: what is in flight settles and is recorded first
                        // (product.md §6 "Record"); SIGQUIT does not wait.
                        match host.stopped_by() {
                            Some(libc::SIGQUIT) => self.abandon(app, libc::SIGQUIT),
                            Some(n) => self.settle(host, app, theme, n).await,
                            None => {}
                        }
                        self.finish(app);
                        return Ok(());
                    }
                },
                _ = ticker.tick(), if busy => {
                    Msg::Tick(busy_since.map(|t| t.elapsed()).unwrap_or_default())
                }
                () = sleep_until_due(due), if due.is_some() => {
                    self.send_draft();
                    continue;
                }
                () = sleep_until_due(first_read), if first_read.is_some() => {
                    first_read = None;
                    continue;
                }
            };
            first_read = None;
            let screen = std::mem::discriminant(&app.screen);
            let asked = app.overlay == Some(Overlay::RestoreDraft);
            let effects = app.update(msg);
            self.note_restore_answer(asked, app, &effects);
            self.run_effects(host, app, effects);
            // A new screen (review, submit, picker…) is a moment the draft must be on disk.
            if std::mem::discriminant(&app.screen) != screen {
                self.send_draft();
            }
        }
    }

    /// Writes in flight: a settings or admin send, a tab's write, a batch.
    fn writes_in_flight(&self) -> bool {
        let running = |t: &Option<JoinHandle<()>>| t.as_ref().is_some_and(|t| !t.is_finished());
        (self.submit_writes && running(&self.submit))
            || running(&self.tab_write)
            || running(&self.bulk_task)
    }

    /// After the first stop signal `n` (SIGTERM, SIGHUP, SIGINT): a batch starts nothing new,
    /// and the loop runs on, without input, until every write in flight has settled and the
    /// app has recorded it; a second signal (or SIGQUIT) ends it at once.
    async fn settle<H: Host>(&mut self, host: &mut H, app: &mut App, theme: &Theme, n: i32) {
        // Every write stops sending: a wait on Retry-After ends in one re-read at once.
        crate::write::stop::request(n);
        if !self.writes_in_flight() {
            return;
        }
        if let Some(stop) = &self.bulk_stop {
            let _ = stop.send(true);
        }
        app.warn(format!(
            "Stopping ({}): the writes in flight finish and are recorded; a second signal quits at once.",
            signal_name(n)
        ));
        let mut poll = tokio::time::interval(Duration::from_millis(20));
        loop {
            if !self.writes_in_flight() && self.rx.is_empty() {
                return;
            }
            // The terminal may be gone (SIGHUP): drawing is only a courtesy now.
            let _ = draw(host, app, theme);
            let msg = tokio::select! {
                biased;
                Some(msg) = self.rx.recv() => msg,
                second = host.next_stop() => {
                    self.abandon(app, second);
                    return;
                }
                _ = poll.tick() => continue,
            };
            let effects = app.update(msg);
            // Only what records and keeps: no new write, no new read.
            let keep: Vec<Effect> = effects
                .into_iter()
                .filter(|e| {
                    matches!(
                        e,
                        Effect::RecordHistory { .. }
                            | Effect::RecordWrite(_)
                            | Effect::Bulk(BulkEffect::Record { .. })
                            | Effect::SaveDraft(_)
                            | Effect::DeleteDraft { .. }
                    )
                })
                .collect();
            self.run_effects(host, app, keep);
        }
    }

    /// Quits with writes in flight (SIGQUIT, or a second stop signal): says which may still
    /// land, unrecorded, once the terminal is back.
    fn abandon(&mut self, app: &App, n: i32) {
        if !self.writes_in_flight() {
            return;
        }
        let mut what = Vec::new();
        if self.submit_writes && self.submit.as_ref().is_some_and(|t| !t.is_finished()) {
            what.push(match &app.form {
                Some(form) => format!(
                    "the write to workspace {}",
                    crate::batch::Item::label_of(&form.workspace)
                ),
                None => "the write in flight".to_string(),
            });
        }
        if self.tab_write.as_ref().is_some_and(|t| !t.is_finished()) {
            what.push("the tab's write in flight".to_string());
        }
        if self.bulk_task.as_ref().is_some_and(|t| !t.is_finished()) {
            let sent = crate::tui::app::bulk::in_flight(app);
            if !sent.is_empty() {
                what.push(format!("the bulk edit's writes to {}", sent.join(", ")));
            }
        }
        if what.is_empty() {
            return;
        }
        self.abandoned = Some(format!(
            "{}: quit at once; {} may still land on the server, unrecorded: check before trying again (what landed before is in the history)",
            signal_name(n),
            what.join(" and ")
        ));
    }

    /// Writes a quit left in doubt, for stderr once the terminal is back.
    pub fn abandoned(&self) -> Option<String> {
        self.abandoned.clone()
    }

    /// Why the unsaved edits were lost on the way out (the last draft write failed), if so.
    pub fn lost_edits(&self) -> LostEdits {
        self.lost.clone()
    }

    /// Starts the first reads (the list, or the workspace asked for) at once, before there is
    /// a terminal to draw on; returns the effects left for [`Runtime::run`].
    pub fn start_loads(&mut self, first: Vec<Effect>) -> Vec<Effect> {
        let asked = first.len();
        let left: Vec<Effect> = first.into_iter().filter(|e| !self.load(e)).collect();
        self.first_read = left.len() < asked;
        left
    }

    /// Spawns the read `effect` asks for, if it is the list or a workspace; whether it was.
    fn load(&self, effect: &Effect) -> bool {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        match effect {
            Effect::LoadList => {
                tokio::spawn(async move {
                    // Pages move to the app as they come: one copy of the list, not two.
                    let result = client
                        .list_pages(|page, total| {
                            let _ = tx.send(Msg::ListPage { page, total });
                        })
                        .await;
                    let _ = tx.send(Msg::ListEnded(result.map(|_| ())));
                });
            }
            Effect::LoadWorkspace(target) => {
                let target = target.clone();
                tokio::spawn(async move {
                    let result = client.get(&target).await;
                    crate::startup::mark("get");
                    let _ = tx.send(Msg::WorkspaceLoaded { target, result });
                });
            }
            _ => return false,
        }
        true
    }

    fn run_effects<H: Host>(&mut self, host: &mut H, app: &mut App, effects: Vec<Effect>) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::LoadList | Effect::LoadWorkspace(_) => {
                    self.load(&effect);
                }
                Effect::LoadCatalog => {
                    let (client, tx) = (self.background.clone(), self.tx.clone());
                    let cache_dir = self.cache_dir.clone();
                    tokio::spawn(async move {
                        let now = std::time::SystemTime::now();
                        let catalog =
                            crate::catalog::load_or_fetch(&client, cache_dir.as_deref(), now).await;
                        let _ = tx.send(Msg::CatalogLoaded(catalog));
                    });
                }
                Effect::LoadSpend => {
                    let (client, tx) = (self.background.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let q = crate::api::ActivityQuery::default();
                        let spend = match client.activity(&q).await {
                            // Off this thread, as the rows were read: keys wait for it otherwise.
                            Ok(rows) => {
                                // The server's today, by the clock of the answer just read.
                                let today =
                                    client.server_time(time::OffsetDateTime::now_utc()).date();
                                tokio::task::spawn_blocking(move || {
                                    crate::tui::screens::picker::Spend {
                                        daily: crate::admin::spend::daily_by_workspace(rows, today),
                                        credits_left: None,
                                    }
                                })
                                .await
                                .map_err(|_| {
                                    crate::api::ApiError::Malformed(
                                        "the spend could not be added up".into(),
                                    )
                                })
                            }
                            Err(e) => Err(e),
                        };
                        let spend = match spend {
                            Ok(mut s) => {
                                s.credits_left = client.credits().await.ok().map(|c| c.left());
                                Ok(s)
                            }
                            Err(e) => Err(e.to_string()),
                        };
                        let _ = tx.send(Msg::SpendLoaded(spend));
                    });
                }
                Effect::LoadKeyPolicy { key, workspace } => {
                    let (client, tx) = (self.background.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let result = client
                            .key_policy(&key, &workspace)
                            .await
                            .map_err(|e| e.to_string());
                        let hash = key.hash.clone();
                        let _ = tx.send(Msg::KeyPolicy { hash, result });
                    });
                }
                Effect::Submit { base, patch } => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    if let Some(old) = self.submit.take() {
                        old.abort();
                    }
                    self.submit_writes = true;
                    let policy = self.retry;
                    self.submit = Some(tokio::spawn(async move {
                        let written = submit(&client, &tx, base, patch, policy).await;
                        let _ = tx.send(Msg::Written(written));
                    }));
                }
                Effect::CancelSubmit { reread } => {
                    if let Some(task) = self.submit.take() {
                        task.abort();
                    }
                    // The re-read that tells whether the cancelled write landed.
                    self.submit_writes = reread.is_some();
                    if let Some(id) = reread {
                        let (client, tx) = (self.client.clone(), self.tx.clone());
                        self.submit = Some(tokio::spawn(async move {
                            let _ = tx.send(Msg::Reread(client.get(&id).await));
                        }));
                    }
                }
                Effect::FindDrafts(ids) => {
                    // What this process kept a moment ago (going back to the list) counts too.
                    let _ = self.flush_and_wait();
                    let waiting = match &self.drafts {
                        Some(Drafts {
                            store: Ok(store), ..
                        }) => ids
                            .into_iter()
                            .filter(|id| store.waiting(self.client.state_key(), id))
                            .collect(),
                        _ => vec![],
                    };
                    queue.extend(app.update(Msg::DraftsWaiting(waiting)));
                }
                Effect::Refresh(id) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(Msg::Refreshed(client.get(&id).await));
                    });
                }
                Effect::Recheck { id, after } => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    if let Some(old) = self.submit.take() {
                        old.abort();
                    }
                    // Kept in the submit slot: a new submit or cancel ends the checking.
                    self.submit_writes = false;
                    self.submit = Some(tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = tx.send(Msg::Reread(client.get(&id).await));
                    }));
                }
                Effect::OpenEditor { text, file } => {
                    let result = host.run_editor(&text, &file);
                    queue.extend(app.update(Msg::EditorClosed(result)));
                }
                Effect::LoadDraft { workspace_id } => {
                    queue.extend(self.load_draft(app, &workspace_id));
                }
                Effect::SaveDraft(draft) => self.queue_draft(DraftOp::Save(Box::new(draft))),
                Effect::DeleteDraft { workspace_id } => {
                    self.queue_draft(DraftOp::Delete(workspace_id));
                }
                Effect::RecordHistory {
                    patch,
                    before,
                    after,
                    reverting,
                    id,
                } => {
                    if let Some(dir) = &self.state_dir {
                        let entry = HistoryEntry::new(
                            crate::state::now_rfc3339(),
                            self.client.state_key(),
                            &patch,
                            &before,
                            &after,
                        );
                        let mut entry = match reverting {
                            Some(r) => r.mark(entry),
                            None => entry,
                        };
                        entry.id = id;
                        if let Err(e) = history::append(dir, &entry) {
                            let trouble = StateTrouble::SavedUnrecorded(e);
                            queue.extend(app.update(Msg::StateError(trouble)));
                        }
                    }
                }
                Effect::LoadKeys(id) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let query = crate::admin::keys::KeyQuery::all_in(&id);
                        let result = client.list_keys(&query).await;
                        let _ = tx.send(Msg::KeysLoaded {
                            workspace_id: id.clone(),
                            result,
                        });
                        let context =
                            crate::tui::screens::keys_tab::load_context(&client, &id).await;
                        let _ = tx.send(Msg::KeysContext {
                            workspace_id: id,
                            context,
                        });
                    });
                }
                Effect::WriteSecret { path, secret } => {
                    let at = std::path::Path::new(&path);
                    let result = crate::state::secret_file::check_new(at)
                        .map_err(|why| format!("{}: {why}", crate::text::escape(&path)))
                        .and_then(|()| crate::state::secret_file::write_new(at, &secret))
                        .map(|()| path);
                    queue.extend(app.update(Msg::SecretWritten(result)));
                }
                Effect::LoadMembers(id) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let result = crate::tui::screens::members_tab::load(&client, &id).await;
                        let _ = tx.send(Msg::MembersLoaded {
                            workspace_id: id,
                            result,
                        });
                    });
                }
                Effect::RecordWrite(r) => {
                    if let Some(dir) = &self.state_dir {
                        let entry = r.entry(self.client.state_key());
                        if let Err(e) = history::append(dir, &entry) {
                            let trouble = StateTrouble::DoneUnrecorded(e);
                            queue.extend(app.update(Msg::StateError(trouble)));
                        }
                    }
                }
                Effect::LoadHistory => {
                    // Small and local: read at once, like a draft.
                    let result = match &self.state_dir {
                        Some(dir) => history::read_all_for_host(dir, self.client.state_key())
                            .map_err(|e| StateError::HistoryUnreadable(Arc::new(e))),
                        None => Err(StateError::NoHistoryDir),
                    };
                    let note = result
                        .as_ref()
                        .ok()
                        .and_then(history::History::unreadable_note);
                    queue.extend(app.update(Msg::HistoryLoaded(result.map(|h| h.entries))));
                    // Said on the History screen, never skipped in silence.
                    if let Some(note) = note {
                        let trouble = StateTrouble::Unreadable(note);
                        queue.extend(app.update(Msg::StateError(trouble)));
                    }
                }
                Effect::LoadDefault(id) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let result = client.default_workspace_id().await;
                        let _ = tx.send(Msg::DefaultLoaded {
                            workspace_id: id,
                            result,
                        });
                    });
                }
                Effect::AdminSend {
                    requests,
                    workspace,
                    key_in,
                    base,
                } => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    if let Some(old) = self.submit.take() {
                        old.abort();
                    }
                    self.submit_writes = true;
                    let policy = self.retry;
                    self.submit = Some(tokio::spawn(async move {
                        let result = crate::tui::screens::admin_write::send_reviewed(
                            &client,
                            &requests,
                            workspace.as_deref(),
                            key_in.as_ref(),
                            base.as_deref(),
                            policy,
                        )
                        .await;
                        let _ = tx.send(Msg::AdminSent(result));
                    }));
                }
                Effect::CancelAdmin => {
                    if let Some(task) = self.submit.take() {
                        task.abort();
                    }
                }
                Effect::Quit => app.quit = true,
                Effect::Budgets { workspace, effect } => {
                    use crate::tui::screens::budgets::{BudgetsEffect, runner};
                    let cancel = effect == BudgetsEffect::Cancel;
                    if cancel && let Some(task) = self.tab_write.take() {
                        task.abort();
                    }
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    let send = matches!(effect, BudgetsEffect::Send(_));
                    let policy = self.retry;
                    let task = tokio::spawn(async move {
                        if let Some(msg) = runner::run(&client, &workspace, effect, policy).await {
                            let _ = tx.send(Msg::Budgets(msg));
                        }
                    });
                    if send {
                        self.tab_write = Some(task);
                    }
                }
                Effect::Bulk(effect) => queue.extend(self.bulk(effect)),
                Effect::LoadGuardrails(id) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let result = crate::tui::screens::guardrails::load(&client, &id).await;
                        let _ = tx.send(Msg::GuardrailsLoaded {
                            workspace_id: id,
                            result,
                        });
                    });
                }
                Effect::NamedGuardrail { id, owner, effect } => {
                    use crate::tui::screens::guardrail::{GuardrailEffect, runner};
                    let cancel = effect == GuardrailEffect::Cancel;
                    if cancel && let Some(task) = self.tab_write.take() {
                        task.abort();
                    }
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    let send = matches!(effect, GuardrailEffect::Send(_));
                    let policy = self.retry;
                    let task = tokio::spawn(async move {
                        let msg = runner::run_named(&client, &id, owner, effect, policy).await;
                        if let Some(msg) = msg {
                            let _ = tx.send(Msg::NamedGuardrail { id, msg });
                        }
                    });
                    if send {
                        self.tab_write = Some(task);
                    }
                }
                Effect::Guardrail { id, effect } => {
                    use crate::tui::screens::guardrail::{GuardrailEffect, runner};
                    let cancel = effect == GuardrailEffect::Cancel;
                    if cancel && let Some(task) = self.tab_write.take() {
                        task.abort();
                    }
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    let send = matches!(effect, GuardrailEffect::Send(_));
                    let policy = self.retry;
                    let task = tokio::spawn(async move {
                        if let Some(msg) = runner::run(&client, &id, effect, policy).await {
                            let _ = tx.send(Msg::Guardrail(msg));
                        }
                    });
                    if send {
                        self.tab_write = Some(task);
                    }
                }
            }
        }
    }

    /// A bulk edit's I/O: the batch (its events streamed back as messages), stopping it, and
    /// its one history entry.
    fn bulk(&mut self, effect: BulkEffect) -> Vec<Effect> {
        match effect {
            BulkEffect::Run(items, reverting) => {
                let (stop_tx, stop) = tokio::sync::watch::channel(false);
                self.bulk_stop = Some(stop_tx);
                let (events, mut rx) = unbounded_channel();
                // Retries show as the batch's "slowed down", not in the status line.
                let (client, tx) = (self.background.clone(), self.tx.clone());
                // Each write is in the history as soon as it lands (a kill loses at most
                // those in flight).
                let mut options = batch::Options::new(self.concurrency)
                    .recorded(self.state_dir.clone(), self.client.state_key())
                    .reverting(reverting);
                options.policy = self.retry;
                self.bulk_task = Some(tokio::spawn(async move {
                    let forward = async {
                        while let Some(event) = rx.recv().await {
                            let msg = match event {
                                batch::Event::Unrecorded(e) => {
                                    Msg::StateError(StateTrouble::BatchUnrecorded(e))
                                }
                                event => Msg::Bulk(BulkMsg::Event(event)),
                            };
                            let _ = tx.send(msg);
                        }
                    };
                    let (outcomes, ()) =
                        tokio::join!(batch::run(&client, &items, options, events, stop), forward);
                    // The result first; the read-back follows it.
                    let _ = tx.send(Msg::Bulk(BulkMsg::Finished(outcomes.clone())));
                    let read = batch::read_back(&client, &items, &outcomes).await;
                    let _ = tx.send(Msg::Bulk(BulkMsg::ReadBack(read)));
                }));
                vec![]
            }
            BulkEffect::Stop => {
                if let Some(stop) = &self.bulk_stop {
                    let _ = stop.send(true);
                }
                vec![]
            }
            // The batch recorded each write as it landed.
            BulkEffect::Record { .. } => {
                self.bulk_stop = None;
                vec![]
            }
        }
    }

    /// A left-over draft of a gone process to offer for the opened workspace; unreadable
    /// ones are moved aside and said, running processes' drafts are left alone.
    fn load_draft(&mut self, app: &mut App, workspace_id: &str) -> Vec<Effect> {
        // What this process kept a moment ago (going back to the list) is on disk first.
        let _ = self.flush_and_wait();
        let Some(Drafts {
            store: Ok(store), ..
        }) = &self.drafts
        else {
            return vec![];
        };
        let found = store.find(self.client.state_key(), workspace_id);
        let mut effects = vec![];
        for line in found.moved_aside {
            effects.extend(app.update(Msg::DraftLoaded(Err(DraftNotice::MovedAside(line)))));
        }
        if found.live_others > 0 {
            effects.extend(app.update(Msg::DraftLoaded(Err(DraftNotice::HeldElsewhere))));
        }
        if let Some(offer) = found.offer {
            if !offer.older.is_empty() {
                let n = offer.older.len() + 1;
                effects.extend(app.update(Msg::DraftLoaded(Err(DraftNotice::Older(n)))));
            }
            effects.extend(app.update(Msg::DraftLoaded(Ok(Some(offer.draft)))));
            if app.overlay == Some(Overlay::RestoreDraft)
                && let Some(d) = &mut self.drafts
            {
                d.offered = Some(offer.path);
            }
        }
        effects
    }

    /// When the restore question closes with the draft restored or discarded, the left-over
    /// file goes once this process's own draft is written; "not now" leaves it for later.
    fn note_restore_answer(&mut self, asked: bool, app: &App, effects: &[Effect]) {
        let Some(d) = &mut self.drafts else { return };
        if !asked || app.overlay == Some(Overlay::RestoreDraft) {
            return;
        }
        let offered = d.offered.take();
        let taken = effects
            .iter()
            .any(|e| matches!(e, Effect::SaveDraft(_) | Effect::DeleteDraft { .. }));
        if taken {
            d.adopted = offered;
        }
    }

    /// Keeps the latest change; it is written [`DEBOUNCE`] after the first change not yet
    /// written (so a burst of keys is one write, and a crash loses at most that window).
    fn queue_draft(&mut self, op: DraftOp) {
        // One pending change per draft: another draft's waiting change goes to the writer first.
        let other = self
            .drafts
            .as_ref()
            .and_then(|d| d.pending.as_ref())
            .is_some_and(|p| p.op.id() != op.id());
        if other {
            self.send_draft();
        }
        let Some(d) = &mut self.drafts else { return };
        let replaces = d
            .adopted
            .take()
            .or_else(|| d.pending.take().and_then(|p| p.replaces));
        let urgent = replaces.is_some();
        d.pending = Some(DraftWrite { op, replaces });
        d.due
            .get_or_insert_with(|| tokio::time::Instant::now() + DEBOUNCE);
        if urgent {
            self.send_draft();
        }
    }

    /// Hands the pending change to the writer now.
    fn send_draft(&mut self) {
        let Some(d) = &mut self.drafts else { return };
        d.due = None;
        if let Some(write) = d.pending.take() {
            d.writer.write(write);
        }
    }

    /// Writes the pending change and waits for the disk.
    fn flush_and_wait(&mut self) -> Result<(), String> {
        self.send_draft();
        match &self.drafts {
            Some(d) => d.writer.flush(),
            None => Ok(()),
        }
    }

    /// On the way out (quit, signal, end of input): every draft's edits are written once more
    /// (so "quit and keep the draft" always leaves one), or this process's draft removed.
    fn finish(&mut self, app: &App) {
        if self.drafts.is_none() {
            return;
        }
        let mut edits = 0;
        for (id, draft) in app.drafts_now() {
            edits += draft.as_ref().map_or(0, Draft::len);
            self.queue_draft(match draft {
                Some(draft) => DraftOp::Save(Box::new(draft)),
                None => DraftOp::Delete(id),
            });
        }
        if let Err(e) = self.flush_and_wait()
            && edits > 0
        {
            let s = if edits == 1 { "" } else { "s" };
            self.lost = Some(format!(
                "the draft could not be written ({e}); {edits} unsaved edit{s} lost"
            ));
        }
    }
}

async fn sleep_until_due(due: Option<tokio::time::Instant>) {
    match due {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// How a signal is named on screen and on stderr.
pub fn signal_name(n: i32) -> String {
    match n {
        libc::SIGINT => "SIGINT".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGQUIT => "SIGQUIT".into(),
        n => format!("signal {n}"),
    }
}

/// Ctrl-Z suspends in every mode and screen; it never reaches the app.
fn is_suspend(event: &Event) -> bool {
    matches!(event, Event::Key(k) if k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && k.kind != KeyEventKind::Release)
}

/// The submit: the safe write of crate::submit to the loaded uuid, its phases shown as it goes.
async fn submit(
    client: &Client,
    tx: &UnboundedSender<Msg>,
    base: crate::workspace::Workspace,
    patch: crate::workspace::PatchBody,
    policy: RetryPolicy,
) -> WriteOutcome {
    let request = WriteRequest {
        id: base.id(),
        base: &base,
        patch: &patch,
        expects: &[],
        base_is_fresh: false,
    };
    safe_patch(client, request, policy, |phase| {
        let msg = match phase {
            Phase::Sending { .. } => Msg::SubmitSending,
            Phase::Waiting(notice) => Msg::Retrying(notice),
            Phase::Checking | Phase::Rechecking => return,
        };
        let _ = tx.send(msg);
    })
    .await
}

fn draw<H: Host>(host: &mut H, app: &App, theme: &Theme) -> io::Result<()> {
    host.terminal()
        .draw(|frame| view::draw(frame, app, theme))
        .map(|_| ())
        .map_err(|e| io::Error::other(e.to_string()))
}

/// The message for a terminal event; `None` for events the app ignores.
pub fn msg_of(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}
