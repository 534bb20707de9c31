//! $VISUAL / $EDITOR on a temporary file.

use std::io::Write;
use std::process::Command;

/// Runs the editor `command` on `text` and returns what the file holds when it exits
/// successfully.
pub fn edit(command: &str, text: &str) -> Result<String, String> {
    let mut file = tempfile_in_tmp().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    // A final newline, as editors expect; the form drops it again.
    let text = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    file.1
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    drop(file.1);
    let path = file.0;
    // Through the shell, so EDITOR="code --wait" works as it does for git.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("orws-editor")
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => {
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read the edited text: {e}"))
        }
        Ok(s) => Err(format!("{command} exited with {s}; the field is unchanged")),
        Err(e) => Err(format!("cannot run {command}: {e}")),
    };
    let _ = std::fs::remove_file(&path);
    result
}

fn tempfile_in_tmp() -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let dir = std::env::temp_dir();
    for n in 0..100u32 {
        let path = dir.join(format!("orws-{}-{n}.txt", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
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
            edit(&editor, "the old text").unwrap(),
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
        assert_eq!(edit(&format!("{editor} --wait"), "x").unwrap(), "waited");
    }

    #[test]
    fn a_failing_editor_leaves_the_field_alone() {
        let dir = tempfile::tempdir().unwrap();
        let editor = script(dir.path(), "exit 3");
        let err = edit(&editor, "x").unwrap_err();
        assert!(err.contains("unchanged"), "{err}");
    }
}
