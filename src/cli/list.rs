//! `orws list`

use super::Output;
use super::output::{cell, json_pretty, table};
use crate::api::Client;
use crate::error::RunError;
use serde_json::Value;

pub async fn run(client: &Client, output: Output) -> Result<String, RunError> {
    let workspaces = client.list().await?;
    Ok(match output {
        Output::Json => json_pretty(&Value::Array(
            workspaces.iter().map(|w| w.to_json()).collect(),
        )),
        Output::Table => {
            let rows: Vec<Vec<String>> = workspaces
                .iter()
                .map(|w| {
                    vec![
                        cell(w.get("name"), 40),
                        w.slug().to_string(),
                        w.id().to_string(),
                        cell(w.get("updated_at"), 25),
                    ]
                })
                .collect();
            table(&["NAME", "SLUG", "ID", "UPDATED"], &rows)
        }
    })
}
