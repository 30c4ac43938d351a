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
//! Entries come from the [`registry`](crate::registry). The directory is a procfs entry, so a
//! procfs mounted with `subset=pid` does not have it.

use crate::{nsfs, registry};
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
        // SAFETY: The directory is the procfs entry `/proc/namespaces`.
        let viewer = unsafe { UserNamespace::of_procfs(dir) };
        let mut from = u64::try_from(ctx.pos() - FIRST_POS).unwrap_or(0);
        while let Some((inum, ns)) = registry::next_from(from) {
            from = u64::from(inum) + 1;
            if !visible(&ns, viewer) {
                continue;
            }
            let mut name = [0u8; LINK_NAME_MAX];
            let len = nsfs::name::snprint(ns.type_name(), inum.into(), &mut name);
            if !ctx.emit(&name[..len], inum.into(), bindings::DT_LNK) {
                break;
            }
            ctx.set_pos(from as i64 + FIRST_POS);
        }
        Ok(())
    }

    fn lookup(dir: &Inode, name: &[u8]) -> Result<(u64, &'static NsOperations)> {
        let (type_name, inum) = parse(name).ok_or(ENOENT)?;
        let ns = find(inum, |ops| ops.name().as_bytes() == type_name).ok_or(ENOENT)?;
        // SAFETY: The directory is the procfs entry `/proc/namespaces`.
        if !visible(&ns, unsafe { UserNamespace::of_procfs(dir) }) {
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
}

/// The live namespace numbered `inum` if its type's operations pass `is_type`, counted.
fn find(inum: u32, is_type: impl Fn(&NsOperations) -> bool) -> Option<ARef<NsCommon>> {
    registry::get(inum).filter(|ns| is_type(ns.operations()))
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
    governing_user_ns(ns).is_some_and(|owner| owner.is_within(viewer))
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
