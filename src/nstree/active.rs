// SPDX-License-Identifier: GPL-2.0

//! Active references: whether a user can still reach a namespace, as mainline counts them
//! since 6.19.
//!
//! A namespace is alive while its memory is referenced (its ordinary count), and active while a
//! user can reach it: only active namespaces are listed by `listns(2)` and reopened from a file
//! handle, while `/proc/namespaces` lists every live one and shows which are active. A
//! namespace is active while
//!
//! - an nsproxy that a task installed holds it: counted once per nsproxy, from its
//!   installation (`copy_namespaces()`, `switch_task_namespaces()`) to its last put; a task
//!   drops its nsproxy when it exits, so the namespaces of a zombie's nsproxy are inactive
//!   already (its user and pid namespaces stay active until it is reaped, by the rules below);
//! - a task's real credentials have it as user namespace: counted once per task, from
//!   `copy_creds()` to `release_task()`, moved by `commit_creds()`;
//! - a pid was allocated in it (a pid namespace, the pid's innermost level): counted per pid,
//!   until the pid is freed when its last task is reaped;
//! - an nsfs inode stands for it: an open ns file, a bind mount of one, what `SIOCGSKNS`,
//!   `NS_GET_USERNS` or `NS_GET_PARENT` returned;
//! - it owns an active namespace: a namespace that becomes active takes one active reference on
//!   its owning user namespace, which drops it when it becomes inactive, and so on up the chain
//!   of owners. Pid namespaces do not keep their parents active.
//!
//! Becoming active again is allowed: `SIOCGSKNS` on a socket whose network namespace no task
//! uses any more opens an nsfs file for it, which makes it and its owners active again.
//!
//! The initial namespaces are always active and count nothing (ids 1 to 8). Counts are atomic
//! and taken in any context, with no lock; they keep nothing alive, so every get and put
//! happens while the caller holds an ordinary reference on the namespace, and a namespace holds
//! one on its owner. C calls in where a task's nsproxy or credentials change; pids and nsfs
//! inodes are the component's own.

use super::LAST_INITIAL_ID;
use core::ptr::NonNull;
use kernel::{
    bindings,
    ns::{self, NsCommon, NsProxy, NsSlot, UserNamespace},
    types::{ARef, ForeignOwnable},
};

/// Whether a namespace with id `id` counts active references: every namespace but the initial
/// ones (fixed ids up to [`LAST_INITIAL_ID`]), which are always active. One without an id (an
/// anonymous mount namespace, never entered in the tree) counts none, and is never active.
#[inline(always)]
fn counts(id: u64) -> bool {
    id > LAST_INITIAL_ID
}

/// Whether a namespace with id `id` and `count` active references is active.
#[inline(always)]
fn active(id: u64, count: i32) -> bool {
    if counts(id) {
        count > 0
    } else {
        id != 0
    }
}

/// Whether `ns` is active: a snapshot.
#[inline]
pub(crate) fn is_active(ns: &NsCommon) -> bool {
    active(ns.id(), ns.active_count())
}

/// Whether the namespace at `ptr`, an entry of the tree, is active: a snapshot, for a listing
/// that takes no reference.
///
/// # Safety
///
/// As for [`NsCommon::peek_live`]: the namespace's memory is not freed for the call.
#[inline]
pub(crate) unsafe fn peek_is_active(ptr: NonNull<NsCommon>) -> bool {
    // SAFETY: The caller guarantees the memory is not freed; an entry of the tree has its id.
    let id = unsafe { NsCommon::peek_id(ptr) };
    if !counts(id) {
        return active(id, 0);
    }
    // SAFETY: As above.
    unsafe { NsCommon::peek_active_count(ptr) > 0 }
}

/// The owner of `ns` that counts active references, if any: its owning user namespace (a user
/// namespace's parent), unless that is the initial one.
#[inline]
fn counted_owner(ns: &NsCommon) -> Option<&NsCommon> {
    let owner = ns.owner_user_ns()?.as_common();
    counts(owner.id()).then_some(owner)
}

/// Takes an active reference on `ns`; if it becomes active, on its owner too, and so on up.
#[inline]
pub(crate) fn get(ns: &NsCommon) {
    if counts(ns.id()) {
        get_counted(ns);
    }
}

/// [`get`] on a namespace that counts: out of line, so that callers that mostly meet initial
/// namespaces keep only the test of the id.
#[inline(never)]
fn get_counted(ns: &NsCommon) {
    if ns.active_fetch_inc() == 0 {
        activate_owners(ns);
    }
}

/// `ns` just became active: its owner takes an active reference for it, and if that makes the
/// owner active, its own owner does, until one that was active already.
#[inline]
fn activate_owners(mut ns: &NsCommon) {
    while let Some(owner) = counted_owner(ns) {
        if owner.active_fetch_inc() != 0 {
            return;
        }
        ns = owner;
    }
}

/// Drops an active reference on `ns`; if it becomes inactive, the one it held on its owner,
/// and so on up. A count below zero is a bug: warned about, and left.
#[inline]
pub(crate) fn put(ns: &NsCommon) {
    if counts(ns.id()) {
        put_counted(ns);
    }
}

/// [`put`] on a namespace that counts, out of line as [`get_counted`] is.
#[inline(never)]
fn put_counted(mut ns: &NsCommon) {
    loop {
        let left = ns.active_dec_return();
        if left != 0 {
            ns::warn_on(left < 0);
            return;
        }
        match counted_owner(ns) {
            Some(owner) => ns = owner,
            None => return,
        }
    }
}

/// Calls `f` on each of the eight namespace members of an nsproxy: of mainline's eight, the
/// time namespaces for its owner and for its children apart, even when the same.
///
/// One call each, not a loop over an array: `f` reads each member where it is used, so that each
/// compiles to a few loads, a test and a compare, with only the nsproxies kept across calls.
#[inline(always)]
fn each_slot(mut f: impl FnMut(NsSlot)) {
    f(NsSlot::Mnt);
    f(NsSlot::Uts);
    f(NsSlot::Ipc);
    f(NsSlot::PidForChildren);
    f(NsSlot::Cgroup);
    f(NsSlot::Net);
    f(NsSlot::TimeForChildren);
    f(NsSlot::Time);
}

/// The namespace of `nsp` in `slot`, if it counts active references.
#[inline(always)]
fn counted_in(nsp: &NsProxy, slot: NsSlot) -> Option<&NsCommon> {
    // SAFETY: Null, or a namespace the nsproxy holds a count on: set up, alive while `nsp` is
    // borrowed (invariants of `NsProxy`).
    unsafe { counted(nsp.address(slot)) }
}

/// Applies `f` to each namespace of `nsp` that counts active references.
///
/// Most of an nsproxy's namespaces are usually initial ones, which count nothing: each is told
/// by its id alone, read through the address, with no reference made for it.
#[inline(always)]
fn for_each_counted_in(nsp: &NsProxy, f: impl Fn(&NsCommon)) {
    each_slot(|slot| {
        if let Some(ns) = counted_in(nsp, slot) {
            f(ns);
        }
    });
}

/// Moves the active references that `old` holds to `new`, which replaces it: only the
/// namespaces in which they differ change, those of `new` all taken before any of `old` is
/// dropped, so that an owner they share never goes inactive on the way.
#[inline(always)]
fn move_active(old: &NsProxy, new: &NsProxy) {
    let mut changed = 0u32;
    each_slot(|slot| {
        if !old.shares(new, slot) {
            changed |= 1 << slot as u32;
            if let Some(ns) = counted_in(new, slot) {
                get_counted(ns);
            }
        }
    });
    each_slot(|slot| {
        if changed & (1 << slot as u32) != 0 {
            if let Some(ns) = counted_in(old, slot) {
                put_counted(ns);
            }
        }
    });
}

/// The namespace at `ptr` if it counts active references.
///
/// # Safety
///
/// `ptr` must be null or point to the `ns_common` of a set-up namespace that holds a count for
/// `'a`, as for [`NsCommon::from_raw_with_ops`].
#[inline(always)]
unsafe fn counted<'a>(ptr: *mut bindings::ns_common) -> Option<&'a NsCommon> {
    let ptr = NonNull::new(ptr.cast::<NsCommon>())?;
    // SAFETY: The caller guarantees a set-up namespace, alive for `'a`; its id is set before
    // anyone but its creator reaches it (an initial namespace compiled out has 0).
    if !counts(unsafe { NsCommon::peek_id(ptr) }) {
        return None;
    }
    // SAFETY: As above; a namespace an nsproxy holds is set up, so one with a dynamic id is of
    // a type that is built in, with operations (only an initial namespace of a type compiled
    // out has none, and it has no dynamic id).
    Some(unsafe { NsCommon::from_raw(ptr.as_ptr().cast()) })
}

/// A new nsproxy is being installed in a child (`copy_namespaces()`): its namespaces become
/// active, or stay so. [`nsrs_nsproxy_active_switch`] does the same for one a task switches to.
///
/// # Safety
///
/// `nsp` must be a set-up nsproxy the caller holds.
#[no_mangle]
pub unsafe extern "C" fn nsrs_nsproxy_active_get(nsp: *mut bindings::nsproxy) {
    // SAFETY: The caller holds the nsproxy, set up.
    for_each_counted_in(unsafe { NsProxy::from_raw(nsp) }, get_counted);
}
kernel::c_prototype!(nsrs_nsproxy_active_get(_));

/// The last reference on an installed nsproxy is being put: the active references it took go.
///
/// # Safety
///
/// `nsp` must be an nsproxy that [`nsrs_nsproxy_active_get`] activated once, whose last
/// reference the caller drops, and which it frees after this returns.
#[no_mangle]
pub unsafe extern "C" fn nsrs_nsproxy_active_put(nsp: *mut bindings::nsproxy) {
    // SAFETY: The caller frees the nsproxy only after the call, with its namespaces.
    for_each_counted_in(unsafe { NsProxy::from_raw(nsp) }, put_counted);
}
kernel::c_prototype!(nsrs_nsproxy_active_put(_));

/// The nsproxy at `ptr`, if any.
///
/// # Safety
///
/// `ptr` must be null or point to a set-up nsproxy that stays valid, holding its namespaces,
/// for `'a`.
#[inline(always)]
unsafe fn proxy<'a>(ptr: *mut bindings::nsproxy) -> Option<&'a NsProxy> {
    // SAFETY: The caller guarantees a set-up nsproxy valid for `'a` where `ptr` is not null.
    (!ptr.is_null()).then(|| unsafe { NsProxy::from_raw(ptr) })
}

/// A task switches from nsproxy `old` to `new` (`switch_task_namespaces()`): the namespaces of
/// `new` become active, or stay so, before anyone sees it. When the task's reference on `old` is
/// the last, it is dropped here, the active references of `old` move to `new`, touching only the
/// namespaces in which they differ, and `true` is returned: the caller then frees `old` with
/// `free_nsproxy()` instead of putting it. Either may be null: a task that exits gets none.
///
/// An `unshare(2)` or `setns(2)` by a task whose nsproxy is its own, the usual case, thus costs
/// a compare per member and a count per namespace that changes, not two passes over all of them.
///
/// # Safety
///
/// The caller must hold `task_lock(p)` of a task `p` whose nsproxy is `old`, holding its
/// reference, and unpublish `old` before unlocking; `p` must be the current task, the only one
/// that takes references on its own nsproxy without the lock. `new`, if not null, must be a
/// set-up nsproxy the caller holds and publishes as `p`'s.
#[no_mangle]
pub unsafe extern "C" fn nsrs_nsproxy_active_switch(
    old: *mut bindings::nsproxy,
    new: *mut bindings::nsproxy,
) -> bool {
    // SAFETY: Null, or the nsproxy `p` holds, which stays set up until the caller puts or frees
    // it, after this returns.
    let old = unsafe { proxy(old) };
    // SAFETY: Null, or a set-up nsproxy the caller holds.
    let new = unsafe { proxy(new) };
    let sole = match old {
        // SAFETY: The reference dropped is `p`'s; others take one only under `task_lock(p)`,
        // which the caller holds, and `old` is unpublished before it unlocks.
        Some(old) => unsafe { old.dec_if_sole() },
        None => false,
    };
    match (sole, old, new) {
        (true, Some(old), Some(new)) => move_active(old, new),
        (true, Some(old), None) => for_each_counted_in(old, put_counted),
        (false, _, Some(new)) => for_each_counted_in(new, get_counted),
        _ => {}
    }
    sole
}
kernel::c_prototype!(nsrs_nsproxy_active_switch(_, _));

/// The user namespace of the real credentials of `p`, a task whose credentials nobody changes
/// under the caller.
///
/// # Safety
///
/// `p` must be a task being made (`copy_creds()`) or reaped (`release_task()`), whose
/// credentials hold their user namespace for the caller's `'a`.
#[inline]
unsafe fn real_user_ns<'a>(p: *mut bindings::task_struct) -> &'a NsCommon {
    // SAFETY: The caller guarantees a task whose real credentials cannot change under us; they
    // hold a count on their user namespace, set up.
    unsafe { UserNamespace::from_raw(bindings::nsrs_task_real_user_ns(p)) }.as_common()
}

/// A task got its credentials (`copy_creds()`): their user namespace becomes active, or stays
/// so, until the task is reaped.
///
/// # Safety
///
/// `p` must be a task being made, whose real credentials `copy_creds()` just set.
#[no_mangle]
pub unsafe extern "C" fn nsrs_task_cred_active_get(p: *mut bindings::task_struct) {
    // SAFETY: The caller guarantees a task being made.
    get(unsafe { real_user_ns(p) });
}
kernel::c_prototype!(nsrs_task_cred_active_get(_));

/// A task is reaped, or failed to fork after `copy_creds()`: the active reference its
/// credentials took goes.
///
/// # Safety
///
/// `p` must be a task that [`nsrs_task_cred_active_get`] counted, no longer running, reaped
/// once.
#[no_mangle]
pub unsafe extern "C" fn nsrs_task_cred_active_put(p: *mut bindings::task_struct) {
    // SAFETY: The caller guarantees a task that no longer runs, so its credentials stay.
    put(unsafe { real_user_ns(p) });
}
kernel::c_prototype!(nsrs_task_cred_active_put(_));

/// `commit_creds()` replaced the current task's credentials `old` with `new`: when the user
/// namespace changes, the task's active reference moves with it, taken on the new one first.
///
/// # Safety
///
/// `old` and `new` must be valid credentials, `old` those the current task just left (still
/// held by the caller), `new` those it now has.
#[no_mangle]
pub unsafe extern "C" fn nsrs_cred_active_switch(
    old: *const bindings::cred,
    new: *const bindings::cred,
) {
    // SAFETY: The caller guarantees valid credentials; `user_ns` never changes once they are
    // committed.
    let (old_ns, new_ns) = unsafe { ((*old).user_ns, (*new).user_ns) };
    if old_ns == new_ns {
        return;
    }
    // SAFETY: Each credential holds a count on its user namespace, set up, for the call.
    get(unsafe { UserNamespace::from_raw(new_ns) }.as_common());
    // SAFETY: As above: `old` is still held by the caller.
    put(unsafe { UserNamespace::from_raw(old_ns) }.as_common());
}
kernel::c_prototype!(nsrs_cred_active_switch(_, _));

/// The reference an nsfs inode holds: an ordinary one, which keeps the namespace alive, and an
/// active one, which keeps it reachable (listed, and reopened by handle) while the inode
/// exists. Making one reactivates a namespace that had become inactive.
pub struct ActiveRef(ARef<NsCommon>);

impl ActiveRef {
    /// Takes an active reference on `ns`, which the result holds with `ns` itself.
    #[inline]
    pub(crate) fn new(ns: ARef<NsCommon>) -> Self {
        get(&ns);
        Self(ns)
    }
}

impl Drop for ActiveRef {
    #[inline]
    fn drop(&mut self) {
        // Before the ordinary reference goes, with the field: the namespace is alive here.
        put(&self.0);
    }
}

// The `i_private` of an nsfs inode, as a plain `ns_common` pointer that C reads back with
// `get_proc_ns()`: that of the `ARef` inside, which the active reference goes with.
impl ForeignOwnable for ActiveRef {
    type Borrowed<'a> = &'a NsCommon;

    #[inline]
    fn into_foreign(self) -> *const core::ffi::c_void {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so the `ARef` read out of it is moved, not copied:
        // its reference and the active one go with the pointer.
        unsafe { core::ptr::read(&this.0) }.into_foreign()
    }

    /// # Safety
    ///
    /// As for [`ForeignOwnable::borrow`]: `ptr` came from `into_foreign`, not yet given back.
    #[inline]
    unsafe fn borrow<'a>(ptr: *const core::ffi::c_void) -> &'a NsCommon {
        // SAFETY: The caller guarantees what the `ARef` inside requires: the same pointer.
        unsafe { <ARef<NsCommon> as ForeignOwnable>::borrow(ptr) }
    }

    /// # Safety
    ///
    /// As for [`ForeignOwnable::from_foreign`]: `ptr` came from `into_foreign`, given back once.
    #[inline]
    unsafe fn from_foreign(ptr: *const core::ffi::c_void) -> Self {
        // SAFETY: The caller guarantees `ptr` came from `into_foreign`, with both references,
        // which the result takes back.
        Self(unsafe { <ARef<NsCommon> as ForeignOwnable>::from_foreign(ptr) })
    }
}
