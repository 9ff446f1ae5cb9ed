//! End-to-end checks of rule verdicts that depend on more than one rule's Rego: message
//! variants chosen by a finding, and what the rule fixtures alone cannot show.
//! Must not: write inside fixtures/ (temporary copies only).

use crate::{findings, message};

#[test]
fn omitted_target_port_is_named_in_the_message_and_located_on_the_port_entry() {
    let all = findings(&["fixtures/rules/K8S006/fail-service-target-ports"]);
    let omitted: Vec<_> = all
        .iter()
        .filter(|f| f.rule_id == "K8S006")
        .filter(|f| message(f).contains("has no `targetPort`"))
        .collect();
    assert_eq!(omitted.len(), 1, "{all:#?}");
    let f = omitted[0];
    assert_eq!(
        message(f),
        "Service port `spec.ports[1]` has no `targetPort`, so the pods are reached on its `port` 80, a privileged port (1024 or below)"
    );
    assert_eq!((f.span.start.line, f.span.start.column), (28, 7));
    // An explicit targetPort keeps the usual message.
    assert!(all.iter().any(|f| message(f)
        == "Port 80 at `spec.ports[0].targetPort` is a privileged port (1024 or below)"));
}

#[test]
fn json_manifests_are_checked_at_exact_positions_and_other_json_is_left_alone() {
    let outcome = crate::check_request(&crate::request(&["fixtures/json"]));
    let all = &outcome.findings;
    let at = |rule: &str, file: &str| -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = all
            .iter()
            .filter(|f| f.rule_id == rule && f.file == format!("fixtures/json/{file}"))
            .map(|f| (f.span.start.line, f.span.start.column))
            .collect();
        v.sort();
        v
    };
    // Tab-indented JSON: columns count the tab as one character, as for YAML.
    assert_eq!(at("K8S001", "app/deployment.json"), vec![(13, 7)]);
    assert_eq!(at("K8S004", "app/deployment.json"), vec![(14, 27)]);
    // A List is flattened: its items are objects of their own.
    assert_eq!(at("K8S001", "app/list.json"), vec![(8, 45)]);
    assert_eq!(at("K8S006", "app/list.json"), vec![(6, 54)]);
    // An unterminated manifest is reported; package.json, tsconfig.json and a schema that
    // merely mentions apiVersion and kind are no manifests and are never reported nor counted.
    assert_eq!(at("LNT001", "broken/pod.json").len(), 1, "{all:#?}");
    // JSON is read strictly, as kubectl reads a `.json` file: a trailing comma YAML would accept
    // is an error, located where JSON stops making sense, the `}` after the comma (columns
    // count characters: `é` before it is one).
    assert_eq!(at("LNT001", "broken/trailing-comma.json"), vec![(4, 52)]);
    let messages: Vec<String> = all
        .iter()
        .filter(|f| f.rule_id == "LNT001")
        .map(message)
        .collect();
    assert_eq!(
        messages,
        vec![
            "Invalid JSON: EOF while parsing an object",
            "Invalid JSON: trailing comma before `}`"
        ],
        "{all:#?}"
    );
    for other in ["app/package.json", "app/tsconfig.json", "app/schema.json"] {
        assert!(
            all.iter()
                .all(|f| f.file != format!("fixtures/json/{other}")),
            "{other}: {all:#?}"
        );
    }
    assert_eq!(outcome.targets, 4);
}
