// SPDX-License-Identifier: GPL-2.0

//! The C locks the namespace core takes alongside C code: spinlocks held with interrupts off
//! (`pidmap_lock`, a task's `siglock`, the registry's IDR lock) and `tasklist_lock` read-held.
//!
//! Each function does what the C macro of the same name does, at the same cost:
//!
//! - Where C calls an out-of-line function (`_raw_spin_lock_irq()`, ...), so does Rust: on SMP
//!   kernels without PREEMPT_RT, unless the architecture inlines that operation
//!   (`CONFIG_INLINE_*`).
//! - Where C inlines a release that is only a store to the lock and `sti`, or an atomic
//!   subtraction, Rust writes the same (`CONFIG_NSRS_INLINE_UNLOCK`: x86-64 queued locks in a
//!   kernel that does not preempt, without paravirtual locks, lock debugging, lockdep, irq-flag
//!   tracing, preemption counting or KCSAN, each of which adds to it).
//! - Anything else goes through a C helper.
//!
//! C headers: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h) and
//! [`include/linux/rwlock.h`](srctree/include/linux/rwlock.h).

use crate::bindings;
use crate::ffi::c_ulong;

/// The `raw_spinlock_t` of a `spinlock_t` (not PREEMPT_RT, where it is an rtmutex): its
/// `rlock`, a member of the union that is all of it, so at its address (`spinlock_t` is opaque
/// to bindgen). Unused where the architecture inlines every operation.
#[cfg(all(CONFIG_SMP, not(CONFIG_PREEMPT_RT)))]
#[allow(dead_code)]
#[inline(always)]
fn raw(lock: *mut bindings::spinlock_t) -> *mut bindings::raw_spinlock_t {
    lock.cast()
}

/// Evaluates `$out_of_line`, a call of the function C's macro calls, where C calls it: an SMP
/// kernel without PREEMPT_RT that does not inline the operation (`$inlined`, its
/// `CONFIG_INLINE_*` option); else `$helper`, a C helper that does what the macro does.
macro_rules! as_c_does {
    ($inlined:ident, $out_of_line:expr, $helper:expr) => {{
        #[cfg(all(CONFIG_SMP, not(any($inlined, CONFIG_PREEMPT_RT))))]
        let result = $out_of_line;
        #[cfg(not(all(CONFIG_SMP, not(any($inlined, CONFIG_PREEMPT_RT)))))]
        let result = $helper;
        result
    }};
}

/// `spin_lock_irq()`: disables interrupts and takes `lock`.
///
/// # Safety
///
/// `lock` must be a valid, initialised spinlock, not held by this context, and interrupts must
/// be enabled (process context). The caller releases it with [`spin_unlock_irq`].
#[inline]
pub(crate) unsafe fn spin_lock_irq(lock: *mut bindings::spinlock_t) {
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_SPIN_LOCK_IRQ,
            bindings::_raw_spin_lock_irq(raw(lock)),
            bindings::nsrs_spin_lock_irq(lock)
        )
    }
}

/// `spin_unlock_irq()`: releases `lock` and enables interrupts.
///
/// # Safety
///
/// `lock` must be held by this context, taken with [`spin_lock_irq`], and no other section with
/// interrupts off may have begun since and still be open: interrupts go back on.
#[inline]
pub(crate) unsafe fn spin_unlock_irq(lock: *mut bindings::spinlock_t) {
    #[cfg(CONFIG_NSRS_INLINE_UNLOCK)]
    // SAFETY: As the caller guarantees.
    unsafe {
        inline::spin_unlock_irq(lock)
    };
    #[cfg(not(CONFIG_NSRS_INLINE_UNLOCK))]
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_SPIN_UNLOCK_IRQ,
            bindings::_raw_spin_unlock_irq(raw(lock)),
            bindings::nsrs_spin_unlock_irq(lock)
        )
    };
}

/// `spin_lock_irqsave()`: disables interrupts, takes `lock` and returns the interrupt state to
/// restore.
///
/// # Safety
///
/// `lock` must be a valid, initialised spinlock, not held by this context. The caller releases
/// it with [`spin_unlock_irqrestore`] and the returned flags.
#[inline]
pub(crate) unsafe fn spin_lock_irqsave(lock: *mut bindings::spinlock_t) -> c_ulong {
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_SPIN_LOCK_IRQSAVE,
            bindings::_raw_spin_lock_irqsave(raw(lock)),
            bindings::nsrs_spin_lock_irqsave(lock)
        )
    }
}

/// `spin_unlock_irqrestore()`: releases `lock` and restores the interrupt state.
///
/// # Safety
///
/// `lock` must be held by this context, taken with [`spin_lock_irqsave`], which returned
/// `flags`.
#[inline]
pub(crate) unsafe fn spin_unlock_irqrestore(lock: *mut bindings::spinlock_t, flags: c_ulong) {
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_SPIN_UNLOCK_IRQRESTORE,
            bindings::_raw_spin_unlock_irqrestore(raw(lock), flags),
            bindings::nsrs_spin_unlock_irqrestore(lock, flags)
        )
    }
}

/// `read_lock()`: takes `lock` for reading.
///
/// # Safety
///
/// `lock` must be a valid, initialised rwlock. The caller releases it with [`read_unlock`].
#[inline]
pub(crate) unsafe fn read_lock(lock: *mut bindings::rwlock_t) {
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_READ_LOCK,
            bindings::_raw_read_lock(lock),
            bindings::nsrs_read_lock(lock)
        )
    }
}

/// `read_unlock()`: releases `lock`, read-held.
///
/// # Safety
///
/// `lock` must be read-held by this context, taken with [`read_lock`].
#[inline]
pub(crate) unsafe fn read_unlock(lock: *mut bindings::rwlock_t) {
    #[cfg(CONFIG_NSRS_INLINE_UNLOCK)]
    // SAFETY: As the caller guarantees.
    unsafe {
        inline::read_unlock(lock)
    };
    #[cfg(not(CONFIG_NSRS_INLINE_UNLOCK))]
    // SAFETY: As the caller guarantees.
    unsafe {
        as_c_does!(
            CONFIG_INLINE_READ_UNLOCK,
            bindings::_raw_read_unlock(lock),
            bindings::nsrs_read_unlock(lock)
        )
    };
}

/// The releases C inlines, written out where they are a store and `sti`, or an atomic
/// subtraction (`CONFIG_NSRS_INLINE_UNLOCK`). `preempt_enable()` is then `barrier()`.
#[cfg(CONFIG_NSRS_INLINE_UNLOCK)]
mod inline {
    use crate::bindings;
    use core::sync::atomic::{compiler_fence, AtomicI32, AtomicU8, Ordering};

    /// `__raw_spin_unlock_irq()`: `queued_spin_unlock()`, a release store of 0 to the lock
    /// byte, then `local_irq_enable()`, `sti`.
    ///
    /// # Safety
    ///
    /// As [`super::spin_unlock_irq`].
    #[inline(always)]
    pub(super) unsafe fn spin_unlock_irq(lock: *mut bindings::spinlock_t) {
        // SAFETY: The lock byte is the first byte of the `spinlock_t` (its `rlock`'s queued
        // lock, `locked` first on little-endian x86); a `u8` only accessed atomically, valid
        // while the lock is held, as the caller guarantees, and only stored to by its holder.
        let locked: &AtomicU8 = unsafe {
            &*core::ptr::addr_of_mut!(
                (*super::raw(lock))
                    .raw_lock
                    .__bindgen_anon_1
                    .__bindgen_anon_1
                    .locked
            )
            .cast()
        };
        locked.store(0, Ordering::Release);
        // SAFETY: The caller guarantees that interrupts may go back on. Without `nomem` the
        // block is also a compiler barrier, as C's `"memory"` clobber (never add `nomem`);
        // `sti` changes the interrupt flag, so no `preserves_flags` either.
        unsafe { core::arch::asm!("sti", options(nostack)) };
    }

    /// `__raw_read_unlock()`: `queued_read_unlock()`, the atomic subtraction of this reader's
    /// bias with release ordering, then `preempt_enable()`.
    ///
    /// # Safety
    ///
    /// As [`super::read_unlock`].
    #[inline(always)]
    pub(super) unsafe fn read_unlock(lock: *mut bindings::rwlock_t) {
        // SAFETY: `cnts` is an `atomic_t` (the size and alignment of `AtomicI32`), only
        // accessed atomically; the lock outlives the call. (A cast, not
        // `AtomicI32::from_ptr()`, which is not inlined here.)
        let cnts: &AtomicI32 =
            unsafe { &*core::ptr::addr_of_mut!((*lock).raw_lock.__bindgen_anon_1.cnts).cast() };
        cnts.fetch_sub(bindings::_QR_BIAS as i32, Ordering::Release);
        compiler_fence(Ordering::SeqCst);
    }
}
