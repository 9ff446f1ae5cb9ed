//! Sorts a Helm render failure into the common cases a reader can act on (a dependency missing
//! from `charts/`, a value the chart requires or refuses, a template error), so that LNT003
//! explains it in the reader's language before quoting Helm. It reads Helm's message text
//! only; it never changes it.

/// The LNT003 message variant for Helm's error text, if it is one of the common cases.
pub fn variant(helm_message: &str) -> Option<&'static str> {
    if helm_message.contains("but missing in charts/ directory") {
        Some("missing_dependency")
    } else if helm_message.starts_with("execution error at (") {
        // What `required` and `fail` print.
        Some("required_value")
    } else if helm_message.starts_with("parse error at (") || helm_message.starts_with("template: ")
    {
        Some("template_error")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_cases_are_recognised() {
        assert_eq!(
            variant("found in Chart.yaml, but missing in charts/ directory: postgresql"),
            Some("missing_dependency")
        );
        assert_eq!(
            variant("execution error at (app/templates/x.yaml:3:11): ingress.host is required"),
            Some("required_value")
        );
        assert_eq!(
            variant("parse error at (app/templates/x.yaml:3): unexpected \"}\" in operand"),
            Some("template_error")
        );
        assert_eq!(
            variant("template: app/templates/x.yaml:3:11: executing \"app/templates/x.yaml\" at <.Values.a.b>: nil pointer evaluating interface {}.b"),
            Some("template_error")
        );
        assert_eq!(
            variant("values don't meet the specifications of the schema(s)"),
            None
        );
    }
}
