// SPDX-License-Identifier: GPL-2.0

//! `/proc/namespaces`: one magic link per namespace the procfs instance may see, after Kirill
//! Tkhai's series.
//!
//! Each entry is named `type:[inum]` and reads (`readlink`) the same; following it opens the
//! namespace's nsfs file, as `/proc/<pid>/ns/<type>` does, so it works with `setns(2)`, the nsfs
//! ioctls and bind mounts. A namespace is listed when its owning user namespace is the user
//! namespace of the instance's pid namespace or a descendant of it; a user namespace, when it is
//! that namespace or a descendant. Anything else (a malformed name, a namespace that is gone or
//! not visible) is `ENOENT`. Following an entry (`open(2)`, `stat(2)`) needs `CAP_SYS_ADMIN`
//! over the user namespace that governs it (`EACCES` otherwise); listing and `readlink` do not.
//!
//! Every live namespace is listed, active or not (see [`nstree::active`]): this is the view
//! that shows what only the kernel still holds. An entry's permission bits, as `lstat(2)` and
//! `ls -l` show them, tell which: `lrwxrwxrwx` for an active namespace, `lr--r--r--` for an
//! inactive one (the kernel checks no permission on a symbolic link, so nothing else changes).
//!
//! Entries come from the [`nstree`](crate::nstree). The directory is a procfs entry, so a
//! procfs mounted with `subset=pid` does not have it.

use crate::{nsfs, nstree};
use kernel::{
    bindings,
    error::{
        code::{EACCES, ENOENT},
        Result,
    },
    ns::{NsCommon, NsOperations, UserNamespace},
    types::ARef,
    vfs::{
        DirContext, DirFileOperations, DirInodeOperations, Inode, LinkDentryOperations, LinkDir,
        LinkInodeOperations, Path, LINK_NAME_MAX,
    },
};

/// The `/proc/namespaces` directory.
pub struct ProcNamespaces;

/// The directory's inode operations; `proc_root_init()` gives them to its procfs entry.
#[no_mangle]
pub static nsrs_proc_namespaces_iops: DirInodeOperations<ProcNamespaces> =
    DirInodeOperations::new();

/// The directory's file operations; `proc_root_init()` gives them to its procfs entry.
#[no_mangle]
pub static nsrs_proc_namespaces_fops: DirFileOperations<ProcNamespaces> = DirFileOperations::new();

static LINK_IOPS: LinkInodeOperations<ProcNamespaces> = LinkInodeOperations::new();
static LINK_DOPS: LinkDentryOperations<ProcNamespaces> = LinkDentryOperations::new();

/// Positions 0 and 1 are `.` and `..`; an entry's is its inode number plus this.
const FIRST_POS: i64 = 2;

/// How many entries `readdir` takes from the namespace tree per hold of its lock.
const BATCH: usize = 16;

impl LinkDir for ProcNamespaces {
    /// A link carries the operations of its namespace's type, and its `inum` as `i_ino`.
    type Tag = NsOperations;

    fn link_operations() -> (
        &'static LinkInodeOperations<Self>,
        &'static LinkDentryOperations<Self>,
    ) {
        (&LINK_IOPS, &LINK_DOPS)
    }

    fn iterate(dir: &Inode, ctx: &mut DirContext) -> Result {
        let viewer = viewer_of(dir)?;
        let from = u64::try_from(ctx.pos() - FIRST_POS).unwrap_or(0);
        if viewer.is_initial() {
            // Everything is visible: names only, no references.
            return iterate_all(ctx, from);
        }
        iterate_visible(ctx, from, viewer)
    }

    fn lookup(dir: &Inode, name: &[u8]) -> Result<(u64, &'static NsOperations)> {
        let (type_name, inum) = parse(name).ok_or(ENOENT)?;
        let ns = find(inum, |ops| ops.name().as_bytes() == type_name).ok_or(ENOENT)?;
        if !visible(&ns, viewer_of(dir)?) {
            return Err(ENOENT);
        }
        Ok((inum.into(), ns.operations()))
    }

    fn revalidate(ino: u64, ops: &'static NsOperations) -> bool {
        u32::try_from(ino).is_ok_and(|inum| find(inum, |o| core::ptr::eq(o, ops)).is_some())
    }

    fn get_link(ino: u64, ops: &'static NsOperations) -> Result<Path> {
        let inum = u32::try_from(ino).map_err(|_| ENOENT)?;
        let ns = find(inum, |o| core::ptr::eq(o, ops)).ok_or(ENOENT)?;
        if !may_open(&ns) {
            return Err(EACCES);
        }
        nsfs::stash::path_of(ns)
    }

    fn link_name(ino: u64, ops: &'static NsOperations, buf: &mut [u8; LINK_NAME_MAX]) -> usize {
        nsfs::name::snprint(ops.name(), ino, buf)
    }

    /// `lrwxrwxrwx` for an active namespace, `lr--r--r--` for one no user reaches any more
    /// (only the kernel holds it: see [`nstree::active`]), and for one that is gone.
    fn link_mode(ino: u64, ops: &'static NsOperations) -> u16 {
        let active = u32::try_from(ino)
            .ok()
            .and_then(|inum| find(inum, |o| core::ptr::eq(o, ops)))
            .is_some_and(|ns| nstree::active::is_active(&ns));
        if active {
            ACTIVE_MODE
        } else {
            INACTIVE_MODE
        }
    }
}

/// The permission bits of the entry of an active namespace: those of every magic link.
const ACTIVE_MODE: u16 = 0o777;

/// The permission bits of the entry of an inactive namespace: no write or search bits.
const INACTIVE_MODE: u16 = 0o444;

/// The user namespace the directory `dir`, `/proc/namespaces` of a procfs instance, is seen
/// from: that of the instance's pid namespace. `ENOENT` for an inode that is not procfs's, which
/// the directory's operations are never called with.
fn viewer_of(dir: &Inode) -> Result<&UserNamespace> {
    UserNamespace::of_procfs(dir).ok_or(ENOENT)
}

/// Emits the entry `type:[inum]` at its position; false when the buffer is full (it then comes
/// first next time).
fn emit(ctx: &mut DirContext, ops: &NsOperations, inum: u32) -> bool {
    let mut name = [0u8; LINK_NAME_MAX];
    let len = nsfs::name::snprint(ops.name(), inum.into(), &mut name);
    if !ctx.emit(&name[..len], inum.into(), bindings::DT_LNK) {
        return false;
    }
    ctx.set_pos(i64::from(inum) + 1 + FIRST_POS);
    true
}

/// `readdir` for a procfs instance of the initial user namespace, which sees everything: the
/// tree's live entries, in batches of one hold of its lock each, without references.
fn iterate_all(ctx: &mut DirContext, mut from: u64) -> Result {
    let empty: &'static NsOperations = kernel::ns::init_user_ns().operations();
    let mut batch = [(0u32, empty); BATCH];
    loop {
        let (n, next) = nstree::next_live_batch(from, &mut batch);
        for &(inum, ops) in &batch[..n] {
            if !emit(ctx, ops, inum) {
                return Ok(());
            }
        }
        match next {
            Some(next) => from = next,
            None => return Ok(()),
        }
    }
}

/// `readdir` for any other instance: each entry is taken with a reference, to find its owner
/// safely; references are dropped (which may sleep) and names copied out after the tree's
/// lock is released.
fn iterate_visible(ctx: &mut DirContext, mut from: u64, viewer: &UserNamespace) -> Result {
    let mut batch: [Option<(u32, ARef<NsCommon>)>; BATCH] = Default::default();
    loop {
        let (n, next) = nstree::next_batch(from, &mut batch);
        for entry in batch[..n].iter_mut() {
            let Some((inum, ns)) = entry.take() else {
                continue;
            };
            if visible(&ns, viewer) && !emit(ctx, ns.operations(), inum) {
                return Ok(());
            }
        }
        match next {
            Some(next) => from = next,
            None => return Ok(()),
        }
    }
}

/// The live namespace numbered `inum` if its type's operations pass `is_type`, counted.
fn find(inum: u32, is_type: impl Fn(&NsOperations) -> bool) -> Option<ARef<NsCommon>> {
    nstree::get(inum).filter(|ns| is_type(ns.operations()))
}

/// The user namespace that governs `ns`: its owner, or itself for a user namespace.
fn governing_user_ns(ns: &NsCommon) -> Option<&UserNamespace> {
    match ns.as_user_ns() {
        Some(user) => Some(user),
        None => ns.owner_user_ns(),
    }
}

/// Whether `ns` is listed for a procfs instance whose pid namespace belongs to `viewer`.
fn visible(ns: &NsCommon, viewer: &UserNamespace) -> bool {
    // Every namespace is within the initial user namespace: the common case costs nothing.
    viewer.is_initial() || governing_user_ns(ns).is_some_and(|owner| owner.is_within(viewer))
}

/// Whether the caller may open `ns` through its entry: with `CAP_SYS_ADMIN` over the user
/// namespace that governs it. `/proc/<pid>/ns/*` asks for ptrace access to a task instead;
/// an entry has no task, and an open file keeps the namespace alive and answers the nsfs
/// ioctls, so only those who could administer the namespace may hold one this way.
fn may_open(ns: &NsCommon) -> bool {
    governing_user_ns(ns)
        .is_some_and(|owner| owner.current_capable_noaudit(bindings::CAP_SYS_ADMIN))
}

/// Splits a canonical entry name `type:[inum]` into its type and number.
///
/// Only the exact text an entry is listed under is accepted: no sign, no leading zeros, no
/// trailing bytes, a number that fits in 32 bits.
fn parse(name: &[u8]) -> Option<(&[u8], u32)> {
    if name.len() >= LINK_NAME_MAX {
        return None;
    }
    let colon = name.iter().position(|&c| c == b':')?;
    let (type_name, rest) = (&name[..colon], &name[colon + 1..]);
    let digits = rest.strip_prefix(b"[")?.strip_suffix(b"]")?;
    if digits.is_empty() || digits[0] == b'0' || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let inum = digits.iter().try_fold(0u32, |n, &d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })?;
    Some((type_name, inum))
}

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests {
    use super::*;
    use kernel::{kunit_case_assert, kunit_suite};

    fn canonical_names_parse() {
        kunit_case_assert!(parse(b"net:[4026531840]") == Some((&b"net"[..], 4026531840)));
        kunit_case_assert!(parse(b"pid_for_children:[1]") == Some((&b"pid_for_children"[..], 1)));
    }

    fn malformed_names_do_not() {
        for name in [
            &b"net"[..],
            b"net:",
            b"net:[]",
            b"net:[-1]",
            b"net:[+1]",
            b"net:[01]",
            b"net:[12a]",
            b"net:[1] ",
            b"net:[1]]",
            b"net:4026531840",
            b"net:[4294967296]",
            b"net:[99999999999999999999999]",
        ] {
            kunit_case_assert!(parse(name).is_none());
        }
    }

    kunit_suite!(
        nsrs_proc_namespaces,
        [canonical_names_parse, malformed_names_do_not]
    );
}
