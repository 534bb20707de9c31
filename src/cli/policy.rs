//! `--policy FILE` (or config `policy`) and `--policy-input PATH` on `plan`, `apply` and
//! `drift` (product.md §13): the file is read and checked before any request (a bad one is
//! exit 2 with its line); after the plan, what the rules need beyond it is read from the
//! server, the pure engine (`code::policy`) judges the planned end state and the change, a
//! warn is said on stderr, and a deny is exit 5 before any write.

use super::args::PolicyFlags;
use crate::admin::keys::KeyQuery;
use crate::code::Plan;
use crate::code::policy::{self, GuardrailState, KeyState, Needs, Observed, Policy, Violation};
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::say;
use crate::settings::Settings;
use crate::text::escape;
use serde_json::Value;
use std::path::PathBuf;

/// What a command was asked to judge and write.
#[derive(Debug, Clone, Default)]
pub struct Judge {
    pub policy: Option<Policy>,
    pub input_path: Option<PathBuf>,
}

impl Judge {
    fn wanted(&self) -> bool {
        self.policy.is_some() || self.input_path.is_some()
    }
}

/// Reads `--policy` (else the config's `policy`); an unreadable file or a bad rule is exit 2
/// naming the file and line. Before any request.
pub fn load(flags: &PolicyFlags, settings: &Settings) -> Result<Judge, RunError> {
    let path = flags.policy.clone().or_else(|| settings.policy.clone());
    let policy = match path {
        None => None,
        Some(path) => Some(
            policy::read_file(&path)
                .map_err(|e| RunError::usage(format!("{e}; nothing was sent")))?,
        ),
    };
    Ok(Judge {
        policy,
        input_path: flags.policy_input.clone(),
    })
}

/// Judges `plan` (every workspace it manages when `all`, else those it changes): reads what
/// the rules need, writes the policy input when asked, says each broken rule on stderr.
/// Returns the violations; [`verdict`] turns a deny into exit 5.
pub async fn judge(
    conn: &Connection,
    judge: &Judge,
    plan: &Plan,
    command: &str,
    all: bool,
) -> Result<Vec<Violation>, RunError> {
    if !judge.wanted() {
        return Ok(Vec::new());
    }
    // The input written for OPA carries everything; the built-in rules read only what they need.
    let needs = match (&judge.input_path, &judge.policy) {
        (Some(_), _) => Needs::ALL,
        (None, Some(p)) => p.needs(),
        (None, None) => Needs::default(),
    };
    let observed = observe(conn, plan, all, needs).await?;
    let input = policy::input(plan, command, all, &observed);
    if let Some(path) = &judge.input_path {
        let text = super::output::json_pretty(
            &serde_json::to_value(&input).expect("the policy input is JSON"),
        );
        super::export::write_private(path, &text)?;
        say(&format!(
            "wrote the policy input to {}",
            escape(&path.display().to_string())
        ));
    }
    let Some(policy) = &judge.policy else {
        return Ok(Vec::new());
    };
    let violations = policy::evaluate(policy, &input);
    for v in &violations {
        say(&format!("policy {}", escape(&v.to_string())));
    }
    Ok(violations)
}

/// Exit 5 when any violation is a deny (each was said by [`judge`]).
pub fn verdict(violations: &[Violation]) -> Result<(), RunError> {
    let denies = violations
        .iter()
        .filter(|v| v.level == policy::Level::Deny)
        .count();
    if denies == 0 {
        return Ok(());
    }
    Err(RunError::Policy(format!(
        "the policy denies the change ({denies} rule{} broken); nothing was written",
        if denies == 1 { "" } else { "s" }
    )))
}

/// A read the server refuses for this account or workspace (budgets are an Enterprise-plan
/// feature; members of the default workspace) is left out of the input ("not read"), which
/// a rule that needs it reports; any other failure ends the run.
fn readable<T>(r: Result<T, crate::api::ApiError>) -> Result<Option<T>, RunError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(crate::api::ApiError::Forbidden { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads, for each workspace judged, what `needs` asks: keys, budgets, the default and named
/// guardrails, members. One workspace after another.
async fn observe(
    conn: &Connection,
    plan: &Plan,
    all: bool,
    needs: Needs,
) -> Result<Observed, RunError> {
    let mut seen = Observed::default();
    if !needs.any() {
        return Ok(seen);
    }
    let client = &conn.client;
    for w in plan
        .workspaces
        .iter()
        .filter(|w| all || policy::touches(plan, &w.id))
    {
        let id = w.id.as_str();
        if needs.keys {
            for k in client.list_keys(&KeyQuery::all_in(id)).await? {
                seen.keys.push(KeyState {
                    limit_reset: k
                        .extra
                        .get("limit_reset")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    hash: k.hash,
                    workspace_id: k.workspace_id,
                    name: k.name,
                    limit: k.limit,
                    expires_at: k.expires_at,
                    disabled: k.disabled,
                });
            }
        }
        if needs.budgets
            && let Some(b) = readable(client.get_budgets(id).await)?
        {
            seen.budgets.insert(id.to_string(), b.limits.to_map());
        }
        if needs.members
            && let Some(m) = readable(client.list_members(id).await)?
        {
            seen.members
                .insert(id.to_string(), m.into_iter().map(|m| m.user_id).collect());
        }
        if needs.guardrails {
            let default = w
                .base
                .get("default_guardrail_id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let fields = match &default {
                Some(g) => client
                    .get_guardrail(g)
                    .await?
                    .map_or(Value::Null, Value::Object),
                None => Value::Null,
            };
            seen.guardrail.insert(id.to_string(), fields);
            for g in client.list_guardrails(id).await? {
                let gid = g
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if Some(&gid) == default.as_ref() || seen.guardrails.iter().any(|s| s.id == gid) {
                    continue;
                }
                seen.guardrails.push(GuardrailState {
                    workspace_id: g
                        .get("workspace_id")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    id: gid,
                    fields: g,
                });
            }
        }
    }
    Ok(seen)
}

/// What a CLI write acts on, for a rule's `workspaces` glob.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A workspace by uuid or slug.
    Workspace(String),
    /// A workspace about to be created, by the slug it will have.
    NewSlug(String),
    Key(String),
    /// A named guardrail by id.
    Guardrail(String),
}

/// The write kind (one of `code::policy::WRITE_KINDS`) and target of a CLI write command;
/// `None` for a read, a dry run (it writes nothing), `apply` (judged on its plan) and
/// `revert` (its kind is the history entry's).
pub fn write_of(command: &super::Command) -> Option<(&'static str, Target)> {
    use super::args::{GuardrailCommand as G, GuardrailsCommand as Gs};
    use super::{BudgetsCommand as B, Command as C, KeysCommand as K, MembersCommand as M};
    let ws = |w: &String| Target::Workspace(w.clone());
    let (kind, target, dry) = match command {
        C::Patch(a) => ("workspaces.patch", ws(&a.workspace), a.dry_run),
        C::Create(a) => {
            let slug = a
                .set
                .iter()
                .filter_map(|s| s.strip_prefix("slug="))
                .chain(a.set_json.iter().filter_map(|s| s.strip_prefix("slug=")))
                .map(|s| s.trim_matches('"').to_string())
                .next_back()
                .unwrap_or_default();
            ("create", Target::NewSlug(slug), a.write.dry_run)
        }
        C::Delete(a) => ("delete", ws(&a.workspace), a.write.dry_run),
        C::Members(M::Add {
            workspace, write, ..
        }) => ("members.add", ws(workspace), write.dry_run),
        C::Members(M::Remove {
            workspace, write, ..
        }) => ("members.remove", ws(workspace), write.dry_run),
        C::Keys(K::Move { hash, write, .. }) => {
            ("keys.move", Target::Key(hash.clone()), write.dry_run)
        }
        C::Keys(K::Disable { hash, write }) => {
            ("keys.disable", Target::Key(hash.clone()), write.dry_run)
        }
        C::Keys(K::Enable { hash, write }) => {
            ("keys.enable", Target::Key(hash.clone()), write.dry_run)
        }
        C::Keys(K::Delete { hash, write, .. }) => {
            ("keys.delete", Target::Key(hash.clone()), write.dry_run)
        }
        C::Keys(K::Edit { hash, write, .. }) => {
            ("keys.edit", Target::Key(hash.clone()), write.dry_run)
        }
        C::Keys(K::Create(a)) => ("keys.create", ws(&a.workspace), a.write.dry_run),
        C::Budgets(B::Set(a)) => ("budgets.set", ws(&a.workspace), a.write.dry_run),
        C::Budgets(B::Delete {
            workspace, write, ..
        }) => ("budgets.delete", ws(workspace), write.dry_run),
        C::Guardrail(G::Patch {
            workspace, write, ..
        }) => ("guardrail.patch", ws(workspace), write.dry_run),
        C::Guardrails(Gs::Create {
            workspace, write, ..
        }) => ("guardrails.create", ws(workspace), write.dry_run),
        C::Guardrails(Gs::Patch { id, write, .. }) => (
            "guardrails.patch",
            Target::Guardrail(id.clone()),
            write.dry_run,
        ),
        C::Guardrails(Gs::Delete { id, write, .. }) => (
            "guardrails.delete",
            Target::Guardrail(id.clone()),
            write.dry_run,
        ),
        C::Guardrails(Gs::Assign { id, write, .. }) => (
            "guardrails.assign",
            Target::Guardrail(id.clone()),
            write.dry_run,
        ),
        C::Guardrails(Gs::Unassign { id, write, .. }) => (
            "guardrails.unassign",
            Target::Guardrail(id.clone()),
            write.dry_run,
        ),
        _ => return None,
    };
    (!dry).then_some((kind, target))
}

/// `changes.forbid` at the CLI's one write entry (product.md §15 "Policy"): the config's
/// policy judged on the one change a write command makes, before anything is written (exit
/// 5 for a deny, a warn said). A rule with a `workspaces` glob needs the target's slug: read
/// from the server (a key's or a guardrail's workspace) only then.
pub async fn forbid(command: &super::Command, settings: &Settings) -> Result<(), RunError> {
    let Some((kind, target)) = write_of(command) else {
        return Ok(());
    };
    // Under read-only the write is refused anyway, naming why.
    if settings.read_only {
        return Ok(());
    }
    let Judge {
        policy: Some(policy),
        ..
    } = load(&PolicyFlags::default(), settings)?
    else {
        return Ok(());
    };
    let rules: Vec<policy::Rule> = policy
        .rules
        .into_iter()
        .filter(
            |r| matches!(&r.check, policy::Check::ChangesForbid(k) if k.iter().any(|k| k == kind)),
        )
        .collect();
    if rules.is_empty() {
        return Ok(());
    }
    let (id, workspace) = if rules.iter().any(|r| r.workspaces.is_some()) {
        let conn = super::connected(settings).await?;
        resolve(&conn, &target).await?
    } else {
        (target_id(&target), None)
    };
    let write = policy::Write {
        kind,
        resource: match target {
            Target::Key(_) => "key",
            Target::Guardrail(_) => "named_guardrail",
            Target::Workspace(_) | Target::NewSlug(_) => "workspace",
        },
        id,
        // A target of unknown workspace (account-wide) is judged by every rule.
        workspace,
    };
    let violations = policy::judge_writes(&Policy { rules }, &[write]);
    for v in &violations {
        say(&format!("policy {}", escape(&v.to_string())));
    }
    verdict(&violations)
}

/// Judges an undo's writes (`orws revert`) by `policy`'s `changes.forbid`: each workspace's
/// slug read when the undo does not know it; a deny is exit 5 before any write.
pub async fn judge_undo(
    conn: &Connection,
    policy: &Policy,
    writes: Vec<crate::revert::UndoWrite>,
) -> Result<(), RunError> {
    let forbids = |r: &policy::Rule| {
        matches!(&r.check, policy::Check::ChangesForbid(k)
            if writes.iter().any(|w| k.iter().any(|k| k == w.kind)))
    };
    if !policy.rules.iter().any(forbids) {
        return Ok(());
    }
    let mut slugs: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut judged = Vec::with_capacity(writes.len());
    for w in writes {
        let slug = match w.slug {
            Some(s) => Some(s),
            None => match slugs.get(&w.workspace) {
                Some(s) => Some(s.clone()),
                // Gone or unreadable: judged by every rule, whatever its glob.
                None => match conn.client.get(&w.workspace).await {
                    Ok(ws) => {
                        slugs.insert(w.workspace.clone(), ws.slug().to_string());
                        Some(ws.slug().to_string())
                    }
                    Err(_) => None,
                },
            },
        };
        judged.push(policy::Write {
            kind: w.kind,
            resource: w.resource,
            id: w.id,
            workspace: slug.map(|s| (w.workspace, s)),
        });
    }
    let violations = policy::judge_writes(policy, &judged);
    for v in &violations {
        say(&format!("policy {}", escape(&v.to_string())));
    }
    verdict(&violations)
}

fn target_id(target: &Target) -> String {
    match target {
        Target::Workspace(s) | Target::NewSlug(s) | Target::Key(s) | Target::Guardrail(s) => {
            s.clone()
        }
    }
}

/// The target's id, and its workspace's (uuid, slug) when it has one.
async fn resolve(
    conn: &Connection,
    target: &Target,
) -> Result<(String, Option<(String, String)>), RunError> {
    let client = &conn.client;
    let workspace = |id: String| async move {
        let w = client.get(&id).await?;
        Ok::<_, RunError>(Some((w.id().to_string(), w.slug().to_string())))
    };
    Ok(match target {
        Target::Workspace(w) => {
            let found = workspace(w.clone()).await?;
            let id = found.as_ref().map_or(w.clone(), |(id, _)| id.clone());
            (id, found)
        }
        // Not on the server yet: the slug it will have is its scope.
        Target::NewSlug(slug) => (slug.clone(), Some((slug.clone(), slug.clone()))),
        Target::Key(hash) => {
            let key = client
                .get_key(hash)
                .await?
                .ok_or_else(|| RunError::usage(format!("no key {}", escape(hash))))?;
            (hash.clone(), workspace(key.workspace_id).await?)
        }
        Target::Guardrail(id) => {
            let g = client.get_named_guardrail(id).await?;
            let ws = g
                .get("workspace_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            match ws {
                Some(w) => (id.clone(), workspace(w).await?),
                None => (id.clone(), None),
            }
        }
    })
}
