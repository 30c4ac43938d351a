// SPDX-License-Identifier: GPL-2.0

//! The registry of live namespaces, after Kirill Tkhai's `ns_idr`: every namespace of the eight
//! types, keyed by its inode number (`inum`, unique across types, so that a name
//! `type:[inum]` finds its namespace directly), offset to keep the keys small.
//!
//! # The registry numbers them
//!
//! Inode numbers from `0xF0000000` on are handed out by `proc_alloc_inum()`, to namespaces
//! (`ns_alloc_inum()`) and to procfs entries alike. With nsrs that allocator is this map
//! ([`nsrs_alloc_inum`]): taking a number takes its key, empty, and freeing the number
//! ([`nsrs_free_inum`], from `proc_free_inum()`, which every type's `ns_free_inum()` calls on
//! its way to being freed) frees the key. Numbering and registering cost one tree instead of
//! two, the numbers share one space with procfs entries as in the stock kernel, and the keys
//! stay dense, so that entering and leaving do not allocate or free tree nodes. A freed key
//! is kept (parked, up to 1,024 of them) for the next number asked for, so that a namespace made
//! and freed in a loop costs no search of the tree and no freeing of a node.
//!
//! # Entry and removal
//!
//! C enters a namespace once it is fully set up, by filling its key: the initial ones at boot
//! ([`enter_initial`], from `nsfs_init()`, the first point at which `init_net` and the initial
//! mount namespace exist), the others where they are created: pid namespaces by their Rust
//! creation, which numbers and enters them at once ([`number_and_enter`]), the other types at
//! the end of `create_new_namespaces()` and of `create_user_ns()`. Freeing the
//! number removes it, before the memory goes. An entry is a non-counting pointer: the registry
//! does not keep anything alive.
//!
//! # Why readers are safe
//!
//! The map's spinlock is held by whoever looks an entry up and by whoever removes one. A
//! namespace's memory is freed only after its removal, which waits for the lock, so while a
//! reader holds the lock every entry it finds points to memory not yet freed. The reader takes a
//! reference with `refcount_inc_not_zero()` before letting the lock go: a namespace whose count
//! already reached zero is being torn down and is skipped, never handed out. A key that is taken
//! but empty (a procfs entry's number, or a namespace still being set up) is passed over. Nothing
//! slow happens under the lock (no allocation but the preloaded one, no sleeping, no user
//! copies); dropping a reference, which may sleep, happens after it is released. Entries may be
//! removed from any context (`put_pid()` under an irq-safe lock, or from an RCU callback, can
//! drop a pid namespace's last reference), so the lock is taken with interrupts disabled.

mod parked;

use core::{
    ops::RangeInclusive,
    ptr::NonNull,
    sync::atomic::{AtomicU32, Ordering},
};
use kernel::{
    bindings,
    error::{code::*, Result},
    ffi::{c_int, c_uint, c_ulong},
    idr::{Idr, IdrGuard, Slot},
    ns::{self, NsCommon, NsOperations, NsProxy},
    prelude::*,
    types::ARef,
};
use parked::{NotParked, Parked};

// SAFETY: `init()` initialises it at boot, before the first inode number is asked for and so
// before any other use.
static REGISTRY: Idr<NsCommon> = unsafe { Idr::new() };

/// The smallest inode number a namespace has: the initial ones' fixed numbers start above it
/// (`PROC_TIME_INIT_INO` = `0xEFFFFFFA`), the others' follow from [`DYNAMIC_FIRST`].
///
/// Keys are inode numbers minus this, so that they are small and dense and the IDR's tree
/// stays shallow: with the numbers themselves every lookup would walk six levels of it.
const INUM_BASE: u32 = 0xEFFF_FFF0;

/// The first inode number `proc_alloc_inum()` hands out (`PROC_DYNAMIC_FIRST`); the last is
/// `u32::MAX`.
const DYNAMIC_FIRST: u32 = 0xF000_0000;

/// The key of inode number `inum`.
const fn key_of(inum: u32) -> u32 {
    inum.wrapping_sub(INUM_BASE)
}

/// The inode number of key `key`.
fn inum_of(key: u32) -> u32 {
    key.wrapping_add(INUM_BASE)
}

/// Sets the registry up, before the first inode number is asked for (`init_net`'s).
pub(crate) fn init() {
    // SAFETY: Called once from `nsrs_init()`, single-threaded at boot, before any other use.
    unsafe {
        REGISTRY.init(
            kernel::c_str!("nsrs_registry"),
            kernel::static_lock_class!(),
        )
    };
}

/// Enters the initial namespaces, which all exist by the time `nsfs_init()` calls this.
pub(crate) fn enter_initial() {
    let initial = NsProxy::init().namespaces();
    let user = [Some(ns::init_user_ns())];
    for ns in Iterator::chain(initial.into_iter(), user).flatten() {
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

/// Enters `ns`; entering it again is not an error.
///
/// A namespace numbered by [`nsrs_alloc_inum`] fills its own key. The initial namespaces but
/// `init_net` and the initial mount namespace have fixed numbers outside the allocator's range,
/// and take theirs here.
fn add(ns: &NsCommon) -> Result {
    // Every namespace is numbered before it is entered; a zero would be a bug, not an entry.
    if ns.inum() == 0 {
        return Err(EINVAL);
    }
    let key = key_of(ns.inum());
    let ptr = NonNull::from(ns);
    let replaced = REGISTRY.lock().replace(key, Slot::Entry(ptr));
    match replaced {
        Ok(old) => {
            // A key holds one namespace's number: it was empty, or held `ns` already; never
            // parked, which would be a number freed and still in use.
            kernel::ns::warn_on(!matches!(old, Slot::Empty) && old.entry() != Some(ptr));
            Ok(())
        }
        Err(e) if e == ENOENT && ns.inum() < DYNAMIC_FIRST => REGISTRY.insert(key, ptr),
        Err(e) => Err(e),
    }
}

/// Numbers a namespace the component itself made, once it is fully set up, and enters it: pid
/// namespaces, at the end of their creation (`create_new_namespaces()` then leaves them to us).
/// One hold of the lock takes the key and fills it, where numbering and entering apart take two.
/// `ENOSPC` when every number is taken, `ENOMEM`. May sleep.
///
/// # Safety
///
/// The caller must hold the only reference to `ns`, which nobody else can reach yet and which
/// is not numbered yet.
pub(crate) unsafe fn number_and_enter(ns: &NsCommon) -> Result {
    REGISTRY.with_preload(|| {
        let mut guard = REGISTRY.lock();
        let key = take_key(&mut guard)?;
        // SAFETY: The caller guarantees that nobody else can reach `ns` yet: not until it is in
        // the map, which the store below, ordered after this one, makes it.
        unsafe { ns.set_inum(inum_of(key)) };
        guard
            .replace(key, Slot::Entry(NonNull::from(ns)))
            .map(|_| ())
    })
}

/// Enters a namespace that is fully set up: 0 or a negative errno (`-ENOMEM`).
///
/// # Safety
///
/// `ns` must be a live, set-up namespace, numbered by `ns_alloc_inum()` and freed only after
/// `ns_free_inum()`.
#[no_mangle]
pub unsafe extern "C" fn ns_registry_add(ns: *mut bindings::ns_common) -> c_int {
    // SAFETY: The caller guarantees a live namespace for the call.
    let ns = unsafe { NsCommon::from_raw(ns) };
    add(ns).map_or_else(|e| e.to_errno(), |()| 0)
}

/// Enters the namespaces `create_new_namespaces()` just made in `new`, those the
/// `CLONE_NEW*` bits of `flags` stand for, but pid namespaces, entered as they are made
/// ([`number_and_enter`]). 0 or a negative errno; on failure some may be entered, and leave
/// when freed.
///
/// # Safety
///
/// `new` must be a set-up nsproxy the caller holds, its namespaces numbered by
/// `ns_alloc_inum()` and freed only after `ns_free_inum()`.
#[no_mangle]
pub unsafe extern "C" fn ns_registry_add_nsproxy(
    new: *const bindings::nsproxy,
    flags: c_ulong,
) -> c_int {
    let flags = flags & !(bindings::CLONE_NEWPID as c_ulong);
    if flags & bindings::CLONE_NEW_ANY as c_ulong == 0 {
        return 0;
    }
    // SAFETY: The caller holds it.
    let new = unsafe { NsProxy::from_raw(new) };
    new.for_each_made_by(flags, add)
        .map_or_else(|e| e.to_errno(), |()| 0)
}

/// The keys freed and kept for the next numbers asked for.
static PARKED: Parked = Parked::new();

/// Locks the registry.
fn lock() -> IdrGuard<'static, NsCommon> {
    REGISTRY.lock()
}

/// Every dynamic key below this is taken: the search for the smallest free one starts here.
/// Read and written with the registry's lock held only.
static FIRST_FREE: AtomicU32 = AtomicU32::new(key_of(DYNAMIC_FIRST));

/// The keys of the numbers `proc_alloc_inum()` hands out.
const DYNAMIC_KEYS: RangeInclusive<u32> = key_of(DYNAMIC_FIRST)..=key_of(u32::MAX);

/// Takes a free dynamic key, empty, without sleeping: the one parked last, else the smallest.
/// `ENOSPC` when all are taken, `ENOMEM` when the tree needs a node (see [`Idr::with_preload`]).
fn take_key(guard: &mut IdrGuard<'_, NsCommon>) -> Result<u32> {
    if let Some(key) = PARKED.pop(guard) {
        return Ok(key);
    }
    let from = FIRST_FREE.load(Ordering::Relaxed);
    let key = guard.alloc(from..=*DYNAMIC_KEYS.end(), Slot::Empty)?;
    FIRST_FREE.store(key.saturating_add(1), Ordering::Relaxed);
    Ok(key)
}

/// `proc_alloc_inum()`: takes a free inode number from `0xF0000000` on, for a namespace or a
/// procfs entry (a parked one if there is one, else the smallest free), and stores it
/// in `*inum`. 0, `-ENOSPC` when all are taken, or `-ENOMEM`. May sleep.
///
/// # Safety
///
/// `inum` must be valid for a write.
#[no_mangle]
pub unsafe extern "C" fn nsrs_alloc_inum(inum: *mut c_uint) -> c_int {
    match REGISTRY.with_preload(|| take_key(&mut lock())) {
        Ok(key) => {
            // SAFETY: The caller guarantees `inum` is valid for a write.
            unsafe { inum.write(inum_of(key)) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `proc_free_inum()`: frees inode number `inum`, and removes the namespace entered with it, if
/// any, before that namespace is freed. Any context: it only takes the registry's irq-safe
/// spinlock. A number that is not taken, or freed twice, is refused with a warning, as the IDA
/// does.
#[no_mangle]
pub extern "C" fn nsrs_free_inum(inum: c_uint) {
    let key = key_of(inum);
    let dynamic = DYNAMIC_KEYS.contains(&key);
    let mut guard = lock();
    // Empty the key, which must be taken: one walk of the tree, and the namespace entered with
    // it, if any, is found no more. The number is the caller's until this returns.
    if guard.replace(key, Slot::Empty).is_err() {
        kernel::ns::warn_on(true);
        return;
    }
    // Keep it taken, parked, while there is room; else free it. A key parked already (empty, so
    // the replacement changed nothing) was freed twice.
    if dynamic {
        match PARKED.push(&guard, key) {
            Ok(()) => return,
            Err(NotParked::Twice) => {
                kernel::ns::warn_on(true);
                return;
            }
            Err(NotParked::NoRoom) => {}
        }
    }
    guard.remove(key);
    if dynamic && key < FIRST_FREE.load(Ordering::Relaxed) {
        FIRST_FREE.store(key, Ordering::Relaxed);
    }
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

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests {
    use super::*;
    use kernel::{kunit_case_assert, kunit_suite};

    /// Takes a number as `proc_alloc_inum()` does.
    fn alloc() -> Option<u32> {
        let mut inum = 0;
        // SAFETY: `inum` is valid for a write.
        (unsafe { nsrs_alloc_inum(&mut inum) } == 0).then_some(inum)
    }

    /// The state of the number's key.
    fn slot(inum: u32) -> Option<&'static str> {
        let mut guard = REGISTRY.lock();
        let key = key_of(inum);
        // Read by replacing with what is there: `get()` does not tell an empty key from a free one.
        let old = guard.replace(key, Slot::Empty).ok()?;
        let _ = guard.replace(key, old);
        Some(match old {
            Slot::Empty => "empty",
            Slot::Entry(_) => "entry",
        })
    }

    fn numbers_are_dynamic_and_distinct() {
        let (a, b) = (alloc(), alloc());
        kunit_case_assert!(a.is_some_and(|a| a >= DYNAMIC_FIRST));
        kunit_case_assert!(b.is_some_and(|b| b >= DYNAMIC_FIRST));
        kunit_case_assert!(a != b);
        kunit_case_assert!(a.and_then(slot) == Some("empty"));
        for inum in [a, b].into_iter().flatten() {
            nsrs_free_inum(inum);
        }
    }

    fn a_freed_number_is_parked_then_handed_out_first() {
        let Some(a) = alloc() else {
            kunit_case_assert!(false);
            return;
        };
        nsrs_free_inum(a);
        kunit_case_assert!(PARKED.contains(&lock(), key_of(a)));
        kunit_case_assert!(slot(a) == Some("empty"));
        // Nothing finds a parked number.
        kunit_case_assert!(get(a).is_none());
        let again = alloc();
        kunit_case_assert!(again == Some(a));
        // Handed out again, it is empty until a namespace fills it.
        kunit_case_assert!(slot(a) == Some("empty"));
        nsrs_free_inum(a);
    }

    fn initial_namespaces_are_found_by_number() {
        let pid = get(bindings::PROC_PID_INIT_INO);
        kunit_case_assert!(pid.is_some_and(|ns| ns.inum() == bindings::PROC_PID_INIT_INO));
        let user = get(bindings::PROC_USER_INIT_INO);
        kunit_case_assert!(user.is_some_and(|ns| ns.inum() == bindings::PROC_USER_INIT_INO));
    }

    kunit_suite!(
        nsrs_registry,
        [
            numbers_are_dynamic_and_distinct,
            a_freed_number_is_parked_then_handed_out_first,
            initial_namespaces_are_found_by_number,
        ]
    );
}
