//! The picker at scale: filtering 1,000 workspaces as on each key typed after `/`; and with the
//! seed and 5,000 generated workspaces (those of `serve-fake --extra-workspaces 5000`), the
//! first draw and each keystroke of a filter typed one key at a time (update + draw, 120×40).

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use orws::tui::app::{App, Msg};
use orws::tui::screens::picker::filter_indices;
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn picker(c: &mut Criterion) {
    let list = support::many(1000);
    let mut group = c.benchmark_group("picker_filter_1000");
    for (name, filter, expected) in [
        ("empty", "", 1000..=1000),
        ("prod", "prod", 1..=999),
        ("no_match", "zzzz", 0..=0),
        ("cjk", "研究", 1..=999),
    ] {
        let n = filter_indices(&list, filter).len();
        assert!(expected.contains(&n), "{filter:?} matched {n}");
        group.bench_function(name, |b| {
            b.iter(|| filter_indices(black_box(&list), black_box(filter)))
        });
    }
    group.finish();
}

/// The typed filter: each prefix is one keystroke.
const QUERY: &str = "paym";

fn picker_5000(c: &mut Criterion) {
    let list = support::generated(5000);
    let theme = Theme::new(true);
    let mut group = c.benchmark_group("picker_5000");

    // The list arrives and the picker is drawn for the first time on a blank terminal.
    group.bench_function("first_draw", |b| {
        b.iter_batched(
            || {
                let (app, _) = App::new("openrouter.ai", None);
                let terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
                (app, terminal, list.clone())
            },
            |(mut app, mut terminal, list)| {
                app.update(Msg::ListLoaded(Ok(list)));
                terminal
                    .draw(|frame| view::draw(frame, &app, &theme))
                    .expect("draw");
                (app, terminal)
            },
            BatchSize::LargeInput,
        )
    });

    // `/` opens the filter input; it also indexes the list's slugs and names (once per list).
    group.bench_function("keystroke_0_open_filter", |b| {
        b.iter_batched(
            || {
                let app = support::picker_app(list.clone());
                let terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
                (app, terminal)
            },
            |(mut app, mut terminal)| {
                support::key(&mut app, KeyCode::Char('/'));
                terminal
                    .draw(|frame| view::draw(frame, &app, &theme))
                    .expect("draw");
                (app, terminal)
            },
            BatchSize::LargeInput,
        )
    });

    // Typing QUERY after `/`: keystroke k (1-based) starts from the first k-1 letters typed
    // and drawn, and costs its update and the frame after it.
    let mut app = support::picker_app(list.clone());
    support::key(&mut app, KeyCode::Char('/'));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    for (k, ch) in QUERY.char_indices().map(|(i, ch)| (i + 1, ch)) {
        let before = &QUERY[..k - 1];
        group.bench_function(format!("keystroke_{k}_{before}{ch}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    app.picker.filter = before.to_string();
                    terminal
                        .draw(|frame| view::draw(frame, &app, &theme))
                        .expect("draw");
                    let t = Instant::now();
                    support::key(&mut app, KeyCode::Char(ch));
                    terminal
                        .draw(|frame| view::draw(frame, black_box(&app), &theme))
                        .expect("draw");
                    spent += t.elapsed();
                }
                spent
            })
        });
        app.picker.filter = QUERY[..k].to_string();
        let n = app.picker.matches().len();
        assert!(n > 0 && n < list.len(), "{:?} matched {n}", &QUERY[..k]);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = picker, picker_5000
}
criterion_main!(benches);
