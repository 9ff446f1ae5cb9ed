//! Kustomize: the in-process build of kustomizations (`build`), equal in output data to
//! `kubectl kustomize`, with the origin of every output node, and its printing (`output`).
//! Must not: reach the network, run a `kustomize`/`kubectl` binary, or know about rules.

pub mod argo_overlay;
pub mod build;
pub mod generate;
pub mod graph;
mod helm;
pub mod json6902;
pub mod merge;
pub mod model;
pub mod openapi;
pub mod output;
mod replace;
mod select;
pub mod transform;
pub mod tree;
mod vars;
