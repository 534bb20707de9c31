//! Where a new key's secret goes, exactly one place (product.md §12, §15): a 0600 file that did
//! not exist (never over a file, never through a link), a command's stdin (`sh -c`, without
//! `OPENROUTER_*` in its environment), or stdout alone on one line. Checked before the key is
//! made; the secret itself is never in an error line.

use crate::admin::key_labels::Secret;
use crate::error::RunError;
use crate::text::escape;
use std::io::Write;
use std::path::PathBuf;

/// The one place the secret goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    Command(String),
    Stdout,
}

impl Destination {
    pub fn new(file: Option<PathBuf>, command: Option<String>) -> Self {
        match (file, command) {
            (Some(f), _) => Destination::File(f),
            (None, Some(c)) => Destination::Command(c),
            (None, None) => Destination::Stdout,
        }
    }

    /// Where it went, for a line on the terminal.
    pub fn describe(&self) -> String {
        match self {
            Destination::File(p) => format!("the file {}", escape(&p.display().to_string())),
            Destination::Command(c) => format!("the command '{}'", escape(c)),
            Destination::Stdout => "stdout".into(),
        }
    }

    /// Before any request: a file must not exist (nor be a link, even a dangling one) and its
    /// folder must; a command must not be empty. Exit 2 otherwise.
    pub fn check(&self) -> Result<(), RunError> {
        match self {
            Destination::File(path) => crate::state::secret_file::check_new(path).map_err(|why| {
                RunError::usage(format!(
                    "--secret-file {}: {why}; nothing was sent",
                    escape(&path.display().to_string())
                ))
            }),
            Destination::Command(c) if c.trim().is_empty() => Err(RunError::usage(
                "--secret-cmd: the command is empty; nothing was sent",
            )),
            Destination::Command(_) | Destination::Stdout => Ok(()),
        }
    }

    /// Sends the secret there. `Ok(Some(text))`: what stdout prints (the secret alone on one
    /// line); `Err`: why it did not get there (never the secret).
    pub fn deliver(&self, secret: &Secret) -> Result<Option<String>, String> {
        match self {
            Destination::File(path) => write_file(path, secret).map(|()| None),
            Destination::Command(c) => run_command(c, secret).map(|()| None),
            Destination::Stdout => Ok(Some(format!("{}\n", secret.expose()))),
        }
    }
}

fn write_file(path: &std::path::Path, secret: &Secret) -> Result<(), String> {
    crate::state::secret_file::write_new(path, secret)
}

/// `sh -c CMD` with the secret on its stdin; its stdout goes to orws's stderr (stdout is for
/// orws's result), its stderr is inherited; its environment lacks `OPENROUTER_*`.
fn run_command(cmd: &str, secret: &Secret) -> Result<(), String> {
    use std::os::fd::AsFd;
    use std::process::Stdio;
    let shown = escape(cmd).into_owned();
    let out = std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null());
    let mut command = crate::shell::command(cmd);
    command
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(Stdio::inherit());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run the command '{shown}': {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin gets EPIPE here; its exit status decides.
        let _ = stdin
            .write_all(secret.expose().as_bytes())
            .and_then(|()| stdin.write_all(b"\n"));
    }
    let status = child
        .wait()
        .map_err(|e| format!("the command '{shown}' could not be waited for: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the command '{shown}' failed ({status})"))
    }
}
