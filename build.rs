//! Release builds of the `orws` binary on x86_64 Linux lay out the code a TUI session runs
//! (open, edit, submit; listed by `scripts/hot-symbols`) first and together. A page of the
//! binary counts in the peak RSS as soon as any byte of it runs, and the kernel maps the
//! page cache in large folios (128 KB here): scattered over the 10 MB of text, the 2 MB that
//! run made 9.5 MB resident; together they make 2.
//!
//! Only the link of the binary changes (no dependency is rebuilt), only in the release
//! profile, and only with the linker rustc uses there by default (its own lld), which knows
//! `--symbol-ordering-file`. A name the binary lacks (the list is older than the code) is
//! skipped: the layout is then only less good, never wrong.

use std::env;
use std::path::Path;

fn main() {
    const LIST: &str = "scripts/hot-symbols.txt";
    println!("cargo::rerun-if-changed={LIST}");
    println!("cargo::rerun-if-env-changed=ORWS_NO_SYMBOL_ORDER");
    let var = |k: &str| env::var(k).unwrap_or_default();
    let lld_by_default = var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu";
    // A linker of one's own (-C linker=…, -C link-arg=-fuse-ld=…) may not know the flag.
    let own_linker = var("CARGO_ENCODED_RUSTFLAGS").contains("link")
        || env::vars().any(|(k, _)| k.starts_with("CARGO_TARGET_") && k.ends_with("_LINKER"));
    let list = Path::new(&var("CARGO_MANIFEST_DIR")).join(LIST);
    if var("PROFILE") != "release"
        || !lld_by_default
        || own_linker
        || env::var_os("ORWS_NO_SYMBOL_ORDER").is_some()
        || !list.is_file()
    {
        return;
    }
    println!(
        "cargo::rustc-link-arg-bin=orws=-Wl,--symbol-ordering-file={}",
        list.display()
    );
    println!("cargo::rustc-link-arg-bin=orws=-Wl,--no-warn-symbol-ordering");
    // Relative relocations packed (DT_RELR): 384 KB of `.rela.dyn` the loader reads at every
    // start become a few KB. Only where the C library knows them (glibc 2.36+), since the
    // binary then needs it.
    if glibc_at_least(2, 36) {
        println!("cargo::rustc-link-arg-bin=orws=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this machine's glibc (`getconf GNU_LIBC_VERSION`: "glibc 2.36") is at least
/// major.minor; no when it cannot tell.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .trim()
        .strip_prefix("glibc ")
        .unwrap_or_default()
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(a), Some(b)) => (a, b) >= (major, minor),
        _ => false,
    }
}
