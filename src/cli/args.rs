//! The command line, as clap sees it.

use crate::settings::Flags;
use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  orws --demo                               try the form against a built-in fake OpenRouter
  orws production                           open the workspace 'production' in the form
  orws list                                 every workspace, as a table
  orws --output json get production         one workspace as JSON
  orws patch production --set name='Prod 2' --set io_logging_sampling_rate=0.25
  orws patch production --set description=null --dry-run
  orws patch production --set-json io_logging_api_key_ids='[1,2]' --expect name=Production
  orws create --set name=Research --set slug=research
  orws history production                   the changes orws applied to it, newest first
  orws revert 1f2e3d4c                      undo one of them (checked: a later change is kept)
  orws delete research --yes                refused (exit 3) while keys remain in it
  orws members org                          the organisation's members, with their user ids
  orws members add production jane.doe@example.com
  orws members remove production user_123 --yes
  orws keys move HASH --to staging --yes    says what stays in the old workspace
  orws budgets set production --monthly 500 --weekly 150 --dry-run
  orws guardrail patch production --set enforce_zdr_openai=true --set allowed_models=a/b,c/d
  orws export --all -o workspaces.toml      every workspace's settings, for git
  orws plan workspaces.toml --out plan.json what would change (exit 4 with --detailed-exitcode)
  orws apply plan.json                      shows the plan, asks, applies
  orws serve-fake --latency-ms 500 --fail-next PATCH:503
  orws config show                          the effective settings and where each comes from
  orws completions bash > ~/.local/share/bash-completion/completions/orws
  orws man > orws.1                         the manual page

Key: a management key in OPENROUTER_API_KEY, or in a file given with --api-key-file.
Config: $XDG_CONFIG_HOME/orws/config.toml (default ~/.config/orws/config.toml); flags and
environment variables win over it (orws config path, orws config show).
Exit codes: 0 ok, 1 API/network/server/terminal error, 2 bad usage or invalid value, 3 conflict or
precondition (keys still in a workspace to delete), 4 changes present (plan --detailed-exitcode).
--read-only refuses every write (exit 2).";

#[derive(Debug, Parser)]
#[command(
    name = "orws",
    version,
    about = "Edit OpenRouter workspaces: a live-validated form, the smallest PATCH, a safe submit.",
    after_help = EXAMPLES,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Flags,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Workspace to open in the form (uuid or slug); without it, the picker opens.
    pub workspace: Option<String>,
}

/// `orws [FLAGS] [WORKSPACE]`, the TUI's command line, without the subcommands: clap clones
/// every global flag into each of them before parsing, which was most of a start's heap
/// (about 250 KB) and a third of a millisecond.
#[derive(Debug, Parser)]
#[command(name = "orws")]
struct TuiCli {
    #[command(flatten)]
    global: Flags,
    workspace: Option<String>,
}

impl Cli {
    /// Parses the command line as [`Cli::parse_from`] does (exiting on an error or a help
    /// request), taking the short way when no word of it can be a subcommand.
    pub fn parse_args(args: Vec<std::ffi::OsString>) -> Self {
        Self::parse_tui(&args).unwrap_or_else(|| Self::parse_from(args))
    }

    /// The TUI's line, when nothing in it names a subcommand (or `help`, or ends the flags)
    /// and it parses; anything else (an error, `--help`, `--version`) is left to the whole
    /// command, whose message names everything.
    fn parse_tui(args: &[std::ffi::OsString]) -> Option<Self> {
        let plain = args.iter().skip(1).all(|a| {
            a.to_str()
                .is_some_and(|w| !Command::has_subcommand(w) && w != "help" && w != "--")
        });
        if !plain {
            return None;
        }
        let tui = TuiCli::try_parse_from(args).ok()?;
        Some(Self {
            global: tui.global,
            command: None,
            workspace: tui.workspace,
        })
    }
}

// defer: a subcommand's arguments are built only when it is the one run (or help asks),
// not on every start; the TUI's `orws [WORKSPACE]` builds none of them.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// List every workspace (all pages).
    List,
    /// Show one workspace, every field.
    Get {
        /// uuid or slug
        workspace: String,
    },
    /// Change fields of a workspace; only the fields that differ are sent.
    Patch(PatchArgs),
    /// The applied writes of this host, newest first (WS: a uuid, or a slug; a slug the
    /// history does not know is looked up on the server).
    History {
        /// uuid or slug: only the entries that touched it
        workspace: Option<String>,
    },
    /// Undo one history entry (its id, or any unique start of it) through a checked write.
    Revert {
        /// the entry's id as `orws history` shows it (a unique prefix is enough)
        id: String,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Create a workspace: name and slug are required.
    Create(CreateArgs),
    /// Delete a workspace (not revertable): its keys must be moved or deleted first.
    Delete(DeleteArgs),
    /// Members: a workspace's (list, add, remove) and the organisation's (org).
    #[command(subcommand)]
    Members(MembersCommand),
    /// API keys: list a workspace's, move, disable, enable, delete.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// A workspace's budgets: get, set, delete.
    #[command(subcommand)]
    Budgets(BudgetsCommand),
    /// What was spent in the last completed UTC days (from /activity), and the credits left.
    Spend {
        /// uuid or slug; without it, every workspace
        #[arg(conflicts_with = "all")]
        workspace: Option<String>,
        /// Every workspace (the default).
        #[arg(long)]
        all: bool,
        /// How many completed UTC days, 1–30.
        #[arg(long, default_value_t = 30)]
        days: u8,
        /// Sum by day, by model, or by key (one request per key).
        #[arg(long, value_enum, default_value = "day")]
        by: crate::cli::spend::By,
        /// CSV (what `--output csv` means here).
        #[arg(long, hide = true)]
        csv: bool,
    },
    /// A workspace's default guardrail: get, patch.
    #[command(subcommand)]
    Guardrail(GuardrailCommand),
    /// Named guardrails and their key and member assignments.
    #[command(subcommand)]
    Guardrails(GuardrailsCommand),
    /// Write workspaces' editable fields as a file (TOML, YAML or JSON), to keep in git.
    Export(ExportArgs),
    /// Compare a file with the server: per workspace, the minimal change (nothing is sent).
    Plan(PlanArgs),
    /// Apply a file or a saved plan: shows the plan, asks, writes with bounded concurrency.
    Apply(ApplyArgs),
    /// Compare a file with the server, reading only: exit 0 no drift, 4 drift (5 a policy deny).
    Drift(DriftArgs),
    /// Run the fake OpenRouter on loopback; prints its base URL first.
    ServeFake(ServeFakeArgs),
    /// The configuration file: where it is, and the settings in effect.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The config file's profiles (server, where the key comes from, production), and which
    /// one is in use. Never shows a key.
    Profiles,
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell to complete for
        shell: Shell,
    },
    /// Print the manual page (roff) to stdout.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration file's path (it need not exist).
    Path,
    /// Print the effective settings and where each comes from: flag, env, file or default.
    Show,
}

#[derive(Debug, Args)]
pub struct PatchArgs {
    /// uuid or slug
    pub workspace: String,

    /// FIELD=VALUE, VALUE parsed by the field's type (`null` clears a nullable field).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,

    /// FIELD=JSON, an exact JSON value.
    #[arg(long = "set-json", value_name = "FIELD=JSON")]
    pub set_json: Vec<String>,

    /// FIELD=VALUE that must hold on the server, or nothing is sent (exit 3).
    #[arg(long = "expect", value_name = "FIELD=VALUE")]
    pub expect: Vec<String>,

    /// Print the request body and send nothing but the GET.
    #[arg(long)]
    pub dry_run: bool,
}

/// Print the exact request(s) and send nothing but reads.
#[derive(Debug, Clone, Copy, Args)]
pub struct WriteFlags {
    /// Print the exact request(s) (method, path, body) and send nothing but reads.
    #[arg(long)]
    pub dry_run: bool,
}

/// Destructive commands: on a terminal they ask; without one they need `--yes`.
#[derive(Debug, Clone, Copy, Args)]
pub struct ConfirmFlags {
    /// Do not ask: needed without a terminal.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// FIELD=VALUE, VALUE parsed by the field's type; name and slug are required.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// FIELD=JSON, an exact JSON value.
    #[arg(long = "set-json", value_name = "FIELD=JSON")]
    pub set_json: Vec<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// uuid or slug
    pub workspace: String,
    #[command(flatten)]
    pub confirm: ConfirmFlags,
    /// Needed to delete the default workspace (it disables the account's unscoped keys).
    #[arg(long)]
    pub confirm_default: bool,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// The workspace's members, with name and email from the organisation.
    List {
        /// uuid or slug
        workspace: String,
    },
    /// Every member of the organisation: name, email and the user id `members add` takes.
    Org,
    /// Add organisation members (user ids or emails) to the workspace.
    Add {
        /// uuid or slug
        workspace: String,
        /// user ids, or emails of the organisation's members
        #[arg(required = true)]
        users: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Remove members (user ids) from the workspace.
    Remove {
        /// uuid or slug
        workspace: String,
        /// user ids
        #[arg(required = true)]
        users: Vec<String>,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Every key of a workspace, disabled and expired ones included.
    List {
        /// uuid or slug
        workspace: String,
    },
    /// Move a key to another workspace.
    Move {
        /// the key's hash
        hash: String,
        /// the workspace to move it to (uuid or slug)
        #[arg(long = "to", value_name = "WS")]
        to: String,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Disable a key.
    Disable {
        hash: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Enable a key.
    Enable {
        hash: String,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Delete a key (not revertable).
    Delete {
        hash: String,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Create a key; its secret goes to exactly one place: --secret-file, --secret-cmd, else
    /// stdout alone on one line.
    Create(KeysCreateArgs),
    /// One key by its hash, with its labels (no idle label: this read has no last use).
    Get { hash: String },
    /// Edit a key's name, limit, limit reset or BYOK switch (an expiry is set only at creation).
    Edit {
        hash: String,
        /// name=…, limit=USD|null, limit_reset=daily|weekly|monthly|null,
        /// include_byok_in_limit=true|false
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// What applies to a key: its guardrails and why, the allowlists intersected, ZDR, every
    /// budget layer in enforcement order (computed by orws, R22–R24).
    Policy { hash: String },
    /// Every key with its hygiene labels, and a count per label (`--output json`, or csv).
    Audit {
        /// uuid or slug; without it, every workspace
        #[arg(conflicts_with = "all")]
        workspace: Option<String>,
        /// Every workspace (the default).
        #[arg(long)]
        all: bool,
        /// CSV (what `--output csv` means here).
        #[arg(long, hide = true)]
        csv: bool,
    },
}

#[derive(Debug, Args)]
pub struct KeysCreateArgs {
    /// uuid or slug
    pub workspace: String,
    #[arg(long)]
    pub name: String,
    /// USD, above zero
    #[arg(long, value_name = "USD")]
    pub limit: Option<String>,
    #[arg(long, value_name = "daily|weekly|monthly")]
    pub limit_reset: Option<String>,
    /// RFC 3339, or Nd / Nw from now (an expiry can only be set now)
    #[arg(long, value_name = "TIME|Nd|Nw")]
    pub expires: Option<String>,
    #[arg(long)]
    pub include_byok_in_limit: bool,
    /// Write the secret to this new file (0600; never over a file or through a link).
    #[arg(long, value_name = "PATH", conflicts_with = "secret_cmd")]
    pub secret_file: Option<std::path::PathBuf>,
    /// Give the secret on this command's stdin (`sh -c`, without OPENROUTER_* variables).
    #[arg(long, value_name = "CMD")]
    pub secret_cmd: Option<String>,
    #[command(flatten)]
    pub write: WriteFlags,
}

/// `keys audit --output csv`: the global `--output` knows table and json, so `csv` there is
/// read as `keys audit`'s own `--csv`.
pub fn audit_csv(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let words: Vec<&str> = args.iter().map(|a| a.to_str().unwrap_or("")).collect();
    // `spend` too: the subcommands whose answer is a table a spreadsheet takes.
    let audit = words.windows(2).any(|w| w[0] == "keys" && w[1] == "audit")
        || words.iter().skip(1).any(|w| *w == "spend");
    if !audit {
        return args;
    }
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        match words[i] {
            "--output" if words.get(i + 1) == Some(&"csv") => {
                out.push("--csv".into());
                i += 2;
            }
            "--output=csv" => {
                out.push("--csv".into());
                i += 1;
            }
            _ => {
                out.push(args[i].clone());
                i += 1;
            }
        }
    }
    out
}

#[derive(Debug, Subcommand)]
pub enum BudgetsCommand {
    /// The workspace's budgets and its "include BYOK" switch.
    Get {
        /// uuid or slug
        workspace: String,
    },
    /// Set limits (USD); intervals not given keep theirs.
    Set(BudgetsSetArgs),
    /// Remove one interval's budget (destructive: asks on a terminal, else needs --yes).
    Delete {
        /// uuid or slug
        workspace: String,
        /// daily, weekly, monthly or lifetime
        interval: String,
        #[command(flatten)]
        write: WriteFlags,
        #[command(flatten)]
        confirm: ConfirmFlags,
    },
}

#[derive(Debug, Args)]
pub struct BudgetsSetArgs {
    /// uuid or slug
    pub workspace: String,
    /// The daily limit in US dollars (> 0).
    #[arg(long, value_name = "USD")]
    pub daily: Option<String>,
    /// The weekly limit in US dollars (> 0).
    #[arg(long, value_name = "USD")]
    pub weekly: Option<String>,
    /// The monthly limit in US dollars (> 0).
    #[arg(long, value_name = "USD")]
    pub monthly: Option<String>,
    /// The lifetime limit in US dollars (> 0).
    #[arg(long, value_name = "USD")]
    pub lifetime: Option<String>,
    /// Count BYOK usage in every budget of the workspace.
    #[arg(long, value_name = "BOOL")]
    pub include_byok: Option<bool>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Subcommand)]
pub enum GuardrailCommand {
    /// The workspace's default guardrail.
    Get {
        /// uuid or slug
        workspace: String,
    },
    /// Change fields of the default guardrail; only what differs is sent.
    Patch {
        /// uuid or slug
        workspace: String,
        /// FIELD=VALUE (`null` = inherit for three-state booleans; lists as a,b,c).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// FIELD=JSON, an exact JSON value.
        #[arg(long = "set-json", value_name = "FIELD=JSON")]
        set_json: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
}

#[derive(Debug, Subcommand)]
pub enum GuardrailsCommand {
    /// The workspace's guardrails: the default first, then the others with their assignment
    /// counts (without WS, the default workspace's, with the account-wide ones).
    List {
        /// uuid or slug
        workspace: Option<String>,
    },
    /// One guardrail's fields and the keys and members assigned to it.
    Get { id: String },
    /// Create a named guardrail (it enforces nothing until assigned).
    Create {
        /// uuid or slug
        #[arg(long)]
        workspace: String,
        /// FIELD=VALUE (name is required; limit_usd with reset_interval).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// FIELD=JSON, an exact JSON value.
        #[arg(long = "set-json", value_name = "FIELD=JSON")]
        set_json: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Change fields of a named guardrail (name and description too); only what differs is sent.
    Patch {
        id: String,
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        #[arg(long = "set-json", value_name = "FIELD=JSON")]
        set_json: Vec<String>,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Delete a named guardrail (destructive: asks on a terminal, else needs --yes).
    Delete {
        id: String,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Assign keys and members (a key holding another guardrail has it replaced: asks).
    Assign {
        id: String,
        #[arg(long = "key", value_name = "HASH")]
        keys: Vec<String>,
        #[arg(long = "member", value_name = "USER")]
        members: Vec<String>,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
    /// Unassign keys and members (destructive: asks on a terminal, else needs --yes).
    Unassign {
        id: String,
        #[arg(long = "key", value_name = "HASH")]
        keys: Vec<String>,
        #[arg(long = "member", value_name = "USER")]
        members: Vec<String>,
        #[command(flatten)]
        confirm: ConfirmFlags,
        #[command(flatten)]
        write: WriteFlags,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Workspaces to export (uuid or slug); or --all.
    pub workspaces: Vec<String>,
    /// Export every workspace.
    #[arg(long, conflicts_with = "workspaces")]
    pub all: bool,
    /// The file format [default: the extension of -o FILE, else toml].
    #[arg(long, value_enum)]
    pub format: Option<crate::code::Format>,
    /// Write to FILE (created 0600, replaced whole) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Export only these parts [default: all of them].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "PART,…")]
    pub only: Vec<super::org::Part>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The file (.toml, .yaml/.yml or .json) to compare with the server.
    pub file: PathBuf,
    /// Save the plan (JSON, 0600, with the server values it saw) for `orws apply PLAN`.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,
    /// Exit 4 when there are changes, 0 when there are none.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// List the workspaces without changes too (else they are one count).
    #[arg(long)]
    pub show_unchanged: bool,
    #[command(flatten)]
    pub policy: PolicyFlags,
}

/// `--policy` and `--policy-input`, on `plan`, `apply` and `drift`.
#[derive(Debug, Args, Default, Clone)]
pub struct PolicyFlags {
    /// Judge the change by the rules in FILE (TOML `[[rule]]` tables) [config: policy]; a
    /// deny is exit 5, before any write.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Write the policy input (planned state and changes, JSON, schema
    /// orws.policy-input/v1) to PATH, for OPA or conftest.
    #[arg(long, value_name = "PATH")]
    pub policy_input: Option<PathBuf>,
}

/// The formats of `orws drift --report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Json,
    Junit,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The file (.toml, .yaml/.yml or .json) to compare with the server.
    pub file: PathBuf,
    /// A report instead of the table: json (schema orws.drift/v1; also `--output json`),
    /// junit or markdown.
    #[arg(long, value_enum)]
    pub report: Option<ReportFormat>,
    /// Write the report (or the table) to PATH instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyFlags,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A file of workspaces, or a plan saved by `orws plan --out`.
    pub file: PathBuf,
    #[command(flatten)]
    pub confirm: ConfirmFlags,
    #[command(flatten)]
    pub policy: PolicyFlags,
}

#[derive(Debug, Args)]
pub struct ServeFakeArgs {
    /// Address to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: std::net::SocketAddr,

    /// A JSON file of workspaces to start with (default: the built-in seed).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// Delay every response by this many milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,

    /// Accept only this bearer key (default: any key).
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,

    /// Answer the next COUNT requests of METHOD with STATUS, e.g. PATCH:503:2.
    #[arg(long, value_name = "METHOD:STATUS[:COUNT]")]
    pub fail_next: Vec<String>,

    /// Add N generated workspaces after the seed (the same N gives the same ones; at most 50000).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub extra_workspaces: usize,

    /// The Retry-After, in seconds, of every 429 and 503 the fake answers (0 allowed).
    #[arg(long, value_name = "SECS", default_value_t = 1)]
    pub retry_after: u64,

    /// The fake's now at start (RFC 3339; else ORWS_NOW, else the real clock): seed times are
    /// offsets from it. For tests and captures only.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(argv: &[&str]) -> (Option<String>, String) {
        let args: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
        let fast = Cli::parse_tui(&args).map(|c| format!("{c:?}"));
        let full = match Cli::try_parse_from(&args) {
            Ok(c) => format!("{c:?}"),
            Err(e) => format!("error: {:?}", e.kind()),
        };
        (fast, full)
    }

    #[test]
    fn the_short_way_parses_as_the_whole_command_does() {
        for argv in [
            &["orws"][..],
            &["orws", "--demo"],
            &["orws", "--demo", "production"],
            &["orws", "production", "--read-only", "--mouse"],
            &["orws", "--profile=list", "prod"],
            &[
                "orws",
                "--base-url",
                "http://127.0.0.1:9",
                "--timeout",
                "5",
                "x",
            ],
            &[
                "orws",
                "--concurrency",
                "8",
                "--output",
                "json",
                "--no-color",
                "--write",
            ],
        ] {
            let (fast, full) = both(argv);
            assert_eq!(fast.as_ref(), Some(&full), "{argv:?}");
        }
    }

    #[test]
    fn a_subcommand_help_or_an_error_goes_the_whole_way() {
        for argv in [
            &["orws", "list"][..],
            &["orws", "help"],
            &["orws", "--help"],
            &["orws", "-h"],
            &["orws", "--version"],
            &["orws", "-V"],
            &["orws", "--demo", "serve-fake"],
            &["orws", "--profile", "list"],
            &["orws", "--concurrency", "0"],
            &["orws", "--nope"],
            &["orws", "a", "b"],
            &["orws", "--", "list"],
        ] {
            let (fast, _) = both(argv);
            assert_eq!(fast, None, "{argv:?}");
        }
    }
}
