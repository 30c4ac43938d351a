//! The walk of `/proc`: which namespaces tasks are in, and which open fds and bind mounts hold.
//!
//! Its cost grows with the number of tasks, fds and mounts, not namespaces, so it only runs when
//! process counts or holders are asked for, or when there is no `/proc/namespaces` to list from.
//! For each process it reads, per thread, the ten `ns/*` links; the links of the process's open
//! fds; and `mountinfo` once per mount namespace met. Processes that exit meanwhile, or whose
//! files the caller may not read, are skipped.
//!
//! It must run while the tool itself has no nsfs file open, or it would count its own fds.

use crate::collect::Seed;
use crate::held::Usage;
use crate::name::{self, NsType};
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// The links in `/proc/<pid>/ns`, and whether the task is in the namespace (rather than only
/// keeping it for its future children).
const NS_LINKS: [(&str, bool); 10] = [
    ("cgroup", true),
    ("ipc", true),
    ("mnt", true),
    ("net", true),
    ("pid", true),
    ("pid_for_children", false),
    ("time", true),
    ("time_for_children", false),
    ("user", true),
    ("uts", true),
];

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// By inum: processes in the namespace, and which holders were seen.
    pub usage: BTreeMap<u64, Usage>,
    /// A path to open each namespace met by, the first met.
    pub seeds: Vec<Seed>,
    seeded: HashSet<u64>,
    mnt_seen: HashSet<u64>,
}

impl Walk {
    fn usage(&mut self, inum: u64) -> &mut Usage {
        self.usage.entry(inum).or_default()
    }

    fn seed(&mut self, kind: NsType, inum: u64, path: PathBuf) {
        if self.seeded.insert(inum) {
            self.seeds.push(Seed { kind, inum, path });
        }
    }
}

/// Walks every process under `proc`.
///
/// An error only when `proc` itself cannot be listed.
pub fn walk(proc: &Path) -> std::io::Result<Walk> {
    let mut walk = Walk::default();
    let mut pids: Vec<u32> = fs::read_dir(proc)?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    // Seeds from low pids first: long-lived processes, so their paths still open later.
    pids.sort_unstable();
    for pid in pids {
        process(&mut walk, &proc.join(pid.to_string()));
    }
    Ok(walk)
}

/// One process, `dir` being its `/proc/<pid>`.
fn process(walk: &mut Walk, dir: &Path) {
    // Threads may be in namespaces of their own (setns() and unshare() act per thread), and a
    // zombie leader's own links fail while its threads' work: go through task/ for all of them.
    let task_dirs: Vec<PathBuf> = match fs::read_dir(dir.join("task")) {
        Ok(entries) => {
            let mut dirs: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            dirs.sort_unstable();
            dirs
        }
        Err(_) => vec![dir.to_path_buf()],
    };
    let mut inside = HashSet::new();
    for task in &task_dirs {
        let mut mnt = None;
        for (link, is_in) in NS_LINKS {
            let path = task.join("ns").join(link);
            let Some((kind, inum)) = read_name(&path) else {
                continue;
            };
            walk.usage(inum).held.tasks = true;
            walk.seed(kind, inum, path);
            if is_in {
                inside.insert(inum);
            }
            if kind == NsType::Mnt {
                mnt = Some(inum);
            }
        }
        // A mount namespace's bind mounts are the same whoever reads them: read them once.
        if let Some(mnt) = mnt {
            if !walk.mnt_seen.contains(&mnt) && bind_mounts(walk, task) {
                walk.mnt_seen.insert(mnt);
            }
        }
    }
    for inum in inside {
        walk.usage(inum).nprocs += 1;
    }
    // The fd table is the process's (threads that unshared theirs are not looked at).
    if let Ok(entries) = fs::read_dir(dir.join("fd")) {
        for entry in entries.flatten() {
            let path = entry.path();
            if let Some((kind, inum)) = read_name(&path) {
                walk.usage(inum).held.fd = true;
                walk.seed(kind, inum, path);
            }
        }
    }
}

/// The nsfs bind mounts in the mount namespace of the task whose `/proc` directory is `task`;
/// whether its `mountinfo` could be read.
fn bind_mounts(walk: &mut Walk, task: &Path) -> bool {
    let Ok(text) = fs::read_to_string(task.join("mountinfo")) else {
        return false;
    };
    for (root, mount_point) in text.lines().filter_map(nsfs_mount) {
        let Some((kind, inum)) = name::parse(root) else {
            continue;
        };
        walk.usage(inum).held.bind = true;
        // The mount point is relative to the task's root: open it from there.
        let relative = unescape(mount_point.trim_start_matches('/'));
        walk.seed(kind, inum, task.join("root").join(relative));
    }
    true
}

/// The namespace a link names, if it names one.
fn read_name(path: &Path) -> Option<(NsType, u64)> {
    let target = fs::read_link(path).ok()?;
    name::parse(target.to_str()?)
}

/// The root and mount point of a `mountinfo` line, if the mount is of nsfs.
///
/// `ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS`;
/// spaces inside fields are escaped as `\040`, so `" - "` only ever ends the optional fields.
fn nsfs_mount(line: &str) -> Option<(&str, &str)> {
    let (left, right) = line.split_once(" - ")?;
    if right.split(' ').next()? != "nsfs" {
        return None;
    }
    let mut fields = left.split(' ');
    let root = fields.nth(3)?;
    let mount_point = fields.next()?;
    Some((root, mount_point))
}

/// Undoes the octal escapes (`\040` and the like) of a `mountinfo` path.
fn unescape(field: &str) -> OsString {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| {
            bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)) && d[0] <= b'3'
        });
        if let Some(d) = octal {
            out.push((d[0] - b'0') << 6 | (d[1] - b'0') << 3 | (d[2] - b'0'));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    OsString::from_vec(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn nsfs_mounts_are_picked_out_of_mountinfo() {
        let bind = "612 25 0:4 uts:[4026532301] /tmp/x rw shared:1 - nsfs nsfs rw";
        assert_eq!(nsfs_mount(bind), Some(("uts:[4026532301]", "/tmp/x")));
        let plain = "22 1 0:21 / /proc rw,nosuid - proc proc rw";
        assert_eq!(nsfs_mount(plain), None);
        assert_eq!(nsfs_mount("garbage"), None);
    }

    #[test]
    fn mountinfo_escapes_are_undone() {
        assert_eq!(unescape(r"tmp/a\040b"), OsString::from("tmp/a b"));
        assert_eq!(unescape(r"a\134b\011"), OsString::from("a\\b\t"));
        // Not an escape: left as it is.
        assert_eq!(unescape(r"a\9b\04"), OsString::from(r"a\9b\04"));
    }

    /// A fake `/proc` with one process of two threads, an nsfs fd and a bind mount.
    #[test]
    fn a_fake_proc_is_walked() {
        let root = std::env::temp_dir().join(format!("nsrs-lsns-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let link = |path: PathBuf, target: &str| {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            symlink(target, path).unwrap();
        };
        let pid = root.join("10");
        for (tid, net) in [("10", "net:[100]"), ("11", "net:[101]")] {
            let ns = pid.join("task").join(tid).join("ns");
            link(ns.join("net"), net);
            link(ns.join("mnt"), "mnt:[200]");
            link(ns.join("pid_for_children"), "pid:[300]");
        }
        link(pid.join("fd").join("3"), "uts:[400]");
        link(pid.join("fd").join("4"), "socket:[500]");
        fs::write(
            pid.join("task").join("10").join("mountinfo"),
            "1 0 0:4 ipc:[600] /run/ipc\\040x rw - nsfs nsfs rw\n",
        )
        .unwrap();
        fs::create_dir_all(root.join("self")).unwrap();

        let walk = walk(&root).unwrap();
        fs::remove_dir_all(&root).unwrap();

        let usage = |inum: u64| walk.usage.get(&inum).copied().unwrap_or_default();
        assert_eq!(usage(100).nprocs, 1);
        assert_eq!(usage(101).nprocs, 1);
        assert_eq!(usage(200).nprocs, 1, "one process, however many threads");
        assert!(usage(300).held.tasks);
        assert_eq!(usage(300).nprocs, 0, "pid_for_children holds, is not in");
        assert!(usage(400).held.fd && !usage(400).held.tasks);
        assert!(usage(600).held.bind);
        assert!(!walk.usage.contains_key(&500));
        let ipc = walk.seeds.iter().find(|s| s.inum == 600).unwrap();
        assert_eq!(ipc.kind, NsType::Ipc);
        assert!(ipc.path.ends_with("10/task/10/root/run/ipc x"));
        let mut inums: Vec<u64> = walk.seeds.iter().map(|s| s.inum).collect();
        inums.sort_unstable();
        assert_eq!(inums, [100, 101, 200, 300, 400, 600]);
    }
}
