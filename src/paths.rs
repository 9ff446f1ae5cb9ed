//! How a path is shown to the user: relative to the working directory when below it, with
//! `/` separators and no leading `./`. Shared by every stage and library that names a file in a
//! message. Must not: touch the file system beyond reading the working directory.

use std::path::Path;

/// `/`-separated path relative to the working directory when it lies below it.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    let trimmed = text.strip_prefix("./").unwrap_or(&text);
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}
