//! The two message files stay in step, and every key the code uses exists in both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn flatten(prefix: &str, value: &serde_yaml::Value, out: &mut BTreeMap<String, String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().expect("string keys");
                let full = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
                flatten(&full, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.as_str().map(str::to_owned).unwrap_or_default());
        }
    }
}

fn messages(file: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(file);
    let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    flatten("", &yaml, &mut out);
    out.remove("_version");
    out
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("%{").skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let zh = messages("zh-CN.yml");
    let en = messages("en.yml");
    let zh_keys: BTreeSet<_> = zh.keys().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    assert_eq!(zh_keys, en_keys, "locales/zh-CN.yml and locales/en.yml differ in keys");
    for (key, text) in &zh {
        assert!(!text.trim().is_empty(), "{key} is empty in zh-CN");
        assert_eq!(placeholders(text), placeholders(&en[key]), "{key}: arguments differ between languages");
    }
}

/// Every `t!("key"` in `src/`, across line breaks.
fn keys_used_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_used_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let src = std::fs::read_to_string(&path).unwrap();
            for (i, _) in src.match_indices("t!(") {
                // `t!(` itself, not the tail of `format!(` or `assert!(`.
                if src[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = src[i + 3..].trim_start();
                if let Some(rest) = rest.strip_prefix('"') {
                    if let Some(end) = rest.find('"') {
                        out.insert(rest[..end].to_owned());
                    }
                }
            }
        }
    }
}

#[test]
fn every_key_the_code_uses_exists_in_both_languages() {
    let mut used = BTreeSet::new();
    keys_used_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut used);
    assert!(used.len() > 50, "the scan found the keys ({} found)", used.len());
    for key in &used {
        for locale in ["zh-CN", "en"] {
            assert!(linli::translation_exists(locale, key), "{key} is missing in {locale}");
        }
    }
}
