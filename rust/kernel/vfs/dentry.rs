// SPDX-License-Identifier: GPL-2.0

//! Directory entries.
//!
//! C header: [`include/linux/dcache.h`](srctree/include/linux/dcache.h).

use super::{Inode, NewInode, PseudoFs, SuperBlock};
use crate::sync::rcu;
use crate::{
    bindings,
    error::{code::ENOMEM, Result},
    types::{ARef, AlwaysRefCounted, Opaque},
};
use core::{
    marker::PhantomData,
    ptr::{addr_of_mut, NonNull},
};

/// A directory entry, `struct dentry`.
///
/// # Invariants
///
/// For as long as a reference to it exists the dentry is alive: its owner holds a count on it
/// (`d_lockref`). A dentry reached without a count (under RCU, or while it is being killed) is a
/// [`StashedDentry`] or a [`DyingDentry`] instead, which cannot be counted again by mistake.
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
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::dentry) -> &'a Self {
        // SAFETY: `Dentry` is a transparent wrapper of `struct dentry`; the caller guarantees
        // validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer to the dentry.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::dentry {
        self.0.get()
    }

    /// Returns the inode of a positive dentry, `None` for a negative one.
    #[inline]
    pub fn inode(&self) -> Option<&Inode> {
        // SAFETY: A count is held (type invariants), so the dentry is not killed: `d_inode` of a
        // positive dentry only changes (to null) when it is, under `d_lock`, and the dentry
        // keeps the inode referenced until then.
        let inode = unsafe { (*self.as_raw()).d_inode };
        // SAFETY: A non-null `d_inode` is valid for as long as the dentry's count is held.
        (!inode.is_null()).then(|| unsafe { Inode::from_raw(inode) })
    }
}

/// A dentry reached without a count, under an RCU read lock: its memory stays valid until the
/// guard of lifetime `'g` is dropped (dentries are freed after an RCU grace period), but it may be
/// dying. It can only be compared, or counted with [`StashedDentry::try_get`].
///
/// # Invariants
///
/// `self.0` points to a dentry not freed before `'g` ends, whose `d_lockref` may be dead.
#[derive(Clone, Copy)]
pub struct StashedDentry<'g>(NonNull<bindings::dentry>, PhantomData<&'g rcu::Guard>);

impl<'g> StashedDentry<'g> {
    /// Creates the handle of a dentry found under `_guard`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a dentry allocated so that it is freed only after an RCU grace period
    /// (not `DCACHE_NORCU`), and not freed yet when the guard was taken.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::dentry>, _guard: &'g rcu::Guard) -> Self {
        // INVARIANT: Guaranteed by the caller; the guard holds the grace period off.
        Self(ptr, PhantomData)
    }

    /// Returns the raw pointer, for comparisons.
    #[inline]
    pub fn as_ptr(self) -> *mut bindings::dentry {
        self.0.as_ptr()
    }

    /// Takes a counted reference unless the dentry is already dying (`lockref_get_not_dead()`).
    #[inline]
    pub fn try_get(self) -> Option<ARef<Dentry>> {
        // SAFETY: The memory is valid while the guard lives (type invariants), and so is its
        // lockref, which is only changed atomically or under its lock.
        let lockref = unsafe { addr_of_mut!((*self.as_ptr()).d_lockref) };
        // SAFETY: `lockref` points to the valid lockref of the dentry.
        if unsafe { bindings::lockref_get_not_dead(lockref) } != 0 {
            // SAFETY: A count was just taken on a live dentry, which the `ARef` now owns.
            Some(unsafe { ARef::from_raw(self.0.cast()) })
        } else {
            None
        }
    }
}

/// A dentry being killed, as `->d_prune` sees it: `d_lock` is held and its count is dead. It can
/// only be compared; the callback must not sleep.
///
/// # Invariants
///
/// `self.0` points to a dentry that stays allocated for `'a`.
#[derive(Clone, Copy)]
pub struct DyingDentry<'a>(NonNull<bindings::dentry>, PhantomData<&'a ()>);

impl DyingDentry<'_> {
    /// Creates the handle.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a dentry that stays allocated for `'a`.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::dentry>) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self(ptr, PhantomData)
    }

    /// Returns the raw pointer, for comparisons.
    #[inline]
    pub fn as_ptr(self) -> *mut bindings::dentry {
        self.0.as_ptr()
    }
}

// SAFETY: `dget()` and `dput()` take and drop the dentry's count, which keeps it alive.
unsafe impl AlwaysRefCounted for Dentry {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: A count is held (type invariants), so the dentry is not dead.
        unsafe { bindings::dget(self.as_raw()) };
    }

    /// # Safety
    ///
    /// As for [`AlwaysRefCounted::dec_ref`]: the caller owns the count it drops.
    #[inline]
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
    #[inline]
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
    #[inline]
    pub fn instantiate(self, inode: NewInode<F>) -> ARef<Dentry> {
        // SAFETY: The dentry is negative and unreachable by others; `inode` carries a reference,
        // which `into_raw()` gives up to the dentry.
        unsafe { bindings::d_instantiate(self.dentry.as_raw(), inode.into_raw()) };
        self.dentry
    }
}
