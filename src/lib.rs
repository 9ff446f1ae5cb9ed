//! cct-lint: checks Dockerfiles, Helm charts and Kubernetes manifests against the CCT Cloud Pi
//! Native. The stages (discover → parse → evaluate → locate → report) are modules here; the
//! binary in `main.rs` only wires them and decides the exit code.

pub mod argo;
pub mod catalog;
pub mod check;
pub mod check_flags;
pub mod config;
pub mod coverage;
pub mod derogation;
pub mod discover;
pub mod docs;
pub mod evaluate;
pub mod evidence;
pub mod finding;
pub mod helm_errors;
pub mod helm_hooks;
pub mod kustomize;
pub mod kustomize_scan;
pub mod load;
pub mod locate;
pub mod not_manifest;
pub mod parse;
pub mod paths;
pub mod policy;
pub mod registry_survey;
pub mod regotest;
pub mod render;
pub mod report;
pub mod repository;
pub mod robustness;
pub mod rule_text;
pub mod scaffold;
pub mod scan;
pub mod span;
