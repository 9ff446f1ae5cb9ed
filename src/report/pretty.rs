//! Pretty JSON written at a depth: serde_json's pretty layout (two spaces an indent) for a value
//! that sits `depth` levels deep in a document written around it, so that a report streams its
//! items one at a time into a pretty-printed frame, byte for byte what pretty-printing the whole
//! document gives. It must not buffer what it writes nor change serde_json's layout.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

/// serde_json's `PrettyFormatter` with the indent level starting at `depth` instead of 0.
struct NestedPretty {
    level: usize,
    has_value: bool,
}

fn indent<W: ?Sized + Write>(out: &mut W, level: usize) -> io::Result<()> {
    for _ in 0..level {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// Arrays and objects are laid out alike: the bracket opens a level, each item or key starts
/// a line at that level, and the closing bracket goes on a line of its own unless empty.
impl NestedPretty {
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            indent(out, self.level)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        indent(out, self.level)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` pretty-printed as if `depth` levels deep: its first line carries no indent
/// (the caller writes what precedes it), the following ones are indented from that depth.
pub fn write_at_depth<T: Serialize + ?Sized, W: Write + ?Sized>(
    out: &mut W,
    value: &T,
    depth: usize,
) -> io::Result<()> {
    let formatter = NestedPretty {
        level: depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// Writes the items as a pretty-printed JSON array `depth` levels deep (its first line carries
/// no indent). They are printed in parallel (rayon's current pool), a batch at a time so memory
/// holds one batch of text, and written in order: the same bytes whatever the thread count.
pub fn write_array_parallel<'a, T: Sync, S: Serialize>(
    out: &mut dyn Write,
    items: &'a [T],
    item: impl Fn(&'a T) -> S + Sync,
    depth: usize,
) -> io::Result<()> {
    const BATCH: usize = 4096;
    const TASK: usize = 128;
    let Some(last) = items.len().checked_sub(1) else {
        return out.write_all(b"[]");
    };
    out.write_all(b"[\n")?;
    for (b, batch) in items.chunks(BATCH).enumerate() {
        let printed: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(TASK)
            .enumerate()
            .map(|(t, task)| {
                let mut text = Vec::new();
                for (i, x) in task.iter().enumerate() {
                    indent(&mut text, depth + 1)?;
                    write_at_depth(&mut text, &item(x), depth + 1)?;
                    let index = b * BATCH + t * TASK + i;
                    text.extend_from_slice(if index < last { b",\n" } else { b"\n" });
                }
                Ok(text)
            })
            .collect();
        for text in printed {
            out.write_all(&text?)?;
        }
    }
    indent(out, depth)?;
    out.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items written one at a time inside a frame give what serde_json prints for the whole.
    #[test]
    fn streamed_items_print_as_the_whole_document() {
        let items = serde_json::json!([
            {"a": [], "b": {}, "c": [1, {"d": "x\ny"}], "e": {"f": [[]]}},
            [],
            "s",
            {"g": null}
        ]);
        for depth in 0..3 {
            let expected = serde_json::to_string_pretty(&nest(&items, depth)).unwrap();
            let mut streamed = Vec::new();
            for level in 0..depth {
                streamed.extend(b"{\n");
                streamed.extend(b"  ".repeat(level + 1));
                streamed.extend(b"\"k\": ");
            }
            write_array_parallel(&mut streamed, items.as_array().unwrap(), |x| x, depth).unwrap();
            for level in (0..depth).rev() {
                streamed.extend(b"\n");
                streamed.extend(b"  ".repeat(level));
                streamed.extend(b"}");
            }
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                expected,
                "depth {depth}"
            );
        }
        // More items than a batch: the separators stay right across tasks and batches.
        let many: Vec<u32> = (0..10_000).collect();
        let mut streamed = Vec::new();
        write_array_parallel(&mut streamed, &many, |x| x, 0).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            serde_json::to_string_pretty(&many).unwrap()
        );
        let mut empty = Vec::new();
        write_array_parallel(&mut empty, &[] as &[u8], |x| x, 2).unwrap();
        assert_eq!(empty, b"[]");
    }

    fn nest(value: &serde_json::Value, depth: usize) -> serde_json::Value {
        (0..depth).fold(value.clone(), |inner, _| serde_json::json!({"k": inner}))
    }
}
