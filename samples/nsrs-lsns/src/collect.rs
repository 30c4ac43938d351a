//! Finding the namespaces and asking nsfs how they relate.
//!
//! From `/proc/namespaces` the set is complete and the cost is one `open()` and a few ioctls per
//! namespace. Without it, the set is built from paths the walk of `/proc` found (seeds), and
//! grown through `NS_GET_USERNS` and `NS_GET_PARENT`, which reach owners and parents no process
//! is in; it is still incomplete.

use crate::name::{self, NsType};
use crate::namespace::Namespace;
use crate::nsfs::NsFile;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// A path that should open namespace `inum` of type `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seed {
    pub kind: NsType,
    pub inum: u64,
    pub path: PathBuf,
}

/// Every namespace `<proc>/namespaces` lists.
///
/// The directory's own error when it cannot be read: `NotFound` on a kernel without it.
pub fn from_proc_namespaces(proc: &Path) -> io::Result<BTreeMap<u64, Namespace>> {
    let dir = proc.join("namespaces");
    let mut collector = Collector::default();
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        // The kernel writes only canonical names; skip anything else rather than guess.
        let Some((kind, inum)) = entry.file_name().to_str().and_then(name::parse) else {
            continue;
        };
        match NsFile::open(&entry.path()) {
            Ok(file) => collector.add(kind, inum, Some(file)),
            // Gone since the directory was read: it is no longer live.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Listed but not openable: list it, without relations.
            Err(_) => collector.add(kind, inum, None),
        }
    }
    Ok(collector.found)
}

/// The namespaces the seeds lead to, and the owners and parents of those, transitively.
pub fn from_seeds(seeds: &[Seed]) -> BTreeMap<u64, Namespace> {
    let mut collector = Collector {
        follow: true,
        ..Collector::default()
    };
    for seed in seeds {
        if collector.found.contains_key(&seed.inum) {
            continue;
        }
        // The path may have gone, or lead elsewhere by now (a process exited, a fd was reused):
        // the namespace is still listed, from its name, without relations.
        let file = NsFile::open(&seed.path)
            .ok()
            .filter(|f| f.inum().ok() == Some(seed.inum));
        collector.add(seed.kind, seed.inum, file);
        collector.drain();
    }
    collector.found
}

/// Accumulates namespaces, each described once.
#[derive(Default)]
struct Collector {
    found: BTreeMap<u64, Namespace>,
    /// Whether owners and parents not met otherwise are added too.
    follow: bool,
    /// Owners and parents still to be added, when following.
    pending: Vec<NsFile>,
}

impl Collector {
    /// Adds namespace `inum`, asking `file`, when there is one, for its relations.
    fn add(&mut self, kind: NsType, inum: u64, file: Option<NsFile>) {
        if self.found.contains_key(&inum) {
            return;
        }
        let mut ns = Namespace::new(kind, inum);
        if let Some(file) = file {
            // Errors leave the field unknown: EPERM is the common one, a relation outside the
            // caller's view (the initial namespaces have no owner or parent at all).
            if let Ok(owner) = file.owner() {
                ns.owner = self.relative(owner);
            }
            if kind.is_hierarchical() {
                if let Ok(parent) = file.parent() {
                    ns.parent = self.relative(parent);
                }
            }
            if kind == NsType::User {
                ns.owner_uid = file.owner_uid().ok();
            }
        }
        self.found.insert(inum, ns);
    }

    /// The inum of a related namespace, kept for later when following.
    fn relative(&mut self, file: NsFile) -> Option<u64> {
        let inum = file.inum().ok()?;
        if self.follow && !self.found.contains_key(&inum) {
            self.pending.push(file);
        }
        Some(inum)
    }

    /// Adds the pending owners and parents, and theirs in turn.
    fn drain(&mut self) {
        while let Some(file) = self.pending.pop() {
            let (Ok(inum), Ok(kind)) = (file.inum(), file.nstype()) else {
                continue;
            };
            self.add(kind, inum, Some(file));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_namespaces_are_followed_to_their_owner() {
        let Ok(link) = std::fs::read_link("/proc/self/ns/pid") else {
            return;
        };
        let (kind, inum) = name::parse(link.to_str().unwrap()).unwrap();
        let seeds = [Seed {
            kind,
            inum,
            path: "/proc/self/ns/pid".into(),
        }];
        let found = from_seeds(&seeds);
        let pid = &found[&inum];
        assert_eq!(pid.kind, NsType::Pid);
        // Its owner, when in view, was added by following NS_GET_USERNS.
        if let Some(owner) = pid.owner {
            assert_eq!(found[&owner].kind, NsType::User);
        }
    }

    #[test]
    fn seeds_that_do_not_open_are_listed_without_relations() {
        let seeds = [Seed {
            kind: NsType::Net,
            inum: 7,
            path: "/nonexistent/net".into(),
        }];
        let found = from_seeds(&seeds);
        assert_eq!(found.len(), 1);
        assert_eq!(found[&7], Namespace::new(NsType::Net, 7));
    }

    #[test]
    fn a_missing_directory_is_not_found() {
        let err = from_proc_namespaces(Path::new("/nonexistent")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
