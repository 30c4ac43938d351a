// SPDX-License-Identifier: GPL-2.0

//! The namespace tree: every live namespace of the eight types, by id and by inode number.
//!
//! Two interfaces list namespaces, and both are served from here, under one lock:
//!
//! - mainline's (6.18 to 7.0): every namespace has a 64-bit id, unique across types and never
//!   reused while the kernel runs; `listns(2)` pages through them in the order of ids, and nsfs
//!   file handles find one by id. The tree by id ([`IdTree`]) has its nodes in the namespaces
//!   themselves (`ns_common.ns_tree_node`), so entering and leaving allocate nothing.
//! - the seed's `/proc/namespaces`: names `type:[inum]`, in the order of inode numbers. The table
//!   of inode numbers ([`inums`]) also hands those numbers out, to namespaces and procfs entries
//!   alike, as `proc_alloc_inum()` (which it replaces) does.
//!
//! # Ids
//!
//! The initial namespaces have fixed ids (`enum init_ns_id`: ipc 1, uts 2, user 3, pid 4,
//! cgroup 5, time 6, net 7, mnt 8); the others count up from the counter's start, 9, as
//! mainline's `__ns_tree_gen_id()` does (so the first is 10). A net namespace's id is its
//! cookie (`SO_NETNS_COOKIE`) and a mount namespace's the id `statmount(2)` reports: C asks for
//! those two early, through [`ns_tree_gen_id`], since its own code uses them while the namespace
//! is being set up; the others get theirs when they are entered. Anonymous mount namespaces get
//! none, and are never entered, as in mainline.
//!
//! # Entry and removal
//!
//! C enters a namespace once it is fully set up: the initial ones at boot ([`enter_initial`],
//! from `nsfs_init()`, the first point at which `init_net` and the initial mount namespace
//! exist), the others where they are created: pid namespaces by their Rust creation, which
//! numbers and enters them at once ([`number_and_enter`]), the other types at the end of
//! `create_new_namespaces()` and of `create_user_ns()`. Freeing the inode number
//! (`proc_free_inum()`, which every type's `ns_free_inum()` calls on its way to being freed)
//! removes it from both, before the memory goes. The tree does not count references: it keeps
//! nothing alive.
//!
//! # Why readers are safe
//!
//! The lock is held by whoever looks a namespace up and by whoever removes one. A namespace's
//! memory is freed only after its removal, which waits for the lock, so while a reader holds
//! the lock every namespace it finds is memory not yet freed. A reader takes a reference with
//! `refcount_inc_not_zero()` before letting the lock go ([`NsCommon::try_get`]), or only reads
//! what it needs and uses the namespace no further ([`NsCommon::peek_live`]): a namespace whose
//! count reached zero is being torn down and is passed over. Nothing slow happens under the
//! lock: no allocation, no sleeping, no user copy; dropping a reference, which may sleep, happens
//! after it is released. Namespaces are removed in any context (`put_pid()` under an irq-safe
//! lock, or an RCU callback, can drop a pid namespace's last reference), so the lock is taken
//! with interrupts disabled.
//!
//! Lookups take the lock: mainline's are lock-free under RCU, but it frees every type of
//! namespace after a grace period, which 6.12's C does not (a UTS namespace is freed at once).

pub mod active;
mod inums;

use core::{
    ptr::NonNull,
    sync::atomic::{AtomicU64, Ordering},
};
use inums::{inum_of, key_of, InumTable, Slot, TakeError, DYNAMIC_FIRST, INUM_BASE};
use kernel::{
    bindings,
    error::{code::*, Result},
    ffi::{c_int, c_uint, c_ulong},
    ns::{self, IdTree, NsCommon, NsOperations, NsProxy, NsType},
    prelude::*,
    sync::lock::spinlock_irq::{StaticGuard, StaticSpinLockIrq},
    types::ARef,
};

/// What the lock guards.
struct Tree {
    by_id: IdTree,
    by_inum: InumTable,
}

// SAFETY: `init()` initialises it at boot, before the first inode number is asked for and so
// before any other use.
static TREE: StaticSpinLockIrq<Tree> = unsafe {
    StaticSpinLockIrq::new(Tree {
        by_id: IdTree::new(),
        by_inum: InumTable::new(),
    })
};

/// The last dynamic id handed out; mainline's `namespace_cookie`, which starts at the last
/// fixed id plus one.
static LAST_ID: AtomicU64 = AtomicU64::new(LAST_INITIAL_ID + 1);

/// The largest fixed id, the initial mount namespace's (`NS_LAST_INIT_ID`).
const LAST_INITIAL_ID: u64 = 8;

/// The fixed id of the initial namespace of type `ty` (`enum init_ns_id`).
const fn initial_id(ty: NsType) -> u64 {
    match ty {
        NsType::Ipc => 1,
        NsType::Uts => 2,
        NsType::User => 3,
        NsType::Pid => 4,
        NsType::Cgroup => 5,
        NsType::Time => 6,
        NsType::Net => 7,
        NsType::Mnt => 8,
    }
}

/// A new dynamic id: larger than every id handed out before.
fn next_id() -> u64 {
    LAST_ID.fetch_add(1, Ordering::Relaxed) + 1
}

fn lock() -> StaticGuard<Tree> {
    TREE.lock()
}

/// Sets the tree up, before the first inode number is asked for.
pub(crate) fn init() {
    // SAFETY: Called once from `nsrs_init()`, single-threaded at boot, before any other use.
    unsafe { TREE.init(kernel::c_str!("nsrs_tree"), kernel::static_lock_class!()) };
    // The keys of the fixed numbers exist from the start, for the initial namespaces to enter;
    // without them, the first number asked for makes them.
    if let Ok(spare) = InumTable::spare(inums::INITIAL_SLOTS) {
        drop(lock().by_inum.grow(spare));
    }
}

/// Enters the initial namespaces, which all exist by the time `nsfs_init()` calls this, giving
/// each its fixed id (which `init_net` and the initial mount namespace have already).
pub(crate) fn enter_initial() {
    let initial = NsProxy::init().namespaces();
    let user = [Some(ns::init_user_ns())];
    for ns in Iterator::chain(initial.into_iter(), user).flatten() {
        if let Some(ty) = ns.ns_type() {
            // SAFETY: At boot, before anything reads the id of an initial namespace but C's
            // own code, which has the same fixed id from `ns_tree_gen_id` (`init_net`, the
            // initial mount namespace): the tree, which ids are found through, does not hold
            // it yet.
            unsafe { NsCommon::set_id(NonNull::from(ns), initial_id(ty)) };
        }
        if let Err(e) = add(ns, IdFrom::Set) {
            pr_err!(
                "cannot enter {}:[{}]: {:?}\n",
                ns.type_name().to_str().unwrap_or("?"),
                ns.inum(),
                e
            );
        }
    }
}

/// Where a namespace entering the tree has its id from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdFrom {
    /// Set already: a fixed id, or one [`ns_tree_gen_id`] gave.
    Set,
    /// To be given on entry: a new one.
    Entry,
}

impl IdFrom {
    /// Where a namespace C made has its id from: net and mount namespaces have theirs from
    /// [`ns_tree_gen_id`]; the others get one on entry, whatever their `ns_id` holds (C does
    /// not zero every type's memory).
    fn of(ns: &NsCommon) -> Self {
        match ns.ns_type() {
            Some(NsType::Net | NsType::Mnt) => IdFrom::Set,
            _ => IdFrom::Entry,
        }
    }
}

/// Enters `ns`; entering it again is not an error. With [`IdFrom::Entry`], a namespace not yet
/// entered gets a new id first.
///
/// A namespace numbered by [`nsrs_alloc_inum`] fills its own key. The initial namespaces have
/// fixed numbers outside the allocator's range, whose keys are always taken.
fn add(ns: &NsCommon, id_from: IdFrom) -> Result {
    // Every namespace is numbered before it is entered; a zero would be a bug, not an entry.
    if ns.inum() == 0 {
        return Err(EINVAL);
    }
    let ptr = NonNull::from(ns);
    let key = key_of(ns.inum());
    let mut tree = lock();
    match tree.by_inum.get(key) {
        // Entered already: a key holds one namespace's number.
        Some(Slot::Entry(old)) => {
            ns::warn_on(old != ptr);
            return Ok(());
        }
        Some(Slot::Taken) => {}
        _ => return Err(ENOENT),
    }
    if id_from == IdFrom::Entry {
        // SAFETY: A namespace that is not entered cannot be found, and its creator, our caller,
        // is the only one to reach it; it is entered with the id below, under the same hold of
        // the lock. Its count of active references starts with its id: nobody can have taken
        // one yet. (Those with ids from `ns_tree_gen_id` started theirs there: a mount
        // namespace may be opened, so made active, before it is entered.)
        unsafe {
            NsCommon::set_id(ptr, next_id());
            NsCommon::init_active_count(ptr);
        }
    }
    let _ = tree.by_inum.fill(key, ptr);
    // SAFETY: `ns` has its id, which never changes, and was in no tree (its key held none); it
    // leaves the tree when its number is freed, before its memory is.
    let inserted = unsafe { tree.by_id.insert(ptr) };
    if !inserted {
        // Two namespaces with one id: leave the key taken, not entered, so that freeing the
        // number does not take out of the tree what is not in it.
        let _ = tree.by_inum.fill_taken(key);
        ns::warn_on(true);
        return Err(EEXIST);
    }
    Ok(())
}

/// Numbers a namespace the component itself made, once it is fully set up, gives it an id,
/// and enters it: pid namespaces, at the end of their creation (`create_new_namespaces()` then
/// leaves them to us). `ENOSPC` when every number is taken, `ENOMEM`. May sleep.
///
/// # Safety
///
/// The caller must hold the only reference to `ns`, which nobody else can reach yet and which
/// is not numbered yet.
pub(crate) unsafe fn number_and_enter(ns: &NsCommon) -> Result {
    let ptr = NonNull::from(ns);
    // SAFETY: The caller guarantees that nobody else can reach `ns` yet.
    unsafe {
        NsCommon::set_id(ptr, next_id());
        NsCommon::init_active_count(ptr);
    }
    take_key_then(|tree, key| {
        // SAFETY: The caller guarantees that nobody else can reach `ns` yet: not until it is in
        // the tree, which the stores below, ordered after this one by the lock, make it.
        unsafe { ns.set_inum(inum_of(key)) };
        let _ = tree.by_inum.fill(key, ptr);
        // SAFETY: `ns` has its id, and is in no tree; it leaves when its number is freed.
        unsafe { tree.by_id.insert(ptr) };
    })
}

/// Takes a free dynamic key, the last freed, growing the table if it has none, and calls `then`
/// with it and the tree, under one hold of the lock. `ENOSPC`, `ENOMEM`. May sleep.
fn take_key_then(then: impl FnOnce(&mut Tree, u32)) -> Result {
    loop {
        let mut tree = lock();
        let grow_to = match tree.by_inum.take() {
            Ok(key) => {
                then(&mut tree, key);
                return Ok(());
            }
            Err(TakeError::NoSpace) => return Err(ENOSPC),
            Err(TakeError::Grow(slots)) => slots,
        };
        drop(tree);
        let spare = InumTable::spare(grow_to)?;
        let unused = lock().by_inum.grow(spare);
        drop(unused);
    }
}

/// Enters a namespace that is fully set up: 0 or a negative errno.
///
/// # Safety
///
/// `ns` must be a live, set-up namespace, numbered by `ns_alloc_inum()` and freed only after
/// `ns_free_inum()`, that only its creator reaches if it has no id yet.
#[no_mangle]
pub unsafe extern "C" fn ns_registry_add(ns: *mut bindings::ns_common) -> c_int {
    // SAFETY: The caller guarantees a live namespace for the call.
    let ns = unsafe { NsCommon::from_raw(ns) };
    add(ns, IdFrom::of(ns)).map_or_else(|e| e.to_errno(), |()| 0)
}

/// Enters the namespaces `create_new_namespaces()` just made in `new`, those the
/// `CLONE_NEW*` bits of `flags` stand for, but pid namespaces, entered as they are made
/// ([`number_and_enter`]). 0 or a negative errno; on failure some may be entered, and leave
/// when freed.
///
/// # Safety
///
/// `new` must be a set-up nsproxy the caller holds and nobody else reaches yet, its namespaces
/// numbered by `ns_alloc_inum()` and freed only after `ns_free_inum()`.
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
    new.for_each_made_by(flags, |ns| add(ns, IdFrom::of(ns)))
        .map_or_else(|e| e.to_errno(), |()| 0)
}

/// `ns_tree_gen_id()`: gives the namespace at `ns` its id and returns it, for the types whose
/// C code needs it while the namespace is being set up (net, for its cookie; mount, for
/// `statmount(2)`). The initial namespace of its type gets its fixed id: `init_net`, and the
/// mount namespace made while the initial nsproxy has none (`init_mount_tree()`, at boot).
///
/// # Safety
///
/// `ns` must point to the `ns_common` of a namespace being set up, that only the caller reaches,
/// and whose `ops`, if set, is that of its type.
#[no_mangle]
pub unsafe extern "C" fn ns_tree_gen_id(ns: *mut bindings::ns_common) -> u64 {
    let Some(ptr) = NonNull::new(ns.cast::<NsCommon>()) else {
        return 0;
    };
    let id = match initial_type(ns) {
        Some(ty) => initial_id(ty),
        None => next_id(),
    };
    // SAFETY: The caller guarantees that nobody else reaches the namespace yet, so nobody has
    // taken an active reference on it either: its count starts here, with its id.
    unsafe {
        NsCommon::set_id(ptr, id);
        NsCommon::init_active_count(ptr);
    }
    id
}

/// The type of the namespace at `ns` if it is the initial one of a type whose C code asks for
/// its id ([`ns_tree_gen_id`]): only compares addresses, and reads `ops`.
fn initial_type(ns: *const bindings::ns_common) -> Option<NsType> {
    let [mnt, .., net, _] = NsProxy::init().addresses();
    if core::ptr::eq(ns, net.cast_const()) {
        return Some(NsType::Net);
    }
    // SAFETY: The caller of `ns_tree_gen_id` guarantees a namespace being set up, whose `ops`
    // only its creator writes: null, or the static operations of its type.
    let ops = unsafe { (*ns).ops };
    let is_mnt = !ops.is_null()
        // SAFETY: A non-null `ops` is the static operations of the namespace's type.
        && unsafe { NsOperations::from_raw(ops) }.clone_flag() == bindings::CLONE_NEWNS;
    (is_mnt && mnt.is_null()).then_some(NsType::Mnt)
}

/// `proc_alloc_inum()`: takes a free inode number from `0xF0000000` on, for a namespace or a
/// procfs entry (the last freed, else the smallest never used), and stores it in `*inum`. 0,
/// `-ENOSPC` when all are taken, or `-ENOMEM`. May sleep.
///
/// # Safety
///
/// `inum` must be valid for a write.
#[no_mangle]
pub unsafe extern "C" fn nsrs_alloc_inum(inum: *mut c_uint) -> c_int {
    let mut taken = 0;
    match take_key_then(|_, key| taken = key) {
        Ok(()) => {
            // SAFETY: The caller guarantees `inum` is valid for a write.
            unsafe { inum.write(inum_of(taken)) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `proc_free_inum()`: frees inode number `inum`, and removes the namespace entered with it,
/// if any, before that namespace is freed. Any context: it only takes the tree's irq-safe
/// spinlock. A number that is not taken, or freed twice, is refused with a warning, as the IDA
/// does.
#[no_mangle]
pub extern "C" fn nsrs_free_inum(inum: c_uint) {
    let mut tree = lock();
    match tree.by_inum.free(key_of(inum)) {
        // SAFETY: A namespace entered under a key is in the tree by id until its key is freed,
        // which is now.
        Some(Slot::Entry(ns)) => unsafe { tree.by_id.remove(ns) },
        Some(_) => {}
        None => {
            ns::warn_on(true);
        }
    }
}

/// Returns the live namespace with inode number `inum`, counted.
pub(crate) fn get(inum: u32) -> Option<ARef<NsCommon>> {
    let tree = lock();
    let Slot::Entry(ptr) = tree.by_inum.get(key_of(inum))? else {
        return None;
    };
    // SAFETY: An entry's memory is not freed before it is removed, which waits for the lock we
    // hold (see the module's documentation).
    unsafe { NsCommon::try_get(ptr) }
}

/// Returns the live namespace with id `id`, counted.
pub(crate) fn find(id: u64) -> Option<ARef<NsCommon>> {
    let tree = lock();
    let ptr = tree.by_id.find(id)?;
    // SAFETY: As in `get`: the memory is not freed while we hold the lock.
    unsafe { NsCommon::try_get(ptr) }
}

/// How far a batch got: the position (inode number or id) to go on from, or the end.
pub(crate) type Next = Option<u64>;

/// How many entries a batch of `/proc/namespaces` takes per hold of the lock.
const BATCH: usize = 32;

/// How many ids a batch of `listns()` takes per hold of the lock: 64 ids are read in about as
/// many instructions as one entry of `/proc/namespaces` is formatted in.
pub(crate) const ID_BATCH: usize = 64;

/// Fills `out` with what `take` makes of the entered namespaces from inode number `from` on,
/// in order, under one hold of the lock (`take` is called with it held, and skips an entry by
/// returning `None`); returns how many, and where to go on from.
fn batch_by_inum<T>(
    from: u64,
    out: &mut [T],
    take: impl Fn(u32, NonNull<NsCommon>) -> Option<T>,
) -> (usize, Next) {
    let from = from
        .saturating_sub(u64::from(INUM_BASE))
        .min(u64::from(u32::MAX)) as u32;
    let tree = lock();
    let (n, last) = collect(tree.by_inum.entries_from(from), BATCH, out, |key, ptr| {
        take(inum_of(key), ptr)
    });
    (n, last.map(|key| u64::from(inum_of(key)) + 1))
}

/// Fills `out` with what `take` makes of the first `want` (at most) of `entries`, skipping
/// those it returns `None` for; returns how many, and the position of the last entry seen if
/// there were `want` of them (more may follow).
#[inline]
fn collect<P: Copy, T>(
    entries: impl Iterator<Item = (P, NonNull<NsCommon>)>,
    want: usize,
    out: &mut [T],
    take: impl Fn(P, NonNull<NsCommon>) -> Option<T>,
) -> (usize, Option<P>) {
    let want = out.len().min(want);
    let (mut n, mut seen, mut last) = (0, 0, None);
    for (pos, ptr) in entries.take(want) {
        seen += 1;
        last = Some(pos);
        if let Some(item) = take(pos, ptr) {
            out[n] = item;
            n += 1;
        }
    }
    (n, last.filter(|_| seen == want))
}

/// Fills `out` with the live namespaces from inode number `from` on, counted, in order, under
/// one hold of the lock; returns how many, and where to go on from.
pub(crate) fn next_batch(from: u64, out: &mut [Option<(u32, ARef<NsCommon>)>]) -> (usize, Next) {
    batch_by_inum(from, out, |inum, ptr| {
        // SAFETY: As in `get`: `batch_by_inum` calls us with the lock held.
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
    batch_by_inum(from, out, |inum, ptr| {
        // SAFETY: As in `get`: `batch_by_inum` calls us with the lock held, so the memory is not
        // freed.
        unsafe { NsCommon::peek_live(ptr) }.map(|ops| (inum, ops))
    })
}

/// Fills `out` with the ids of the live, active namespaces from id `from` on that `keep` keeps, in
/// order, under one hold of the lock (`keep` is called with it held, on a namespace it must
/// only peek at: see [`NsCommon::peek_live`]); returns how many, and where to go on from.
pub(crate) fn ids_from(
    from: u64,
    out: &mut [u64],
    keep: impl Fn(NonNull<NsCommon>, &'static NsOperations) -> bool,
) -> (usize, Next) {
    let tree = lock();
    let (n, last) = collect(tree.by_id.iter_from(from), ID_BATCH, out, |id, ptr| {
        // SAFETY: The lock is held, so the memory is not freed (see the module's documentation).
        let live = unsafe { NsCommon::peek_live(ptr) };
        // SAFETY: As above.
        let listed = live.filter(|_| unsafe { active::peek_is_active(ptr) });
        listed.is_some_and(|ops| keep(ptr, ops)).then_some(id)
    });
    (n, last.map(|id| id + 1))
}

/// Whether the first namespace at or above id `id` that `holds` holds is alive and active:
/// `None` if there is none. `holds` is called with the lock held, on a namespace it must only
/// peek at, whatever its count (see [`NsCommon::peek_ops`]).
pub(crate) fn first_is_active(
    id: u64,
    holds: impl Fn(NonNull<NsCommon>, &'static NsOperations) -> bool,
) -> Option<bool> {
    let tree = lock();
    let mut found = tree.by_id.iter_from(id).filter(|&(_, ptr)| {
        // SAFETY: The lock is held, so the memory is not freed (see the module's documentation).
        holds(ptr, unsafe { NsCommon::peek_ops(ptr) })
    });
    let (_, first) = found.next()?;
    // SAFETY: As above.
    let live = unsafe { NsCommon::peek_live(first) }.is_some();
    // SAFETY: As above.
    Some(live && unsafe { active::peek_is_active(first) })
}

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests;
