//! parse → settings → connection → CLI or TUI; a [`RunError`] becomes its exit code. The work
//! happens in the library.

use orws::cli::Cli;
use orws::cli::output::stdout_failed;
use orws::error::RunError;
use orws::settings::Settings;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    orws::startup::begin();
    let cli = Cli::parse_args(orws::cli::args::audit_csv(std::env::args_os()));
    orws::startup::mark("args");
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A signal's end is told by the code alone (130 for SIGINT …), as a shell's is.
        Err(RunError::Signalled(n)) => ExitCode::from((128 + n) as u8),
        // A partial result that could not be written (already said on stderr) outranks a
        // conflict or "changes present": what a script reads is not there.
        Err(e) if stdout_failed() => {
            if !matches!(e, RunError::ChangesPresent) {
                orws::say::say(&format!("error: {e}"));
            }
            ExitCode::from(RunError::API as u8)
        }
        // The plan on stdout says it all.
        Err(RunError::ChangesPresent) => ExitCode::from(RunError::CHANGES as u8),
        Err(e) => {
            orws::say::say(&format!("error: {e}"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<(), RunError> {
    let env = orws::settings::process_env;
    // One thread is plenty for a handful of requests, and starts faster than a pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::api(format!("cannot start the async runtime: {e}")))?;
    orws::startup::mark("runtime");
    match cli.command {
        Some(command) => {
            let out = runtime.block_on(orws::cli::run(command, &cli.global, env))?;
            orws::cli::output::to_stdout(&out)
        }
        None => {
            // First: without a terminal nothing else matters (not even a missing key), and
            // nothing may reach a redirected stdout.
            orws::tui::check_terminal(
                std::io::stdin().is_terminal(),
                std::io::stdout().is_terminal(),
            )?;
            // The terminal's buffers and event reader are made meanwhile, on a thread.
            let terminal = orws::tui::terminal::prepare();
            let settings = Settings::resolve(&cli.global, env)?;
            orws::startup::mark("settings");
            runtime.block_on(async {
                // Connect first: a missing key or a bad URL is reported before the screen changes.
                let conn = orws::connection::connect(&settings, None).await?;
                orws::startup::mark("connect");
                orws::tui::run(settings, conn, cli.workspace, terminal).await
            })
        }
    }
}
