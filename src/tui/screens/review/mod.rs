//! The settings Review (the first phase of its write flow, `screens::settings_write`): field |
//! before | after and the exact JSON body. Only `Enter` sends.

pub mod view;
