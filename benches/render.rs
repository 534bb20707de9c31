//! One frame of each screen at 120×40: `view::draw` through `Terminal::draw` on a `TestBackend`
//! (the buffer diff included, as in the real loop).

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use orws::tui::app::App;
use orws::tui::theme::Theme;
use orws::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

fn screens() -> Vec<(&'static str, App)> {
    vec![
        ("picker", support::picker_app(support::seed())),
        ("picker_1000", support::picker_app(support::many(1000))),
        ("form", support::form_app()),
        ("form_editing", support::editing_app()),
        ("review", support::review_app()),
        ("result", support::result_app()),
        ("conflict", support::conflict_app()),
        ("help", support::help_app()),
    ]
}

fn render(c: &mut Criterion) {
    let theme = Theme::new(true);
    let mut group = c.benchmark_group("draw_120x40");
    for (name, app) in screens() {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        group.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| view::draw(frame, black_box(&app), &theme))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = render
}
criterion_main!(benches);
