// SPDX-License-Identifier: GPL-2.0

//! The C locks the namespace core takes alongside C code: spinlocks held with interrupts off
//! (`pidmap_lock`, a task's `siglock`) and `tasklist_lock` read-held.
//!
//! Each function does what the C macro of the same name does, at the same cost. Taking a lock
//! calls the out-of-line function C calls (`_raw_spin_lock_irq()`, ...). Releasing one is
//! inline in C where the kernel does not preempt (`CONFIG_INLINE_SPIN_UNLOCK_IRQ`,
//! `CONFIG_INLINE_READ_UNLOCK`): a store to the lock and `sti`, or an atomic subtraction. That is
//! written here too when nothing else is part of it ([`UNLOCK_IS_STORE`]); otherwise the
//! out-of-line function is called, or a C helper where there is none.
//!
//! C headers: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h) and
//! [`include/linux/rwlock.h`](srctree/include/linux/rwlock.h).

use crate::bindings;
use crate::ffi::c_ulong;

/// Whether an inline unlock is only the release of the lock word and, for the `_irq` variants,
/// `sti`: x86-64 queued locks without paravirtualisation, lock debugging, lockdep, irq-flag
/// tracing, preemption counting or KCSAN, which would each add to it (`preempt_enable()` is then
/// a compiler barrier).
pub(crate) const UNLOCK_IS_STORE: bool = cfg!(all(
    target_arch = "x86_64",
    not(any(
        CONFIG_PARAVIRT_SPINLOCKS,
        CONFIG_PARAVIRT_XXL,
        CONFIG_DEBUG_SPINLOCK,
        CONFIG_DEBUG_LOCK_ALLOC,
        CONFIG_TRACE_IRQFLAGS,
        CONFIG_PREEMPT_COUNT,
        CONFIG_KCSAN
    ))
));

/// The `raw_spinlock_t` of a `spinlock_t` (not PREEMPT_RT, where it is an rtmutex): its
/// `rlock`, a member of the union that is all of it, so at its address (`spinlock_t` is opaque
/// to bindgen).
#[cfg(not(CONFIG_PREEMPT_RT))]
#[inline(always)]
fn raw(lock: *mut bindings::spinlock_t) -> *mut bindings::raw_spinlock_t {
    lock.cast()
}

/// `spin_lock_irq()`: disables interrupts and takes `lock`.
///
/// # Safety
///
/// `lock` must be a valid, initialised spinlock, not held by this context; interrupts must be
/// enabled. The caller releases it with [`spin_unlock_irq`].
#[inline]
pub(crate) unsafe fn spin_lock_irq(lock: *mut bindings::spinlock_t) {
    #[cfg(not(CONFIG_PREEMPT_RT))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::_raw_spin_lock_irq(raw(lock))
    };
    #[cfg(CONFIG_PREEMPT_RT)]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::nsrs_spin_lock_irq(lock)
    };
}

/// `spin_unlock_irq()`: releases `lock` and enables interrupts.
///
/// # Safety
///
/// `lock` must be held by this context, taken with [`spin_lock_irq`].
#[inline]
pub(crate) unsafe fn spin_unlock_irq(lock: *mut bindings::spinlock_t) {
    #[cfg(all(CONFIG_INLINE_SPIN_UNLOCK_IRQ, not(CONFIG_PREEMPT_RT)))]
    // SAFETY: As the caller guarantees; see `release_byte` and `irq_enable`.
    unsafe {
        if UNLOCK_IS_STORE {
            release_byte(raw(lock));
            irq_enable();
        } else {
            bindings::nsrs_spin_unlock_irq(lock);
        }
    }
    #[cfg(not(any(CONFIG_INLINE_SPIN_UNLOCK_IRQ, CONFIG_PREEMPT_RT)))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::_raw_spin_unlock_irq(raw(lock))
    };
    #[cfg(CONFIG_PREEMPT_RT)]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::nsrs_spin_unlock_irq(lock)
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
    #[cfg(not(CONFIG_PREEMPT_RT))]
    // SAFETY: As the caller guarantees.
    let flags = unsafe { bindings::_raw_spin_lock_irqsave(raw(lock)) };
    #[cfg(CONFIG_PREEMPT_RT)]
    // SAFETY: As the caller guarantees.
    let flags = unsafe { bindings::nsrs_spin_lock_irqsave(lock) };
    flags
}

/// `spin_unlock_irqrestore()`: releases `lock` and restores the interrupt state.
///
/// # Safety
///
/// `lock` must be held by this context, taken with [`spin_lock_irqsave`], which returned
/// `flags`.
#[inline]
pub(crate) unsafe fn spin_unlock_irqrestore(lock: *mut bindings::spinlock_t, flags: c_ulong) {
    #[cfg(not(any(CONFIG_INLINE_SPIN_UNLOCK_IRQRESTORE, CONFIG_PREEMPT_RT)))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::_raw_spin_unlock_irqrestore(raw(lock), flags)
    };
    #[cfg(any(CONFIG_INLINE_SPIN_UNLOCK_IRQRESTORE, CONFIG_PREEMPT_RT))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::nsrs_spin_unlock_irqrestore(lock, flags)
    };
}

/// `read_lock()`: takes `lock` for reading.
///
/// # Safety
///
/// `lock` must be a valid, initialised rwlock. The caller releases it with [`read_unlock`].
#[inline]
pub(crate) unsafe fn read_lock(lock: *mut bindings::rwlock_t) {
    #[cfg(not(any(CONFIG_INLINE_READ_LOCK, CONFIG_PREEMPT_RT)))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::_raw_read_lock(lock)
    };
    #[cfg(any(CONFIG_INLINE_READ_LOCK, CONFIG_PREEMPT_RT))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::nsrs_read_lock(lock)
    };
}

/// `read_unlock()`: releases `lock`, read-held.
///
/// # Safety
///
/// `lock` must be read-held by this context, taken with [`read_lock`].
#[inline]
pub(crate) unsafe fn read_unlock(lock: *mut bindings::rwlock_t) {
    #[cfg(all(CONFIG_INLINE_READ_UNLOCK, not(CONFIG_PREEMPT_RT)))]
    if UNLOCK_IS_STORE {
        // `queued_read_unlock()`: drop this reader's bias, with release ordering.
        // SAFETY: `cnts` is an `atomic_t` (the size and alignment of `AtomicI32`), only
        // accessed atomically; the lock outlives the call. (A cast, not `AtomicI32::from_ptr()`,
        // which is not inlined here.)
        let cnts: &core::sync::atomic::AtomicI32 =
            unsafe { &*core::ptr::addr_of_mut!((*lock).raw_lock.__bindgen_anon_1.cnts).cast() };
        cnts.fetch_sub(
            bindings::_QR_BIAS as i32,
            core::sync::atomic::Ordering::Release,
        );
        // `preempt_enable()`.
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    } else {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::nsrs_read_unlock(lock) };
    }
    #[cfg(not(any(CONFIG_INLINE_READ_UNLOCK, CONFIG_PREEMPT_RT)))]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::_raw_read_unlock(lock)
    };
    #[cfg(CONFIG_PREEMPT_RT)]
    // SAFETY: As the caller guarantees.
    unsafe {
        bindings::nsrs_read_unlock(lock)
    };
}

/// `queued_spin_unlock()`: a release store of 0 to the lock byte.
///
/// # Safety
///
/// `lock` must be a queued spinlock held by this context.
#[cfg(all(CONFIG_INLINE_SPIN_UNLOCK_IRQ, not(CONFIG_PREEMPT_RT)))]
#[inline(always)]
unsafe fn release_byte(lock: *mut bindings::raw_spinlock_t) {
    // SAFETY: The lock byte is a `u8` only accessed atomically, valid while the lock is held
    // (the caller guarantees it is); only its holder stores to it.
    let locked: &core::sync::atomic::AtomicU8 = unsafe {
        &*core::ptr::addr_of_mut!((*lock).raw_lock.__bindgen_anon_1.__bindgen_anon_1.locked).cast()
    };
    locked.store(0, core::sync::atomic::Ordering::Release);
}

/// `local_irq_enable()` without irq-flag tracing or paravirtualisation: `sti`, also a compiler
/// barrier as in C.
///
/// # Safety
///
/// Interrupts may be enabled: no lock taken with them off is still held but the ones this
/// call ends the hold of.
#[cfg(all(CONFIG_INLINE_SPIN_UNLOCK_IRQ, not(CONFIG_PREEMPT_RT)))]
#[inline(always)]
unsafe fn irq_enable() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: As the caller guarantees; `sti` touches no memory and no stack.
    unsafe {
        core::arch::asm!("sti", options(nostack))
    };
}
