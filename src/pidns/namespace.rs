// SPDX-License-Identifier: GPL-2.0

//! The life of a pid namespace: created by `clone(CLONE_NEWPID)`, `clone3()` and
//! `unshare(CLONE_NEWPID)` through `copy_pid_ns()`, one level below its parent, on which it
//! holds a reference; released when its last reference goes, after an RCU grace period, and
//! then its parent's reference is dropped, which may release the parent in turn.

use super::{caches, ops};
use kernel::{
    bindings,
    error::{code::*, Result},
    ns::{DeadPidNamespace, NewPidNamespace, NsCommon, PidNamespace, PidNsCharge, UserNamespace},
    types::ARef,
};

/// The least restrictive memfd scope (`MEMFD_NOEXEC_SCOPE_EXEC`).
#[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
const MEMFD_NOEXEC_SCOPE_EXEC: i32 = 0;

/// The memfd noexec scope in force in `ns`: the strictest of it and its ancestors.
#[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
pub(crate) fn memfd_noexec_scope(ns: Option<&PidNamespace>) -> i32 {
    let mut scope = MEMFD_NOEXEC_SCOPE_EXEC;
    let mut level = ns;
    while let Some(ns) = level {
        scope = scope.max(ns.memfd_noexec_scope());
        level = ns.parent();
    }
    scope
}

#[cfg(not(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE)))]
pub(crate) fn memfd_noexec_scope(_ns: Option<&PidNamespace>) -> i32 {
    0
}

/// Creates a pid namespace below `parent`, owned by `user_ns`.
///
/// `EINVAL` when `user_ns` is not `parent`'s owner or below it, `ENOSPC` past 32 levels or the
/// owner's `max_pid_namespaces`, `ENOMEM` when memory runs out.
fn create(user_ns: &UserNamespace, parent: &PidNamespace) -> Result<ARef<NsCommon>> {
    let level = parent.level() + 1;
    if !user_ns.is_within(parent.user_ns()) {
        return Err(EINVAL);
    }
    if level > caches::MAX_LEVEL {
        return Err(ENOSPC);
    }
    let charge = PidNsCharge::new(user_ns).ok_or(ENOSPC)?;
    let ns = NewPidNamespace::alloc(caches::pid_ns_cache()).ok_or(ENOMEM)?;
    let pid_cache = caches::pid_cache(level).ok_or(ENOMEM)?;
    let ns = ns.publish(
        &ops::PIDNS_OPERATIONS,
        parent,
        user_ns,
        charge,
        pid_cache,
        memfd_noexec_scope(Some(parent)),
    );
    // Numbered and entered here, set up, rather than found again in the new nsproxy by
    // `create_new_namespaces()`: a failure later in that function drops it, which takes it out.
    // SAFETY: `ns` is the only reference to a namespace nobody else can reach yet, unnumbered.
    unsafe { crate::nstree::number_and_enter(&ns)? };
    Ok(ns)
}

/// `copy_pid_ns()`: the pid namespace for the children of a task being created or
/// unsharing: a new one with `CLONE_NEWPID`, `old_ns` otherwise. A new one may only be made
/// below the caller's own active namespace (`EINVAL`: after `unshare(CLONE_NEWPID)`, before
/// the caller's children have entered the namespace it made).
///
/// # Safety
///
/// `user_ns` and `old_ns` must be live namespaces the caller holds.
#[no_mangle]
pub unsafe extern "C" fn copy_pid_ns(
    flags: kernel::ffi::c_ulong,
    user_ns: *mut bindings::user_namespace,
    old_ns: *mut bindings::pid_namespace,
) -> *mut bindings::pid_namespace {
    // SAFETY: The caller holds both.
    let (user_ns, old_ns) = unsafe {
        (
            UserNamespace::from_raw(user_ns),
            PidNamespace::from_raw(old_ns),
        )
    };
    let result = if flags & bindings::CLONE_NEWPID as kernel::ffi::c_ulong == 0 {
        Ok(ARef::from(old_ns.as_common()))
    } else if !PidNamespace::with_current(|active| core::ptr::eq(active, old_ns)) {
        Err(EINVAL)
    } else {
        create(user_ns, old_ns)
    };
    match result {
        Ok(ns) => {
            let ptr = ns.as_raw();
            core::mem::forget(ns);
            // SAFETY: The reference now belongs to the caller; `ns` is embedded in a pid
            // namespace.
            unsafe { kernel::container_of!(ptr, bindings::pid_namespace, ns) as *mut _ }
        }
        Err(e) => e.to_ptr(),
    }
}
kernel::c_prototype!(copy_pid_ns(_, _, _));

/// `put_pid_ns()`: drops a reference; a namespace that had the last one is released, and then
/// the reference it held on its parent, and so on up. The initial namespace is not counted.
///
/// # Safety
///
/// The caller must own a reference on `ns`, which this consumes.
#[no_mangle]
pub unsafe extern "C" fn put_pid_ns(ns: *mut bindings::pid_namespace) {
    // SAFETY: The caller owns a reference on `ns`.
    let mut ns = unsafe { PidNamespace::from_raw(ns) };
    while !ns.is_init() {
        let Some(parent) = ns.parent() else { break };
        let parent = parent.as_raw_pid_ns();
        // SAFETY: We own the reference we drop: the caller's, then the one each released
        // namespace held on its parent.
        if !unsafe { ns.as_common().dec_and_test() } {
            break;
        }
        // SAFETY: Our decrement took the count to zero: nobody else refers to `ns`.
        destroy(unsafe { DeadPidNamespace::from_zero_count(ns) });
        // SAFETY: The reference `ns` held on its parent is now ours to drop.
        ns = unsafe { PidNamespace::from_raw(parent) };
    }
}
kernel::c_prototype!(put_pid_ns(_));

/// Releases a namespace whose count reached zero: its number (and with it its place in the
/// namespace tree) and IDR freed now, its memory after an RCU grace period (lookups may still be
/// reading it).
fn destroy(ns: DeadPidNamespace) {
    ns.release(delayed_free);
}

/// The end of a pid namespace, a grace period after [`destroy`].
///
/// # Safety
///
/// Called by RCU with the head [`destroy`] queued.
unsafe extern "C" fn delayed_free(head: *mut bindings::callback_head) {
    // SAFETY: `head` is the `rcu` head of the namespace `destroy` queued.
    let ns = unsafe { DeadPidNamespace::from_rcu_head(head) };
    // SAFETY: It came from the pid namespace cache; the grace period is over.
    unsafe { ns.free(caches::pid_ns_cache()) };
}
