//! `orws get WORKSPACE`

use super::output::{json_pretty, workspace_table};
use super::{CliError, Output};
use crate::api::Client;

pub async fn run(client: &Client, output: Output, workspace: &str) -> Result<String, CliError> {
    let ws = client.get(workspace).await?;
    Ok(match output {
        Output::Json => json_pretty(&ws.to_json()),
        Output::Table => workspace_table(&ws),
    })
}
