//! Render stage (Helm): an in-process Go `text/template` engine with Sprig and Helm functions, meant to
//! render Helm chart templates without Helm. Entry points: [`Templates`] and [`Value`].
//! Must not: depend on cct-lint's other stages, touch the network or (outside [`chart`]) the
//! file system, use `unsafe`, or panic on
//! user input (templates and values).
//!
//! ```
//! use cct_lint::render::{Templates, Value};
//! let mut t = Templates::new();
//! t.add("chart/templates/_helpers.tpl", r#"{{ define "name" }}{{ .Values.name | trunc 3 }}{{ end }}"#)
//!     .unwrap();
//! t.add("chart/templates/cm.yaml", "name: {{ include \"name\" . }}\nport: {{ .Values.port }}")
//!     .unwrap();
//! let values = Value::from(serde_json::json!({"name": "webapp", "port": 8080}));
//! let root = Value::from(serde_json::json!({}));
//! if let Value::Map(m) = &root {
//!     m.borrow_mut().insert("Values".into(), values);
//! }
//! assert_eq!(t.render("chart/templates/cm.yaml", root).unwrap(), "name: web\nport: 8080");
//! ```
//!
//! Module map: [`lex`] and [`parse`] (syntax), [`exec`] (executor, `include`, `tpl`),
//! [`value`] (Go value model and `%v`), [`fmt`] (Go `fmt`), [`funcs`] (registry, builtins,
//! Sprig, Helm), [`yaml`] (`toYaml`), [`yaml_read`] (`fromYaml`), [`json`], [`regex`]; charts: [`chart`] (load, dependencies,
//! render, `helm template` output), [`values`] (coalescing, `--set`), [`files`] (`.Files`,
//! `.Capabilities` objects, globs, `.helmignore`). Only [`chart`] reads files.

pub mod chart;
pub mod error;
pub mod exec;
pub mod files;
pub mod fmt;
pub mod funcs;
pub mod json;
pub mod lex;
pub mod parse;
pub mod provenance;
pub mod regex;
pub mod value;
pub mod values;
pub mod yaml;
pub mod yaml_read;

pub use chart::{
    render_chart, ChartError, RenderOptions, RenderedChart, RenderedTemplate, ValuesFile,
};
pub use error::{ErrorKind, TemplateError};
pub use exec::{OutputMark, Templates};
pub use funcs::Funcs;
pub use provenance::{Provenance, SourcePos};
pub use value::{Object, Value};
