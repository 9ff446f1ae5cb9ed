//! What the tool reads from a Rego rule file's text without parsing Rego: its METADATA comment
//! block, its package, whether a registry path is a rule. Shared, through `#[path]`, by the
//! binary and by build.rs, so it uses the standard library and serde_json only.
//! Must not: read files, parse YAML or Rego.

/// The leading `# METADATA` comment block of a Rego file, comment markers removed.
pub fn metadata_block(source: &str) -> Option<String> {
    let mut lines = source.lines().skip_while(|l| l.trim() != "# METADATA");
    lines.next()?;
    let mut block = String::new();
    for line in lines {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        block.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        block.push('\n');
    }
    Some(block)
}

/// The `package` of a Rego file.
pub fn package_of(source: &str) -> Option<String> {
    source.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim().to_string())
    })
}

/// A Rego rule file in the registry: `rules/<family>/<ID>/<name>.rego`, tests and helpers excluded.
pub fn is_rule_file(path: &str) -> bool {
    path.ends_with(".rego") && !path.ends_with("_test.rego") && !path.starts_with("rules/lib/")
}

/// A rule's METADATA, read as JSON, in the shape of the catalogue's `RuleMeta`: its `custom:`
/// section, with the top-level `title` and `custom.title_fr` together as `title: {en, fr}`.
/// build.rs stores the embedded rules' in this shape, so start-up deserializes `RuleMeta`
/// directly instead of going through a JSON tree.
pub fn rule_meta_json(metadata: &serde_json::Value) -> Result<serde_json::Value, &'static str> {
    let mut custom = metadata
        .get("custom")
        .cloned()
        .ok_or("METADATA has no `custom:` section")?;
    let title =
        |v: Option<&serde_json::Value>| v.and_then(|t| t.as_str()).unwrap_or_default().to_string();
    let title_en = title(metadata.get("title"));
    let title_fr = title(custom.get("title_fr"));
    if let Some(obj) = custom.as_object_mut() {
        obj.remove("title_fr");
        obj.insert(
            "title".into(),
            serde_json::json!({"en": title_en, "fr": title_fr}),
        );
    }
    Ok(custom)
}
