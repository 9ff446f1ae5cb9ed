//! Parsers turn file text into values with spans. They read no files themselves and never
//! panic on input: every problem comes back as a located error value.

pub mod dockerfile;
pub mod yaml;
