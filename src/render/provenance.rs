//! Output provenance of a rendered template: maps a position in the rendered text back to the
//! template line and column that produced it, and tells which `.Values` paths the actions in a
//! range of output printed. Pure computation over the marks the executor recorded.
//! Must not: read files or depend on the linter's other modules.

use crate::render::OutputMark;

/// A rendered template with what is needed to trace its output back to the source.
#[derive(Debug, Clone)]
pub struct Provenance {
    text: String,
    source: String,
    marks: Vec<OutputMark>,
    text_lines: Vec<usize>,
    source_lines: Vec<usize>,
}

/// A position in the template source: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcePos {
    pub line: u32,
    pub column: u32,
    /// Index of the mark that covers it, to tell whether two positions come from one node.
    pub mark: Option<usize>,
    /// Written by an action (`{{ ... }}`) rather than copied from literal text.
    pub from_action: bool,
    /// Byte offset in the source.
    pub offset: usize,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl Provenance {
    pub fn new(text: String, source: String, mut marks: Vec<OutputMark>) -> Self {
        marks.sort_by_key(|m| m.out);
        Provenance {
            text_lines: line_starts(&text),
            source_lines: line_starts(&source),
            text,
            source,
            marks,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Byte offset in the rendered text of a 1-based line and character column (clamped).
    pub fn text_offset(&self, line: u32, column: u32) -> usize {
        let Some(&start) = self.text_lines.get((line as usize).saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let skip = (column as usize).saturating_sub(1);
        start
            + line_text
                .char_indices()
                .nth(skip)
                .map_or(line_text.len(), |(i, _)| i)
    }

    fn mark_at(&self, offset: usize) -> Option<usize> {
        let after = self.marks.partition_point(|m| m.out <= offset);
        after.checked_sub(1)
    }

    /// Where the rendered byte at `offset` came from.
    pub fn source_pos(&self, offset: usize) -> SourcePos {
        let Some(index) = self.mark_at(offset) else {
            return SourcePos {
                line: 1,
                column: 1,
                mark: None,
                from_action: false,
                offset: 0,
            };
        };
        let mark = &self.marks[index];
        let src = if mark.verbatim {
            mark.src + (offset - mark.out)
        } else {
            mark.src
        };
        let src = src.min(self.source.len());
        let line = self.source_lines.partition_point(|&s| s <= src).max(1);
        let line_start = self.source_lines[line - 1];
        let column = self
            .source
            .get(line_start..src)
            .map_or(0, |s| s.chars().count())
            + 1;
        SourcePos {
            line: line as u32,
            column: column as u32,
            mark: Some(index),
            from_action: !mark.verbatim,
            offset: src,
        }
    }

    /// Width in characters of the action starting at source byte `offset` up to its `}}`
    /// (when on the same line), to underline the whole expression.
    pub fn action_width(&self, offset: usize) -> Option<u32> {
        let rest = self.source.get(offset..)?;
        let line = rest.split('\n').next()?;
        let close = line.find("}}")?;
        Some(line[..close].trim_end().chars().count().max(1) as u32)
    }

    /// Where the output piece holding `offset` ends (the next mark), for spans that must not
    /// run from literal text into an action's output.
    pub fn piece_end(&self, offset: usize) -> usize {
        let after = self.marks.partition_point(|m| m.out <= offset);
        self.marks.get(after).map_or(self.text.len(), |m| m.out)
    }

    /// The `.Values` paths printed by the actions that wrote output in `start..end`.
    pub fn values_in(&self, start: usize, end: usize) -> Vec<Vec<String>> {
        let first = self.mark_at(start).unwrap_or(0);
        let mut paths: Vec<Vec<String>> = Vec::new();
        for mark in self.marks.iter().skip(first) {
            if mark.out >= end.max(start + 1) {
                break;
            }
            if let Some(p) = &mark.values {
                if !paths.contains(p) {
                    paths.push(p.clone());
                }
            }
        }
        paths
    }

    /// The source text of each action that wrote output in `start..end`, from its pipeline up
    /// to its closing `}}` (or the end of its line).
    pub fn actions_in(&self, start: usize, end: usize) -> Vec<&str> {
        let first = self.mark_at(start).unwrap_or(0);
        let mut out = Vec::new();
        for mark in self.marks.iter().skip(first) {
            if mark.out >= end.max(start + 1) {
                break;
            }
            if mark.verbatim {
                continue;
            }
            let rest = self.source.get(mark.src..).unwrap_or("");
            let line = rest.split('\n').next().unwrap_or("");
            let text = line.find("}}").map_or(line, |close| &line[..close]);
            if !out.contains(&text) {
                out.push(text);
            }
        }
        out
    }

    /// Whether literal template text holding a letter or digit was copied into `start..end`
    /// (quotes and spaces around an action do not count).
    pub fn literal_word_in(&self, start: usize, end: usize) -> bool {
        let first = self.mark_at(start).unwrap_or(0);
        let end = end.min(self.text.len());
        for (i, mark) in self.marks.iter().enumerate().skip(first) {
            if mark.out >= end.max(start + 1) {
                break;
            }
            if !mark.verbatim {
                continue;
            }
            let next = self.marks.get(i + 1).map_or(self.text.len(), |m| m.out);
            let piece = self
                .text
                .get(mark.out.max(start)..next.min(end))
                .unwrap_or("");
            if piece.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    /// Whether an action wrote any of the output in `start..end`.
    pub fn has_action_in(&self, start: usize, end: usize) -> bool {
        let first = self.mark_at(start).unwrap_or(0);
        self.marks
            .iter()
            .skip(first)
            .take_while(|m| m.out < end.max(start + 1))
            .any(|m| !m.verbatim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Templates, Value};

    fn traced(src: &str, values: serde_json::Value) -> Provenance {
        let mut t = Templates::new();
        t.add("c/templates/x.yaml", src).unwrap();
        let root = Value::from(serde_json::json!({ "Values": values }));
        let (text, marks) = t.render_traced("c/templates/x.yaml", root).unwrap();
        Provenance::new(text, src.to_string(), marks)
    }

    #[test]
    fn maps_literal_text_and_actions_to_their_source_lines() {
        let src = "kind: Deployment\n{{- if true }}\nspec:\n  image: {{ .Values.image | quote }}\n{{- end }}\n  x: 1\n";
        let p = traced(src, serde_json::json!({"image": "nginx"}));
        assert_eq!(
            p.text(),
            "kind: Deployment\nspec:\n  image: \"nginx\"\n  x: 1\n"
        );
        let at = |line, col| p.source_pos(p.text_offset(line, col));
        assert_eq!((at(1, 1).line, at(1, 1).column), (1, 1));
        assert_eq!((at(2, 1).line, at(2, 1).column), (3, 1));
        let key = at(3, 3);
        assert_eq!((key.line, key.column, key.from_action), (4, 3, false));
        let value = at(3, 10);
        assert_eq!((value.line, value.column, value.from_action), (4, 13, true));
        assert_eq!((at(4, 3).line, at(4, 3).column), (6, 3));
        let start = p.text_offset(3, 10);
        assert_eq!(
            p.values_in(start, start + 7),
            vec![vec!["image".to_string()]]
        );
        assert!(p.has_action_in(start, start + 7));
        assert!(!p.has_action_in(0, 5));
    }

    #[test]
    fn actions_and_literal_words_in_a_range() {
        let src = "a: \"{{ randAlphaNum 4 }}\"\nb: x-{{ .Values.v }}\n";
        let p = traced(src, serde_json::json!({"v": "y"}));
        let a = p.text_offset(1, 4);
        assert_eq!(p.actions_in(a, a + 6), vec!["randAlphaNum 4 "]);
        assert!(!p.literal_word_in(a, a + 6));
        let b = p.text_offset(2, 4);
        assert_eq!(p.actions_in(b, b + 3), vec![".Values.v "]);
        assert!(p.literal_word_in(b, b + 3));
    }

    #[test]
    fn multi_line_action_output_maps_to_the_action_and_with_tracks_values() {
        let src = "spec:\n  {{- with .Values.sc }}\n  securityContext:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n";
        let p = traced(src, serde_json::json!({"sc": {"a": 1, "b": 2}}));
        assert_eq!(p.text(), "spec:\n  securityContext:\n    a: 1\n    b: 2\n");
        let b = p.source_pos(p.text_offset(4, 5));
        assert_eq!((b.line, b.from_action), (4, true));
        let start = p.text_offset(3, 5);
        assert_eq!(p.values_in(start, start + 4), vec![vec!["sc".to_string()]]);
    }

    #[test]
    fn no_value_removal_keeps_marks_aligned() {
        let src = "a: {{ .Values.missing }}\nb: {{ .Values.b }}\n";
        let p = traced(src, serde_json::json!({"b": "x"}));
        assert_eq!(p.text(), "a: \nb: x\n");
        let b = p.source_pos(p.text_offset(2, 4));
        assert_eq!((b.line, b.column, b.from_action), (2, 7, true));
    }

    #[test]
    fn includes_map_to_their_call_site() {
        let mut t = Templates::new();
        let src = "metadata:\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n";
        t.add(
            "c/templates/_h.tpl",
            "{{ define \"labels\" }}app: x\ntier: y{{ end }}",
        )
        .unwrap();
        t.add("c/templates/x.yaml", src).unwrap();
        let (text, marks) = t
            .render_traced("c/templates/x.yaml", Value::from(serde_json::json!({})))
            .unwrap();
        let p = Provenance::new(text, src.to_string(), marks);
        assert_eq!(p.text(), "metadata:\n  labels:\n    app: x\n    tier: y\n");
        assert_eq!(p.source_pos(p.text_offset(4, 5)).line, 3);
    }
}
