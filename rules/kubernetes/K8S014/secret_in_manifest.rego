# METADATA
# title: Secret values are committed in a manifest
# custom:
#   id: K8S014
#   name: secret-in-manifest
#   severity: error
#   requirements: [EXI-ARCH-10, EXI-ARCH-22]
#   alpha: [EX47]
#   input:
#     family: kubernetes
#     kinds: [Secret]
#   title_fr: Des valeurs secrètes sont versionnées dans un manifeste
#   message:
#     en: "Secret `{secret}` carries values in `{field}` (keys: {keys})"
#     fr: "Le Secret `{secret}` contient des valeurs dans `{field}` (clés : {keys})"
#   why:
#     en: >-
#       Secrets must come from the platform's Vault (EXI-ARCH-10), and configuration, credentials
#       first, must never be hard-coded (EXI-ARCH-22, alpha EX47): a `Secret` object written with
#       its `data` or `stringData` in the repository (plain manifest or rendered chart) publishes
#       the credentials to everyone who can read the repository, base64 being an encoding, not an
#       encryption. Keys whose value is empty or null are not counted, so a Secret declared
#       without values (e.g. a `kubernetes.io/service-account-token` filled by the cluster) passes.
#       Nor are argocd-vault-plugin placeholders: a value made only of `<path:kv/data/app#key>`
#       placeholders (modifiers such as `| base64encode` included), or of `<key>` placeholders in
#       a Secret annotated `avp.kubernetes.io/path`, is filled from Vault when Argo CD deploys it,
#       which is what the platform asks; the Secret in Git carries no secret.
#     fr: >-
#       Les secrets doivent provenir du Vault de la plateforme (EXI-ARCH-10) et la configuration,
#       à commencer par les identifiants, ne doit jamais être codée en dur (EXI-ARCH-22, alpha
#       EX47) : un objet `Secret` écrit avec ses `data` ou `stringData` dans le dépôt (manifeste
#       ou chart généré) publie les identifiants à quiconque lit le dépôt, le base64 étant un
#       encodage et non un chiffrement. Les clés dont la valeur est vide ou nulle ne comptent
#       pas : un Secret déclaré sans valeurs (par exemple un `kubernetes.io/service-account-token`
#       rempli par le cluster) est accepté. Les emplacements d'argocd-vault-plugin non plus : une
#       valeur faite seulement d'emplacements `<path:kv/data/app#cle>` (modificateurs comme
#       `| base64encode` compris), ou d'emplacements `<cle>` dans un Secret annoté
#       `avp.kubernetes.io/path`, est remplie depuis Vault quand Argo CD la déploie, comme le
#       veut la plateforme ; le Secret versionné ne contient aucun secret.
#   remediation:
#     en: Store the values in the project's Vault and deliver them with a `VaultStaticSecret` (or an ExternalSecret / SealedSecret) instead of a `Secret` with data.
#     fr: Stockez les valeurs dans le Vault du projet et fournissez-les par un `VaultStaticSecret` (ou un ExternalSecret / SealedSecret) au lieu d'un `Secret` avec des données.
package rules.kubernetes.K8S014

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

# A key counts when it holds something: a non-empty string, or any non-null non-string scalar.
_filled(v) if {
	is_string(v)
	trim_space(v) != ""
	not _vault_placeholder(v)
}

# argocd-vault-plugin: `<path:kv/data/app#password>` anywhere, `<password>` when the Secret
# names its Vault path in the `avp.kubernetes.io/path` annotation.
_vault_placeholder(v) if regex.match(`^\s*(<path:[^<>]+>\s*)+$`, v)

_vault_placeholder(v) if {
	is_string(object.get(input, ["metadata", "annotations", "avp.kubernetes.io/path"], null))
	regex.match(`^\s*(<[^<>\s][^<>]*>\s*)+$`, v)
}

_filled(v) if {
	not is_string(v)
	v != null
}

deny contains f if {
	input.kind == "Secret"
	some field in ["data", "stringData"]
	values := input[field]
	is_object(values)
	keys := sort([k | some k, v in values; _filled(v)])
	count(keys) > 0
	f := {"path": [field], "params": {"secret": _name, "field": field, "keys": concat(", ", keys)}}
}
