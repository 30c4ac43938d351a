// SPDX-License-Identifier: GPL-2.0

//! `refcount_inc()` and `refcount_dec_and_test()` on the `refcount_t` of a namespace or a pid,
//! without a call.
//!
//! C header: [`include/linux/refcount.h`](srctree/include/linux/refcount.h).
//!
//! The C functions are inline, so Rust reaches them through out-of-line helpers; on the paths
//! that take and drop references on every `setns(2)` or `unshare(2)` the call costs as much as
//! the operation. These do what the C ones do, with the same orderings and the same warning
//! (and saturation) through `refcount_warn_saturate()` when a count is misused.

use crate::bindings;
use core::sync::atomic::{fence, AtomicI32, Ordering};

/// The counter of `count`, as an atomic.
///
/// # Safety
///
/// `count` must point to a valid `refcount_t` for `'a`, only accessed atomically.
#[inline(always)]
unsafe fn counter<'a>(count: *mut bindings::refcount_t) -> &'a AtomicI32 {
    // SAFETY: A `refcount_t` is an `atomic_t`, an `int` only accessed atomically, and
    // `AtomicI32` has the size and alignment of an `int`; the caller guarantees it is valid for
    // `'a`. (A cast, not `AtomicI32::from_ptr()`, which is not inlined here.)
    unsafe { &*core::ptr::addr_of_mut!((*count).refs.counter).cast::<AtomicI32>() }
}

/// `refcount_set()`: sets the count of an object nothing else can reach yet.
///
/// # Safety
///
/// `count` must point to a valid `refcount_t`.
#[inline]
pub(crate) unsafe fn set(count: *mut bindings::refcount_t, n: i32) {
    // SAFETY: Guaranteed by the caller. `atomic_set()` is a plain `WRITE_ONCE()`.
    unsafe { counter(count) }.store(n, Ordering::Relaxed);
}

/// `refcount_inc()`: takes one more reference; warns and saturates on an increment from zero
/// (a use after free) or an overflow.
///
/// # Safety
///
/// `count` must point to a valid `refcount_t`.
#[inline]
pub(crate) unsafe fn inc(count: *mut bindings::refcount_t) {
    // SAFETY: Guaranteed by the caller.
    let old = unsafe { counter(count) }.fetch_add(1, Ordering::Relaxed);
    if old == 0 {
        // SAFETY: As above; the C function warns and saturates.
        unsafe {
            bindings::refcount_warn_saturate(
                count,
                bindings::refcount_saturation_type_REFCOUNT_ADD_UAF,
            )
        };
    } else if old < 0 || old == i32::MAX {
        // SAFETY: As above.
        unsafe {
            bindings::refcount_warn_saturate(
                count,
                bindings::refcount_saturation_type_REFCOUNT_ADD_OVF,
            )
        };
    }
}

/// `refcount_dec_and_test()`: drops a reference; true when it was the last, with everything
/// done under the other references ordered before whatever the caller does next (release, then
/// acquire on the last one). Warns and saturates on a decrement from zero or below.
///
/// # Safety
///
/// `count` must point to a valid `refcount_t`.
#[inline]
pub(crate) unsafe fn dec_and_test(count: *mut bindings::refcount_t) -> bool {
    // SAFETY: Guaranteed by the caller.
    let old = unsafe { counter(count) }.fetch_sub(1, Ordering::Release);
    if old == 1 {
        // `smp_acquire__after_ctrl_dep()`.
        fence(Ordering::Acquire);
        return true;
    }
    if old <= 0 {
        // SAFETY: As above; the C function warns and saturates.
        unsafe {
            bindings::refcount_warn_saturate(
                count,
                bindings::refcount_saturation_type_REFCOUNT_SUB_UAF,
            )
        };
    }
    false
}
