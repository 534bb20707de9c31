//! A new key's secret written to a file the person names (product.md §12, §15), shared by the
//! CLI's `--secret-file` and the TUI's dialog: a new 0600 file, never over an existing file,
//! never through a link (even a dangling one, even one made after the check).

use crate::admin::key_labels::Secret;
use crate::text::escape;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why `path` cannot take a secret, checked before anything is sent: it exists (or is a
/// link), or its folder does not.
pub fn check_new(path: &Path) -> Result<(), String> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(
            "it exists (orws never writes a secret over a file or through a link)".to_string(),
        );
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err("its folder does not exist".to_string());
    }
    Ok(())
}

/// Writes the secret and a newline to a new 0600 file; why not, never naming the secret.
pub fn write_new(path: &Path, secret: &Secret) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = escape(&path.display().to_string()).into_owned();
    // O_EXCL with O_CREAT: never an existing file, and never through a link (even one made
    // since the check).
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| format!("cannot create {shown}: {e}"))?;
    f.write_all(secret.expose().as_bytes())
        .and_then(|()| f.write_all(b"\n"))
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {shown}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_0600_and_an_existing_one_or_a_link_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let secret = Secret::new("sk-or-v1-abc".into());
        let path = dir.path().join("key.txt");
        check_new(&path).unwrap();
        write_new(&path, &secret).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(check_new(&path).unwrap_err().contains("exists"));
        assert!(write_new(&path, &secret).is_err());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
        assert!(check_new(&link).is_err());
        let e = write_new(&link, &secret).unwrap_err();
        assert!(!e.contains("sk-or-v1-abc"), "{e}");
        assert!(!dir.path().join("nowhere").exists());
        assert!(check_new(&dir.path().join("no/such/dir/f")).is_err());
    }
}
