//! `--tree`: the user namespace ownership tree and the pid namespace hierarchy.
//!
//! Both are built from the flat listing: a user namespace goes under its parent and lists the
//! namespaces it owns; a pid namespace goes under its parent. A namespace whose parent is not
//! listed (the initial ones, or one whose parent is out of view) is a root.

use crate::name::NsType;
use crate::namespace::Namespace;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

/// A user or pid namespace and what is below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub inum: u64,
    /// For a user namespace, the namespaces of other types it owns, by type and inum.
    pub owned: Vec<u64>,
    pub children: Vec<Node>,
}

/// The two hierarchies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// The user namespace roots.
    pub users: Vec<Node>,
    /// Shown namespaces of other types whose owner is not listed.
    pub unowned: Vec<u64>,
    /// The pid namespace roots, when pid namespaces are shown.
    pub pids: Option<Vec<Node>>,
}

/// Builds the trees of `namespaces`, keeping the types `shows` accepts (user namespaces are all
/// kept: they are the tree).
pub fn build(namespaces: &BTreeMap<u64, Namespace>, shows: impl Fn(NsType) -> bool) -> Tree {
    let is_user = |inum: &u64| {
        namespaces
            .get(inum)
            .is_some_and(|ns| ns.kind == NsType::User)
    };
    let mut owned: BTreeMap<u64, Vec<&Namespace>> = BTreeMap::new();
    let mut unowned = Vec::new();
    for ns in namespaces.values() {
        if ns.kind == NsType::User || !shows(ns.kind) {
            continue;
        }
        match ns.owner.filter(is_user) {
            Some(owner) => owned.entry(owner).or_default().push(ns),
            None => unowned.push(ns.inum),
        }
    }
    for list in owned.values_mut() {
        list.sort_by_key(|ns| (ns.kind, ns.inum));
    }
    let users = hierarchy(namespaces, NsType::User, &|inum| {
        owned
            .get(&inum)
            .map(|list| list.iter().map(|ns| ns.inum).collect())
            .unwrap_or_default()
    });
    let pids = shows(NsType::Pid).then(|| hierarchy(namespaces, NsType::Pid, &|_| Vec::new()));
    Tree {
        users,
        unowned,
        pids,
    }
}

/// The namespaces of type `kind` as a forest by parent, each node given `owned(inum)`.
fn hierarchy(
    namespaces: &BTreeMap<u64, Namespace>,
    kind: NsType,
    owned: &dyn Fn(u64) -> Vec<u64>,
) -> Vec<Node> {
    let of_kind: Vec<&Namespace> = namespaces.values().filter(|ns| ns.kind == kind).collect();
    let mut children: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut roots = Vec::new();
    for ns in &of_kind {
        match ns
            .parent
            .filter(|p| namespaces.get(p).is_some_and(|p| p.kind == kind))
        {
            Some(parent) => children.entry(parent).or_default().push(ns.inum),
            None => roots.push(ns.inum),
        }
    }
    let mut placed = HashSet::new();
    let mut forest: Vec<Node> = roots
        .into_iter()
        .map(|inum| node(inum, &children, owned, &mut placed))
        .collect();
    // Only a parent loop leaves namespaces unplaced. The kernel makes none, but a listing read
    // while namespaces come and go could (an inum reused): show them rather than drop them.
    for ns in of_kind {
        if !placed.contains(&ns.inum) {
            forest.push(node(ns.inum, &children, owned, &mut placed));
        }
    }
    forest
}

fn node(
    inum: u64,
    children: &BTreeMap<u64, Vec<u64>>,
    owned: &dyn Fn(u64) -> Vec<u64>,
    placed: &mut HashSet<u64>,
) -> Node {
    placed.insert(inum);
    let below = children.get(&inum).map(Vec::as_slice).unwrap_or_default();
    let mut kids = Vec::new();
    for &child in below {
        if !placed.contains(&child) {
            kids.push(node(child, children, owned, placed));
        }
    }
    Node {
        inum,
        owned: owned(inum),
        children: kids,
    }
}

/// The tree as indented text: a heading per section, two spaces per level below it.
pub fn render(tree: &Tree, namespaces: &BTreeMap<u64, Namespace>) -> String {
    let mut out = String::from("user namespaces:\n");
    for root in &tree.users {
        render_node(&mut out, root, namespaces, 1);
    }
    if !tree.unowned.is_empty() {
        out.push_str("owner not in view:\n");
        for inum in &tree.unowned {
            line(&mut out, &namespaces[inum], 1);
        }
    }
    if let Some(pids) = &tree.pids {
        out.push_str("pid namespaces:\n");
        for root in pids {
            render_node(&mut out, root, namespaces, 1);
        }
    }
    out
}

fn render_node(out: &mut String, node: &Node, namespaces: &BTreeMap<u64, Namespace>, depth: usize) {
    line(out, &namespaces[&node.inum], depth);
    for inum in &node.owned {
        line(out, &namespaces[inum], depth + 1);
    }
    for child in &node.children {
        render_node(out, child, namespaces, depth + 1);
    }
}

/// One namespace: its name, `(inactive)` when only the kernel holds it, then what is known of it
/// as `key=value`.
fn line(out: &mut String, ns: &Namespace, depth: usize) {
    let _ = write!(out, "{:indent$}{}", "", ns.name(), indent = 2 * depth);
    if ns.active == Some(false) {
        out.push_str(" (inactive)");
    }
    if let Some(uid) = ns.owner_uid {
        let _ = write!(out, " owner_uid={uid}");
    }
    if let Some(usage) = ns.usage {
        let held = usage.held.labels().join(",");
        let _ = write!(out, " nprocs={} held={held}", usage.nprocs);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[(NsType, u64, Option<u64>, Option<u64>)]) -> BTreeMap<u64, Namespace> {
        list.iter()
            .map(|&(kind, inum, owner, parent)| {
                let mut ns = Namespace::new(kind, inum);
                ns.owner = owner;
                ns.parent = parent;
                (inum, ns)
            })
            .collect()
    }

    fn leaf(inum: u64, owned: &[u64]) -> Node {
        Node {
            inum,
            owned: owned.to_vec(),
            children: Vec::new(),
        }
    }

    /// Two user namespaces below the initial one, one owning a nested pid namespace.
    fn sample() -> BTreeMap<u64, Namespace> {
        use NsType::*;
        set(&[
            (User, 10, None, None),
            (Pid, 11, Some(10), None),
            (Net, 12, Some(10), None),
            (Uts, 13, Some(10), None),
            (User, 20, Some(10), Some(10)),
            (Net, 21, Some(20), None),
            (Pid, 22, Some(20), Some(11)),
            (User, 30, Some(10), Some(10)),
            (User, 31, Some(30), Some(30)),
            (Pid, 32, Some(31), Some(22)),
            (Ipc, 40, None, None),
        ])
    }

    #[test]
    fn users_nest_by_parent_and_list_what_they_own() {
        let tree = build(&sample(), |_| true);
        let user30 = Node {
            children: vec![leaf(31, &[32])],
            ..leaf(30, &[])
        };
        assert_eq!(
            tree.users,
            [Node {
                inum: 10,
                // Sorted by type, then inum: net before pid before uts.
                owned: vec![12, 11, 13],
                children: vec![leaf(20, &[21, 22]), user30],
            }]
        );
        assert_eq!(tree.unowned, [40]);
    }

    #[test]
    fn pids_nest_by_parent() {
        let tree = build(&sample(), |_| true);
        let chain = Node {
            children: vec![Node {
                children: vec![leaf(32, &[])],
                ..leaf(22, &[])
            }],
            ..leaf(11, &[])
        };
        assert_eq!(tree.pids, Some(vec![chain]));
    }

    #[test]
    fn filtering_keeps_the_user_skeleton() {
        let tree = build(&sample(), |kind| kind == NsType::Net);
        assert_eq!(tree.users[0].owned, [12]);
        assert_eq!(tree.users[0].children[0].owned, [21]);
        assert_eq!(
            tree.users[0].children[1].children[0].owned,
            Vec::<u64>::new()
        );
        assert_eq!(tree.pids, None);
        assert!(tree.unowned.is_empty());
    }

    #[test]
    fn a_parent_out_of_view_makes_a_root() {
        use NsType::*;
        let tree = build(
            &set(&[(Pid, 5, None, Some(4)), (Pid, 6, None, Some(5))]),
            |_| true,
        );
        let pids = tree.pids.unwrap();
        assert_eq!(pids.len(), 1);
        assert_eq!(pids[0].inum, 5);
        assert_eq!(pids[0].children[0].inum, 6);
    }

    #[test]
    fn a_parent_loop_is_still_shown() {
        use NsType::*;
        let tree = build(
            &set(&[(User, 1, Some(2), Some(2)), (User, 2, Some(1), Some(1))]),
            |_| true,
        );
        assert_eq!(tree.users.len(), 1);
        assert_eq!(tree.users[0].inum, 1);
        assert_eq!(tree.users[0].children, [leaf(2, &[])]);
    }

    #[test]
    fn text_indents_two_spaces_a_level() {
        let namespaces = sample();
        let text = render(&build(&namespaces, |_| true), &namespaces);
        let expected = "\
user namespaces:
  user:[10]
    net:[12]
    pid:[11]
    uts:[13]
    user:[20]
      net:[21]
      pid:[22]
    user:[30]
      user:[31]
        pid:[32]
owner not in view:
  ipc:[40]
pid namespaces:
  pid:[11]
    pid:[22]
      pid:[32]
";
        assert_eq!(text, expected);
    }

    #[test]
    fn only_inactive_namespaces_are_marked() {
        use crate::held::Usage;
        let mut out = String::new();
        for active in [Some(false), Some(true), None] {
            let mut ns = Namespace::new(NsType::User, 7);
            ns.owner_uid = Some(0);
            ns.active = active;
            ns.usage = Some(Usage::default());
            line(&mut out, &ns, 1);
        }
        let expected = "  user:[7] (inactive) owner_uid=0 nprocs=0 held=unknown
  user:[7] owner_uid=0 nprocs=0 held=unknown
  user:[7] owner_uid=0 nprocs=0 held=unknown
";
        assert_eq!(out, expected);
    }
}
