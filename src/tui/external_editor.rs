//! $VISUAL / $EDITOR on a temporary file.

use std::io::Write;
use std::process::Command;

/// Runs the editor `command` on `text` and returns what the file holds when it exits
/// successfully.
pub fn edit(command: &str, text: &str) -> Result<String, String> {
    let mut file = tempfile_in_tmp().map_err(|e| format!("cannot create a temporary file: {e}"))?;
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
