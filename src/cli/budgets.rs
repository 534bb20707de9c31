//! `orws budgets get WS`, `orws budgets set WS [--daily N]… [--include-byok B]`,
//! `orws budgets delete WS INTERVAL`.

use super::Output;
use super::admin_io::{Request as DryRequest, dry_run, failed, record, send_plan, workspace};
use super::args::BudgetsSetArgs;
use super::output::{json_pretty, table};
use crate::admin::budgets::{BudgetRequest, Budgets, Interval, parse_limit, plan, usd};
use crate::api::ApiError;
use crate::connection::Connection;
use crate::error::RunError;
use crate::text::escape;
use crate::text::joined;
use crate::write::record::Record;
use crate::write::request::Request;
use crate::write::review::NULL;
use crate::write::send::{Base, Plan};
use serde_json::{Value, json};

/// A 403 said plainly, with the server's message: budgets are an Enterprise-plan feature (R11).
fn read_error(e: ApiError) -> RunError {
    match e {
        ApiError::Forbidden { message } => RunError::api(format!(
            "the server refused the budgets (403): {message}; workspace budgets are an Enterprise-plan feature"
        )),
        e => e.into(),
    }
}

fn budgets_json(b: &Budgets) -> Value {
    let mut out = serde_json::Map::new();
    for i in Interval::ALL {
        out.insert(i.as_str().into(), json!(b.limits.get(i)));
    }
    out.insert("include_byok_in_budgets".into(), json!(b.include_byok));
    Value::Object(out)
}

fn budgets_table(b: &Budgets) -> String {
    let mut rows: Vec<Vec<String>> = Interval::ALL
        .iter()
        .map(|i| {
            vec![
                i.as_str().to_string(),
                b.limits.get(*i).map_or(NULL.into(), usd),
            ]
        })
        .collect();
    rows.push(vec![
        "include BYOK".into(),
        b.include_byok
            .map_or(NULL.into(), |v| if v { "on" } else { "off" }.to_string()),
    ]);
    table(&["INTERVAL", "LIMIT"], &rows)
}

/// One request of a budgets plan, as the core's send takes it.
fn request(id: &str, r: &BudgetRequest) -> Request {
    Request::Budget {
        workspace: id.to_string(),
        request: r.clone(),
    }
}

pub async fn get(conn: &Connection, output: Output, asked: &str) -> Result<String, RunError> {
    let ws = workspace(&conn.client, asked).await?;
    let b = conn.client.get_budgets(ws.id()).await.map_err(read_error)?;
    Ok(match output {
        Output::Json => json_pretty(&budgets_json(&b)),
        Output::Table => budgets_table(&b),
    })
}

/// The limits asked for, each checked (R9) before any connection: `None` = not given.
pub struct SetPlan {
    pub workspace: String,
    pub limits: Vec<(Interval, f64)>,
    pub include_byok: Option<bool>,
    pub dry_run: bool,
}

pub fn set_plan(args: BudgetsSetArgs) -> Result<SetPlan, RunError> {
    let mut limits = Vec::new();
    for (i, text) in [
        (Interval::Daily, &args.daily),
        (Interval::Weekly, &args.weekly),
        (Interval::Monthly, &args.monthly),
        (Interval::Lifetime, &args.lifetime),
    ] {
        if let Some(text) = text {
            match parse_limit(i, text) {
                Ok(Some(v)) => limits.push((i, v)),
                Ok(None) => {
                    return Err(RunError::usage(format!(
                        "--{i} needs a limit; to remove the {i} budget use `orws budgets delete WS {i}`"
                    )));
                }
                Err(rule) => return Err(RunError::usage(rule.to_string())),
            }
        }
    }
    if limits.is_empty() && args.include_byok.is_none() {
        return Err(RunError::usage(
            "nothing to set: give --daily, --weekly, --monthly, --lifetime or --include-byok",
        ));
    }
    Ok(SetPlan {
        workspace: args.workspace,
        limits,
        include_byok: args.include_byok,
        dry_run: args.write.dry_run,
    })
}

pub async fn set(conn: &Connection, output: Output, p: SetPlan) -> Result<String, RunError> {
    let client = &conn.client;
    let ws = workspace(client, &p.workspace).await?;
    let id = ws.id().to_string();
    // Judged with the limits the server holds now (R8 is checked by the server on each PUT).
    let held = client.get_budgets(&id).await.map_err(read_error)?;
    let mut target = held;
    for (i, v) in &p.limits {
        target.limits.set(*i, Some(*v));
    }
    if p.include_byok.is_some() {
        target.include_byok = p.include_byok;
    }
    let requests = plan(&held, &target)
        .map_err(|broken| RunError::usage(format!("{}; nothing was sent", joined(&broken))))?;
    execute(conn, output, &id, held, target, requests, p.dry_run, false).await
}

pub async fn delete(
    conn: &Connection,
    output: Output,
    asked: &str,
    interval: &str,
    dry: bool,
    yes: bool,
) -> Result<String, RunError> {
    let interval = Interval::parse(interval).ok_or_else(|| {
        RunError::usage(format!(
            "'{interval}' is not an interval: daily, weekly, monthly or lifetime"
        ))
    })?;
    let ws = workspace(&conn.client, asked).await?;
    let id = ws.id().to_string();
    let held = conn.client.get_budgets(&id).await.map_err(read_error)?;
    let target = Budgets {
        limits: held.limits.with(interval, None),
        ..held
    };
    // One DELETE, or none when there is no such budget: dropping a limit never breaks R8, so
    // limits the server already holds out of order (another client's doing) do not stop it.
    let requests = if held.limits.get(interval).is_some() {
        vec![BudgetRequest::Delete { interval }]
    } else {
        Vec::new()
    };
    // Destructive (product.md §15): asked on a terminal, else refused without --yes.
    if !dry && !requests.is_empty() {
        super::admin_io::confirm(
            &format!(
                "Remove the {interval} budget ({}) of '{}'?",
                held.limits.get(interval).map(usd).unwrap_or_default(),
                crate::text::escape(ws.slug())
            ),
            yes,
        )?;
    }
    // A person was asked (not --yes): the budgets are read again before the DELETE, and a
    // change someone made while the question waited is a conflict, nothing sent.
    execute(conn, output, &id, held, target, requests, dry, !yes).await
}

/// Sends the plan in order (or prints it); a partial failure says what landed. `read_again`:
/// `held` was read before a pause (a question), so the server is read again and compared with
/// it before anything is sent.
#[allow(clippy::too_many_arguments)]
pub(super) async fn execute(
    conn: &Connection,
    output: Output,
    id: &str,
    held: Budgets,
    target: Budgets,
    requests: Vec<BudgetRequest>,
    dry: bool,
    read_again: bool,
) -> Result<String, RunError> {
    let client = &conn.client;
    if requests.is_empty() {
        crate::say::say("nothing to change: the server already holds these budgets");
        return Ok(super::output::nothing(output));
    }
    let sent: Vec<Request> = requests.iter().map(|r| request(id, r)).collect();
    let shown: Vec<DryRequest> = sent.iter().map(DryRequest::from).collect();
    if dry {
        return Ok(dry_run(output, &shown));
    }
    // Through the core's one send: each request in order, each the safe way, settled against
    // what those before it made; the first that does not land stops the plan.
    let plan = Plan {
        requests: &sent,
        base: Some(Base::Budgets(&held)),
        read_again,
        ..Plan::default()
    };
    let reached = std::cell::Cell::new(0);
    let (landed, error) = match send_plan(client, &plan, &reached).await {
        Ok(Ok(_)) => (requests.len(), None),
        Ok(Err(f)) => (
            f.index,
            Some(failed(f, RunError::from, &format!("orws budgets get {id}"))),
        ),
        // Quit at once: what landed before the request in flight is still recorded.
        Err(e) => (reached.get(), Some(e)),
    };
    let done = &requests[..landed];
    if !done.is_empty() {
        let after = done.iter().fold(held, |s, r| r.apply(&s));
        record(
            conn,
            &Record::budgets(id, done, &held, &after).entry(client.state_key()),
        );
    }
    if let Some(e) = error {
        // What landed is still data a script can read (as `patch` does after a partial write).
        if !done.is_empty() {
            let landed_state = done.iter().fold(held, |s, r| r.apply(&s));
            let as_json = |qs: &[DryRequest]| {
                qs.iter()
                    .map(|q| json!({"method": q.method, "path": q.path, "body": q.body}))
                    .collect::<Vec<_>>()
            };
            super::print_now(&match output {
                Output::Json => json_pretty(&json!({
                    "requests": as_json(&shown[..landed]),
                    "not_applied": as_json(&shown[landed..]),
                    "before": budgets_json(&held),
                    "after": budgets_json(&landed_state),
                })),
                Output::Table => budgets_table(&landed_state),
            });
        }
        let said: Vec<String> = done.iter().map(|r| r.summary()).collect();
        let rest: Vec<String> = requests[landed..].iter().map(|r| r.summary()).collect();
        let landed_text = if said.is_empty() {
            "nothing landed".to_string()
        } else {
            format!("landed: {}", said.join(", "))
        };
        return Err(e.with_detail(format!(
            "{landed_text}; not sent or not applied: {}",
            rest.join(", ")
        )));
    }
    let after = client.get_budgets(id).await.unwrap_or(target);
    for r in &requests {
        crate::say::say(&format!("{}", escape(&r.summary())));
    }
    Ok(match output {
        Output::Json => json_pretty(&json!({
            "requests": shown.iter().map(|q| json!({"method": q.method, "path": q.path, "body": q.body})).collect::<Vec<_>>(),
            "before": budgets_json(&held),
            "after": budgets_json(&after),
        })),
        Output::Table => budgets_table(&after),
    })
}
