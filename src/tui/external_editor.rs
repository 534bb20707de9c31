//! $VISUAL / $EDITOR on a temporary file: 0600, in a private (0700) directory of its own,
//! and without the API key in the editor's environment (nor its plugins' and servers').

use std::io::Write;
use std::process::{Command, ExitStatus};

/// Why the editor gave no text back: one readable line for the status line.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    /// The temporary file (or its directory) could not be made, written or read back.
    #[error("cannot {step}: {source}")]
    File {
        /// What was being done, e.g. "create a temporary file".
        step: &'static str,
        source: std::io::Error,
    },
    /// The editor ran and exited with a failure.
    #[error("{command} exited with {status}; the field is unchanged")]
    Failed { command: String, status: ExitStatus },
    /// The editor could not be started.
    #[error("cannot run {command}: {source}")]
    NotRun {
        command: String,
        source: std::io::Error,
    },
    /// The editor ran, but the terminal could not be taken back after it.
    #[error("could not take the terminal back: {0}")]
    TerminalLost(std::io::Error),
    /// The test host has no editor.
    #[error("no editor in tests")]
    NoneInTests,
}

/// [`EditorError::File`] for `step`.
fn file_step(step: &'static str) -> impl FnOnce(std::io::Error) -> EditorError {
    move |source| EditorError::File { step, source }
}

/// Environment variables the editor never sees: the key, and where it is kept.
fn is_secret(name: &str) -> bool {
    name.starts_with("OPENROUTER_")
}

/// The temporary file's name: `file`'s last component, named for its content (`….json`,
/// `….md`) so the editor picks its syntax; `edit.txt` when it names nothing usable.
fn file_name(file: &str) -> String {
    let name = std::path::Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        name.to_string()
    } else {
        "edit.txt".to_string()
    }
}

/// The text handed back to the editor when what came back could not be taken (as
/// `kubectl edit` does): the reason as leading `//` lines (JSON, product.md §15), then the
/// person's own text, any reason lines of an earlier round taken off first.
pub fn with_json_reason(reason: &str, text: &str) -> String {
    let mut out = String::new();
    for line in reason.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("// Fix it and save, or quit without changing anything to keep the old value.\n");
    out.push_str("// Lines starting with // at the top are removed before the JSON is read.\n");
    let body = strip_json_reasons(text);
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The text without its leading `//` lines (the reasons orws put there, or the person's own
/// notes above the JSON).
pub fn strip_json_reasons(text: &str) -> &str {
    let mut rest = text;
    while rest.trim_start_matches([' ', '\t']).starts_with("//") {
        rest = match rest.find('\n') {
            Some(i) => &rest[i + 1..],
            None => "",
        };
    }
    rest
}

/// Runs the editor `command` on `text` in a file named `file` (for its content: `….json`)
/// and returns what the file holds when it exits successfully.
pub fn edit(command: &str, text: &str, file: &str) -> Result<String, EditorError> {
    edit_with_env(command, text, file, std::env::vars_os())
}

/// [`edit`] with the editor's environment taken from `env`, less the secrets.
fn edit_with_env(
    command: &str,
    text: &str,
    file: &str,
    env: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Result<String, EditorError> {
    // The directory (and the file in it) go away when `dir` is dropped.
    let dir = tempfile::Builder::new()
        .prefix("orws-")
        .tempdir()
        .map_err(file_step("create a temporary directory"))?;
    crate::state::private_dir(dir.path())
        .map_err(file_step("make the temporary directory private"))?;
    let path = dir.path().join(file_name(file));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .map_err(file_step("create a temporary file"))?;
    // A final newline, as editors expect; the form drops it again.
    let text = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    file.write_all(text.as_bytes())
        .map_err(file_step("write the temporary file"))?;
    drop(file);
    // Through the shell, so EDITOR="code --wait" works as it does for git.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("orws-editor")
        .arg(&path)
        .env_clear()
        .envs(env.filter(|(name, _)| !is_secret(&name.to_string_lossy())));
    match cmd.status() {
        Ok(s) if s.success() => {
            std::fs::read_to_string(&path).map_err(file_step("read the edited text"))
        }
        Ok(status) => Err(EditorError::Failed {
            command: command.to_string(),
            status,
        }),
        Err(source) => Err(EditorError::NotRun {
            command: command.to_string(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &std::path::Path, body: &str) -> String {
        let path = dir.join("editor.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    #[test]
    fn the_editor_gets_the_text_and_its_result_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(
            dir.path(),
            r#"sed -i 's/old/new/' "$1"; echo 'second line' >> "$1""#,
        );
        assert_eq!(
            edit(&editor, "the old text", "description.md").unwrap(),
            "the new text\nsecond line\n"
        );
    }

    #[test]
    fn an_editor_with_arguments_works_like_git() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(
            dir.path(),
            r#"[ "$1" = "--wait" ] && printf 'waited' > "$2""#,
        );
        assert_eq!(
            edit(&format!("{editor} --wait"), "x", "name.txt").unwrap(),
            "waited"
        );
    }

    /// The editor (and every plugin it starts) must not see the key; the file it edits is
    /// 0600 in a 0700 directory of its own. The script writes what it sees to a report file.
    #[test]
    fn the_editor_gets_no_key_and_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report");
        let editor = script(
            dir.path(),
            &format!(
                r#"env > "{r}.env"; stat -c '%a' "$1" "$(dirname "$1")" > "{r}.modes""#,
                r = report.display()
            ),
        );
        let env = std::env::vars_os().chain([(
            "OPENROUTER_API_KEY".into(),
            "sk-or-v1-secret-for-the-test".into(),
        )]);
        edit_with_env(&editor, "x", "name.txt", env).unwrap();
        let env = std::fs::read_to_string(dir.path().join("report.env")).unwrap();
        assert!(env.contains("PATH="), "the rest of the environment is kept");
        assert!(!env.contains("OPENROUTER_API_KEY"), "{env}");
        assert!(!env.contains("sk-or-v1-secret"), "{env}");
        let modes = std::fs::read_to_string(dir.path().join("report.modes")).unwrap();
        assert_eq!(modes.split_whitespace().collect::<Vec<_>>(), ["600", "700"]);
    }

    #[test]
    fn a_failing_editor_leaves_the_field_alone() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "exit 3");
        let err = edit(&editor, "x", "name.txt").unwrap_err();
        assert!(err.to_string().contains("unchanged"), "{err}");
    }

    /// The file is named for its content, so the editor knows its syntax; a name that could
    /// leave the private directory is not used.
    #[test]
    fn the_file_is_named_for_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report");
        let editor = script(
            dir.path(),
            &format!(r#"basename "$1" >> "{}""#, report.display()),
        );
        edit(&editor, "[]", "content_filters.json").unwrap();
        edit(&editor, "x", "../../etc/passwd").unwrap();
        edit(&editor, "x", "..").unwrap();
        let names = std::fs::read_to_string(&report).unwrap();
        assert_eq!(
            names.lines().collect::<Vec<_>>(),
            ["content_filters.json", "passwd", "edit.txt"]
        );
    }

    #[test]
    fn reasons_go_on_top_as_comments_and_come_off_before_parsing() {
        let first = with_json_reason("not JSON (EOF at line 1)", "[{\"pattern\": ");
        assert!(
            first.starts_with("// not JSON (EOF at line 1)\n"),
            "{first}"
        );
        assert!(first.ends_with("[{\"pattern\": \n"), "{first}");
        // A second round replaces the reason instead of piling them up.
        let second = with_json_reason("still not JSON", &first);
        assert_eq!(second.matches("//").count(), first.matches("//").count());
        assert!(second.starts_with("// still not JSON\n"), "{second}");
        assert_eq!(strip_json_reasons(&second), "[{\"pattern\": \n");
        assert_eq!(strip_json_reasons("  // a note\n[1]\n"), "[1]\n");
        assert_eq!(
            strip_json_reasons("[\"//not a comment\"]"),
            "[\"//not a comment\"]"
        );
    }
}
