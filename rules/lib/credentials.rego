# Building blocks shared by the credential rules (K8S015, K8S016, DF007).
# The rules keep their own notion of a credential name and of a literal value (they differ on
# purpose: K8S015 follows the platform policy cm-no-credentials, K8S016 ignores durations and
# numbers, DF007 reads ARG/ENV), so only the identical pieces live here. They are constants, not
# functions: regorus makes a user function call far dearer than a builtin call.
package lib.credentials

# `dbPassword` → `db_Password` with `regex.replace(name, camel_case_boundary, "${1}_${2}")`.
camel_case_boundary := `([a-z0-9])([A-Z])`

# An absolute file path such as `/run/secrets/db` (a reference to a file, not a secret).
absolute_path := `^(/[^/\s]+)+/?$`

# Shell and Kubernetes references (`$(VAR)`, `${VAR}`): a value made only of them is not a literal.
reference_placeholders := `\$\([^)]*\)|\$\{[^}]*\}`

# Words that are settings, not secrets (both rules add their own null-like words).
boolean_words := {"true", "false", "yes", "no", "on", "off"}

# Regex-escapes a literal (for building one alternation out of a list of words).
escape(s) := regex.replace(s, `[\\^$.|?*+()\[\]{}]`, `\$0`)
