//! Argument parsing and wiring; the work happens in the library.

use clap::Parser;
use orws::cli::{Cli, CliError, Settings, run_command, run_standalone};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orws: error: {e}");
            ExitCode::from(e.code as u8)
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let env = |k: &str| std::env::var(k).ok();
    if let Some(command) = &cli.command
        && let Some(out) = run_standalone(command, &cli.global, env)
    {
        print(&out?);
        return Ok(());
    }
    let settings = Settings::resolve(&cli.global, env)?;
    // One thread is plenty for a handful of requests, and starts faster than a pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::api(format!("cannot start the async runtime: {e}")))?;
    match cli.command {
        Some(command) => {
            let out = runtime.block_on(run_command(&settings, command))?;
            print(&out);
            Ok(())
        }
        None => runtime.block_on(orws::tui::run(settings, cli.workspace)),
    }
}

fn print(out: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`orws list | head`) is not an error worth reporting.
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}
