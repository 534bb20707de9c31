//! The phases of `orws --demo production` up to the first drawn form that run in-process
//! (issue 24, item 1), each on its own, then all of them in a row: the arguments (clap, as
//! `main` parses them), the async runtime, the settings (a temp HOME, with and without a
//! config file), the HTTP client (loopback `http`, and `https` for comparison: its TLS setup),
//! the in-process demo fake, `connection::connect` as `--demo` runs it (the fake, the client
//! and the demo's temp dir; the scan for dead demos' dirs it starts on a thread is timed on
//! its own), the first GET (on a new connection, and on a kept-alive one), the form built
//! from the answer, and the first frame drawn into a fresh 100×30 `TestBackend`. Process
//! start, the terminal's setup and the PTY are not here: `scripts/measure` times those from
//! outside (`ORWS_STARTUP_TRACE`). Nothing is asserted about time.

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use orws::api::{ApiKey, Client, ClientConfig};
use orws::cli::Cli;
use orws::fake::FakeConfig;
use orws::settings::Settings;
use orws::tui::app::{App, Msg, Screen};
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const ARGS: [&str; 3] = ["orws", "--demo", "production"];
const TARGET: &str = "production";

/// A config file of the usual kind: a few settings and a profile (not the one in use).
const CONFIG: &str = r#"theme = "dark"
mouse = true
timeout = 20
concurrency = 4

[profiles.staging]
base_url = "https://staging.example.com/api/v1"
"#;

fn cli() -> Cli {
    Cli::parse_args(orws::cli::args::audit_csv(ARGS.map(Into::into)))
}

/// `make` timed alone, `iters` times; what it made is handed to `done` off the clock.
fn time_each<T>(iters: u64, mut make: impl FnMut() -> T, mut done: impl FnMut(T)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let t = Instant::now();
        let made = make();
        total += t.elapsed();
        done(made);
    }
    total
}

fn runtime() -> tokio::runtime::Runtime {
    // As `main` builds it.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// An environment holding only HOME and the XDG directories, under `home`.
fn env_in(home: &Path) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        let sub = match name {
            "HOME" => "home",
            "XDG_CONFIG_HOME" => "config",
            "XDG_STATE_HOME" => "state",
            "XDG_CACHE_HOME" => "cache",
            _ => return None,
        };
        Some(home.join(sub).to_string_lossy().into_owned())
    }
}

fn client(url: &str) -> Client {
    Client::new(ClientConfig::new(url, ApiKey::new("orws-demo"))).expect("client")
}

/// The form on the workspace, as the runtime's answer to the first read makes it.
fn form(workspace: orws::workspace::Workspace) -> App {
    let (mut app, _first) = App::new("127.0.0.1", Some(TARGET.into()));
    app.update(Msg::WorkspaceLoaded {
        target: TARGET.into(),
        result: Ok(workspace),
    });
    app
}

/// The first frame: a fresh terminal (everything differs from the empty screen).
fn first_frame(app: &App, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, app, theme))
        .expect("draw");
    terminal
}

fn phases(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");

    group.bench_function("args", |b| b.iter(|| black_box(cli())));
    group.bench_function("runtime", |b| {
        b.iter_with_large_drop(|| black_box(runtime()))
    });

    let flags = cli().global;
    let bare = tempfile::tempdir().expect("temp dir");
    group.bench_function("settings_no_config_file", |b| {
        b.iter(|| Settings::resolve(black_box(&flags), env_in(bare.path())).expect("settings"))
    });
    let configured = tempfile::tempdir().expect("temp dir");
    let config_dir = configured.path().join("config").join("orws");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("config.toml"), CONFIG).expect("config file");
    group.bench_function("settings_config_file", |b| {
        b.iter(|| {
            Settings::resolve(black_box(&flags), env_in(configured.path())).expect("settings")
        })
    });

    group.bench_function("client_http_loopback", |b| {
        b.iter(|| client(black_box("http://127.0.0.1:9/api/v1")))
    });
    group.bench_function("client_https", |b| {
        b.iter(|| client(black_box("https://openrouter.ai/api/v1")))
    });

    let rt = runtime();
    group.bench_function("demo_fake", |b| {
        b.iter_custom(|iters| {
            time_each(
                iters,
                || {
                    rt.block_on(orws::fake::start(FakeConfig::default()))
                        .expect("fake")
                },
                |server| server.shutdown(),
            )
        })
    });

    // Runs on a thread of its own during `connect_demo` (off the first frame's path, but on
    // one of this machine's two cores): the scan of the temp dir for dead demos' dirs.
    let tmp = std::env::temp_dir();
    group.bench_function("demo_dir_scan", |b| {
        b.iter(|| orws::connection::remove_stale_demo_dirs(black_box(&tmp)))
    });

    let demo = Settings::resolve(&flags, env_in(bare.path())).expect("settings");
    assert!(demo.demo, "the settings are --demo's");
    group.bench_function("connect_demo", |b| {
        b.iter_custom(|iters| {
            time_each(
                iters,
                || {
                    rt.block_on(orws::connection::connect(&demo, None))
                        .expect("connect")
                },
                drop,
            )
        })
    });

    let server = rt
        .block_on(orws::fake::start(FakeConfig::default()))
        .expect("fake");
    let url = server.url();
    group.bench_function("get_new_connection", |b| {
        b.iter_batched(
            || client(&url),
            |c| rt.block_on(c.get(TARGET)).expect("GET"),
            BatchSize::SmallInput,
        )
    });
    let kept = client(&url);
    group.bench_function("get_kept_alive", |b| {
        b.iter(|| rt.block_on(kept.get(TARGET)).expect("GET"))
    });

    let production = support::production();
    group.bench_function("form", |b| {
        b.iter_batched(
            || production.clone(),
            |w| {
                let app = form(w);
                assert!(matches!(app.screen, Screen::Form));
                app
            },
            BatchSize::SmallInput,
        )
    });

    let theme = Theme::from_setting(demo.theme);
    let app = form(production.clone());
    group.bench_function("first_frame_100x30", |b| {
        b.iter_with_large_drop(|| first_frame(black_box(&app), &theme))
    });
    server.shutdown();

    // Everything above in the order `main` runs it (the GET and the terminal's setup overlap
    // in the app; here they are in a row, and there is no terminal to set up).
    group.bench_function("all_in_process", |b| {
        b.iter_custom(|iters| {
            time_each(
                iters,
                || {
                    let cli = cli();
                    let rt = runtime();
                    let settings =
                        Settings::resolve(&cli.global, env_in(bare.path())).expect("settings");
                    let theme = Theme::from_setting(settings.theme);
                    let (conn, terminal) = rt.block_on(async {
                        let conn = orws::connection::connect(&settings, None)
                            .await
                            .expect("connect");
                        let w = conn.client.get(TARGET).await.expect("GET");
                        let app = form(w);
                        (conn, first_frame(&app, &theme))
                    });
                    // Dropped in this order, off the clock: the frame, the connection, the runtime.
                    (black_box(terminal), conn, rt)
                },
                drop,
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = phases
}
criterion_main!(benches);
