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

# Values that say where a credential is, or what kind of thing reads it, but hold none. Each is
# one regex over the whole (trimmed) value:
# - a fully qualified class name, `org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider`;
# - a label or field selector, `type!=kubernetes.io/service-account-token`, `app in (web)`;
# - a reference resolved elsewhere: `<path:kv/data/app#password>` (argocd-vault-plugin),
#   `ref+vault://...` (vals), `vault:secret/data/x#key`, `$VAR`, `${VAR}`, `$(VAR)`;
# - a file path: `./certs/tls.key`, `~/.aws/credentials`, `file:///etc/creds`, `conf/app.pem`;
# - a URL without userinfo (`user:pass@`) and without a credential in its query.
class_name := `^([a-z_][a-z0-9_]*\.)+[A-Z][A-Za-z0-9_$]*$`

selector := `^!?[A-Za-z0-9][-A-Za-z0-9_./]*[ \t]*(!=|==|[ \t]+(in|notin)[ \t]+\()[^,]*(,[ \t]*!?[A-Za-z0-9][-A-Za-z0-9_./]*[ \t]*(!=|==?|[ \t]+(in|notin)[ \t]+\()[^,]*)*$|^[A-Za-z0-9][-A-Za-z0-9_]*([./][-A-Za-z0-9_]+)+=[-A-Za-z0-9_./]+(,[ \t]*[A-Za-z0-9][-A-Za-z0-9_./]*!?==?[-A-Za-z0-9_./]+)*$`

reference := `^(<path:[^<>]+>|<[A-Za-z0-9_.\-]+>|ref\+[a-z0-9]+://\S+|vault:\S+|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^}]+\}|\$\([^)]+\))$`

file_path := `^(\.{1,2}/|~/|file://)\S*$|^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*\.(json|ya?ml|pem|key|crt|cer|der|p12|pfx|jks|keystore|txt|conf|cfg|ini|properties|env)$`

url_without_userinfo := `^[A-Za-z][A-Za-z0-9+.\-]*://[^/@\s?#]+([/?#]\S*)?$`

# A URL query parameter that carries a credential (`?token=...`, `&sig=...`).
url_credential_query := `(?i)[?&](access_?token|token|api_?key|key|secret|password|passwd|sig|signature|auth)=[^&#]`

# True when a value can be read as one of the above, so is not a credential whatever its key.
not_a_credential_value(s) if regex.match(class_name, s)

not_a_credential_value(s) if regex.match(selector, s)

not_a_credential_value(s) if regex.match(reference, s)

not_a_credential_value(s) if regex.match(file_path, s)

not_a_credential_value(s) if {
	regex.match(url_without_userinfo, s)
	not regex.match(url_credential_query, s)
}

