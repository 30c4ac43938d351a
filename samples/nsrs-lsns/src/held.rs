//! What keeps a namespace alive, as far as userspace can tell, and how many processes are in it.
//!
//! The walk of `/proc` ([`crate::procwalk`]) sees three kinds of direct holders: tasks (a
//! `/proc/<pid>/ns/*` link, `*_for_children` included), open fds of nsfs files, and nsfs bind
//! mounts. A namespace none of them holds may still be kept by a namespace below it: a parent pid
//! or user namespace by its children, a user namespace by the namespaces it owns. Anything else
//! (a socket's reference on a net namespace, a `struct pid` outliving its task, a mount namespace
//! reachable only through a bind mount in another unreachable one) the tool cannot see.

use crate::namespace::Namespace;
use std::collections::{BTreeMap, HashSet};

/// The holders of one namespace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// A task is in it, or will put its children in it (`pid_for_children`, `time_for_children`).
    pub tasks: bool,
    /// A process has an nsfs file of it open.
    pub fd: bool,
    /// An nsfs file of it is bind-mounted in a mount namespace some process is in.
    pub bind: bool,
    /// It is the parent or the owner of another listed namespace.
    pub child: bool,
}

impl Held {
    /// The labels printed for it: the direct holders, else `child`, else `unknown`.
    ///
    /// `child` is only printed alone: with a direct holder the namespace would live without its
    /// children, so they are not what holds it.
    pub fn labels(self) -> Vec<&'static str> {
        let direct: Vec<&'static str> =
            [(self.tasks, "tasks"), (self.fd, "fd"), (self.bind, "bind")]
                .into_iter()
                .filter_map(|(on, label)| on.then_some(label))
                .collect();
        if !direct.is_empty() {
            direct
        } else if self.child {
            vec!["child"]
        } else {
            vec!["unknown"]
        }
    }
}

/// What the walk of `/proc` found for one namespace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Processes with at least one thread in the namespace (not counting `*_for_children`).
    pub nprocs: u32,
    /// What holds it.
    pub held: Held,
}

/// Gives every namespace its usage: what the walk saw for it, plus `child` when another listed
/// namespace names it as parent or owner.
pub fn classify(namespaces: &mut BTreeMap<u64, Namespace>, seen: &BTreeMap<u64, Usage>) {
    let referenced: HashSet<u64> = namespaces
        .values()
        .flat_map(|ns| [ns.owner, ns.parent])
        .flatten()
        .collect();
    for ns in namespaces.values_mut() {
        let mut usage = seen.get(&ns.inum).copied().unwrap_or_default();
        usage.held.child = referenced.contains(&ns.inum);
        ns.usage = Some(usage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::NsType;

    fn ns(kind: NsType, inum: u64, owner: Option<u64>, parent: Option<u64>) -> Namespace {
        Namespace {
            kind,
            inum,
            owner,
            parent,
            owner_uid: None,
            active: None,
            usage: None,
        }
    }

    #[test]
    fn labels_prefer_direct_holders() {
        let all = Held {
            tasks: true,
            fd: true,
            bind: true,
            child: true,
        };
        assert_eq!(all.labels(), ["tasks", "fd", "bind"]);
        let child = Held {
            child: true,
            ..Held::default()
        };
        assert_eq!(child.labels(), ["child"]);
        assert_eq!(Held::default().labels(), ["unknown"]);
    }

    #[test]
    fn parents_and_owners_are_held_by_children() {
        let mut set: BTreeMap<u64, Namespace> = [
            ns(NsType::User, 1, None, None),
            ns(NsType::User, 2, Some(1), Some(1)),
            ns(NsType::Net, 3, Some(2), None),
            ns(NsType::Pid, 4, Some(1), None),
            ns(NsType::Pid, 5, Some(2), Some(4)),
            ns(NsType::Uts, 6, Some(1), None),
        ]
        .into_iter()
        .map(|n| (n.inum, n))
        .collect();
        let mut seen = BTreeMap::new();
        let tasks = Usage {
            nprocs: 1,
            held: Held {
                tasks: true,
                ..Held::default()
            },
        };
        seen.insert(5, tasks);
        classify(&mut set, &seen);
        let labels = |inum: u64| set[&inum].usage.unwrap().held.labels();
        assert_eq!(labels(1), ["child"]);
        assert_eq!(labels(2), ["child"]);
        assert_eq!(labels(3), ["unknown"]);
        assert_eq!(labels(4), ["child"]);
        assert_eq!(labels(5), ["tasks"]);
        assert_eq!(labels(6), ["unknown"]);
        assert_eq!(set[&5].usage.unwrap().nprocs, 1);
        assert_eq!(set[&4].usage.unwrap().nprocs, 0);
    }
}
