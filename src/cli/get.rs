//! `orws get WORKSPACE`

use super::Output;
use super::output::{json_pretty, workspace_table};
use crate::api::Client;
use crate::error::RunError;

pub async fn run(client: &Client, output: Output, workspace: &str) -> Result<String, RunError> {
    let ws = client.get(workspace).await?;
    super::identity::check_answer(workspace, &ws)?;
    Ok(match output {
        Output::Json => json_pretty(&ws.to_json()),
        Output::Table => workspace_table(&ws),
    })
}
