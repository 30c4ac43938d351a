// SPDX-License-Identifier: GPL-2.0

//! The operations of pid namespaces for nsfs and `setns(2)`: `/proc/<pid>/ns/pid` (the
//! namespace a task is in) and `/proc/<pid>/ns/pid_for_children` (the one its children will
//! be in).

use super::namespace::put_pid_ns;
use kernel::{
    bindings, c_str,
    error::{code::*, Result},
    ffi::c_int,
    ns::{NsCommon, NsOperations, NsSet, PidNamespace},
    sync::rcu,
    types::ARef,
};

/// `pidns_operations`, `/proc/<pid>/ns/pid`.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static pidns_operations: NsOperations = NsOperations::new(
    c_str!("pid"),
    None,
    bindings::CLONE_NEWPID,
    pidns_get,
    pidns_put,
    pidns_install,
    pidns_owner,
    Some(pidns_get_parent),
);

/// `pidns_for_children_operations`, `/proc/<pid>/ns/pid_for_children`.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static pidns_for_children_operations: NsOperations = NsOperations::new(
    c_str!("pid_for_children"),
    Some(c_str!("pid")),
    bindings::CLONE_NEWPID,
    pidns_for_children_get,
    pidns_put,
    pidns_install,
    pidns_owner,
    Some(pidns_get_parent),
);

/// The operations new pid namespaces get.
pub(crate) use pidns_operations as PIDNS_OPERATIONS;

/// Hands a reference over to C as a raw pointer.
fn into_raw(ns: Option<ARef<NsCommon>>) -> *mut bindings::ns_common {
    ns.map_or(core::ptr::null_mut(), |ns| {
        let ptr = ns.as_raw();
        core::mem::forget(ns);
        ptr
    })
}

/// The pid namespace `task` is in.
///
/// # Safety
///
/// `task` must be a task the caller keeps alive.
unsafe extern "C" fn pidns_get(task: *mut bindings::task_struct) -> *mut bindings::ns_common {
    let guard = rcu::read_lock();
    // SAFETY: The caller keeps `task` alive.
    let ns = unsafe { PidNamespace::active_of(task, &guard) };
    into_raw(ns.map(|ns| ARef::from(ns.as_common())))
}

/// The pid namespace `task`'s children will be in, once it has an init: before that (right
/// after `unshare(CLONE_NEWPID)`) there is nothing to enter.
///
/// # Safety
///
/// `task` must be a task the caller keeps alive.
unsafe extern "C" fn pidns_for_children_get(
    task: *mut bindings::task_struct,
) -> *mut bindings::ns_common {
    // SAFETY: The caller keeps `task` alive.
    let ns = unsafe { PidNamespace::for_children_of(task) };
    into_raw(ns.filter(|ns| {
        ns.as_pid_ns()
            .is_some_and(PidNamespace::has_child_reaper_locked)
    }))
}

/// Drops a reference.
///
/// # Safety
///
/// The caller owns a reference on the pid namespace `ns`.
unsafe extern "C" fn pidns_put(ns: *mut bindings::ns_common) {
    // SAFETY: `ns` is embedded in a pid namespace on which the caller owns a reference.
    unsafe { put_pid_ns(kernel::container_of!(ns, bindings::pid_namespace, ns) as *mut _) };
}

/// `setns(2)` into a pid namespace: it becomes the namespace of the caller's future children.
/// Only the caller's active namespace or one of its descendants (`EINVAL`), with
/// `CAP_SYS_ADMIN` over its owner and over the caller's user namespace (`EPERM`).
fn install(nsset: &mut NsSet, new: &PidNamespace) -> Result {
    if !new.user_ns().current_capable(bindings::CAP_SYS_ADMIN)
        || !nsset
            .cred_user_ns()
            .current_capable(bindings::CAP_SYS_ADMIN)
    {
        return Err(EPERM);
    }
    // Children must get a pid the caller can see: no escaping its own namespace.
    let descends = PidNamespace::with_current(|active| {
        if new.level() < active.level() {
            return false;
        }
        let mut ancestor = new;
        while ancestor.level() > active.level() {
            match ancestor.parent() {
                Some(parent) => ancestor = parent,
                None => return false,
            }
        }
        core::ptr::eq(ancestor, active)
    });
    if !descends {
        return Err(EINVAL);
    }
    let old = nsset.replace_pid_ns_for_children(new);
    // SAFETY: `old` was the nsproxy's pid namespace for children, counted, and its count is
    // ours: dropped straight through `put_pid_ns()`, not through the `->put` (this file's
    // `pidns_put`) that dropping the `ARef` would call indirectly.
    unsafe { pidns_put(ARef::into_raw(old).as_ptr().cast()) };
    Ok(())
}

/// # Safety
///
/// Called by `setns(2)` with its nsset and a pid namespace it holds.
unsafe extern "C" fn pidns_install(
    nsset: *mut bindings::nsset,
    ns: *mut bindings::ns_common,
) -> c_int {
    // SAFETY: The caller holds the namespace and owns the nsset.
    let (nsset, ns) = unsafe { (NsSet::from_raw(nsset), NsCommon::from_raw(ns)) };
    // SAFETY: `setns()` calls the `install` of the namespace's own operations: ours are only
    // ever given pid namespaces.
    let new = unsafe { ns.as_pid_ns_unchecked() };
    install(nsset, new).map_or_else(|e| e.to_errno(), |()| 0)
}

/// The parent namespace, counted, if it is the caller's active namespace or below it;
/// `EPERM` otherwise (and for the initial namespace).
fn get_parent(ns: &PidNamespace) -> Result<ARef<NsCommon>> {
    let parent = ns.parent().ok_or(EPERM)?;
    let visible = PidNamespace::with_current(|active| {
        let mut p = Some(parent);
        while let Some(ns) = p {
            if core::ptr::eq(ns, active) {
                return true;
            }
            p = ns.parent();
        }
        false
    });
    if !visible {
        return Err(EPERM);
    }
    Ok(ARef::from(parent.as_common()))
}

/// # Safety
///
/// `ns` must be a pid namespace the caller holds.
unsafe extern "C" fn pidns_get_parent(ns: *mut bindings::ns_common) -> *mut bindings::ns_common {
    // SAFETY: The caller holds `ns`.
    let ns = unsafe { NsCommon::from_raw(ns) };
    match ns.as_pid_ns().ok_or(EINVAL).and_then(get_parent) {
        Ok(parent) => into_raw(Some(parent)),
        Err(e) => e.to_ptr(),
    }
}

/// The user namespace that owns `ns`, not counted.
///
/// # Safety
///
/// `ns` must be a pid namespace the caller holds.
unsafe extern "C" fn pidns_owner(ns: *mut bindings::ns_common) -> *mut bindings::user_namespace {
    // SAFETY: The caller holds `ns`.
    let ns = unsafe { NsCommon::from_raw(ns) };
    ns.as_pid_ns()
        .map_or(core::ptr::null_mut(), |ns| ns.user_ns().as_raw_user_ns())
}
