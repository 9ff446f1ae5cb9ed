//! The object tree the Kustomize build works on: YAML values where every node and every key
//! carries its origin (which source file, which span) so a finding lands where the value was
//! last written — the base line, the patch line or the kustomization entry. Conversion from the
//! YAML loader's nodes, to JSON and to Rego values, and path location live here; no file I/O.

use crate::parse::yaml::{self, PathSegment};
use crate::span::{Position, Span};

/// Where a node was written: an index into the build's source files and a span in that file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: u32,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KNode {
    pub value: KValue,
    pub origin: Origin,
    /// Keys a JSON patch's `remove` took out of this mapping, with the operation's `path:`:
    /// such a field, missing, is located there.
    pub removed: Vec<(String, Origin)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KEntry {
    pub key: String,
    pub key_origin: Origin,
    pub value: KNode,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<KNode>),
    Map(Vec<KEntry>),
}

/// How spans of a YAML text parsed out of a block scalar (an inline patch) map back to the
/// kustomization file that holds the block.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shift {
    pub lines: u32,
    pub columns: u32,
}

impl Shift {
    fn span(&self, span: Span) -> Span {
        let p = |p: Position| {
            Position::new(
                p.line + self.lines,
                if p.column > 0 {
                    p.column + self.columns
                } else {
                    p.column
                },
            )
        };
        Span::new(p(span.start), p(span.end))
    }
}

impl KNode {
    pub fn new(value: KValue, origin: Origin) -> Self {
        Self {
            value,
            origin,
            removed: Vec::new(),
        }
    }

    pub fn str(s: impl Into<String>, origin: Origin) -> Self {
        Self::new(KValue::Str(s.into()), origin)
    }

    pub fn map(origin: Origin) -> Self {
        Self::new(KValue::Map(Vec::new()), origin)
    }

    pub fn from_yaml(node: &yaml::Node, file: u32, shift: Shift) -> Self {
        let origin = Origin {
            file,
            span: shift.span(node.span),
        };
        let value = match &node.value {
            yaml::Value::Null => KValue::Null,
            yaml::Value::Bool(b) => KValue::Bool(*b),
            yaml::Value::Int(i) => KValue::Int(*i),
            yaml::Value::Float(f) => KValue::Float(*f),
            yaml::Value::Str(s) => KValue::Str(s.clone()),
            yaml::Value::Seq(items) => KValue::Seq(
                items
                    .iter()
                    .map(|n| KNode::from_yaml(n, file, shift))
                    .collect(),
            ),
            yaml::Value::Map(entries) => KValue::Map(
                entries
                    .iter()
                    .map(|e| KEntry {
                        key: e.key.clone(),
                        key_origin: Origin {
                            file,
                            span: shift.span(e.key_span),
                        },
                        value: KNode::from_yaml(&e.value, file, shift),
                    })
                    .collect(),
            ),
        };
        Self {
            value,
            origin,
            removed: Vec::new(),
        }
    }

    /// Converts a JSON value (a computed value) into a tree written wholly at `origin`.
    pub fn from_json(value: &serde_json::Value, origin: Origin) -> Self {
        let value = match value {
            serde_json::Value::Null => KValue::Null,
            serde_json::Value::Bool(b) => KValue::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => KValue::Int(i),
                None => KValue::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => KValue::Str(s.clone()),
            serde_json::Value::Array(items) => {
                KValue::Seq(items.iter().map(|v| KNode::from_json(v, origin)).collect())
            }
            serde_json::Value::Object(map) => KValue::Map(
                map.iter()
                    .map(|(k, v)| KEntry {
                        key: k.clone(),
                        key_origin: origin,
                        value: KNode::from_json(v, origin),
                    })
                    .collect(),
            ),
        };
        Self {
            value,
            origin,
            removed: Vec::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&KNode> {
        match &self.value {
            KValue::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut KNode> {
        match &mut self.value {
            KValue::Map(entries) => entries
                .iter_mut()
                .find(|e| e.key == key)
                .map(|e| &mut e.value),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[KEntry] {
        match &self.value {
            KValue::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[KNode] {
        match &self.value {
            KValue::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            KValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as Kustomize reads it for a string field (`replicas: 3`, `name: 1`).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            KValue::Str(s) => Some(s.clone()),
            KValue::Int(i) => Some(i.to_string()),
            KValue::Float(f) => Some(f.to_string()),
            KValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        let mut node = self;
        for key in path {
            node = node.get(key)?;
        }
        node.as_str()
    }

    /// Sets `key` in a mapping (replacing the value, keeping the key's place), written at
    /// `key_origin` when new.
    pub fn set(&mut self, key: &str, value: KNode, key_origin: Origin) {
        if !matches!(self.value, KValue::Map(_)) {
            self.value = KValue::Map(Vec::new());
        }
        if let KValue::Map(entries) = &mut self.value {
            match entries.iter_mut().find(|e| e.key == key) {
                Some(e) => e.value = value,
                None => entries.push(KEntry {
                    key: key.to_string(),
                    key_origin,
                    value,
                }),
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<KNode> {
        match &mut self.value {
            KValue::Map(entries) => {
                let i = entries.iter().position(|e| e.key == key)?;
                Some(entries.remove(i).value)
            }
            _ => None,
        }
    }

    /// The mapping at `path`, created (at `origin`) where missing; None when a non-mapping
    /// value is in the way.
    pub fn ensure_map(&mut self, path: &[&str], origin: Origin) -> Option<&mut KNode> {
        let mut node = self;
        for key in path {
            if matches!(node.value, KValue::Null) {
                node.value = KValue::Map(Vec::new());
            }
            if !matches!(node.value, KValue::Map(_)) {
                return None;
            }
            if node
                .get(key)
                .is_none_or(|n| matches!(n.value, KValue::Null))
            {
                node.set(key, KNode::map(origin), origin);
            }
            node = node.get_mut(key)?;
        }
        matches!(node.value, KValue::Map(_)).then_some(node)
    }

    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            KValue::Null => serde_json::Value::Null,
            KValue::Bool(b) => (*b).into(),
            KValue::Int(i) => (*i).into(),
            KValue::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(f.to_string())),
            KValue::Str(s) => s.clone().into(),
            KValue::Seq(items) => items.iter().map(KNode::to_json).collect(),
            KValue::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), e.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// Converts to the value the Rego engine reads (as the YAML loader's nodes do).
    pub fn to_rego(&self) -> regorus::Value {
        match &self.value {
            KValue::Null => regorus::Value::Null,
            KValue::Bool(b) => regorus::Value::from(*b),
            KValue::Int(i) => regorus::Value::from(*i),
            KValue::Float(f) if f.is_finite() => regorus::Value::from(*f),
            KValue::Float(f) => regorus::Value::from(f.to_string()),
            KValue::Str(s) => regorus::Value::from(s.as_str()),
            KValue::Seq(items) => {
                regorus::Value::from(items.iter().map(KNode::to_rego).collect::<Vec<_>>())
            }
            KValue::Map(entries) => {
                let map: std::collections::BTreeMap<regorus::Value, regorus::Value> = entries
                    .iter()
                    .map(|e| (regorus::Value::from(e.key.as_str()), e.value.to_rego()))
                    .collect();
                regorus::Value::from(map)
            }
        }
    }

    /// The YAML loader's node for this tree, spans kept (files dropped): what the rest of the
    /// scan (object references, derogation annotations) reads.
    pub fn to_yaml(&self) -> yaml::Node {
        let value = match &self.value {
            KValue::Null => yaml::Value::Null,
            KValue::Bool(b) => yaml::Value::Bool(*b),
            KValue::Int(i) => yaml::Value::Int(*i),
            KValue::Float(f) => yaml::Value::Float(*f),
            KValue::Str(s) => yaml::Value::Str(s.clone()),
            KValue::Seq(items) => yaml::Value::Seq(items.iter().map(KNode::to_yaml).collect()),
            KValue::Map(entries) => yaml::Value::Map(
                entries
                    .iter()
                    .map(|e| yaml::Entry {
                        key: e.key.clone(),
                        key_span: e.key_origin.span,
                        value: e.value.to_yaml(),
                    })
                    .collect(),
            ),
        };
        yaml::Node {
            value,
            span: self.origin.span,
        }
    }

    /// Where a finding at `path` lands: the key (and same-line scalar) of the deepest entry
    /// that exists along it, in the file that wrote it; `exact` says whether it all exists.
    /// The node at `path`, if it exists.
    pub fn at(&self, path: &[PathSegment]) -> Option<&KNode> {
        let mut node = self;
        for segment in path {
            node = match (segment, &node.value) {
                (PathSegment::Key(k), KValue::Map(entries)) => {
                    &entries.iter().find(|e| &e.key == k)?.value
                }
                (PathSegment::Index(i), KValue::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    pub fn locate(&self, path: &[PathSegment]) -> (Origin, bool) {
        let mut node = self;
        let mut at = head_origin(self);
        for segment in path {
            let next = match (segment, &node.value) {
                (PathSegment::Key(k), KValue::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, entry_origin(e))),
                (PathSegment::Index(i), KValue::Seq(items)) => {
                    items.get(*i).map(|item| (item, head_origin(item)))
                }
                _ => None,
            };
            match next {
                Some((child, origin)) => {
                    node = child;
                    at = origin;
                }
                None => {
                    let removed = match segment {
                        PathSegment::Key(k) => node.removed.iter().rev().find(|(r, _)| r == k),
                        PathSegment::Index(_) => None,
                    };
                    return (removed.map_or(at, |(_, o)| *o), false);
                }
            }
        }
        (at, true)
    }
}

/// A scalar entry: from its key to the end of its value when both were written on one line of
/// one file; the value alone when a transformer or a patch rewrote it elsewhere.
fn entry_origin(entry: &KEntry) -> Origin {
    let value = &entry.value.origin;
    let scalar = !matches!(entry.value.value, KValue::Map(_) | KValue::Seq(_));
    if !scalar {
        return entry.key_origin;
    }
    if value.file != entry.key_origin.file {
        return *value;
    }
    let key = entry.key_origin.span;
    if value.span.end.line == key.start.line && value.span.end > key.end {
        Origin {
            file: value.file,
            span: Span::new(key.start, value.span.end),
        }
    } else if value.span.start.line == key.start.line || value.span.start < key.start {
        entry.key_origin
    } else {
        *value
    }
}

fn head_origin(node: &KNode) -> Origin {
    match &node.value {
        KValue::Map(entries) => entries.first().map(entry_origin).unwrap_or(node.origin),
        KValue::Seq(_) => Origin {
            file: node.origin.file,
            span: Span::new(
                node.origin.span.start,
                Position::new(
                    node.origin.span.start.line,
                    node.origin.span.start.column + 1,
                ),
            ),
        },
        _ => node.origin,
    }
}

/// Rewrites every origin of a subtree: a value a transformer wrote as a whole.
pub fn stamp(node: &mut KNode, origin: Origin) {
    node.origin = origin;
    match &mut node.value {
        KValue::Seq(items) => items.iter_mut().for_each(|n| stamp(n, origin)),
        KValue::Map(entries) => entries.iter_mut().for_each(|e| {
            e.key_origin = origin;
            stamp(&mut e.value, origin);
        }),
        _ => {}
    }
}
