// SPDX-License-Identifier: GPL-2.0

//! RCU read-side critical sections.
//!
//! C header: [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h).

use crate::bindings;
use core::marker::PhantomData;

/// An RCU read-side critical section, held for as long as the guard lives.
///
/// Objects freed through RCU (for example dentries) may be dereferenced while a guard exists if
/// they were reachable when it was taken; references derived from such objects borrow the guard
/// so that they cannot outlive the critical section.
///
/// # Invariants
///
/// The RCU read lock is held from the guard's creation until it is dropped, on the same CPU
/// context (the guard is neither `Send` nor `Sync`).
pub struct Guard(PhantomData<*mut ()>);

impl Guard {
    /// Enters an RCU read-side critical section.
    #[inline]
    pub fn new() -> Self {
        // SAFETY: `rcu_read_lock()` may be called from any context; it is paired with the
        // `rcu_read_unlock()` in `drop`.
        unsafe { bindings::rcu_read_lock() };
        // INVARIANT: The read lock was just taken.
        Self(PhantomData)
    }
}

impl Default for Guard {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Guard {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariants the read lock is held, by this context.
        unsafe { bindings::rcu_read_unlock() };
    }
}

/// Enters an RCU read-side critical section; it ends when the returned guard is dropped.
#[inline]
pub fn read_lock() -> Guard {
    Guard::new()
}
