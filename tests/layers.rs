//! The house rule, checked: imports in `src/` point only downward, slices
//! never import each other, and no two files import each other in a circle.
//!
//! support ← wecom ← protocol ← {launch, card, chat, handover, people} ← app ← boundary.
//! `rules` (the edit rules the server reuses) sits beside app and may read
//! the card slice's form and the chat slice's materials.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SLICES: &[&str] = &["launch", "card", "chat", "handover", "people"];

/// What each part of `src/` may name with `crate::…`.
fn allowed(layer: &str) -> &'static [&'static str] {
    match layer {
        "support" => &["support"],
        "wecom" => &["support", "wecom"],
        "protocol" => &["support", "wecom", "protocol"],
        "launch" => &["support", "wecom", "protocol", "launch"],
        "card" => &["support", "wecom", "protocol", "card"],
        "chat" => &["support", "wecom", "protocol", "chat"],
        "handover" => &["support", "wecom", "protocol", "handover"],
        "people" => &["support", "wecom", "protocol", "people"],
        "app" => &[
            "support", "wecom", "protocol", "launch", "card", "chat", "handover", "people", "app",
        ],
        "rules" => &[
            "support", "wecom", "protocol", "card", "chat", "handover", "rules",
        ],
        "boundary" => &["support", "protocol", "app", "boundary"],
        // lib.rs declares the layers.
        "lib" => &[
            "support", "wecom", "protocol", "launch", "card", "chat", "handover", "people", "app",
            "rules", "boundary",
        ],
        _ => &[],
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer of a file: its folder under `src/`, or its name at the top.
fn layer_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every `crate::a::b…` path in the code (comments left out), as segments.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            let tail = &rest[at + "crate::".len()..];
            rest = tail;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `wecom_contact_core::`
            }
            let segs: Vec<String> = tail
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s| !s.is_empty())
                .collect();
            if !segs.is_empty() {
                out.push(segs);
            }
        }
    }
    out
}

/// The file a `crate::` path names: the deepest module file that exists.
fn resolve(src: &Path, segs: &[String]) -> Option<PathBuf> {
    let mut best = None;
    let mut dir = src.to_path_buf();
    for seg in segs {
        let file = dir.join(format!("{seg}.rs"));
        let module = dir.join(seg).join("mod.rs");
        if module.exists() {
            best = Some(module);
            dir = dir.join(seg);
        } else if file.exists() {
            best = Some(file);
            break;
        } else {
            break;
        }
    }
    best
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn imports_point_down_and_slices_stand_apart() {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let layer = layer_of(rel);
        let ok = allowed(&layer);
        assert!(!ok.is_empty(), "{} is in no layer", rel.display());
        let text = std::fs::read_to_string(file).unwrap();
        for segs in crate_paths(&text) {
            let target = &segs[0];
            if !ok.contains(&target.as_str()) {
                wrong.push(format!(
                    "{} names crate::{}",
                    rel.display(),
                    segs.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_circle_between_files() {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let to: BTreeSet<PathBuf> = crate_paths(&text)
            .iter()
            .filter_map(|segs| resolve(&src, segs))
            .filter(|t| t != file)
            .collect();
        edges.insert(file.clone(), to);
    }
    // Depth-first search with colours; a grey node met again is a circle.
    fn visit(
        n: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        colour: &mut BTreeMap<PathBuf, u8>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        colour.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match colour.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|x| x == m).unwrap();
                    let mut circle = stack[at..].to_vec();
                    circle.push(m.clone());
                    return Some(circle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, colour, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        colour.insert(n.clone(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in edges.keys() {
        if colour.get(n).copied().unwrap_or(0) == 0 {
            if let Some(circle) = visit(n, &edges, &mut colour, &mut Vec::new()) {
                let names: Vec<String> = circle
                    .iter()
                    .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
                    .collect();
                panic!("files import each other: {}", names.join(" -> "));
            }
        }
    }
}

#[test]
fn the_checker_sees_a_slice_importing_another() {
    // The reader itself: a slice naming another slice, in code, is caught;
    // the same words in a comment are not.
    let paths = crate_paths("use crate::chat::compose::Composer; // crate::launch::Step");
    let firsts: Vec<&str> = paths.iter().map(|s| s[0].as_str()).collect();
    assert_eq!(firsts, vec!["chat"]);
    assert!(!allowed("card").contains(&"chat"));
    for slice in SLICES {
        for other in SLICES {
            assert_eq!(allowed(slice).contains(other), slice == other);
        }
    }
    assert!(crate_paths("wecom_contact_core::app::update").is_empty());
}
