// SPDX-License-Identifier: GPL-2.0

//! The registry of live namespaces, after Kirill Tkhai's `ns_idr`: every namespace of the eight
//! types, keyed by its inode number (`inum`, unique across types, so that a name
//! `type:[inum]` finds its namespace directly), offset to keep the keys small.
//!
//! # Entry and removal
//!
//! C enters a namespace once it is fully set up: the initial ones at boot ([`init`], from
//! `nsrs_init()`, which runs after `net_ns_init()` has numbered `init_net`), the others where
//! they are created, at the end of
//! `create_new_namespaces()` (every type but user) and of `create_user_ns()`. It removes one
//! from `ns_free_inum()`, which every type calls on its way to being freed, before the memory
//! goes. An entry is a non-counting pointer: the registry does not keep anything alive.
//!
//! # Why readers are safe
//!
//! The map's spinlock is held by whoever looks an entry up and by whoever removes one. A
//! namespace's memory is freed only after its removal, which waits for the lock, so while a
//! reader holds the lock every entry it finds points to memory not yet freed. The reader takes a
//! reference with `refcount_inc_not_zero()` before letting the lock go: a namespace whose count
//! already reached zero is being torn down and is skipped, never handed out. Nothing slow happens
//! under the lock (no allocation but the preloaded one, no sleeping, no user copies); dropping a
//! reference, which may sleep, happens after it is released. Entries may be removed from any
//! context (`put_pid()` under an irq-safe lock, or from an RCU callback, can drop a pid
//! namespace's last reference), so the lock is taken with interrupts disabled.

use core::ptr::NonNull;
use kernel::{
    bindings,
    error::{code::*, Result},
    ffi::c_int,
    idr::Idr,
    ns::{self, NsCommon, NsOperations, NsProxy},
    prelude::*,
    types::ARef,
};

static REGISTRY: Idr<NsCommon> = Idr::new();

/// The smallest inode number a namespace has: the initial ones' fixed numbers start above it
/// (`PROC_TIME_INIT_INO` = `0xEFFFFFFA`), the others' follow from `0xF0000000`.
///
/// Keys are inode numbers minus this, so that they are small and dense and the IDR's tree
/// stays shallow: with the numbers themselves every lookup would walk six levels of it.
const INUM_BASE: u32 = 0xEFFF_FFF0;

/// The key of inode number `inum`.
fn key_of(inum: u32) -> u32 {
    inum.wrapping_sub(INUM_BASE)
}

/// The inode number of key `key`.
fn inum_of(key: u32) -> u32 {
    key.wrapping_add(INUM_BASE)
}

/// Sets the registry up and enters the initial namespaces that exist at this point of boot.
pub(crate) fn init() {
    // SAFETY: Called once from `nsrs_init()`, single-threaded at boot, before any other use.
    unsafe { REGISTRY.init() };
    let initial = NsProxy::init().namespaces();
    let user = [Some(ns::init_user_ns())];
    for ns in Iterator::chain(initial.into_iter(), user).flatten() {
        // Every initial namespace is numbered by now; a zero would be a bug, not an entry.
        if ns.inum() != 0 {
            if let Err(e) = add(ns) {
                pr_err!(
                    "cannot register {}:[{}]: {:?}\n",
                    ns.type_name().to_str().unwrap_or("?"),
                    ns.inum(),
                    e
                );
            }
        }
    }
}

/// Enters `ns`; entering it again is not an error.
fn add(ns: &NsCommon) -> Result {
    if ns.inum() == 0 {
        return Err(EINVAL);
    }
    let key = key_of(ns.inum());
    let ptr = NonNull::from(ns);
    match REGISTRY.insert(key, ptr) {
        Err(e) if e == EBUSY && REGISTRY.lock().get(key) == Some(ptr) => Ok(()),
        res => res,
    }
}

/// Enters a namespace that is fully set up: 0 or a negative errno (`-ENOMEM`).
///
/// # Safety
///
/// `ns` must be a live, set-up namespace; it must be removed with [`ns_registry_remove`] before
/// it is freed (every type's `ns_free_inum()` does).
#[no_mangle]
pub unsafe extern "C" fn ns_registry_add(ns: *mut bindings::ns_common) -> c_int {
    // SAFETY: The caller guarantees a live namespace for the call.
    let ns = unsafe { NsCommon::from_raw(ns) };
    add(ns).map_or_else(|e| e.to_errno(), |()| 0)
}

/// Enters the namespaces of `new` that `old` does not have: those `create_new_namespaces()` just
/// made. 0 or a negative errno; on failure some may be entered, and leave when freed.
///
/// # Safety
///
/// Both must be set-up nsproxies the caller holds, `new`'s namespaces freed only through
/// `ns_free_inum()`.
#[no_mangle]
pub unsafe extern "C" fn ns_registry_add_nsproxy(
    new: *const bindings::nsproxy,
    old: *const bindings::nsproxy,
) -> c_int {
    // SAFETY: The caller holds both.
    let (new, old) = unsafe { (NsProxy::from_raw(new), NsProxy::from_raw(old)) };
    let old = old.namespaces();
    for (i, ns) in new.namespaces().into_iter().enumerate() {
        let Some(ns) = ns else { continue };
        if old[i].is_some_and(|o| core::ptr::eq(o, ns)) {
            continue;
        }
        if let Err(e) = add(ns) {
            return e.to_errno();
        }
    }
    0
}

/// Removes `ns`, if it is entered: from `ns_free_inum()`, before the namespace is freed. Any
/// context: it only takes the registry's irq-safe spinlock.
///
/// # Safety
///
/// `ns` must point to a namespace whose memory is valid for the call.
#[no_mangle]
pub unsafe extern "C" fn ns_registry_remove(ns: *mut bindings::ns_common) {
    let Some(ptr) = NonNull::new(ns.cast::<NsCommon>()) else {
        return;
    };
    // SAFETY: The memory is valid for the call; `inum` is set before entry and not changed.
    let key = key_of(unsafe { (*ns).inum });
    // One walk of the tree, not a lookup and then a removal: the entry at the key is `ns` or
    // nothing, since inode numbers are unique among live namespaces and `ns` keeps its own until
    // after this returns.
    let removed = REGISTRY.lock().remove(key);
    kernel::ns::warn_on(removed.is_some_and(|r| r != ptr));
}

/// Returns the live namespace with inode number `inum`, counted.
pub(crate) fn get(inum: u32) -> Option<ARef<NsCommon>> {
    let guard = REGISTRY.lock();
    let ptr = guard.get(key_of(inum))?;
    // SAFETY: An entry's memory is not freed before it is removed, which waits for the lock we
    // hold (see the module's documentation).
    unsafe { NsCommon::try_get(ptr) }
}

/// How far a batch got: the inode number to go on from, or the end of the registry.
pub(crate) type Next = Option<u64>;

/// Fills `out` with what `take` makes of the entries from inode number `from` on, in order,
/// under one hold of the lock (`take` is called with it held, and skips an entry by returning
/// `None`); returns how many, and where to go on from.
fn batch<T>(
    from: u64,
    out: &mut [T],
    take: impl Fn(u32, NonNull<NsCommon>) -> Option<T>,
) -> (usize, Next) {
    let key = from.saturating_sub(u64::from(INUM_BASE));
    let mut found = [(0u32, None); 32];
    let want = out.len().min(found.len());
    let guard = REGISTRY.lock();
    let got = guard.gather(key, &mut found[..want]);
    let mut n = 0;
    for &(found_key, ptr) in &found[..got] {
        if let Some(item) = ptr.and_then(|p| take(inum_of(found_key), p)) {
            out[n] = item;
            n += 1;
        }
    }
    (n, next_after(&found[..got], want))
}

/// Fills `out` with the live namespaces from inode number `from` on, counted, in order, under
/// one hold of the lock; returns how many, and where to go on from.
pub(crate) fn next_batch(from: u64, out: &mut [Option<(u32, ARef<NsCommon>)>]) -> (usize, Next) {
    batch(from, out, |inum, ptr| {
        // SAFETY: As in `get`: `batch` calls us with the lock held.
        unsafe { NsCommon::try_get(ptr) }.map(|ns| Some((inum, ns)))
    })
}

/// Fills `out` with the inode numbers and types of the live namespaces from `from` on, in
/// order, under one hold of the lock, without taking references: a listing's snapshot, for a
/// reader that needs nothing else of them. Returns how many, and where to go on from.
pub(crate) fn next_live_batch(
    from: u64,
    out: &mut [(u32, &'static NsOperations)],
) -> (usize, Next) {
    batch(from, out, |inum, ptr| {
        // SAFETY: As in `get`: `batch` calls us with the lock held, so the memory is not freed.
        unsafe { NsCommon::peek_live(ptr) }.map(|ops| (inum, ops))
    })
}

/// Where a batch that found `found` out of `want` asked for goes on from: after the last one
/// found, unless fewer were found, which is the end.
fn next_after<T>(found: &[(u32, T)], want: usize) -> Next {
    match found.last() {
        Some(&(key, _)) if found.len() == want => Some(u64::from(inum_of(key)) + 1),
        _ => None,
    }
}
