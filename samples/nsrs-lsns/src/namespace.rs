//! What the tool knows of one namespace, and of the whole listing.

use crate::held::Usage;
use crate::name::{self, NsType};
use std::collections::BTreeMap;

/// One namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    pub kind: NsType,
    /// Its inode number in nsfs, unique among live namespaces of every type.
    pub inum: u64,
    /// The inum of the user namespace that owns it (`NS_GET_USERNS`); for a user namespace, its
    /// parent. `None` when that is outside the caller's view or could not be asked.
    pub owner: Option<u64>,
    /// The inum of its parent (`NS_GET_PARENT`), for pid and user namespaces that have one in
    /// view.
    pub parent: Option<u64>,
    /// For a user namespace, the uid of its creator (`NS_GET_OWNER_UID`).
    pub owner_uid: Option<u32>,
    /// Whether it is active: userspace can reach it (a task is in it or has credentials in it, a
    /// pid is in it, an nsfs file of it is open or bind-mounted, or it owns an active namespace),
    /// rather than only the kernel holding it. `None` when unknown.
    pub active: Option<bool>,
    /// Processes in it and what holds it; `None` when `/proc` was not walked.
    pub usage: Option<Usage>,
}

impl Namespace {
    /// A namespace of which only the type and number are known yet.
    pub fn new(kind: NsType, inum: u64) -> Namespace {
        Namespace {
            kind,
            inum,
            owner: None,
            parent: None,
            owner_uid: None,
            active: None,
            usage: None,
        }
    }

    /// Its name, `type:[inum]`.
    pub fn name(&self) -> String {
        name::format(self.kind, self.inum)
    }
}

/// Every namespace found, by inum (which is the order `/proc/namespaces` lists them in).
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub namespaces: BTreeMap<u64, Namespace>,
    /// False when the namespaces came from the walk of `/proc/*/ns` rather than
    /// `/proc/namespaces`: then those no process reaches are missing.
    pub complete: bool,
}
