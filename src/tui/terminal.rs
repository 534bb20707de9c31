//! The real terminal: raw mode, alternate screen, bracketed paste, optional mouse; restored on
//! every exit (normal, error, panic, signal); handed over to $EDITOR and taken back.

use super::runtime::Host;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

static MOUSE: AtomicBool = AtomicBool::new(false);

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

pub struct CrosstermHost {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    events: Option<EventStream>,
    mouse: bool,
    signals: Signals,
    /// The editor command for `e` ($VISUAL, $EDITOR, the config file, or vi).
    editor: String,
}

impl CrosstermHost {
    /// Takes over the terminal; it is given back when the host is dropped.
    pub fn new(mouse: bool, editor: String) -> io::Result<Self> {
        install_panic_hook();
        enter(mouse).inspect_err(|_| restore())?;
        let terminal =
            Terminal::new(CrosstermBackend::new(io::stdout())).inspect_err(|_| restore())?;
        Ok(Self {
            terminal,
            events: Some(EventStream::new()),
            mouse,
            signals: Signals::new(),
            editor,
        })
    }
}

impl Drop for CrosstermHost {
    fn drop(&mut self) {
        restore();
    }
}

impl Host for CrosstermHost {
    type B = CrosstermBackend<Stdout>;

    fn terminal(&mut self) -> &mut Terminal<Self::B> {
        &mut self.terminal
    }

    async fn next_event(&mut self) -> Option<io::Result<Event>> {
        let Some(events) = &mut self.events else {
            return std::future::pending().await;
        };
        tokio::select! {
            event = events.next() => event,
            () = self.signals.recv() => None,
        }
    }

    fn run_editor(&mut self, text: &str) -> Result<String, String> {
        // The event reader would steal the editor's keystrokes: stop it while the editor runs.
        self.events = None;
        restore();
        let result = super::external_editor::edit(&self.editor, text);
        let back = enter(self.mouse).and_then(|()| {
            // The editor left its own screen behind: clear it and redraw everything.
            execute!(
                io::stdout(),
                crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
            )?;
            self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            Ok(())
        });
        self.events = Some(EventStream::new());
        back.map_err(|e| format!("could not take the terminal back: {e}"))?;
        result
    }
}

/// SIGTERM and SIGHUP, so a killed terminal still gets restored and drafts flushed.
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = signal(SignalKind::terminate())
                .and_then(|t| Ok((t, signal(SignalKind::hangup())?)))
                .ok();
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some((term, hup)) = &mut self.streams {
            tokio::select! {
                _ = term.recv() => return,
                _ = hup.recv() => return,
            }
        }
        std::future::pending().await
    }
}
