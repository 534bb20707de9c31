//! The scriptable front end: `list`, `get`, `patch`, the admin commands, `export`, `plan`,
//! `apply`, `serve-fake`, `config`, `completions`, `man`. Results on stdout, messages on
//! stderr; what fails is a [`RunError`], which owns the exit code. Never imports the TUI.

mod admin_io;
mod apply;
pub mod args;
mod budgets;
mod create;
mod delete;
mod drift;
mod export;
mod get;
mod guardrail;
mod guardrails;
mod history;
pub(crate) mod identity;
mod interrupt;
mod key_policy;
mod keys;
mod keys_create;
mod list;
mod members;
pub(crate) mod org;
pub mod output;
mod patch;
mod plan;
mod policy;
mod profiles;
mod revert;
mod secret;
mod serve_fake;
pub mod spend;

pub use args::{
    ApplyArgs, BudgetsCommand, Cli, Command, ConfigCommand, DriftArgs, ExportArgs,
    GuardrailCommand, GuardrailsCommand, KeysCommand, MembersCommand, PlanArgs, PolicyFlags,
};

use crate::api::RetryHook;
use crate::connection::{Connection, connect};
use crate::error::RunError;
use crate::settings::{Flags, Output, Settings, Source, paths};
use clap::CommandFactory;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// Retries are shown on stderr as they happen.
fn stderr_retry_hook() -> RetryHook {
    Arc::new(|n| {
        crate::say::say(&format!(
            "{}; retrying in {:.1} s (try {} of {})",
            n.reason,
            n.wait.as_secs_f64(),
            n.attempt,
            n.max_attempts
        ));
    })
}

/// Runs a subcommand and returns what to print on stdout. The settings are resolved only for
/// the commands that use them, so `completions`, `man` and `config path` (which heeds only the
/// `--output` flag) work even when the config file is broken.
///
/// A stop signal taken while writes were in flight (see `interrupt`) ends the run with
/// 128 + n once what landed is recorded and told: the output (or the error line) first.
pub async fn run(
    command: Command,
    flags: &Flags,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, RunError> {
    // A write whose history entry could not be written stands, and the run ends with exit 1.
    let result = admin_io::with_history(run_command(command, flags, env).await);
    let Some(n) = interrupt::stopped_by() else {
        return result;
    };
    match result {
        Ok(out) => print_now(&out),
        Err(RunError::Signalled(m)) => return Err(RunError::Signalled(m)),
        Err(e) => crate::say::say(&format!("error: {e}")),
    }
    Err(RunError::Signalled(n))
}

async fn run_command(
    command: Command,
    flags: &Flags,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, RunError> {
    let resolve = || Settings::resolve(flags, &env);
    // `changes.forbid` of the config's policy, at the one entry of every CLI write. A config
    // that cannot be read is said by the command itself, in its own order.
    if policy::write_of(&command).is_some()
        && let Ok(settings) = resolve()
    {
        policy::forbid(&command, &settings).await?;
    }
    match command {
        Command::Completions { shell } => Ok(completions(shell)),
        Command::Man => man_page(),
        Command::Config(ConfigCommand::Path) => {
            config_path_output(paths::config_file(&env), flags.output.unwrap_or_default())
        }
        Command::Config(ConfigCommand::Show) => Ok(config_show(&resolve()?)),
        Command::Profiles => profiles::run(flags, &env),
        Command::ServeFake(args) => serve_fake::run(args).await.map(|()| String::new()),
        Command::List => {
            let settings = resolve()?;
            list::run(&connected(&settings).await?.client, settings.output).await
        }
        Command::Get { workspace } => {
            let settings = resolve()?;
            let conn = connected(&settings).await?;
            get::run(&conn.client, settings.output, &workspace).await
        }
        Command::Patch(args) => {
            // Bad values are refused before anything is started or sent.
            let dry = args.dry_run;
            let plan = patch::plan(args)?;
            let settings = resolve()?;
            writable(&settings, "patch", dry)?;
            let conn = connected(&settings).await?;
            patch::run(&conn, settings.output, plan).await
        }
        Command::History { workspace } => history::run(&resolve()?, workspace).await,
        Command::Revert { id, confirm, write } => {
            let settings = resolve()?;
            writable(&settings, "revert", write.dry_run)?;
            // The config's policy judges the undo's writes by their own kinds (before any).
            let judge = policy::load(&args::PolicyFlags::default(), &settings)?;
            let conn = connected(&settings).await?;
            revert::run(
                &conn,
                settings.output,
                &id,
                confirm.yes,
                write.dry_run,
                settings.concurrency,
                judge.policy.as_ref(),
            )
            .await
        }
        Command::Create(args) => {
            let body = create::plan(&args)?;
            let settings = resolve()?;
            writable(&settings, "create", args.write.dry_run)?;
            let conn = connected(&settings).await?;
            create::run(&conn, settings.output, body, args.write.dry_run).await
        }
        Command::Delete(args) => {
            let settings = resolve()?;
            writable(&settings, "delete", args.write.dry_run)?;
            let conn = connected(&settings).await?;
            let plan = delete::DeletePlan {
                workspace: args.workspace,
                yes: args.confirm.yes,
                confirm_default: args.confirm_default,
                dry_run: args.write.dry_run,
                created: None,
            };
            delete::run(&conn, settings.output, plan).await
        }
        Command::Members(cmd) => {
            let settings = resolve()?;
            let out = settings.output;
            match cmd {
                MembersCommand::List { workspace } => {
                    members::list(&connected(&settings).await?, out, &workspace).await
                }
                MembersCommand::Org => members::org(&connected(&settings).await?, out).await,
                MembersCommand::Add {
                    workspace,
                    users,
                    write,
                } => {
                    writable(&settings, "members add", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    members::add(&conn, out, &workspace, &users, write.dry_run).await
                }
                MembersCommand::Remove {
                    workspace,
                    users,
                    confirm,
                    write,
                } => {
                    writable(&settings, "members remove", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    members::remove(&conn, out, &workspace, &users, confirm.yes, write.dry_run)
                        .await
                }
            }
        }
        Command::Keys(cmd) => {
            let settings = resolve()?;
            let out = settings.output;
            match cmd {
                KeysCommand::List { workspace } => {
                    keys::list(&connected(&settings).await?, out, &workspace).await
                }
                KeysCommand::Move {
                    hash,
                    to,
                    confirm,
                    write,
                } => {
                    writable(&settings, "keys move", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys::move_key(&conn, out, &hash, &to, confirm.yes, write.dry_run).await
                }
                KeysCommand::Disable { hash, write } => {
                    writable(&settings, "keys disable", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys::set_disabled(&conn, out, &hash, true, write.dry_run).await
                }
                KeysCommand::Enable { hash, write } => {
                    writable(&settings, "keys enable", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys::set_disabled(&conn, out, &hash, false, write.dry_run).await
                }
                KeysCommand::Delete {
                    hash,
                    confirm,
                    write,
                } => {
                    writable(&settings, "keys delete", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys::delete(&conn, out, &hash, confirm.yes, write.dry_run).await
                }
                KeysCommand::Create(a) => {
                    let args = keys_create::CreateArgs {
                        workspace: a.workspace,
                        name: a.name,
                        limit: a.limit,
                        limit_reset: a.limit_reset,
                        expires: a.expires,
                        include_byok_in_limit: a.include_byok_in_limit,
                        destination: secret::Destination::new(a.secret_file, a.secret_cmd),
                    };
                    // Exit 2 before any request (or connection) when the input is wrong.
                    keys_create::precheck(&args, out)?;
                    writable(&settings, "keys create", a.write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys_create::create(&conn, out, &args, a.write.dry_run).await
                }
                KeysCommand::Get { hash } => {
                    keys_create::get(&connected(&settings).await?, out, &hash).await
                }
                KeysCommand::Edit { hash, set, write } => {
                    writable(&settings, "keys edit", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    keys_create::edit(&conn, out, &hash, &set, write.dry_run).await
                }
                KeysCommand::Policy { hash } => {
                    key_policy::show(&connected(&settings).await?, out, &hash).await
                }
                KeysCommand::Audit { workspace, csv, .. } => {
                    let format = match (csv, out) {
                        (true, _) => keys_create::AuditFormat::Csv,
                        (false, Output::Json) => keys_create::AuditFormat::Json,
                        (false, Output::Table) => keys_create::AuditFormat::Table,
                    };
                    let conn = connected(&settings).await?;
                    keys_create::audit(&conn, format, workspace.as_deref()).await
                }
            }
        }
        Command::Spend {
            workspace,
            days,
            by,
            csv,
            ..
        } => {
            let settings = resolve()?;
            let format = match (csv, settings.output) {
                (true, _) => spend::Format::Csv,
                (false, Output::Json) => spend::Format::Json,
                (false, Output::Table) => spend::Format::Table,
            };
            let conn = connected(&settings).await?;
            spend::spend(&conn, format, workspace.as_deref(), days, by).await
        }
        Command::Budgets(cmd) => {
            let settings = resolve()?;
            let out = settings.output;
            match cmd {
                BudgetsCommand::Get { workspace } => {
                    budgets::get(&connected(&settings).await?, out, &workspace).await
                }
                BudgetsCommand::Set(args) => {
                    let plan = budgets::set_plan(args)?;
                    writable(&settings, "budgets set", plan.dry_run)?;
                    let conn = connected(&settings).await?;
                    budgets::set(&conn, out, plan).await
                }
                BudgetsCommand::Delete {
                    workspace,
                    interval,
                    write,
                    confirm,
                } => {
                    writable(&settings, "budgets delete", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    budgets::delete(
                        &conn,
                        out,
                        &workspace,
                        &interval,
                        write.dry_run,
                        confirm.yes,
                    )
                    .await
                }
            }
        }
        Command::Export(args) => {
            export::check(&args)?;
            let settings = resolve()?;
            let conn = connected(&settings).await?;
            export::run(&conn, args).await
        }
        Command::Plan(args) => {
            // The file is read and checked before anything is asked of the server.
            let file = plan::load_file(&args)?;
            let settings = resolve()?;
            let judge = policy::load(&args.policy, &settings)?;
            let conn = connected(&settings).await?;
            plan::run(&conn, settings.output, args, file, judge).await
        }
        Command::Apply(args) => {
            let source = plan::load(&args.file, true)?;
            let settings = resolve()?;
            let judge = policy::load(&args.policy, &settings)?;
            writable(&settings, "apply", false)?;
            let conn = connected(&settings).await?;
            apply::run(
                &conn,
                settings.output,
                settings.concurrency,
                source,
                args.confirm.yes,
                judge,
            )
            .await
        }
        Command::Drift(args) => {
            let file = match plan::load(&args.file, false)? {
                plan::Source::File { name, doc } => (name, doc),
                plan::Source::Saved(_) => {
                    return Err(RunError::usage(
                        "drift reads a file of workspaces, not a saved plan",
                    ));
                }
            };
            let mut settings = resolve()?;
            let judge = policy::load(&args.policy, &settings)?;
            // Drift only reads: the connection itself refuses anything but GET.
            settings.read_only = true;
            settings.sources.read_only = Source::Flag("orws drift (it only reads)");
            let conn = connected(&settings).await?;
            drift::run(&conn, settings.output, args, file, judge).await
        }
        Command::Guardrail(cmd) => {
            let settings = resolve()?;
            let out = settings.output;
            match cmd {
                GuardrailCommand::Get { workspace } => {
                    guardrail::get(&connected(&settings).await?, out, &workspace).await
                }
                GuardrailCommand::Patch {
                    workspace,
                    set,
                    set_json,
                    write,
                } => {
                    let sets = guardrail::parse_sets(&set, &set_json)?;
                    writable(&settings, "guardrail patch", write.dry_run)?;
                    let conn = connected(&settings).await?;
                    guardrail::patch_cmd(&conn, out, &workspace, sets, write.dry_run).await
                }
            }
        }
        Command::Guardrails(cmd) => guardrails_cmd(resolve()?, cmd).await,
    }
}

async fn guardrails_cmd(settings: Settings, cmd: GuardrailsCommand) -> Result<String, RunError> {
    use GuardrailsCommand as G;
    let out = settings.output;
    let write = |name: &str, dry: bool| writable(&settings, &format!("guardrails {name}"), dry);
    match cmd {
        G::List { workspace } => {
            guardrails::list(&connected(&settings).await?, out, workspace.as_deref()).await
        }
        G::Get { id } => guardrails::get(&connected(&settings).await?, out, &id).await,
        G::Create {
            workspace,
            set,
            set_json,
            write: w,
        } => {
            let body = guardrails::parse_sets(&set, &set_json)?;
            write("create", w.dry_run)?;
            let conn = connected(&settings).await?;
            guardrails::create(&conn, out, &workspace, body, w.dry_run).await
        }
        G::Patch {
            id,
            set,
            set_json,
            write: w,
        } => {
            let sets = guardrails::parse_sets(&set, &set_json)?;
            write("patch", w.dry_run)?;
            let conn = connected(&settings).await?;
            guardrails::patch(&conn, out, &id, sets, w.dry_run).await
        }
        G::Delete {
            id,
            confirm,
            write: w,
        } => {
            write("delete", w.dry_run)?;
            let conn = connected(&settings).await?;
            guardrails::delete(&conn, out, &id, confirm.yes, w.dry_run).await
        }
        G::Assign {
            id,
            keys,
            members,
            confirm,
            write: w,
        } => {
            write("assign", w.dry_run)?;
            let conn = connected(&settings).await?;
            let who = guardrails::Who { keys, members };
            guardrails::assign(&conn, out, &id, who, true, confirm.yes, w.dry_run).await
        }
        G::Unassign {
            id,
            keys,
            members,
            confirm,
            write: w,
        } => {
            write("unassign", w.dry_run)?;
            let conn = connected(&settings).await?;
            let who = guardrails::Who { keys, members };
            guardrails::assign(&conn, out, &id, who, false, confirm.yes, w.dry_run).await
        }
    }
}

/// `--read-only` refuses every write; a dry run sends no write, so it may look.
fn writable(settings: &Settings, command: &str, dry_run: bool) -> Result<(), RunError> {
    if dry_run {
        return Ok(());
    }
    settings.writable(&format!("orws {command}"))
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "orws", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual page, in roff.
pub fn man_page() -> Result<String, RunError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| RunError::api(format!("cannot render the manual page: {e}")))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn config_path_output(path: Option<PathBuf>, output: Output) -> Result<String, RunError> {
    let path = path.ok_or_else(|| {
        RunError::usage("no place for a config file: set HOME or XDG_CONFIG_HOME")
    })?;
    Ok(match output {
        Output::Table => format!("{}\n", path.display()),
        Output::Json => output::json_pretty(&json!({
            "path": path.display().to_string(),
            "exists": path.exists(),
        })),
    })
}

/// `orws config show`: every setting, its value and where it comes from. The key is never
/// shown, only whether it is set and from where.
pub fn config_show(settings: &Settings) -> String {
    let rows = settings.describe();
    let file = settings
        .paths
        .config_file
        .as_ref()
        .map(|p| p.display().to_string());
    let detail = |source: Source| -> Option<String> {
        match source {
            Source::Flag(flag) => Some(flag.to_string()),
            Source::Env(var) => Some(var.to_string()),
            Source::File => file.clone(),
            Source::Profile => settings.profile.as_ref().map(|p| p.name.clone()),
            Source::Default => None,
        }
    };
    match settings.output {
        Output::Json => {
            let mut map = Map::new();
            for (name, value, source) in rows {
                let mut entry = json!({"value": value, "source": source.kind()});
                if let Some(d) = detail(source) {
                    entry["detail"] = Value::from(d);
                }
                map.insert(name, entry);
            }
            output::json_pretty(&json!({
                "config_file": {"path": file, "exists": settings.config_loaded},
                "settings": map,
            }))
        }
        Output::Table => {
            let file_state = match (&file, settings.config_loaded) {
                (Some(_), true) => "read".to_string(),
                (Some(_), false) => "not found; defaults apply".to_string(),
                (None, _) => "none (no HOME or XDG_CONFIG_HOME)".to_string(),
            };
            let mut table_rows = vec![vec![
                "config file".to_string(),
                file.clone().unwrap_or_else(|| "-".into()),
                file_state,
            ]];
            for (name, value, source) in rows {
                let value = match value {
                    Value::String(s) => s,
                    Value::Null => "-".to_string(),
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                let source = match detail(source) {
                    Some(d) => format!("{} {d}", source.kind()),
                    None => source.kind().to_string(),
                };
                table_rows.push(vec![name, value, source]);
            }
            output::table(&["SETTING", "VALUE", "SOURCE"], &table_rows)
        }
    }
}

async fn connected(settings: &Settings) -> Result<Connection, RunError> {
    connect(settings, Some(stderr_retry_hook())).await
}

/// Writes `out` to stdout at once, for a result that comes with an error (a partly applied
/// write): the part that landed is still data a script can read.
fn print_now(out: &str) {
    output::to_stdout_before_error(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The demo's settings with `--read-only`, and a connection made from them.
    async fn read_only_demo() -> Connection {
        let mut settings = Settings {
            demo: true,
            read_only: true,
            ..Settings::default()
        };
        settings.sources.read_only = Source::Flag("--read-only");
        connect(&settings, None).await.expect("the demo starts")
    }

    fn sent_writes(conn: &Connection) -> Vec<String> {
        let server = conn.demo_server.as_ref().expect("the demo's fake");
        server
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// The CLI's early check (`writable`) skipped: the connection refuses on its own, with
    /// exit 2 naming where read-only came from, and nothing but GETs leaves.
    #[tokio::test]
    async fn the_connection_refuses_writes_when_the_cli_check_is_skipped() {
        let conn = read_only_demo().await;
        let cli = Cli::try_parse_from(["orws", "patch", "production", "--set", "name=X"]).unwrap();
        let Some(Command::Patch(args)) = cli.command else {
            panic!("a patch")
        };
        let e = patch::run(&conn, Output::Table, patch::plan(args).unwrap())
            .await
            .unwrap_err();
        assert_eq!(e.exit_code(), 2, "{e}");
        assert!(e.to_string().contains("--read-only"), "{e}");
        assert!(e.to_string().contains("nothing was sent"), "{e}");

        let hash = "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d";
        let e = keys::set_disabled(&conn, Output::Table, hash, true, false)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("--read-only"), "{e}");
        assert_eq!(e.exit_code(), 2, "{e}");
        assert_eq!(sent_writes(&conn), Vec::<String>::new());
    }
}
