//! The default output: one line per namespace, in aligned columns.
//!
//! Every cell is one word (`-` when empty, holders joined by commas), so the lines split on
//! whitespace.

use crate::namespace::Namespace;
use std::fmt::Write;

const HEADER: [&str; 8] = [
    "TYPE",
    "INUM",
    "OWNER",
    "PARENT",
    "OWNER_UID",
    "ACTIVE",
    "NPROCS",
    "HELD",
];

/// The table of `namespaces`, header first.
pub fn render<'a>(namespaces: impl IntoIterator<Item = &'a Namespace>) -> String {
    let mut rows = vec![HEADER.map(String::from)];
    rows.extend(namespaces.into_iter().map(row));
    let mut widths = [0; HEADER.len()];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                // The last column is not padded: no trailing blanks.
                out.push_str(cell);
            } else {
                let _ = write!(out, "{cell:<w$} ", w = widths[i]);
            }
        }
        out.push('\n');
    }
    out
}

fn row(ns: &Namespace) -> [String; 8] {
    let cell = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    [
        ns.kind.to_string(),
        ns.inum.to_string(),
        cell(ns.owner.map(|v| v.to_string())),
        cell(ns.parent.map(|v| v.to_string())),
        cell(ns.owner_uid.map(|v| v.to_string())),
        cell(ns.active.map(|v| if v { "yes" } else { "no" }.to_owned())),
        cell(ns.usage.map(|u| u.nprocs.to_string())),
        cell(ns.usage.map(|u| u.held.labels().join(","))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::held::{Held, Usage};
    use crate::name::NsType;

    #[test]
    fn columns_align_and_unknowns_are_dashes() {
        let mut user = Namespace::new(NsType::User, 4026531837);
        user.owner_uid = Some(0);
        user.usage = Some(Usage {
            nprocs: 12,
            held: Held {
                tasks: true,
                fd: true,
                ..Held::default()
            },
        });
        user.active = Some(true);
        let mut net = Namespace::new(NsType::Net, 7);
        net.owner = Some(4026531837);
        let mut ipc = Namespace::new(NsType::Ipc, 8);
        ipc.active = Some(false);
        ipc.usage = Some(Usage::default());
        let text = render([&user, &net, &ipc]);
        let expected = "\
TYPE INUM       OWNER      PARENT OWNER_UID ACTIVE NPROCS HELD
user 4026531837 -          -      0         yes    12     tasks,fd
net  7          4026531837 -      -         -      -      -
ipc  8          -          -      -         no     0      unknown
";
        assert_eq!(text, expected);
    }
}
