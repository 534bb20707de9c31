//! Styles (placeholder from the lead; the view helper replaces this file).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}
impl Theme {
    pub fn new(color: bool) -> Self {
        Self { color }
    }
}
