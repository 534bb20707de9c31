//! The profile a run uses (`--profile`, else `ORWS_PROFILE`, else the config's
//! `default_profile`), and the one thing a profile may run: its `api_key_cmd`.

use super::Source;
use crate::api::ApiKey;
use crate::config::ProfileColor;
use crate::error::RunError;
use crate::text::escape;

/// The profile in use, as the front ends show it: never its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInUse {
    pub name: String,
    /// Read-only unless the run says `--write`.
    pub production: bool,
    pub color: Option<ProfileColor>,
    /// `--profile`, `ORWS_PROFILE` or the config file's `default_profile`.
    pub from: Source,
}

impl ProfileInUse {
    /// What drafts and history are kept under: one profile's never mix with another's, even
    /// when two profiles name one server. A host has no `:`, so the two cannot collide.
    pub fn state_key(&self) -> String {
        format!("profile:{}", self.name)
    }

    /// `the profile prod (from --profile)`, for messages.
    pub fn described(&self) -> String {
        let from = match self.from {
            Source::Flag(flag) => flag.to_string(),
            Source::Env(var) => var.to_string(),
            _ => "default_profile in the config file".to_string(),
        };
        format!("the profile {} (from {from})", self.name)
    }
}

/// The most a key command may print: a key is about 80 characters.
const MAX_OUTPUT: u64 = 4096;

/// Runs a profile's `api_key_cmd` (`sh -c CMD`, without `OPENROUTER_*` in its environment,
/// with the terminal and stderr inherited so a password manager can ask) and takes its one
/// line of stdout as the key. Any failure is exit 2 naming the command, never its output.
pub fn run_key_command(cmd: &str, profile: &str) -> Result<ApiKey, RunError> {
    use std::io::Read;
    use std::process::Stdio;
    let shown = format!(
        "the api_key_cmd of the profile {profile} ('{}')",
        escape(cmd)
    );
    let fail = |why: String| RunError::usage(format!("{shown} {why}; no key was read"));
    let mut child = crate::shell::command(cmd)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("could not be run: {e}")))?;
    let mut out = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|s| s.take(MAX_OUTPUT + 1).read_to_end(&mut out));
    if out.len() as u64 > MAX_OUTPUT {
        // It may still be writing: it must not hold the run up.
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| fail(format!("could not be waited for: {e}")))?;
    if let Some(Err(e)) = read {
        return Err(fail(format!("could not be read: {e}")));
    }
    if out.len() as u64 > MAX_OUTPUT {
        return Err(fail(format!(
            "printed more than {MAX_OUTPUT} bytes; it should print only the key"
        )));
    }
    if !status.success() {
        return Err(fail(format!("failed ({status})")));
    }
    key_from_output(out).map_err(fail)
}

/// The key in a command's output: one trailing newline removed, then exactly one non-empty
/// line of printable ASCII.
fn key_from_output(mut out: Vec<u8>) -> Result<ApiKey, String> {
    if out.ends_with(b"\r\n") {
        out.truncate(out.len() - 2);
    } else if out.ends_with(b"\n") {
        out.truncate(out.len() - 1);
    }
    let text = String::from_utf8(out).map_err(|_| "printed something that is not text")?;
    if text.contains(['\n', '\r']) {
        return Err("printed more than one line; it should print only the key".into());
    }
    let key = ApiKey::new(text);
    if key.is_empty() {
        return Err("printed nothing".into());
    }
    match key.problem() {
        Some(problem) => Err(format!("printed something that is not a key ({problem})")),
        None => Ok(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_is_the_key_and_anything_else_is_refused_without_showing_it() {
        let ok = |s: &str| key_from_output(s.as_bytes().to_vec()).map(|k| k.bearer());
        assert_eq!(ok("sk-or-v1-abc\n").unwrap(), "Bearer sk-or-v1-abc");
        assert_eq!(ok("sk-or-v1-abc\r\n").unwrap(), "Bearer sk-or-v1-abc");
        assert_eq!(ok("sk-or-v1-abc").unwrap(), "Bearer sk-or-v1-abc");
        for (out, why) in [
            ("", "nothing"),
            ("\n", "nothing"),
            ("sk-or-v1-abc\n\n", "more than one line"),
            ("sk-or-v1-abc\nsecond\n", "more than one line"),
            ("sk or v1\n", "not a key"),
        ] {
            let e = ok(out).unwrap_err();
            assert!(e.contains(why), "{out:?}: {e}");
            assert!(!e.contains("sk"), "the output is never shown: {e}");
        }
    }

    #[test]
    fn a_command_that_fails_is_named_and_its_output_is_not_shown() {
        let e = run_key_command("printf 'sk-or-v1-%s' leaked; exit 3", "prod")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("api_key_cmd of the profile prod"), "{e}");
        assert!(e.contains("exit status: 3"), "{e}");
        assert!(!e.contains("sk-or-v1-leaked"), "{e}");
        let key = run_key_command("printf 'sk-or-v1-%s\\n' ok", "prod").unwrap();
        assert_eq!(key.bearer(), "Bearer sk-or-v1-ok");
    }
}
