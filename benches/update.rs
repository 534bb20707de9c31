//! `App::update` for one keystroke, in edit mode and in browse mode; and a keystroke plus the
//! frame it causes at 120×40 (the work between a key arriving and its echo being written).

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orws::tui::app::Msg;
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

fn press(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("update");
    // A character typed into the name (the draft is recomputed: the edits changed).
    group.bench_function("edit_char", |b| {
        b.iter_batched_ref(
            support::editing_app,
            |app| app.update(press(KeyCode::Char('x'))),
            BatchSize::SmallInput,
        )
    });
    // Moving the focus down (nothing to save).
    let mut app = support::edited_app();
    group.bench_function("browse_down", |b| {
        b.iter(|| app.update(press(KeyCode::Down)))
    });
    group.finish();

    let theme = Theme::new(true);
    let mut group = c.benchmark_group("keystroke_and_frame_120x40");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    group.bench_function("edit_char", |b| {
        // A fresh app per keystroke (its first frame drawn untimed), so the text never grows.
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut app = support::editing_app();
                terminal
                    .draw(|frame| view::draw(frame, &app, &theme))
                    .expect("draw");
                let start = Instant::now();
                app.update(press(KeyCode::Char('x')));
                terminal
                    .draw(|frame| view::draw(frame, &app, &theme))
                    .expect("draw");
                total += start.elapsed();
            }
            total
        })
    });
    let mut app = support::edited_app();
    group.bench_function("browse_down", |b| {
        b.iter(|| {
            app.update(press(KeyCode::Down));
            terminal
                .draw(|frame| view::draw(frame, &app, &theme))
                .expect("draw");
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = update
}
criterion_main!(benches);
