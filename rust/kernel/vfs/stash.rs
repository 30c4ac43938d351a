// SPDX-License-Identifier: GPL-2.0

//! A dentry stash: one non-counting pointer to the dentry that currently stands for an object.
//!
//! Al Viro's design for nsfs: an object (a namespace) remembers the dentry made for it, so that
//! opening it again finds that dentry under RCU instead of allocating a new one. The stash does
//! not keep the dentry alive; the dentry's `->d_prune` takes it out of the stash before it dies.

use super::{Dentry, DyingDentry, StashedDentry};
use crate::{bindings, sync::rcu, types::Opaque};
use core::{
    ptr::NonNull,
    sync::atomic::{AtomicPtr, Ordering},
};

/// A stash slot, `struct dentry *` (in nsfs, `ns_common::stashed`).
///
/// # Invariants
///
/// The slot is null or points to a dentry that has not yet been freed: whoever stores a dentry
/// (see [`DentryStash::install`]) makes its `->d_prune` clear the slot before the dentry is
/// killed, and dentries are freed only after an RCU grace period that follows.
#[repr(transparent)]
pub struct DentryStash(Opaque<*mut bindings::dentry>);

impl DentryStash {
    /// Creates a reference to the slot at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be valid for `'a`, only accessed atomically, and satisfy the type invariants.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut *mut bindings::dentry) -> &'a Self {
        // SAFETY: `DentryStash` is a transparent wrapper of the pointer; the caller guarantees
        // validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    #[inline]
    fn atomic(&self) -> &AtomicPtr<bindings::dentry> {
        // SAFETY: The slot is valid and every access to it is atomic (C uses `cmpxchg()`,
        // `rcu_dereference()` and `WRITE_ONCE()`), as `AtomicPtr` requires; it is aligned as a
        // pointer.
        unsafe { AtomicPtr::from_ptr(self.0.get()) }
    }

    /// Returns the stashed dentry, if any. It may be dying: take a reference with
    /// [`Dentry::try_get`] before keeping it past the guard.
    #[inline]
    pub fn get<'g>(&self, guard: &'g rcu::Guard) -> Option<StashedDentry<'g>> {
        // Acquire pairs with the release of `install`: the dentry's fields are seen initialised.
        let ptr = NonNull::new(self.atomic().load(Ordering::Acquire))?;
        // SAFETY: By the type invariants a dentry in the slot is not freed before an RCU grace
        // period, which the guard holds off.
        Some(unsafe { StashedDentry::from_raw(ptr, guard) })
    }

    /// Replaces `current` (the dentry seen by [`DentryStash::get`], or `None` for an empty slot)
    /// with `new`. On failure returns what the slot holds instead.
    ///
    /// # Safety
    ///
    /// `new` must be fully set up, freed only after an RCU grace period (not `DCACHE_NORCU`, as
    /// `d_alloc_anon()` makes it), and its `->d_prune` must take it out of this slot (with
    /// [`DentryStash::remove`]) before it is killed.
    #[inline]
    pub unsafe fn install<'g>(
        &self,
        current: Option<StashedDentry<'g>>,
        new: &Dentry,
        guard: &'g rcu::Guard,
    ) -> core::result::Result<(), Option<StashedDentry<'g>>> {
        let current = current.map_or(core::ptr::null_mut(), StashedDentry::as_ptr);
        let found = match self.atomic().compare_exchange(
            current,
            new.as_raw(),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => return Ok(()),
            Err(found) => NonNull::new(found),
        };
        // SAFETY: As in `get`: the dentry found is not freed while the guard lives.
        Err(found.map(|p| unsafe { StashedDentry::from_raw(p, guard) }))
    }

    /// Empties the slot if it still holds `dentry`: another dentry may have taken its place.
    /// Does not sleep: fit for `->d_prune`, under `d_lock`.
    #[inline]
    pub fn remove(&self, dentry: DyingDentry<'_>) {
        let _ = self.atomic().compare_exchange(
            dentry.as_ptr(),
            core::ptr::null_mut(),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
    }
}
