//! What `export`, `plan` and `apply` do with budgets, members, guardrails and keys (product.md
//! §13): read what a file manages (or what is exported) from the server, show its plan, and
//! apply it through each resource's own write (the CLI commands' targets: `budgets`,
//! `members`, `guardrail patch`, `guardrails patch|assign|unassign`, `keys edit|disable`),
//! each with its conflict check and its history entry.

use super::Output;
use super::output::{field_cell, table};
use crate::admin::budgets::usd;
use crate::api::ApiError;
use crate::code::file::Document;
use crate::code::normal;
use crate::code::org_plan::{self, OrgPlan, Resource, ResourceKind, Server};
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::workspace::Workspace;
use serde_json::{Map, Value};

/// Which parts `export --only` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    Workspaces,
    Budgets,
    Members,
    Guardrails,
    Keys,
}

/// Every part (an export without `--only`).
pub const ALL_PARTS: [Part; 5] = [
    Part::Workspaces,
    Part::Budgets,
    Part::Members,
    Part::Guardrails,
    Part::Keys,
];

fn is_not_found(e: &ApiError) -> bool {
    matches!(e, ApiError::NotFound { .. })
}

/// The workspace's default guardrail id, when it names one.
fn default_guardrail_id(ws: &Workspace) -> Option<String> {
    ws.get("default_guardrail_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A workspace's budgets; `None` when the server refuses them (R11, 403).
async fn budgets(
    conn: &Connection,
    id: &str,
) -> Result<Option<crate::admin::budgets::Budgets>, RunError> {
    match conn.client.get_budgets(id).await {
        Ok(b) => Ok(Some(b)),
        Err(ApiError::Forbidden { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn members(conn: &Connection, id: &str) -> Result<Vec<String>, RunError> {
    Ok(conn
        .client
        .list_members(id)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

async fn default_guardrail(
    conn: &Connection,
    ws: &Workspace,
) -> Result<Option<(String, Option<Map<String, Value>>)>, RunError> {
    let Some(gid) = default_guardrail_id(ws) else {
        return Ok(None);
    };
    let g = conn.client.get_guardrail(&gid).await?;
    Ok(Some((gid, g)))
}

/// Reads in flight at once when a file names many workspaces (each read one GET or a few).
const READS_IN_FLIGHT: usize = 8;
/// Past this many workspaces, progress is said on stderr as the reads go.
const PROGRESS_FROM: usize = 200;

/// Runs `read` for every item, [`READS_IN_FLIGHT`] at once, and says how far it is on stderr
/// when there are many; the first error stops it (nothing is written by a read).
async fn bounded<I, T, F, Fut>(items: Vec<I>, read: F) -> Result<Vec<T>, RunError>
where
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = Result<T, RunError>>,
{
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    let total = items.len();
    let step = (total / 10).max(PROGRESS_FROM);
    let mut done = 0usize;
    let mut out = Vec::with_capacity(total);
    let mut reads = stream::iter(items.into_iter().map(read)).buffer_unordered(READS_IN_FLIGHT);
    while let Some(t) = reads.try_next().await? {
        out.push(t);
        done += 1;
        if total >= PROGRESS_FROM && (done.is_multiple_of(step) || done == total) {
            crate::say::say(&format!("read {done} of {total} workspaces"));
        }
    }
    Ok(out)
}

/// What the server holds of what `doc` manages (only that is read). A named guardrail or key
/// the server does not have is left out (the plan refuses its entry, naming its line).
pub async fn read_for_plan(
    conn: &Connection,
    doc: &Document,
    workspaces: &crate::workspace::CompactList,
) -> Result<Server, RunError> {
    let client = &conn.client;
    let mut server = Server::default();
    if doc.workspaces.iter().any(|e| e.members.is_some()) {
        server.default_workspace = client.default_workspace_id().await?;
    }
    let default = server.default_workspace.clone();
    // Each workspace is made from its text only for an entry that reads something.
    let reads: Vec<(&crate::code::FileEntry, Workspace)> = doc
        .workspaces
        .iter()
        .filter(|e| e.budgets.is_some() || e.members.is_some() || e.guardrail.is_some())
        .filter_map(|e| Some((e, workspaces.get(&e.id)?)))
        .collect();
    let read = bounded(reads, |(entry, ws)| {
        let default = default.clone();
        async move {
            let id = ws.id().to_string();
            let b = match entry.budgets.is_some() {
                true => budgets(conn, &id).await?,
                false => None,
            };
            let m = match entry.members.is_some() && default.as_deref() != Some(id.as_str()) {
                true => Some(members(conn, &id).await?),
                false => None,
            };
            let g = match entry.guardrail.is_some() {
                true => default_guardrail(conn, &ws).await?,
                false => None,
            };
            Ok((id, b, m, g))
        }
    })
    .await?;
    for (id, b, m, g) in read {
        if let Some(b) = b {
            server.budgets.insert(id.clone(), b);
        }
        if let Some(m) = m {
            server.members.insert(id.clone(), m);
        }
        if let Some(g) = g {
            server.guardrails.insert(id, g);
        }
    }
    for k in &doc.keys {
        if let Some(key) = client.get_key(&k.hash).await? {
            server.keys.insert(k.hash.clone(), key);
        }
    }
    for g in &doc.guardrails {
        let found = match client.get_named_guardrail(&g.id).await {
            Ok(found) => found,
            Err(e) if is_not_found(&e) => continue,
            Err(e) => return Err(e.into()),
        };
        if super::guardrails::is_default(&found) {
            return Err(RunError::usage(format!(
                "guardrail {} is the default guardrail of workspace {}: manage it under that workspace's `guardrail` table; nothing was sent",
                escape(&g.id),
                crate::admin::guardrail::workspace_of(&found).unwrap_or_default()
            )));
        }
        for (wanted, members) in [(g.keys.is_some(), false), (g.members.is_some(), true)] {
            if !wanted {
                continue;
            }
            let list = client.guardrail_assignment_list(&g.id, members).await?;
            let who = server.assigned.entry(g.id.clone()).or_default();
            for a in &list {
                who.insert(
                    a.holder.clone(),
                    org_plan::Assigned {
                        by: a.assigned_by.clone(),
                        at: a.created_at.clone(),
                    },
                );
            }
            let held = list.into_iter().map(|a| a.holder).collect();
            match members {
                true => server.member_assignments.insert(g.id.clone(), held),
                false => server.key_assignments.insert(g.id.clone(), held),
            };
        }
        server.named.insert(g.id.clone(), found);
    }
    Ok(server)
}

/// What one workspace's export read found.
#[derive(Default)]
struct ExportRead {
    budgets: Option<crate::admin::budgets::Budgets>,
    members: Option<Vec<String>>,
    guardrail: Option<(String, Option<Map<String, Value>>)>,
    named: Vec<(String, Map<String, Value>)>,
    keys: Vec<crate::admin::keys::Key>,
}

/// What `export` writes of `workspaces` besides their fields, by `parts`.
pub async fn read_for_export(
    conn: &Connection,
    workspaces: &crate::workspace::CompactList,
    parts: &[Part],
) -> Result<Server, RunError> {
    let client = &conn.client;
    let mut server = Server::default();
    let has = |p: Part| parts.contains(&p);
    if has(Part::Members) {
        server.default_workspace = client.default_workspace_id().await?;
    }
    let default = server.default_workspace.clone();
    let wanted = [Part::Budgets, Part::Members, Part::Guardrails, Part::Keys];
    let items: Vec<usize> = match wanted.iter().any(|p| has(*p)) {
        true => (0..workspaces.len()).collect(),
        false => Vec::new(),
    };
    let read = bounded(items, |i| {
        let default = default.clone();
        async move {
            let ws = &workspaces.at(i);
            let id = ws.id().to_string();
            let mut one = ExportRead::default();
            if has(Part::Budgets) {
                one.budgets = budgets(conn, &id).await?;
            }
            // Never for the default workspace: every member of the organisation is in it (R7).
            if has(Part::Members) && default.as_deref() != Some(id.as_str()) {
                one.members = Some(members(conn, &id).await?);
            }
            if has(Part::Guardrails) {
                one.guardrail = default_guardrail(conn, ws).await?;
                for g in client.list_guardrails(&id).await? {
                    let gid = g.get("id").and_then(Value::as_str).unwrap_or_default();
                    if gid.is_empty() || super::guardrails::is_default(&g) {
                        continue;
                    }
                    // Account-wide ones are listed with the default workspace only; a
                    // guardrail naming another workspace is that one's.
                    match crate::admin::guardrail::workspace_of(&g) {
                        Some(w) if !w.eq_ignore_ascii_case(&id) => continue,
                        _ => {}
                    }
                    one.named.push((gid.to_string(), g));
                }
            }
            if has(Part::Keys) {
                one.keys = client
                    .list_keys(&crate::admin::keys::KeyQuery::all_in(&id))
                    .await?;
            }
            Ok((id, one))
        }
    })
    .await?;
    for (id, one) in read {
        if let Some(b) = one.budgets {
            server.budgets.insert(id.clone(), b);
        }
        if let Some(m) = one.members {
            server.members.insert(id.clone(), m);
        }
        if let Some(g) = one.guardrail {
            server.guardrails.insert(id.clone(), g);
        }
        server.named.extend(one.named);
        for k in one.keys {
            server.keys.insert(k.hash.clone(), k);
        }
    }
    if has(Part::Guardrails) && !server.named.is_empty() {
        for (members, into) in [
            (false, &mut server.key_assignments),
            (true, &mut server.member_assignments),
        ] {
            for id in server.named.keys() {
                into.insert(id.clone(), Vec::new());
            }
            for a in client.all_assignments(members).await? {
                if let Some(held) = into.get_mut(&a.guardrail_id) {
                    held.push(a.holder);
                }
            }
        }
    }
    Ok(server)
}

/// A value as a plan cell: a budget or a key's limit in dollars, else as the workspace
/// fields are shown.
fn cell(kind: ResourceKind, field: &str, v: Option<&Value>) -> String {
    match (kind, field, v.and_then(Value::as_f64)) {
        (ResourceKind::Budgets, _, Some(l)) | (ResourceKind::Key, "limit", Some(l)) => usd(l),
        _ => field_cell(field, v, usize::MAX),
    }
}

/// The header line of a resource's part of the plan.
fn header(r: &Resource) -> String {
    let id = escape(&r.id);
    match r.kind {
        ResourceKind::Workspace => format!("{} ({id})", r.label),
        ResourceKind::Budgets => format!("{} ({id}): budgets", r.label),
        ResourceKind::Members => format!("{} ({id}): members", r.label),
        ResourceKind::Guardrail => format!("{} ({id}): default guardrail", r.label),
        ResourceKind::NamedGuardrail => format!("guardrail {} ({id})", r.label),
        ResourceKind::Key => format!("key {} ({id})", r.label),
    }
}

fn lines_of(kind: &str, adding: bool, ids: &[String]) -> String {
    ids.iter()
        .map(|u| {
            format!(
                "  {} {kind} {}\n",
                if adding { "add" } else { "remove" },
                escape(u)
            )
        })
        .collect()
}

/// The plan of `org` as people read it: per changed resource its header, a `FIELD | SERVER
/// | FILE` table, and what is sent (budgets: the requests in the order they are sent; sets:
/// who is added and removed).
pub fn org_table(org: &OrgPlan) -> String {
    let mut out = String::new();
    for r in org.resources() {
        if r.changes.is_empty() {
            continue;
        }
        out.push_str(&header(&r));
        out.push('\n');
        match r.kind {
            ResourceKind::Members => {
                let m = org.members.iter().find(|m| m.workspace == r.id);
                if let Some(m) = m {
                    if m.set.removes_all() {
                        out.push_str(&format!(
                            "  removes every member ({})\n",
                            m.set.remove.len()
                        ));
                    }
                    out.push_str(&lines_of("member", true, &m.set.add));
                    out.push_str(&lines_of("member", false, &m.set.remove));
                }
            }
            _ => {
                let rows: Vec<Vec<String>> = r
                    .changes
                    .iter()
                    .filter(|c| {
                        !(r.kind == ResourceKind::NamedGuardrail
                            && (c.field == "keys" || c.field == "members"))
                    })
                    .map(|c| {
                        vec![
                            c.field.clone(),
                            escape(&cell(r.kind, &c.field, c.server.as_ref())).into_owned(),
                            escape(&cell(r.kind, &c.field, Some(&c.file))).into_owned(),
                        ]
                    })
                    .collect();
                if r.kind == ResourceKind::Guardrail
                    && org
                        .guardrails
                        .iter()
                        .any(|g| g.workspace == r.id && g.configures())
                {
                    out.push_str("  not configured yet: this write configures it\n");
                }
                if !rows.is_empty() {
                    out.push_str(&table(&["FIELD", "SERVER", "FILE"], &rows));
                }
            }
        }
        if r.kind == ResourceKind::Budgets
            && let Some(b) = org.budgets.iter().find(|b| b.workspace == r.id)
        {
            out.push_str("requests, in this order:\n");
            for (i, q) in b.requests.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, q.summary()));
            }
        }
        if r.kind == ResourceKind::NamedGuardrail
            && let Some(n) = org.named.iter().find(|n| n.id == r.id)
        {
            for (kind, set) in [("key", &n.keys), ("member", &n.members)] {
                if let Some(s) = set {
                    let word = |adding| if adding { "assign" } else { "unassign" };
                    for (adding, ids) in [(false, &s.remove), (true, &s.add)] {
                        for id in ids {
                            out.push_str(&format!("  {} {kind} {}\n", word(adding), escape(id)));
                        }
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

/// How many resources beyond the workspaces change, and how many fields.
pub fn org_counts(org: &OrgPlan) -> (usize, usize) {
    let changed: Vec<Resource> = org
        .resources()
        .into_iter()
        .filter(|r| !r.changes.is_empty())
        .collect();
    let fields = changed.iter().map(|r| r.changes.len()).sum();
    (changed.len(), fields)
}

/// The lines a person is asked about besides the count: each workspace all of whose members
/// a plan removes.
pub fn warnings(org: &OrgPlan) -> Vec<String> {
    org.members
        .iter()
        .filter(|m| m.set.removes_all())
        .map(|m| {
            format!(
                "this removes every member ({}) of {}",
                m.set.remove.len(),
                m.label
            )
        })
        .collect()
}

/// One resource applied (or not): for the result.
#[derive(Debug, Clone)]
pub struct Done {
    pub kind: ResourceKind,
    pub id: String,
    pub label: String,
    pub status: &'static str,
}

/// A key's fields that changed on the server since the plan, to a value other than the
/// file's: a conflict, nothing sent.
fn key_moved(k: &org_plan::KeyPlan, now: Option<&crate::admin::keys::Key>) -> Option<String> {
    let Some(now) = now else {
        return Some(format!(
            "key {} no longer exists (deleted since the plan)",
            k.hash
        ));
    };
    let held = org_plan::key_fields(now);
    let moved: Vec<String> = k
        .changes()
        .into_iter()
        .filter(|c| {
            let n = normal::key(&c.field, held.get(&c.field));
            n != normal::key(&c.field, c.server.as_ref())
                && n != normal::key(&c.field, Some(&c.file))
        })
        .map(|c| c.field)
        .collect();
    (!moved.is_empty()).then(|| {
        format!(
            "someone else changed the {} of key {} since the plan",
            moved.join(", "),
            k.hash
        )
    })
}

/// What moved on the server since `org` was planned (a saved plan): each resource whose
/// fields it changes hold, now, another writer's value; one line each. Members settle as sets
/// and are not compared.
pub async fn moved(conn: &Connection, org: &OrgPlan) -> Result<Vec<String>, RunError> {
    let client = &conn.client;
    let mut out = Vec::new();
    for b in org.budgets.iter().filter(|b| !b.requests.is_empty()) {
        let now = client.get_budgets(&b.workspace).await?;
        let changed = crate::admin::budgets::conflicts(&b.base, &now, &b.target);
        if !changed.is_empty() {
            out.push(format!(
                "{} ({}): budgets changed since the plan ({})",
                b.label,
                escape(&b.workspace),
                changed
                    .iter()
                    .map(|i| i.map_or("the BYOK switch".to_string(), |i| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for g in org.guardrails.iter().filter(|g| !g.patch.is_empty()) {
        let now = client.get_guardrail(&g.guardrail_id).await?;
        let changed = crate::admin::guardrail::conflicts(g.base.as_ref(), now.as_ref(), &g.patch);
        if !changed.is_empty() {
            out.push(format!(
                "{} ({}): the default guardrail's {} changed since the plan",
                g.label,
                escape(&g.workspace),
                changed.join(", ")
            ));
        }
    }
    for k in org.keys.iter().filter(|k| !k.changes().is_empty()) {
        let now = client.get_key(&k.hash).await?;
        out.extend(key_moved(k, now.as_ref()));
    }
    for n in org.named.iter().filter(|n| !n.patch.is_empty()) {
        let now = match client.get_named_guardrail(&n.id).await {
            Ok(g) => g,
            Err(e) if is_not_found(&e) => {
                out.push(format!("guardrail {} no longer exists", escape(&n.id)));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let changed = crate::admin::guardrail::conflicts(Some(&n.base), Some(&now), &n.patch);
        if !changed.is_empty() {
            out.push(format!(
                "guardrail {} ({}): its {} changed since the plan",
                n.label,
                escape(&n.id),
                changed.join(", ")
            ));
        }
    }
    Ok(out)
}

/// Applies `org` in order — budgets, members and default guardrails per workspace, keys,
/// named guardrails' fields, then every unassignment before any assignment (a key moving
/// between two guardrails is let go first) — each through its command's write: the one send
/// with its conflict check, then its history entry. Stops at the first that does not land;
/// what landed before is in the history and in `done`.
pub async fn apply(conn: &Connection, org: &OrgPlan, done: &mut Vec<Done>) -> Result<(), RunError> {
    let client = &conn.client;
    let mut landed = |kind, id: &str, label: &str| {
        done.push(Done {
            kind,
            id: id.to_string(),
            label: label.to_string(),
            status: "applied",
        })
    };
    for b in org.budgets.iter().filter(|b| !b.requests.is_empty()) {
        super::budgets::execute(
            conn,
            Output::Json,
            &b.workspace,
            b.base,
            b.target,
            b.requests.clone(),
            false,
            true,
        )
        .await?;
        landed(ResourceKind::Budgets, &b.workspace, &b.label);
    }
    let changed_members: Vec<_> = org.members.iter().filter(|m| !m.set.is_empty()).collect();
    if !changed_members.is_empty() {
        let people = client.organization_members().await.unwrap_or_default();
        for m in changed_members {
            for (adding, users) in [(true, &m.set.add), (false, &m.set.remove)] {
                // One request takes at most 100 users.
                for chunk in users.chunks(100) {
                    let request = if adding {
                        crate::write::request::Request::AddMembers {
                            workspace: m.workspace.clone(),
                            user_ids: chunk.to_vec(),
                        }
                    } else {
                        crate::write::request::Request::RemoveMembers {
                            workspace: m.workspace.clone(),
                            user_ids: chunk.to_vec(),
                        }
                    };
                    let seen = crate::write::record::people_seen(chunk, &people);
                    super::members::write_members(
                        conn,
                        request,
                        RunError::from,
                        &m.workspace,
                        seen,
                    )
                    .await?;
                }
            }
            landed(ResourceKind::Members, &m.workspace, &m.label);
        }
    }
    for g in org.guardrails.iter().filter(|g| !g.patch.is_empty()) {
        if g.configures() {
            crate::say::say(&format!(
                "the default guardrail of {} is not configured yet: this write configures it",
                g.label
            ));
        }
        super::guardrail::send_patch(
            conn,
            &g.workspace,
            &g.guardrail_id,
            g.base.as_ref(),
            &g.patch,
            true,
        )
        .await?;
        landed(ResourceKind::Guardrail, &g.workspace, &g.label);
    }
    for k in org.keys.iter().filter(|k| !k.changes().is_empty()) {
        let now = client.get_key(&k.hash).await?;
        if let Some(why) = key_moved(k, now.as_ref()) {
            return Err(RunError::conflict(format!("{why}; nothing more was sent")));
        }
        if !k.edit.is_empty() {
            super::keys_create::edit_to(conn, Output::Json, &k.hash, &k.edit, false).await?;
        }
        if let Some(d) = k.disabled {
            super::keys::set_disabled(conn, Output::Json, &k.hash, d, false).await?;
        }
        landed(ResourceKind::Key, &k.hash, &k.label);
    }
    for n in org.named.iter().filter(|n| !n.patch.is_empty()) {
        let now = client.get_named_guardrail(&n.id).await?;
        let moved = crate::admin::guardrail::conflicts(Some(&n.base), Some(&now), &n.patch);
        if !moved.is_empty() {
            return Err(RunError::conflict(format!(
                "someone else changed the {} of guardrail {} since the plan; nothing more was sent",
                moved.join(", "),
                n.id
            )));
        }
        super::guardrails::patch(conn, Output::Json, &n.id, n.patch.clone(), false).await?;
    }
    for adding in [false, true] {
        for n in &org.named {
            let pick = |s: &Option<org_plan::SetPlan>| {
                s.as_ref()
                    .map(|s| {
                        if adding {
                            s.add.clone()
                        } else {
                            s.remove.clone()
                        }
                    })
                    .unwrap_or_default()
            };
            let who = super::guardrails::Who {
                keys: pick(&n.keys),
                members: pick(&n.members),
            };
            if who.keys.is_empty() && who.members.is_empty() {
                continue;
            }
            super::guardrails::assign(conn, Output::Json, &n.id, who, adding, true, false).await?;
        }
    }
    for n in &org.named {
        if !n.changes().is_empty() {
            landed(ResourceKind::NamedGuardrail, &n.id, &n.label);
        }
    }
    Ok(())
}
