//! The plan of entry rules: which rules evaluate together on a document of a given family and
//! kind, and the Rego source of one entry rule per distinct set. Shared, through `#[path]`, by
//! the binary and by build.rs (which compiles the embedded rules ahead of time with the same
//! plan), so it uses the standard library only and knows nothing of the catalogue's types.
//! Must not: read files, evaluate Rego.

use std::collections::HashMap;

/// Package of the generated entry rules; no rule file may use it.
pub const ENTRY_PACKAGE: &str = "cct_lint_entry";

/// The families a rule can declare (METADATA `input.family`), in the order of their keys.
pub const FAMILY_NAMES: [&str; 5] = ["dockerfile", "kubernetes", "bundle", "chart", "lint"];

/// What the plan needs of one rule.
#[derive(Debug, Clone)]
pub struct PlannedRule {
    pub id: String,
    pub package: String,
    /// Index of its family in [`FAMILY_NAMES`].
    pub family: u8,
    pub kinds: Option<Vec<String>>,
    /// Rules of its package computed from `data.params` alone (METADATA `constants`).
    pub constants: Vec<String>,
}

/// One entry rule: `e<n> := [data.<package>.deny, ...]` over the rules it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `data.cct_lint_entry.e<n>`.
    pub path: String,
    pub ids: Vec<String>,
}

/// A rule's constant: evaluated once per VM, stored as `data.cct_lint_constants.<id>.<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constant {
    pub id: String,
    /// Index of its rule's family in [`FAMILY_NAMES`].
    pub family: u8,
    pub name: String,
    /// `data.<package>.<name>`, an entry point of the compiled program.
    pub path: String,
}

/// Which entry serves a document: per family, the entry of each kind some rule names, and the
/// entry of every other kind (rules without `kinds` only); and the rules' constants.
#[derive(Debug, Default)]
pub struct Entries {
    pub list: Vec<Entry>,
    pub by_kind: HashMap<(u8, String), usize>,
    pub other: HashMap<u8, usize>,
    pub constants: Vec<Constant>,
}

/// Where in `data` the constants are stored.
pub const CONSTANTS_KEY: &str = "cct_lint_constants";

impl Entries {
    /// Every entry point the program is compiled with: the entry rules, then the constants.
    pub fn compiled_paths(&self) -> Vec<&str> {
        self.list
            .iter()
            .map(|e| e.path.as_str())
            .chain(self.constants.iter().map(|c| c.path.as_str()))
            .collect()
    }
}

/// Groups the rules into entries, one per distinct set of applicable rules, and writes the
/// Rego module that defines them. The same rules in the same order give the same plan.
pub fn plan_entries(rules: &[PlannedRule]) -> (Entries, String) {
    let mut entries = Entries::default();
    let mut source = format!("package {ENTRY_PACKAGE}\n");
    let mut families: Vec<u8> = Vec::new();
    for r in rules {
        if !families.contains(&r.family) {
            families.push(r.family);
        }
    }
    for family in families {
        let of_family: Vec<&PlannedRule> = rules.iter().filter(|r| r.family == family).collect();
        let mut kinds: Vec<Option<&str>> = of_family
            .iter()
            .flat_map(|r| r.kinds.iter().flatten().map(|k| Some(k.as_str())))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds.push(None);
        for kind in kinds {
            let applicable: Vec<&&PlannedRule> = of_family
                .iter()
                .filter(|r| match (&r.kinds, kind) {
                    (None, _) => true,
                    (Some(ks), Some(k)) => ks.iter().any(|x| x == k),
                    (Some(_), None) => false,
                })
                .collect();
            if applicable.is_empty() {
                continue;
            }
            let ids: Vec<String> = applicable.iter().map(|r| r.id.clone()).collect();
            let index = match entries.list.iter().position(|e| e.ids == ids) {
                Some(i) => i,
                None => {
                    let n = entries.list.len();
                    let denies: Vec<String> = applicable
                        .iter()
                        .map(|r| format!("data.{}.deny", r.package))
                        .collect();
                    source.push_str(&format!("\ne{n} := [{}]\n", denies.join(", ")));
                    entries.list.push(Entry {
                        path: format!("data.{ENTRY_PACKAGE}.e{n}"),
                        ids,
                    });
                    n
                }
            };
            match kind {
                Some(k) => entries.by_kind.insert((family, k.to_string()), index),
                None => entries.other.insert(family, index),
            };
        }
    }
    // Named in the source too, so that a program compiled with other constants is not taken
    // for this plan's.
    for r in rules {
        for name in &r.constants {
            let path = format!("data.{}.{name}", r.package);
            source.push_str(&format!("\n# constant {path}\n"));
            entries.constants.push(Constant {
                id: r.id.clone(),
                family: r.family,
                name: name.clone(),
                path,
            });
        }
    }
    (entries, source)
}
