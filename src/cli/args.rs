//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand, ValueEnum};
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
  orws serve-fake --latency-ms 500 --fail-next PATCH:503

Key: a management key in OPENROUTER_API_KEY, or in a file given with --api-key-file.
Exit codes: 0 ok, 1 API/network/server error, 2 bad usage or invalid value, 3 conflict.";

#[derive(Debug, Parser)]
#[command(
    name = "orws",
    version,
    about = "Edit OpenRouter workspaces: a live-validated form, the smallest PATCH, a safe submit.",
    after_help = EXAMPLES,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Workspace to open in the form (uuid or slug); without it, the picker opens.
    pub workspace: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Run against a built-in fake OpenRouter (no key, no network).
    #[arg(long, global = true)]
    pub demo: bool,

    /// API base URL [env: OPENROUTER_BASE_URL] [default: https://openrouter.ai/api/v1]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read the management key from this file (else env OPENROUTER_API_KEY).
    #[arg(long, global = true, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,

    /// Seconds to wait for each answer.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,

    /// How results are printed.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,

    /// No colours (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Let the mouse focus fields in the form.
    #[arg(long, global = true)]
    pub mouse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
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
    /// Run the fake OpenRouter on loopback; prints its base URL first.
    ServeFake(ServeFakeArgs),
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
}
