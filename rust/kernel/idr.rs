// SPDX-License-Identifier: GPL-2.0

//! An ID radix tree keyed by `u32`, with the spinlock that protects it.
//!
//! C header: [`include/linux/idr.h`](srctree/include/linux/idr.h).

use crate::{
    bindings,
    error::{Error, Result},
    ffi::c_ulong,
    types::Opaque,
};
use core::{marker::PhantomData, ptr::NonNull};

/// A map from `u32` keys to non-null pointers to `T`, on `struct idr`, with a spinlock taken
/// with interrupts disabled and restored (`spin_lock_irqsave()`): entries may be removed from
/// any context, for example under another irq-safe lock, or when an RCU callback drops the last
/// reference of an object.
///
/// The map does not own what the pointers point to: its user decides what keeps them valid.
///
/// # Invariants
///
/// After [`Idr::init`], `idr` and `lock` are initialised and the tree is only accessed with
/// `lock` held.
pub struct Idr<T> {
    idr: Opaque<bindings::idr>,
    lock: Opaque<bindings::spinlock_t>,
    _entries: PhantomData<*const T>,
}

// SAFETY: The tree is only touched with the lock held (type invariants); the pointers it keeps
// are not dereferenced by the map.
unsafe impl<T> Sync for Idr<T> {}

// SAFETY: As above.
unsafe impl<T> Send for Idr<T> {}

impl<T> Idr<T> {
    /// Creates an uninitialised map, for a static; call [`Idr::init`] before any other method.
    pub const fn new() -> Self {
        Self {
            idr: Opaque::uninit(),
            lock: Opaque::uninit(),
            _entries: PhantomData,
        }
    }

    /// Initialises the map.
    ///
    /// # Safety
    ///
    /// Must be called once, before any other method and without any concurrent use.
    pub unsafe fn init(&self) {
        // SAFETY: The caller guarantees exclusive access; both are valid memory to initialise.
        unsafe {
            bindings::idr_init(self.idr.get());
            bindings::nsrs_spin_lock_init(self.lock.get());
        }
    }

    /// Locks the map.
    pub fn lock(&self) -> IdrGuard<'_, T> {
        // SAFETY: The lock is initialised (type invariants); it is released by the guard, which
        // restores the interrupt state saved here.
        let flags = unsafe { bindings::nsrs_spin_lock_irqsave(self.lock.get()) };
        IdrGuard(self, flags)
    }

    /// Inserts `ptr` at `key`; `EBUSY` if the key is taken, `ENOMEM` if a node cannot be
    /// allocated.
    pub fn insert(&self, key: u32, ptr: NonNull<T>) -> Result {
        // Most insertions find their tree node in place: try without preloading first, and only
        // when a node is missing allocate one outside the lock, where sleeping is allowed.
        let mut ret = self.try_insert(key, ptr);
        if ret == -(bindings::ENOMEM as i32) {
            // SAFETY: Paired with `idr_preload_end()` below.
            unsafe { bindings::idr_preload(bindings::GFP_KERNEL) };
            ret = self.try_insert(key, ptr);
            // SAFETY: Ends the section `idr_preload()` began, on the same CPU (preemption is
            // off until then).
            unsafe { bindings::idr_preload_end() };
        }
        match ret {
            0 => Ok(()),
            e if e == -(bindings::ENOSPC as i32) => Err(crate::error::code::EBUSY),
            e => Err(Error::from_errno(e)),
        }
    }
}

impl<T> Idr<T> {
    /// One attempt at inserting `ptr` at `key` without sleeping: 0 or a negative errno.
    fn try_insert(&self, key: u32, ptr: NonNull<T>) -> i32 {
        let guard = self.lock();
        let mut id = key;
        // SAFETY: The lock is held; `id` is a valid place for the key. `GFP_NOWAIT`: the lock
        // is a spinlock, with interrupts off; a missing node is `ENOMEM`, preloaded by the
        // caller for its second attempt.
        unsafe {
            bindings::idr_alloc_u32(
                guard.0.idr.get(),
                ptr.as_ptr().cast(),
                &mut id,
                key as c_ulong,
                bindings::GFP_NOWAIT | bindings::__GFP_NOWARN,
            )
        }
    }
}

impl<T> Default for Idr<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The map, locked; the saved interrupt state is restored on drop.
pub struct IdrGuard<'a, T>(&'a Idr<T>, c_ulong);

impl<T> IdrGuard<'_, T> {
    /// Returns the pointer at `key`.
    pub fn get(&self, key: u32) -> Option<NonNull<T>> {
        // SAFETY: The lock is held.
        NonNull::new(unsafe { bindings::idr_find(self.0.idr.get(), key as c_ulong) }.cast())
    }

    /// Returns the entry with the smallest key at or above `key`.
    pub fn next_from(&self, key: u64) -> Option<(u32, NonNull<T>)> {
        let mut id = c_ulong::try_from(key).ok()?;
        // SAFETY: The lock is held; `id` is a valid place for the key.
        let ptr = NonNull::new(unsafe { bindings::idr_get_next_ul(self.0.idr.get(), &mut id) })?;
        Some((u32::try_from(id).ok()?, ptr.cast()))
    }

    /// Fills `out` with the entries whose keys are `from` or more, in order, in one walk of the
    /// tree; returns how many.
    pub fn gather(&self, from: u64, out: &mut [(u32, Option<NonNull<T>>)]) -> usize {
        const CHUNK: usize = 32;
        let Ok(start) = c_ulong::try_from(from) else {
            return 0;
        };
        let mut ids = [0 as c_ulong; CHUNK];
        let mut entries = [core::ptr::null_mut::<crate::ffi::c_void>(); CHUNK];
        let want = out.len().min(CHUNK);
        // SAFETY: The lock is held; the arrays have room for `want` entries each.
        let n = unsafe {
            bindings::nsrs_idr_gather(
                self.0.idr.get(),
                start,
                ids.as_mut_ptr(),
                entries.as_mut_ptr(),
                want as u32,
            )
        } as usize;
        let mut kept = 0;
        for i in 0..n.min(want) {
            // Keys beyond 32 bits are not ours: the map only inserts `u32` keys.
            if let Ok(key) = u32::try_from(ids[i]) {
                out[kept] = (key, NonNull::new(entries[i].cast()));
                kept += 1;
            }
        }
        kept
    }

    /// Removes the entry at `key`, returning it.
    pub fn remove(&mut self, key: u32) -> Option<NonNull<T>> {
        // SAFETY: The lock is held.
        NonNull::new(unsafe { bindings::idr_remove(self.0.idr.get(), key as c_ulong) }.cast())
    }
}

impl<T> Drop for IdrGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: The guard exists only while the lock is held, by this context, with the
        // interrupt state `lock` saved.
        unsafe { bindings::nsrs_spin_unlock_irqrestore(self.0.lock.get(), self.1) };
    }
}
