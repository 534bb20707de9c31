//! The settings PATCH on its way (the Sending phase of its write flow,
//! `screens::settings_write`): a spinner, the step and the time so far; `Esc` cancels.

pub mod view;
