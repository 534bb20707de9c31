//! A host for tests: keys come from a channel, frames go to a `TestBackend`, and the latest
//! frame is published as text so a test can wait for what a person would see.

use super::external_editor::EditorError;
use super::runtime::Host;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The editor of a test: the text and the file name it would be edited in.
type EditorFn = Box<dyn FnMut(&str, &str) -> Result<String, EditorError> + Send>;
type SuspendFn = Box<dyn FnMut() + Send>;

pub struct TestHost {
    terminal: Terminal<TestBackend>,
    events: UnboundedReceiver<Event>,
    screen: Arc<Mutex<String>>,
    editor: EditorFn,
    suspend: SuspendFn,
    /// A frame may have been drawn since the screen was last published.
    drawn: bool,
    /// Frames drawn so far.
    draws: Arc<AtomicUsize>,
}

/// The test's side: send keys, read the screen.
#[derive(Clone)]
pub struct TestDriver {
    events: UnboundedSender<Event>,
    screen: Arc<Mutex<String>>,
    draws: Arc<AtomicUsize>,
}

impl TestHost {
    pub fn new(width: u16, height: u16) -> (Self, TestDriver) {
        let (tx, rx) = unbounded_channel();
        let screen = Arc::new(Mutex::new(String::new()));
        let draws = Arc::new(AtomicUsize::new(0));
        let host = Self {
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {}),
            events: rx,
            screen: screen.clone(),
            editor: Box::new(|_, _| Err(EditorError::NoneInTests)),
            suspend: Box::new(|| {}),
            drawn: true,
            draws: draws.clone(),
        };
        let driver = TestDriver {
            events: tx,
            screen,
            draws,
        };
        (host, driver)
    }

    /// Replaces $EDITOR with a function of the text and the file's name.
    pub fn with_editor(mut self, editor: EditorFn) -> Self {
        self.editor = editor;
        self
    }

    /// Runs `f` where the process would stop on Ctrl-Z (to see what is on disk by then).
    pub fn with_suspend(mut self, f: SuspendFn) -> Self {
        self.suspend = f;
        self
    }

    fn publish(&self) {
        let text = buffer_text(self.terminal.backend().buffer());
        if let Ok(mut screen) = self.screen.lock() {
            *screen = text;
        }
    }
}

/// A buffer as lines of text, trailing spaces trimmed.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            // Wide characters occupy two cells; the second holds no symbol of its own.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl Host for TestHost {
    type B = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        // The loop asks for the terminal only to draw a frame.
        self.draws.fetch_add(1, Ordering::Relaxed);
        self.drawn = true;
        &mut self.terminal
    }

    async fn next_event(&mut self) -> Option<io::Result<Event>> {
        // The loop draws before it waits, so this is the frame a person would be looking at.
        if std::mem::take(&mut self.drawn) {
            self.publish();
        }
        self.events.recv().await.map(Ok)
    }

    fn run_editor(&mut self, text: &str, file: &str) -> Result<String, EditorError> {
        (self.editor)(text, file)
    }

    fn suspend(&mut self) -> io::Result<()> {
        (self.suspend)();
        Ok(())
    }

    async fn input_pending(&mut self) -> bool {
        !self.events.is_empty()
    }
}

impl TestDriver {
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
    }

    pub fn key(&self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&self, c: char) {
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    pub fn text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn paste(&self, text: &str) {
        self.send(Event::Paste(text.to_string()));
    }

    /// How many frames the loop has drawn.
    pub fn draws(&self) -> usize {
        self.draws.load(Ordering::Relaxed)
    }

    pub fn screen(&self) -> String {
        self.screen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until the screen shows `needle`, or panics with the screen after `timeout`.
    pub async fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {needle:?}; the screen shows:\n{screen}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
