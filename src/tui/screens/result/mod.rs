//! The settings Result (the last phase of its write flow, `screens::settings_write`): what the
//! server applied; `u` reviews the inverse patch.

pub mod view;
