//! The loop: messages in (terminal events, task results, animation ticks), effects out.
//! Generic over the terminal, so tests drive it with injected keys and a `TestBackend`.

use super::app::{App, Effect, Msg};
use super::theme::Theme;
use super::view;
use crate::api::Client;
use crate::state::drafts::{self, Draft};
use crate::state::history::{self, HistoryEntry};
use crate::submit::{Phase, RetryPolicy, WriteOutcome, WriteRequest, safe_patch};
use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;
use std::path::PathBuf;
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
    /// Hands the terminal to $VISUAL / $EDITOR on `text` and returns the edited text.
    fn run_editor(&mut self, text: &str) -> Result<String, String>;
}

/// The spinner's frame interval while a request is in flight.
const FRAME: Duration = Duration::from_millis(80);

pub struct Runtime {
    client: Client,
    /// The same connection without the retry hook: the background catalog fetch retries
    /// quietly, so its notices never stand in the status line for the person's own request.
    background: Client,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    submit: Option<JoinHandle<()>>,
    /// Where drafts and history live; `None` keeps nothing on disk.
    state_dir: Option<PathBuf>,
    /// The latest draft change, written after the frame is drawn so typing stays quick.
    pending_draft: Option<DraftWrite>,
    /// Where the model catalog is cached; `None` fetches it every time.
    cache_dir: Option<PathBuf>,
}

#[derive(Debug)]
enum DraftWrite {
    Save(Box<Draft>),
    Delete(String),
}

impl Runtime {
    /// A runtime and the sender that task results (and retry notices) come back on.
    pub fn new(client: Client) -> Self {
        let (tx, rx) = unbounded_channel();
        let notices = tx.clone();
        // Retries of the person's own requests show in the status line as they happen.
        let foreground = client
            .clone()
            .with_retry_hook(std::sync::Arc::new(move |n| {
                let _ = notices.send(Msg::Retrying(n.clone()));
            }));
        Self {
            background: client,
            client: foreground,
            tx,
            rx,
            submit: None,
            state_dir: None,
            pending_draft: None,
            cache_dir: None,
        }
    }

    /// Caches the model catalog under `dir`.
    pub fn with_cache_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.cache_dir = dir;
        self
    }

    /// Keeps drafts and history under `dir`.
    pub fn with_state_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.state_dir = dir;
        self
    }

    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
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
        loop {
            if app.quit {
                self.flush_draft();
                return Ok(());
            }
            // Skip the frame when more messages are already queued: they change it again.
            if self.rx.is_empty() {
                draw(host, app, theme)?;
                self.flush_draft();
            }
            let busy = app.is_busy();
            if busy && busy_since.is_none() {
                busy_since = Some(Instant::now());
                ticker.reset();
            } else if !busy {
                busy_since = None;
            }
            let msg = tokio::select! {
                biased;
                Some(msg) = self.rx.recv() => msg,
                event = host.next_event() => match event {
                    Some(Ok(event)) => match msg_of(event) {
                        Some(msg) => msg,
                        None => continue,
                    },
                    Some(Err(e)) => {
                        self.flush_draft();
                        return Err(e);
                    }
                    None => {
                        self.flush_draft();
                        return Ok(());
                    }
                },
                _ = ticker.tick(), if busy => {
                    Msg::Tick(busy_since.map(|t| t.elapsed()).unwrap_or_default())
                }
            };
            let effects = app.update(msg);
            self.run_effects(host, app, effects);
        }
    }

    fn run_effects<H: Host>(&mut self, host: &mut H, app: &mut App, effects: Vec<Effect>) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::LoadList => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let result = client
                            .list_with_progress(|page, total| {
                                let page = page.to_vec();
                                let _ = tx.send(Msg::ListPage { page, total });
                            })
                            .await;
                        let _ = tx.send(Msg::ListLoaded(result));
                    });
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
                Effect::LoadWorkspace(target) => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    tokio::spawn(async move {
                        let _ = tx.send(Msg::WorkspaceLoaded(client.get(&target).await));
                    });
                }
                Effect::Submit { base, patch } => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    if let Some(old) = self.submit.take() {
                        old.abort();
                    }
                    self.submit = Some(tokio::spawn(async move {
                        let _ = tx.send(Msg::Written(submit(&client, &tx, base, patch).await));
                    }));
                }
                Effect::CancelSubmit { reread } => {
                    if let Some(task) = self.submit.take() {
                        task.abort();
                    }
                    if let Some(id) = reread {
                        let (client, tx) = (self.client.clone(), self.tx.clone());
                        self.submit = Some(tokio::spawn(async move {
                            let _ = tx.send(Msg::Reread(client.get(&id).await));
                        }));
                    }
                }
                Effect::Recheck { id, after } => {
                    let (client, tx) = (self.client.clone(), self.tx.clone());
                    if let Some(old) = self.submit.take() {
                        old.abort();
                    }
                    // Kept in the submit slot: a new submit or cancel ends the checking.
                    self.submit = Some(tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = tx.send(Msg::Reread(client.get(&id).await));
                    }));
                }
                Effect::OpenEditor { text } => {
                    let result = host.run_editor(&text);
                    queue.extend(app.update(Msg::EditorClosed(result)));
                }
                Effect::LoadDraft { workspace_id } => {
                    let found = match &self.state_dir {
                        Some(dir) => drafts::load(dir, self.client.host(), &workspace_id),
                        None => Ok(None),
                    };
                    queue.extend(app.update(Msg::DraftLoaded(found)));
                }
                Effect::SaveDraft(draft) => {
                    self.pending_draft = Some(DraftWrite::Save(Box::new(draft)));
                }
                Effect::DeleteDraft { workspace_id } => {
                    self.pending_draft = Some(DraftWrite::Delete(workspace_id));
                }
                Effect::RecordHistory {
                    patch,
                    before,
                    after,
                } => {
                    if let Some(dir) = &self.state_dir {
                        let entry = HistoryEntry::new(
                            crate::state::now_rfc3339(),
                            self.client.host(),
                            &patch,
                            &before,
                            &after,
                        );
                        if let Err(e) = history::append(dir, &entry) {
                            let msg = format!("Saved, but the history could not be written: {e}");
                            queue.extend(app.update(Msg::StateError(msg)));
                        }
                    }
                }
                Effect::Quit => app.quit = true,
            }
        }
    }

    /// Writes the latest draft change, if any.
    fn flush_draft(&mut self) {
        let (Some(dir), Some(write)) = (&self.state_dir, self.pending_draft.take()) else {
            return;
        };
        let host = self.client.host();
        let result = match write {
            DraftWrite::Save(mut draft) => {
                draft.saved_at = crate::state::now_rfc3339();
                drafts::save(dir, &draft)
            }
            DraftWrite::Delete(id) => drafts::remove(dir, host, &id),
        };
        if let Err(e) = result {
            let _ = self.tx.send(Msg::StateError(format!(
                "The draft could not be written: {e}"
            )));
        }
    }
}

/// The submit: the safe write of crate::submit to the loaded uuid, its phases shown as it goes.
async fn submit(
    client: &Client,
    tx: &UnboundedSender<Msg>,
    base: crate::workspace::Workspace,
    patch: crate::workspace::PatchBody,
) -> WriteOutcome {
    let request = WriteRequest {
        id: base.id(),
        base: &base,
        patch: &patch,
        expects: &[],
        base_is_fresh: false,
    };
    safe_patch(client, request, RetryPolicy::default(), |phase| {
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
