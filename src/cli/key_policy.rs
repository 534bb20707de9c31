//! `orws keys policy HASH`: what applies to a key, computed by orws from R22–R24 (the API gives
//! it only for the calling key, R31). Reads only.

use super::Output;
use super::output::{json_pretty, table};
use crate::admin::policy::{Policy, allow_text};
use crate::connection::Connection;
use crate::error::RunError;
use serde_json::Value;

/// The line every answer starts with: this is orws's computation, not the API's.
pub const COMPUTED: &str = "computed by orws from the guardrails, their assignments and the budgets (R22–R24); the API gives a key's effective policy only to the key itself";

pub async fn show(conn: &Connection, output: Output, hash: &str) -> Result<String, RunError> {
    let (key, ws) = super::keys::locate(conn, hash).await?;
    let p = conn.client.key_policy(&key, &ws).await?;
    Ok(match output {
        Output::Json => {
            let mut v = serde_json::to_value(&p).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("note".into(), Value::String(COMPUTED.into()));
            }
            json_pretty(&v)
        }
        Output::Table => text(&p, ws.slug()),
    })
}

fn text(p: &Policy, slug: &str) -> String {
    let mut out = format!(
        "Effective policy of key {} ({}) in {slug} — {COMPUTED}.\n\n",
        p.key_name, p.key_hash
    );
    let guardrails: Vec<Vec<String>> = p
        .guardrails
        .iter()
        .map(|g| {
            let name = if g.name.is_empty() { "-" } else { &g.name };
            vec![name.to_string(), g.id.clone(), g.why.text().to_string()]
        })
        .collect();
    if guardrails.is_empty() {
        out.push_str(
            "No guardrail applies (the default is not configured): the account's policy applies.\n",
        );
    } else {
        out.push_str(&table(&["GUARDRAIL", "ID", "WHY"], &guardrails));
    }
    let set = |s: &std::collections::BTreeSet<String>| {
        if s.is_empty() {
            "none".to_string()
        } else {
            s.iter().cloned().collect::<Vec<_>>().join(", ")
        }
    };
    let on = |b: bool| if b { "on" } else { "off" }.to_string();
    let mut rows = vec![
        vec!["allowed models".into(), allow_text(&p.allowed_models)],
        vec!["ignored models".into(), set(&p.ignored_models)],
        vec!["allowed providers".into(), allow_text(&p.allowed_providers)],
        vec!["ignored providers".into(), set(&p.ignored_providers)],
        vec!["data regions".into(), allow_text(&p.allowed_data_regions)],
    ];
    for (field, v) in p.zdr.iter().chain(&p.switches) {
        rows.push(vec![
            crate::admin::guardrail::label(field).to_string(),
            on(*v),
        ]);
    }
    out.push('\n');
    out.push_str(&table(&["POLICY", "VALUE"], &rows));
    out.push('\n');
    if p.budget_layers.is_empty() {
        out.push_str("No budget layer limits this key.\n");
    } else {
        let layers: Vec<Vec<String>> = p
            .budget_layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                vec![
                    (i + 1).to_string(),
                    l.what.clone(),
                    crate::admin::budgets::usd(l.limit_usd),
                    l.reset.clone().unwrap_or_else(|| "never".into()),
                ]
            })
            .collect();
        out.push_str(&table(
            &["ORDER", "BUDGET LAYER (R24)", "LIMIT", "RESETS"],
            &layers,
        ));
    }
    for u in &p.unknown {
        out.push_str(&format!("\nNot read, so not shown: {u}.\n"));
    }
    out
}
