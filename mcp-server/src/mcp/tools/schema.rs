//! Tool argument schemas every client accepts.
//!
//! Optional arguments are optional: absent means "use the default", so their schemas say only
//! what a value must be, with one `type` each. schemars writes an `Option<T>` as
//! `"type": ["integer", "null"]` and `"default": null`, which clients that map tool schemas onto
//! a single-type dialect (Gemini's OpenAPI subset, for one) reject; the [`Optional`] transform
//! removes the `null`. A `null` sent anyway is still read as "absent". Subschemas are inlined, so
//! a client sees each enumeration and range where the argument is, with no `$ref` to resolve.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::model::JsonObject;
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// `T`'s schema, generated once per type.
pub fn input_schema<T: JsonSchema + Any>() -> Arc<JsonObject> {
    static CACHE: Mutex<Option<HashMap<TypeId, Arc<JsonObject>>>> = Mutex::new(None);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .get_or_insert_default()
        .entry(TypeId::of::<T>())
        .or_insert_with(|| {
            let schema = SchemaSettings::draft2020_12()
                .with(|settings| settings.inline_subschemas = true)
                .with_transform(Optional)
                .into_generator()
                .into_root_schema_for::<T>();
            match serde_json::to_value(schema) {
                Ok(Value::Object(object)) => Arc::new(object),
                other => panic!("a tool's argument schema is an object, got {other:?}"),
            }
        })
        .clone()
}

/// Drops `null` from the types of optional values, and their `"default": null`.
#[derive(Debug, Clone, Copy)]
struct Optional;

impl Transform for Optional {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            if let Some(Value::Array(types)) = object.get("type") {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                let single = match kept.as_slice() {
                    [one] => one.clone(),
                    _ => Value::Array(kept),
                };
                object.insert("type".into(), single);
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = object.get_mut(key) {
                    branches.retain(|b| b.get("type") != Some(&Value::from("null")));
                    // One branch left: it is the value's schema, not a choice.
                    if let [Value::Object(_)] = branches.as_slice()
                        && let Some(Value::Array(mut one)) = object.remove(key)
                        && let Some(Value::Object(branch)) = one.pop()
                    {
                        for (name, value) in branch {
                            object.entry(name).or_insert(value);
                        }
                    }
                }
            }
            // A choice of constant strings is an enumeration: say it as one `enum`.
            if let Some(Value::Array(branches)) = object.get("oneOf")
                && let Some(values) = branches
                    .iter()
                    .map(|b| {
                        b.get("const")
                            .filter(|_| b.get("type") == Some(&"string".into()))
                    })
                    .collect::<Option<Vec<&Value>>>()
            {
                let values: Vec<Value> = values.into_iter().cloned().collect();
                object.remove("oneOf");
                object.insert("type".into(), "string".into());
                object.insert("enum".into(), Value::Array(values));
            }
            if object.get("default") == Some(&Value::Null) {
                object.remove("default");
            }
        }
        transform_subschemas(self, schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::GenerateSpriteArgs;

    fn walk(value: &Value, found: &mut Vec<String>, path: &str) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(_)) = map.get("type") {
                    found.push(format!("{path}: type array"));
                }
                if map.get("type") == Some(&Value::from("null")) {
                    found.push(format!("{path}: null branch"));
                }
                for (key, child) in map {
                    walk(child, found, &format!("{path}.{key}"));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, found, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }

    #[test]
    fn optional_arguments_have_one_type_and_keep_their_ranges() {
        let schema = Value::Object((*input_schema::<GenerateSpriteArgs>()).clone());
        let mut found = Vec::new();
        walk(&schema, &mut found, "");
        assert!(found.is_empty(), "{found:?}");
        let size = &schema["properties"]["size"];
        assert_eq!(size["type"], "integer", "{size}");
        assert_eq!(
            (size["minimum"].clone(), size["maximum"].clone()),
            (8.into(), 256.into())
        );
        assert_eq!(
            schema["properties"]["backend"]["enum"],
            serde_json::json!(["embedded", "comfyui"]),
            "{}",
            schema["properties"]["backend"]
        );
    }
}
