// SPDX-License-Identifier: GPL-2.0

//! The dentry stash: finding or making the one dentry that stands for a namespace.
//!
//! Fast path: the namespace's stash slot is read under RCU and the dentry found there is taken
//! with `lockref_get_not_dead()`, which fails once the dentry has started dying. Slow path: a new
//! inode (owning a reference on the namespace, and an active one) and dentry are made and
//! installed with a compare-and-exchange; when another opener got there first with a live
//! dentry, that one is used and ours is dropped, which releases its inode and so the extra
//! references. A
//! dead dentry still in the slot is replaced. `->d_prune` ([`super::Nsfs`]) empties the slot
//! before a dentry dies, which is what makes the RCU read of the slot safe.

use super::{mount, Nsfs, NS_FILE_OPS};
use crate::nstree::active::ActiveRef;
use core::ptr::NonNull;
use kernel::{
    bindings,
    error::Result,
    ns::NsCommon,
    sync::rcu,
    types::ARef,
    vfs::{Dentry, Mount, NewDentry, NewInode, Path, SuperBlock},
};

/// Returns the nsfs path of `ns`, consuming the reference (kept by a new inode, or dropped
/// when the namespace already has a dentry).
///
/// Always inline: the fast path is a few instructions, and `open()` of `/proc/<pid>/ns/*` pays
/// for every call and copy around it.
#[inline(always)]
pub(crate) fn path_of(ns: ARef<NsCommon>) -> Result<Path> {
    let mnt = mount()?;
    if let Some(dentry) = stashed(&ns) {
        // The dentry's inode holds its own reference on the namespace.
        drop(ns);
        return Ok(Path::new(mnt, dentry));
    }
    new_path(mnt, ns)
}

/// Returns the nsfs dentry of `ns`, counted, consuming the reference as [`path_of`] does: for
/// a file handle, which the VFS opens on the mount it was given.
pub(crate) fn dentry_of(ns: ARef<NsCommon>) -> Result<ARef<Dentry>> {
    let mnt = mount()?;
    match stashed(&ns) {
        Some(dentry) => Ok(dentry),
        None => new_stashed(mnt, ns),
    }
}

/// The slow path of [`path_of`], out of line so that the fast one inlines into its callers.
fn new_path(mnt: &Mount<Nsfs>, ns: ARef<NsCommon>) -> Result<Path> {
    Ok(Path::new(mnt, new_stashed(mnt, ns)?))
}

/// Makes a dentry for `ns` and stashes it, or returns the one another opener stashed first.
fn new_stashed(mnt: &Mount<Nsfs>, ns: ARef<NsCommon>) -> Result<ARef<Dentry>> {
    let ns_ptr = NonNull::from(&*ns);
    let dentry = new_dentry(mnt.super_block(), ns)?;
    // SAFETY: The reference that was `ns` is now the new inode's, which `dentry` holds until
    // it is dropped, after the last use of `ns` (in `install`). Kept rather than read back
    // from the dentry, which would check for an inode and data known to be there.
    let ns = unsafe { ns_ptr.as_ref() };
    Ok(install(ns, dentry))
}

/// The fast path: the stashed dentry, if there is one that is not dying.
#[inline(always)]
fn stashed(ns: &NsCommon) -> Option<ARef<Dentry>> {
    let guard = rcu::read_lock();
    ns.stash().get(&guard)?.try_get()
}

/// Makes a dentry and inode for `ns`, which the inode takes over (or drops, on failure).
fn new_dentry(sb: &SuperBlock<Nsfs>, ns: ARef<NsCommon>) -> Result<ARef<Dentry>> {
    let ino = ns.inum().into();
    let mut inode = NewInode::new(sb, ino, bindings::S_IRUGO as u16, ActiveRef::new(ns))?;
    inode.set_file_operations(&NS_FILE_OPS);
    // On failure `inode` is dropped: its eviction drops the namespace reference.
    let dentry = NewDentry::alloc_anon(sb)?;
    Ok(dentry.instantiate(inode))
}

/// Stashes `new`, a dentry of `ns`, or returns the live dentry another opener stashed first.
fn install(ns: &NsCommon, new: ARef<Dentry>) -> ARef<Dentry> {
    let winner = {
        let guard = rcu::read_lock();
        race(ns, &new, &guard)
    };
    // Dropping the loser may sleep (its namespace's `->put`): only outside the RCU section.
    winner.unwrap_or(new)
}

/// Installs `new` in the stash of `ns` unless a live dentry is there; returns that one.
fn race(ns: &NsCommon, new: &Dentry, guard: &rcu::Guard) -> Option<ARef<Dentry>> {
    let mut expected = None;
    loop {
        // SAFETY: `new` is a set-up nsfs dentry of `ns`; nsfs's `->d_prune` removes it from
        // this slot before it is killed.
        match unsafe { ns.stash().install(expected, new, guard) } {
            Ok(()) => return None,
            Err(Some(old)) => {
                if let Some(live) = old.try_get() {
                    return Some(live);
                }
                // A dying dentry that has not pruned itself yet: take its place.
                expected = Some(old);
            }
            Err(None) => expected = None,
        }
    }
}
