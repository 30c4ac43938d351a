//! `--json`: the listing (and with `--tree`, the trees) as one JSON object.
//!
//! Written by hand, std having no JSON. One namespace object per line, so that line tools can
//! pick one out as well as a JSON parser can.

use crate::namespace::{Listing, Namespace};
use crate::tree::{Node, Tree};
use std::fmt::Write;

/// The whole output, newline-terminated.
pub fn render<'a>(
    listing: &Listing,
    shown: impl IntoIterator<Item = &'a Namespace>,
    tree: Option<&Tree>,
) -> String {
    let mut out = format!("{{\"complete\": {}, \"namespaces\": [", listing.complete);
    for (i, ns) in shown.into_iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        namespace(&mut out, ns);
    }
    out.push_str("\n]");
    if let Some(tree) = tree {
        out.push_str(",\n\"user_tree\": ");
        nodes(&mut out, &tree.users, true);
        out.push_str(",\n\"unowned\": ");
        numbers(&mut out, &tree.unowned);
        if let Some(pids) = &tree.pids {
            out.push_str(",\n\"pid_tree\": ");
            nodes(&mut out, pids, false);
        }
    }
    out.push_str("}\n");
    out
}

fn namespace(out: &mut String, ns: &Namespace) {
    let _ = write!(
        out,
        "{{\"type\": {}, \"inum\": {}, \"name\": {}, \"owner\": {}, \"parent\": {}, \
         \"owner_uid\": {}, \"active\": {}, \"nprocs\": {}, \"held\": ",
        string(ns.kind.name()),
        ns.inum,
        string(&ns.name()),
        number(ns.owner),
        number(ns.parent),
        number(ns.owner_uid),
        boolean(ns.active),
        number(ns.usage.map(|u| u.nprocs)),
    );
    match ns.usage {
        Some(usage) => {
            let labels: Vec<String> = usage.held.labels().into_iter().map(string).collect();
            let _ = write!(out, "[{}]", labels.join(", "));
        }
        None => out.push_str("null"),
    }
    out.push('}');
}

/// Tree nodes, nested; user nodes carry `owned`.
fn nodes(out: &mut String, list: &[Node], with_owned: bool) {
    out.push('[');
    for (i, node) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{{\"inum\": {}", node.inum);
        if with_owned {
            out.push_str(", \"owned\": ");
            numbers(out, &node.owned);
        }
        out.push_str(", \"children\": ");
        nodes(out, &node.children, with_owned);
        out.push('}');
    }
    out.push(']');
}

fn numbers(out: &mut String, list: &[u64]) {
    let items: Vec<String> = list.iter().map(u64::to_string).collect();
    let _ = write!(out, "[{}]", items.join(", "));
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "null".to_owned(), |v| v.to_string())
}

fn boolean(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    }
}

/// `s` as a JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            // U+2028 and U+2029 are valid JSON but break JavaScript parsers that eval it.
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::held::{Held, Usage};
    use crate::name::NsType;
    use crate::tree;
    use std::collections::BTreeMap;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("net"), "\"net\"");
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("\n\r\t"), r#""\n\r\t""#);
        assert_eq!(string("\u{1}\u{1f}\u{7f}"), r#""\u0001\u001f\u007f""#);
        assert_eq!(string("é\u{2028}"), "\"é\\u2028\"");
        assert_eq!(string(""), "\"\"");
    }

    fn listing() -> Listing {
        let mut user = Namespace::new(NsType::User, 1);
        user.owner_uid = Some(0);
        user.usage = Some(Usage {
            nprocs: 2,
            held: Held {
                tasks: true,
                fd: true,
                ..Held::default()
            },
        });
        user.active = Some(true);
        let mut pid = Namespace::new(NsType::Pid, 2);
        pid.owner = Some(1);
        pid.active = Some(false);
        Listing {
            namespaces: BTreeMap::from([(1, user), (2, pid)]),
            complete: false,
        }
    }

    #[test]
    fn one_namespace_per_line() {
        let listing = listing();
        let text = render(&listing, listing.namespaces.values(), None);
        let expected = r#"{"complete": false, "namespaces": [
{"type": "user", "inum": 1, "name": "user:[1]", "owner": null, "parent": null, "owner_uid": 0, "active": true, "nprocs": 2, "held": ["tasks", "fd"]},
{"type": "pid", "inum": 2, "name": "pid:[2]", "owner": 1, "parent": null, "owner_uid": null, "active": false, "nprocs": null, "held": null}
]}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn an_empty_listing_is_an_empty_array() {
        let listing = Listing::default();
        assert_eq!(
            render(&listing, [], None),
            "{\"complete\": false, \"namespaces\": [\n]}\n"
        );
    }

    #[test]
    fn trees_nest() {
        let listing = listing();
        let tree = tree::build(&listing.namespaces, |_| true);
        let text = render(&listing, [], Some(&tree));
        assert!(text.ends_with(
            "\n\"user_tree\": [{\"inum\": 1, \"owned\": [2], \"children\": []}],\n\
             \"unowned\": [],\n\"pid_tree\": [{\"inum\": 2, \"children\": []}]}\n"
        ));
    }
}
