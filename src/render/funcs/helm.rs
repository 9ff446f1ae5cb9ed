//! Helm's own template functions that need no template set: toYaml/toJson families,
//! fromYaml/fromJson families, required, lookup (always empty offline), toToml/fromToml
//! placeholders. `include` and `tpl` live in the executor.
//! Must not: do I/O or contact a cluster, or panic on any argument.

use std::collections::BTreeMap;

use super::{want_str, FnError, Funcs};
use crate::render::json::{from_json, to_json};
use crate::render::value::Value;
use crate::render::yaml::to_yaml;
use crate::render::yaml_read::from_yaml;

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

fn trimmed_yaml(v: &Value) -> Option<String> {
    to_yaml(v).map(|s| s.strip_suffix('\n').map(str::to_string).unwrap_or(s))
}

fn error_map(msg: String) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), Value::string(msg));
    Value::new_map(m)
}

pub fn register(f: &mut Funcs) {
    for name in ["toYaml", "toYamlPretty"] {
        f.register(name, 1, Some(1), |a| {
            Ok(Value::string(trimmed_yaml(arg(a, 0)).unwrap_or_default()))
        });
    }
    f.register("mustToYaml", 1, Some(1), |a| {
        trimmed_yaml(arg(a, 0))
            .map(Value::string)
            .ok_or_else(|| FnError::Msg("json: unsupported value: NaN".into()))
    });
    f.register("toJson", 1, Some(1), |a| {
        Ok(Value::string(
            to_json(arg(a, 0), None, true).unwrap_or_default(),
        ))
    });
    f.register("mustToJson", 1, Some(1), |a| {
        to_json(arg(a, 0), None, true)
            .map(Value::string)
            .ok_or_else(|| FnError::Msg("json: unsupported value".into()))
    });
    for name in ["toPrettyJson", "mustToPrettyJson"] {
        f.register(name, 1, Some(1), |a| {
            Ok(Value::string(
                to_json(arg(a, 0), Some("  "), true).unwrap_or_default(),
            ))
        });
    }
    for name in ["toRawJson", "mustToRawJson"] {
        f.register(name, 1, Some(1), |a| {
            Ok(Value::string(
                to_json(arg(a, 0), None, false).unwrap_or_default(),
            ))
        });
    }
    f.register("fromJson", 1, Some(1), |a| {
        Ok(match from_json(want_str(a, 0)?) {
            Ok(v @ Value::Map(_)) => v,
            Ok(_) => error_map("json: cannot unmarshal into map[string]interface {}".into()),
            Err(e) => error_map(e),
        })
    });
    f.register("mustFromJson", 1, Some(1), |a| {
        Ok(from_json(want_str(a, 0)?)?)
    });
    f.register("fromJsonArray", 1, Some(1), |a| {
        Ok(match from_json(want_str(a, 0)?) {
            Ok(v @ Value::List(_)) => v,
            Ok(_) => Value::new_list(vec![Value::str(
                "json: cannot unmarshal into []interface {}",
            )]),
            Err(e) => Value::new_list(vec![Value::string(e)]),
        })
    });
    f.register("fromYaml", 1, Some(1), |a| {
        Ok(match from_yaml(want_str(a, 0)?) {
            Ok(v @ Value::Map(_)) => v,
            Ok(Value::Nil) => Value::empty_map(),
            Ok(other) => error_map(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                other.kind_name()
            )),
            Err(e) => error_map(e),
        })
    });
    f.register("fromYamlArray", 1, Some(1), |a| {
        Ok(match from_yaml(want_str(a, 0)?) {
            Ok(v @ Value::List(_)) => v,
            Ok(Value::Nil) => Value::new_list(Vec::new()),
            Ok(_) => Value::new_list(vec![Value::str(
                "error unmarshaling JSON: cannot unmarshal into []interface {}",
            )]),
            Err(e) => Value::new_list(vec![Value::string(e)]),
        })
    });
    f.register("toToml", 1, Some(1), |_| Ok(Value::str("")));
    f.register("fromToml", 1, Some(1), |_| {
        Ok(error_map(
            "fromToml is not implemented by helm-render".into(),
        ))
    });
    f.register("required", 2, Some(2), |a| {
        let msg = want_str(a, 0)?;
        match arg(a, 1) {
            Value::Nil => Err(FnError::Msg(msg.to_string())),
            Value::Str(s) if s.is_empty() => Err(FnError::Msg(msg.to_string())),
            v => Ok(v.clone()),
        }
    });
    f.register("lookup", 4, Some(4), |a| {
        for i in 0..4 {
            want_str(a, i)?;
        }
        Ok(Value::empty_map())
    });
}
