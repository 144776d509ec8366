//! Path E's commands on Tauri's mock runtime, through the real ACL.

use serde_json::json;

use crate::microsoft_tests::{app, call};

#[test]
fn what_changed_comes_from_rust_through_the_acl() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let v = call(&w, "bulk_what_changed", json!({})).unwrap();
    let text = v.to_string();
    assert!(text.contains("ApplicationImpersonation"), "{text}");
    assert!(text.contains("May 2024"), "{text}");
    assert_eq!(v["sections"].as_array().unwrap().len(), 3);
}
