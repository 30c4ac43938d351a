// SPDX-License-Identifier: GPL-2.0

//! Directory entries.
//!
//! C header: [`include/linux/dcache.h`](srctree/include/linux/dcache.h).

use super::{Inode, NewInode, PseudoFs, SuperBlock};
use crate::{
    bindings,
    error::{code::ENOMEM, Result},
    types::{ARef, AlwaysRefCounted, Opaque},
};
use core::ptr::{addr_of_mut, NonNull};

/// A directory entry, `struct dentry`.
///
/// # Invariants
///
/// For as long as a reference to it exists the dentry's memory is valid: its owner holds a count
/// on it (`d_lockref`), or it was reached under an RCU read lock that outlives the reference
/// (dentries are freed after an RCU grace period).
#[repr(transparent)]
pub struct Dentry(Opaque<bindings::dentry>);

// SAFETY: Dentries are not tied to a thread; their state is protected by their lockref and by
// the dcache's locks, which the C functions called here take.
unsafe impl Send for Dentry {}

// SAFETY: All methods taking `&self` go through the C functions that lock the dentry, or read
// fields that do not change while a reference exists.
unsafe impl Sync for Dentry {}

impl Dentry {
    /// Creates a reference to the dentry at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a dentry that stays valid for `'a`, as the type invariants say.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::dentry) -> &'a Self {
        // SAFETY: `Dentry` is a transparent wrapper of `struct dentry`; the caller guarantees
        // validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer to the dentry.
    pub fn as_raw(&self) -> *mut bindings::dentry {
        self.0.get()
    }

    /// Returns the inode of a positive dentry, `None` for a negative one.
    ///
    /// Callers that may race with the dentry being killed (RCU readers) must not rely on the
    /// inode being there.
    pub fn inode(&self) -> Option<&Inode> {
        // SAFETY: The dentry is valid by the type invariants; `d_inode` is only changed under
        // `d_lock`, and a positive dentry keeps its inode until it is killed, which cannot
        // happen while a count is held, nor free the inode before an RCU grace period.
        let inode = unsafe { (*self.as_raw()).d_inode };
        // SAFETY: A non-null `d_inode` is valid for as long as the dentry is, as above.
        (!inode.is_null()).then(|| unsafe { Inode::from_raw(inode) })
    }

    /// Takes a counted reference unless the dentry is already being killed.
    ///
    /// This is `lockref_get_not_dead()`: the way to turn a dentry reached under RCU into one that
    /// may be kept.
    pub fn try_get(&self) -> Option<ARef<Self>> {
        // SAFETY: The dentry's memory is valid by the type invariants, so is its lockref.
        let lockref = unsafe { addr_of_mut!((*self.as_raw()).d_lockref) };
        // SAFETY: `lockref` points to the valid lockref of the dentry.
        if unsafe { bindings::lockref_get_not_dead(lockref) } != 0 {
            // SAFETY: A count was just taken, which the `ARef` now owns.
            Some(unsafe { ARef::from_raw(NonNull::from(self)) })
        } else {
            None
        }
    }
}

// SAFETY: `dget()` and `dput()` take and drop the dentry's count, which keeps it alive.
unsafe impl AlwaysRefCounted for Dentry {
    fn inc_ref(&self) {
        // SAFETY: The caller holds a count (a reference exists), so the dentry is not dead.
        unsafe { bindings::dget(self.as_raw()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns the count it drops.
        unsafe { bindings::dput(obj.as_ptr().cast()) };
    }
}

/// A new anonymous dentry of the pseudo-filesystem `F`, not yet given its inode.
///
/// Nobody else can reach it: it is not hashed and has no parent but itself.
pub struct NewDentry<F: PseudoFs> {
    dentry: ARef<Dentry>,
    _fs: core::marker::PhantomData<F>,
}

impl<F: PseudoFs> NewDentry<F> {
    /// Allocates an anonymous dentry on `sb` (`d_alloc_anon()`); it gets the superblock's
    /// dentry operations.
    pub fn alloc_anon(sb: &SuperBlock<F>) -> Result<Self> {
        // SAFETY: `sb` is a live superblock by its type invariants.
        let ptr = NonNull::new(unsafe { bindings::d_alloc_anon(sb.as_raw()) }).ok_or(ENOMEM)?;
        Ok(Self {
            // SAFETY: `d_alloc_anon()` returns a dentry with a count of one, now owned here.
            dentry: unsafe { ARef::from_raw(ptr.cast()) },
            _fs: core::marker::PhantomData,
        })
    }

    /// Attaches `inode` to the dentry (`d_instantiate()`), which takes over its reference.
    pub fn instantiate(self, inode: NewInode<F>) -> ARef<Dentry> {
        // SAFETY: The dentry is negative and unreachable by others; `inode` carries a reference,
        // which `into_raw()` gives up to the dentry.
        unsafe { bindings::d_instantiate(self.dentry.as_raw(), inode.into_raw()) };
        self.dentry
    }
}
