//! `orws export [WS…|--all] [--format toml|yaml|json] [-o FILE]`

use super::args::ExportArgs;
use super::org::{ALL_PARTS, Part};
use crate::code::Format;
use crate::code::write::export_org;
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use std::io::Write;
use std::path::Path;

/// The format: `--format`, else `-o FILE`'s extension, else TOML.
fn format_of(args: &ExportArgs) -> Format {
    args.format
        .or_else(|| {
            let out = args.out.as_ref()?;
            Format::guess(out, "")
        })
        .unwrap_or(Format::Toml)
}

/// Checked before connecting: something to export must be named.
pub fn check(args: &ExportArgs) -> Result<(), RunError> {
    if args.workspaces.is_empty() && !args.all {
        return Err(RunError::usage(
            "export what? Name the workspaces (uuid or slug), or pass --all for every one",
        ));
    }
    Ok(())
}

pub async fn run(conn: &Connection, args: ExportArgs) -> Result<String, RunError> {
    let client = &conn.client;
    let workspaces = if args.all {
        client.list_compact().await?
    } else {
        let mut out = crate::workspace::CompactList::new();
        for asked in &args.workspaces {
            let ws = client.get(asked).await?;
            super::identity::check_answer(asked, &ws)?;
            out.push(&ws);
        }
        out
    };
    let parts: &[Part] = if args.only.is_empty() {
        &ALL_PARTS
    } else {
        &args.only
    };
    let org = super::org::read_for_export(conn, &workspaces, parts).await?;
    let text = export_org(
        format_of(&args),
        &workspaces,
        parts.contains(&Part::Workspaces),
        &org,
    );
    let n = workspaces.by_id_sorted().len();
    match &args.out {
        None => Ok(text),
        Some(path) => {
            write_private(path, &text)?;
            crate::say::say(&format!(
                "exported {n} workspace{} to {}",
                if n == 1 { "" } else { "s" },
                path.display()
            ));
            Ok(String::new())
        }
    }
}

/// Writes `text` to `path` as a file only its owner can read (0600): a temporary file in the
/// same directory, then renamed over `path`, so a reader never sees half a file. A symlink at
/// `path` is refused, never written through.
pub fn write_private(path: &Path, text: &str) -> Result<(), RunError> {
    let shown = escape(&path.display().to_string()).into_owned();
    let fail =
        |what: &str, e: std::io::Error| RunError::State(format!("cannot {what} {shown}: {e}"));
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(RunError::usage(format!(
                "{shown} is a symbolic link; refusing to write through it (name the file itself)"
            )));
        }
        Ok(m) if !m.is_file() => {
            return Err(RunError::usage(format!("{shown} exists and is not a file")));
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // NamedTempFile is created 0600 and removed if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(".orws-")
        .tempfile_in(dir)
        .map_err(|e| fail("create a file next to", e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail("write", e))?;
    tmp.persist(path).map_err(|e| fail("write", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_0600_replacing_whole_and_refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.toml");
        std::fs::write(&path, "old and longer text").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Only the file: no temporary file left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = write_private(&link, "x").unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
}
