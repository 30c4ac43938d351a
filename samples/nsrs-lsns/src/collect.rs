//! Finding the namespaces and asking nsfs how they relate.
//!
//! From `/proc/namespaces` the set is complete and the cost is one `lstat()`, one `open()` and a
//! few ioctls per namespace; whether each is active is the mode of its entry. Without it, the set
//! is built from paths the walk of `/proc` found (seeds), and grown through `NS_GET_USERNS` and
//! `NS_GET_PARENT`, which reach owners and parents no process is in; it is still incomplete, and
//! only what a seed or ownership shows to be active is known to be.

use crate::name::{self, NsType};
use crate::namespace::Namespace;
use crate::nsfs::NsFile;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// `S_IFMT` and `S_IFLNK` of `<sys/stat.h>`.
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;

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
    // Every entry's mode first, while the tool has no nsfs file open: an open nsfs file makes its
    // namespace active, so one the tool opened itself would read as active.
    let mut entries = Vec::new();
    for entry in fs::read_dir(&dir)? {
        let entry = entry?;
        // The kernel writes only canonical names; skip anything else rather than guess.
        let Some((kind, inum)) = entry.file_name().to_str().and_then(name::parse) else {
            continue;
        };
        let path = entry.path();
        // The link's own mode (lstat): following it would give the nsfs file's.
        let active = match fs::symlink_metadata(&path) {
            Ok(meta) => active_from_mode(meta.mode()),
            // Gone since the directory was read: it is no longer live.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(_) => None,
        };
        entries.push((kind, inum, active, path));
    }
    let mut collector = Collector::default();
    for (kind, inum, active, path) in entries {
        match NsFile::open(&path) {
            Ok(file) => collector.add(kind, inum, active, Some(file)),
            // Gone since: likewise.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Listed but not openable: list it, without relations.
            Err(_) => collector.add(kind, inum, active, None),
        }
    }
    Ok(collector.found)
}

/// Whether the namespace of a `/proc/namespaces` entry whose `lstat()` mode is `mode` is active:
/// the kernel shows an active one as `S_IFLNK | 0777` (`lrwxrwxrwx`), one only the kernel holds
/// as `S_IFLNK | 0444` (`lr--r--r--`). `None` for any other mode, which it does not write.
fn active_from_mode(mode: u32) -> Option<bool> {
    if mode & S_IFMT != S_IFLNK {
        return None;
    }
    match mode & 0o7777 {
        0o777 => Some(true),
        0o444 => Some(false),
        _ => None,
    }
}

/// The namespaces the seeds lead to, and the owners and parents of those, transitively.
pub fn from_seeds(seeds: &[Seed]) -> BTreeMap<u64, Namespace> {
    let mut collector = Collector {
        follow: true,
        ..Collector::default()
    };
    for seed in seeds {
        // A task, an fd or a bind mount led to it: it was active when the walk saw it.
        if let Some(ns) = collector.found.get_mut(&seed.inum) {
            // Met before as the owner or parent of another.
            ns.active = Some(true);
            continue;
        }
        // The path may have gone, or lead elsewhere by now (a process exited, a fd was reused):
        // the namespace is still listed, from its name, without relations.
        let file = NsFile::open(&seed.path)
            .ok()
            .filter(|f| f.inum().ok() == Some(seed.inum));
        collector.add(seed.kind, seed.inum, Some(true), file);
        collector.drain();
    }
    let mut found = collector.found;
    owners_of_active_are_active(&mut found);
    found
}

/// Marks active every owner of an active namespace, up the chain: a namespace that owns an active
/// one is active itself. For a user namespace the owner is its parent, so those are covered; a
/// parent pid namespace is not an owner, and stays as it was.
fn owners_of_active_are_active(namespaces: &mut BTreeMap<u64, Namespace>) {
    let active: Vec<u64> = namespaces
        .values()
        .filter(|ns| ns.active == Some(true))
        .map(|ns| ns.inum)
        .collect();
    for inum in active {
        let mut owner = namespaces[&inum].owner;
        while let Some(ns) = owner.and_then(|inum| namespaces.get_mut(&inum)) {
            // Its own chain has been, or will be, walked from it.
            if ns.active == Some(true) {
                break;
            }
            ns.active = Some(true);
            owner = ns.owner;
        }
    }
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
    /// Adds namespace `inum`, active or not as `active` says, asking `file`, when there is one,
    /// for its relations.
    fn add(&mut self, kind: NsType, inum: u64, active: Option<bool>, file: Option<NsFile>) {
        if self.found.contains_key(&inum) {
            return;
        }
        let mut ns = Namespace::new(kind, inum);
        ns.active = active;
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
            self.add(kind, inum, None, Some(file));
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
        assert_eq!(pid.active, Some(true));
        // Its owner, when in view, was added by following NS_GET_USERNS; it owns an active
        // namespace, so it is active too.
        if let Some(owner) = pid.owner {
            assert_eq!(found[&owner].kind, NsType::User);
            assert_eq!(found[&owner].active, Some(true));
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
        // The walk met it through a task, an fd or a bind mount: it is active.
        let mut expected = Namespace::new(NsType::Net, 7);
        expected.active = Some(true);
        assert_eq!(found[&7], expected);
    }

    #[test]
    fn the_entry_mode_tells_whether_active() {
        assert_eq!(active_from_mode(0o120_777), Some(true));
        assert_eq!(active_from_mode(0o120_444), Some(false));
        // What stat(), following the link, gives: the nsfs file's mode, which says nothing.
        assert_eq!(active_from_mode(0o100_444), None);
        for mode in [0o120_755, 0o120_000, 0o120_4777, 0o040_555, 0o100_777, 0] {
            assert_eq!(active_from_mode(mode), None, "{mode:o}");
        }
    }

    fn ns(kind: NsType, inum: u64, owner: Option<u64>, active: Option<bool>) -> Namespace {
        Namespace {
            owner,
            active,
            ..Namespace::new(kind, inum)
        }
    }

    #[test]
    fn owners_of_active_namespaces_are_active() {
        use NsType::*;
        let mut set: BTreeMap<u64, Namespace> = [
            ns(User, 1, None, None),
            ns(User, 2, Some(1), None),
            ns(User, 3, Some(2), None),
            ns(Net, 4, Some(3), Some(true)),
            // Owned by an active one already: the walk up stops there.
            ns(Uts, 5, Some(3), Some(true)),
            ns(User, 6, Some(1), None),
            ns(Pid, 7, Some(6), None),
            ns(Ipc, 8, Some(6), Some(false)),
            ns(Mnt, 9, Some(42), Some(true)),
        ]
        .into_iter()
        .map(|ns| (ns.inum, ns))
        .collect();
        owners_of_active_are_active(&mut set);
        let active = |inum: u64| set[&inum].active;
        assert_eq!(active(1), Some(true));
        assert_eq!(active(2), Some(true));
        assert_eq!(active(3), Some(true));
        // Owning only a namespace of unknown or no activity proves nothing.
        assert_eq!(active(6), None);
        assert_eq!(active(7), None);
        assert_eq!(active(8), Some(false));
        // An owner out of the listing is skipped.
        assert_eq!(active(9), Some(true));
    }

    #[test]
    fn an_owner_loop_ends() {
        let mut set: BTreeMap<u64, Namespace> = [
            ns(NsType::User, 1, Some(2), Some(true)),
            ns(NsType::User, 2, Some(1), None),
        ]
        .into_iter()
        .map(|ns| (ns.inum, ns))
        .collect();
        owners_of_active_are_active(&mut set);
        assert_eq!(set[&2].active, Some(true));
    }

    /// A fake `namespaces/` directory: a link to this process's net namespace, and a file that is
    /// no link.
    #[test]
    fn entries_are_listed_with_the_mode_of_their_link() {
        let Ok(link) = std::fs::read_link("/proc/self/ns/net") else {
            return;
        };
        let net = link.to_str().unwrap().to_owned();
        let (_, inum) = name::parse(&net).unwrap();
        let root = std::env::temp_dir().join(format!("nsrs-lsns-collect-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join("namespaces");
        fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink("/proc/self/ns/net", dir.join(&net)).unwrap();
        fs::write(dir.join("uts:[5]"), "").unwrap();
        fs::write(dir.join("not-a-name"), "").unwrap();

        let found = from_proc_namespaces(&root);
        fs::remove_dir_all(&root).unwrap();

        let found = found.unwrap();
        assert_eq!(found.len(), 2);
        // A link made here is lrwxrwxrwx, as the kernel shows an active namespace.
        assert_eq!(found[&inum].kind, NsType::Net);
        assert_eq!(found[&inum].active, Some(true));
        assert_eq!(found[&5].active, None);
    }

    #[test]
    fn a_missing_directory_is_not_found() {
        let err = from_proc_namespaces(Path::new("/nonexistent")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
