package lib.credentials_test

import data.lib.credentials

test_camel_case_boundary if {
	regex.replace("dbPassword", credentials.camel_case_boundary, "${1}_${2}") == "db_Password"
	regex.replace("aws2Key", credentials.camel_case_boundary, "${1}_${2}") == "aws2_Key"
	regex.replace("DB_PASSWORD", credentials.camel_case_boundary, "${1}_${2}") == "DB_PASSWORD"
}

test_absolute_path if {
	regex.match(credentials.absolute_path, "/run/secrets/db")
	regex.match(credentials.absolute_path, "/etc/keys/")
	not regex.match(credentials.absolute_path, "abc/def")
	not regex.match(credentials.absolute_path, "/a b")
}

test_reference_placeholders if {
	regex.replace("$(A)-${B}-$C", credentials.reference_placeholders, "") == "--$C"
}

test_escape if {
	credentials.escape("API.KEY+(x)") == `API\.KEY\+\(x\)`
	regex.match(credentials.escape("a.b"), "a.b")
	not regex.match(credentials.escape("a.b"), "axb")
}
