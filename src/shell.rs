//! The commands orws runs for a person (`--secret-cmd`, a profile's `api_key_cmd`): `sh -c CMD`
//! with orws's environment less `OPENROUTER_*`, so a key orws holds never leaks into them.

use std::process::Command;

/// `sh -c cmd`, its environment without any `OPENROUTER_*` variable; stdio as the caller sets.
pub fn command(cmd: &str) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(cmd);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("OPENROUTER_") {
            command.env_remove(&name);
        }
    }
    command
}
