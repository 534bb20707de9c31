//! The real terminal: raw mode, alternate screen, bracketed paste, optional mouse; restored on
//! every exit (normal, error, panic, SIGTERM, SIGHUP, SIGINT, SIGQUIT); handed over to
//! $EDITOR and taken back; given back on Ctrl-Z / SIGTSTP and taken again on SIGCONT.

use super::runtime::Host;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyCode, KeyEvent, KeyModifiers,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, BufWriter, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

static MOUSE: AtomicBool = AtomicBool::new(false);

/// What frames are written to: stdout behind a buffer that holds a whole frame, so a frame
/// is one write to the terminal (stdout's own buffer is line-sized: a full 120×40 frame was
/// 9 writes, 9 wake-ups of the terminal, ~0.3 ms of the first form). ratatui flushes it at
/// the end of every draw.
type Out = BufWriter<Stdout>;

/// A full frame at 120×40 in colour is ~15 KB.
const FRAME_BUFFER: usize = 32 << 10;

fn backend() -> CrosstermBackend<Out> {
    CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER, io::stdout()))
}

/// Leaves every mode orws entered. Safe to call twice, and from a panic hook.
pub fn restore() {
    let mut out = io::stdout();
    if MOUSE.load(Ordering::Relaxed) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

fn enter(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    if mouse {
        MOUSE.store(true, Ordering::Relaxed);
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Restores the terminal before the panic message is printed, so it is readable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// The host's parts that change nothing on the terminal: the two frame buffers (half a
/// megabyte at 120×40) and crossterm's event reader with its thread. Nothing is read from
/// the terminal until the loop asks.
fn parts() -> io::Result<(Terminal<CrosstermBackend<Out>>, EventStream)> {
    let terminal = Terminal::new(backend())?;
    Ok((terminal, EventStream::new()))
}

/// The panic hook, raw mode and the alternate screen; the terminal restored if a step fails.
fn enter_for_good(mouse: bool) -> io::Result<()> {
    install_panic_hook();
    enter(mouse).inspect_err(|_| restore())
}

/// [`parts`], being made on a thread of its own since [`prepare`] was called.
pub struct Prepared(
    tokio::sync::oneshot::Receiver<io::Result<(Terminal<CrosstermBackend<Out>>, EventStream)>>,
);

/// Starts making the host's parts on a thread, from the start of `orws [WORKSPACE]`, while
/// the settings are read and the connection set up: the terminal itself is not touched (a
/// key command may still prompt on it) until [`CrosstermHost::start`].
pub fn prepare() -> Prepared {
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Without the thread, the receiver says so (its sender is gone).
    let _ = std::thread::Builder::new()
        .name("orws-terminal".into())
        .spawn(move || {
            let parts = parts();
            crate::startup::mark("terminal_parts");
            let _ = tx.send(parts);
        });
    Prepared(rx)
}

pub struct CrosstermHost {
    terminal: Terminal<CrosstermBackend<Out>>,
    events: Option<EventStream>,
    /// An event read ahead by `input_pending`, handed out first.
    ahead: Option<io::Result<Event>>,
    mouse: bool,
    signals: Signals,
    /// The editor command for `e` ($VISUAL, $EDITOR, the config file, or vi).
    editor: String,
    /// The signal number that stopped the loop, for the exit code (128 + n).
    stopped_by: Option<i32>,
}

impl CrosstermHost {
    /// Takes the terminal over (raw mode, the alternate screen) once the parts [`prepare`]
    /// makes are ready; it is given back when the host is dropped. Must be awaited inside the tokio
    /// runtime (for the signal handlers).
    pub async fn start(prepared: Prepared, mouse: bool, editor: String) -> io::Result<Self> {
        let (terminal, events) = prepared
            .0
            .await
            .map_err(|_| io::Error::other("the terminal's setup ended without an answer"))??;
        enter_for_good(mouse)?;
        crate::startup::mark("terminal_entered");
        Ok(Self::with(terminal, events, mouse, editor))
    }

    fn with(
        terminal: Terminal<CrosstermBackend<Out>>,
        events: EventStream,
        mouse: bool,
        editor: String,
    ) -> Self {
        Self {
            terminal,
            events: Some(events),
            ahead: None,
            mouse,
            signals: Signals::new(),
            editor,
            stopped_by: None,
        }
    }

    /// The signal that ended the loop (SIGTERM, SIGHUP, SIGINT, SIGQUIT), if one did.
    pub fn stopped_by(&self) -> Option<i32> {
        self.stopped_by
    }
}

impl Drop for CrosstermHost {
    fn drop(&mut self) {
        restore();
    }
}

impl Host for CrosstermHost {
    type B = CrosstermBackend<Out>;

    fn terminal(&mut self) -> &mut Terminal<Self::B> {
        &mut self.terminal
    }

    async fn next_event(&mut self) -> Option<io::Result<Event>> {
        if let Some(event) = self.ahead.take() {
            return Some(event);
        }
        let Some(events) = &mut self.events else {
            return std::future::pending().await;
        };
        let signal = tokio::select! {
            event = events.next() => return event,
            signal = self.signals.recv() => signal,
        };
        match signal {
            Signal::Stop(n) => {
                self.stopped_by = Some(n);
                None
            }
            // The same path as the key: the runtime flushes the draft, then calls `suspend`.
            Signal::Suspend => Some(Ok(Event::Key(KeyEvent::new(
                KeyCode::Char('z'),
                KeyModifiers::CONTROL,
            )))),
            // Stopped and continued from outside (SIGSTOP, then SIGCONT): the shell may have
            // reset the terminal; take it again and have everything redrawn.
            Signal::Continue => Some(self.take_back().map(|()| {
                let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
                Event::Resize(w, h)
            })),
        }
    }

    fn stopped_by(&self) -> Option<i32> {
        self.stopped_by
    }

    async fn next_stop(&mut self) -> i32 {
        loop {
            // Ctrl-Z and SIGCONT wait: the writes in flight are settling.
            if let Signal::Stop(n) = self.signals.recv().await {
                self.stopped_by = Some(n);
                return n;
            }
        }
    }

    async fn input_pending(&mut self) -> bool {
        use futures_util::StreamExt;
        if self.ahead.is_none()
            && let Some(events) = &mut self.events
        {
            // Polled once with this task's own waker: when nothing is ready, the stream's
            // wake-up is registered for the loop (a throwaway waker would lose it).
            let polled =
                std::future::poll_fn(|cx| std::task::Poll::Ready(events.poll_next_unpin(cx))).await;
            if let std::task::Poll::Ready(Some(event)) = polled {
                self.ahead = Some(event);
            }
        }
        self.ahead.is_some()
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.events = None;
        restore();
        #[cfg(unix)]
        // SAFETY: raise only sends a signal to this process. SIGSTOP cannot be caught, so this
        // returns once the process is continued (`fg`, SIGCONT).
        unsafe {
            libc::raise(libc::SIGSTOP);
        }
        let back = self.take_back();
        self.events = Some(EventStream::new());
        back
    }

    fn run_editor(
        &mut self,
        text: &str,
        file: &str,
    ) -> Result<String, super::external_editor::EditorError> {
        // The event reader would steal the editor's keystrokes: stop it while the editor runs.
        self.events = None;
        restore();
        let result = super::external_editor::edit(&self.editor, text, file);
        let back = self.take_back();
        self.events = Some(EventStream::new());
        back.map_err(super::external_editor::EditorError::TerminalLost)?;
        result
    }
}

impl CrosstermHost {
    /// Raw mode and the alternate screen again after the terminal was given away, and a new
    /// `Terminal`, so the next draw repaints everything.
    fn take_back(&mut self) -> io::Result<()> {
        enter(self.mouse)?;
        // Whatever ran meanwhile left its own screen behind: clear it.
        execute!(
            io::stdout(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
        self.terminal = Terminal::new(backend())?;
        Ok(())
    }
}

/// What a signal asks of the loop.
enum Signal {
    /// SIGTERM, SIGHUP, SIGINT, SIGQUIT (the number): the writes in flight settle and are
    /// recorded (not for SIGQUIT, nor a second signal), the draft is flushed, the terminal
    /// restored, and orws exits with 128 + the number.
    Stop(i32),
    /// SIGTSTP: as Ctrl-Z.
    Suspend,
    /// SIGCONT: take the terminal again and redraw.
    Continue,
}

/// The signals orws catches, so a killed or suspended terminal is still restored and the draft
/// flushed. (SIGKILL and SIGSTOP cannot be caught; what they cut is bounded by the debounce.)
struct Signals {
    #[cfg(unix)]
    streams: Vec<(tokio::signal::unix::Signal, fn() -> Signal)>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds: [(SignalKind, fn() -> Signal); 6] = [
                (SignalKind::terminate(), || Signal::Stop(libc::SIGTERM)),
                (SignalKind::hangup(), || Signal::Stop(libc::SIGHUP)),
                (SignalKind::interrupt(), || Signal::Stop(libc::SIGINT)),
                (SignalKind::quit(), || Signal::Stop(libc::SIGQUIT)),
                (SignalKind::from_raw(libc::SIGTSTP), || Signal::Suspend),
                (SignalKind::from_raw(libc::SIGCONT), || Signal::Continue),
            ];
            let streams = kinds
                .into_iter()
                .filter_map(|(kind, what)| signal(kind).ok().map(|s| (s, what)))
                .collect();
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        if !self.streams.is_empty() {
            let waits = self.streams.iter_mut().map(|(stream, what)| {
                let what = *what;
                Box::pin(async move {
                    stream.recv().await;
                    what()
                })
            });
            return futures_util::future::select_all(waits).await.0;
        }
        std::future::pending().await
    }
}
