//! The TUI's loop run in a task on a test terminal: the setup each loop test used to copy.

use std::path::Path;
use std::time::Duration;

use crossterm::event::KeyCode;
use orws::api::Client;
use orws::fake::{FakeConfig, FakeServer};
use orws::state::history::{self, HistoryEntry};
use orws::tui::app::{App, Effect};
use orws::tui::runtime::Runtime;
use orws::tui::test_host::{TestDriver, TestHost};
use orws::tui::theme::Theme;
use orws::workspace::PatchBody;
use tokio::task::JoinHandle;

/// How long a test waits for the screen to show something.
pub const WAIT: Duration = Duration::from_secs(10);

/// The fake on `config`, on a free loopback port.
pub async fn fake_with(config: FakeConfig) -> FakeServer {
    orws::fake::start(config).await.expect("fake server starts")
}

/// The fake with its default seed.
pub async fn fake() -> FakeServer {
    fake_with(FakeConfig::default()).await
}

/// A loop not started yet: the app and the runtime, to adjust before `spawn`.
pub struct Setup {
    host: TestHost,
    ui: TestDriver,
    pub app: App,
    first: Vec<Effect>,
    pub runtime: Runtime,
}

impl Setup {
    /// On a 100×30 terminal, straight into `workspace` or on the picker.
    pub fn new(client: Client, workspace: Option<&str>) -> Self {
        Self::sized(client, workspace, 100, 30)
    }

    pub fn sized(client: Client, workspace: Option<&str>, width: u16, height: u16) -> Self {
        let (host, ui) = TestHost::new(width, height);
        let (app, first) = App::new(client.host(), workspace.map(str::to_string));
        Self {
            host,
            ui,
            app,
            first,
            // No test waits a real `Retry-After` (`real_waits` for one that must).
            runtime: Runtime::new(client).with_retry(orws::write::RetryPolicy::without_waiting()),
        }
    }

    /// Retries wait as in production (a test that acts during the wait).
    pub fn real_waits(mut self) -> Self {
        self.runtime = self.runtime.with_retry(orws::write::RetryPolicy::default());
        self
    }

    /// The first read starts before the loop, as `orws` starts it (while the terminal is
    /// taken over), and the first frame waits up to `grace` for it.
    pub fn first_read_early(mut self, grace: Duration) -> Self {
        let first = std::mem::take(&mut self.first);
        self.first = self.runtime.start_loads(first);
        self.runtime = self.runtime.with_first_read_grace(grace);
        self
    }

    /// Drafts and history under `dir`.
    pub fn state(mut self, dir: &Path) -> Self {
        self.runtime = self.runtime.with_state_dir(Some(dir.to_path_buf()));
        self
    }

    /// The test terminal changed (an editor, a suspend hook).
    pub fn host(mut self, change: impl FnOnce(TestHost) -> TestHost) -> Self {
        self.host = change(self.host);
        self
    }

    /// The loop in a task; the task gives the app back when the loop ends, and fails if the
    /// loop returned an error.
    pub fn spawn(self) -> (TestDriver, JoinHandle<App>) {
        let Self {
            mut host,
            ui,
            mut app,
            first,
            mut runtime,
        } = self;
        let task = tokio::spawn(async move {
            runtime
                .run(&mut host, &mut app, &Theme::new(false), first)
                .await
                .expect("loop runs");
            app
        });
        (ui, task)
    }
}

/// The loop on a 100×30 terminal, no state dir: `Setup::new(..).spawn()`.
pub fn start(client: Client, workspace: Option<&str>) -> (TestDriver, JoinHandle<App>) {
    Setup::new(client, workspace).spawn()
}

/// A change made earlier, for the History to undo: the fake's `id` holds the description
/// "changed" (set through `client`), and a fresh state dir's history holds its entry.
pub async fn a_change_in_history(client: &Client, id: &str) -> (tempfile::TempDir, HistoryEntry) {
    let before = client.get(id).await.unwrap();
    let fields = serde_json::json!({"description": "changed"});
    let patch = PatchBody::from_fields(fields.as_object().unwrap().clone());
    let after = client.patch(id, &patch).await.unwrap();
    let state = tempfile::tempdir().unwrap();
    let entry = HistoryEntry::new(
        "2026-11-29T14:05:09Z".into(),
        client.host(),
        &patch,
        &before,
        &after,
    );
    history::append(state.path(), &entry).unwrap();
    (state, entry)
}

/// From the picker: H opens the History on that change, u opens the Review of its undo.
pub async fn undo_from_history(ui: &TestDriver) {
    ui.wait_for("production", WAIT).await;
    ui.key(KeyCode::Char('H'));
    ui.wait_for("\"changed\"", WAIT).await;
    ui.key(KeyCode::Char('u'));
    ui.wait_for(r#""description": "Production environment workspace""#, WAIT)
        .await;
}

/// From the picker: find Development, D, and type its slug to confirm the guided delete of a
/// workspace without keys; the Review of the DELETE is next.
pub async fn delete_development(ui: &TestDriver) {
    ui.key(KeyCode::Char('/'));
    ui.text("Development");
    ui.key(KeyCode::Enter);
    ui.key(KeyCode::Char('D'));
    ui.wait_for("No API keys left in it", WAIT).await;
    ui.text("dev");
    ui.key(KeyCode::Enter);
}

/// In a running loop: `x` on a key asks for its name; read it off the question, type it and
/// press Enter (the delete's Review opens).
pub async fn confirm_key_delete(ui: &TestDriver) {
    const TITLE: &str = "Delete key \"";
    let screen = ui.wait_for(TITLE, WAIT).await;
    let at = screen.find(TITLE).expect("the question's title") + TITLE.len();
    let name: String = screen[at..].chars().take_while(|c| *c != '"').collect();
    for c in name.chars() {
        ui.key(KeyCode::Char(c));
    }
    ui.key(KeyCode::Enter);
}
