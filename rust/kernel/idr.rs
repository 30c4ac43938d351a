// SPDX-License-Identifier: GPL-2.0

//! An ID radix tree keyed by `u32`, with the spinlock that protects it.
//!
//! C header: [`include/linux/idr.h`](srctree/include/linux/idr.h).

use crate::{
    bindings,
    error::{Error, Result},
    ffi::{c_ulong, c_void},
    types::Opaque,
};
use core::{
    marker::PhantomData,
    ops::RangeInclusive,
    ptr::NonNull,
    sync::atomic::{AtomicPtr, AtomicU32, Ordering},
};

/// A map from `u32` keys to non-null pointers to `T`, on `struct idr`, with a spinlock taken
/// with interrupts disabled and restored (`spin_lock_irqsave()`): entries may be removed from
/// any context, for example under another irq-safe lock, or when an RCU callback drops the last
/// reference of an object.
///
/// A key may also be taken but empty ([`IdrGuard::alloc`] with `None`): lookups and
/// [`IdrGuard::gather`] pass over it until [`IdrGuard::replace`] fills it, and no other entry
/// can take it until it is removed. That makes the map an allocator of keys as well.
///
/// The map does not own what the pointers point to: its user decides what keeps them valid.
///
/// # Examples
///
/// ```
/// use core::ptr::NonNull;
/// use kernel::{error::Error, idr::Idr};
///
/// static MAP: Idr<u32> = Idr::new();
/// static ONE: u32 = 1;
/// static TWO: u32 = 2;
/// // SAFETY: The map's first use; nothing else uses it.
/// unsafe { MAP.init() };
/// let (one, two) = (NonNull::from(&ONE), NonNull::from(&TWO));
/// let take = || MAP.with_preload(|| MAP.lock().alloc(5..=100, None));
///
/// // Keys taken empty: lookups find nothing there, and nothing else takes them.
/// assert_eq!((take()?, take()?), (5, 6));
/// assert_eq!(MAP.lock().get(5), None);
///
/// // Filled, emptied and filled again: the key stays taken throughout.
/// assert_eq!(MAP.lock().replace(5, Some(one))?, None);
/// assert_eq!(MAP.lock().get(5), Some(one));
/// assert_eq!(MAP.lock().replace(5, None)?, Some(one));
/// assert_eq!(take()?, 7);
/// assert_eq!(MAP.lock().replace(5, Some(two))?, None);
/// assert_eq!(MAP.lock().replace(6, Some(one))?, None);
/// assert_eq!(MAP.lock().replace(7, Some(one))?, None);
///
/// // A removed key is free: replacing it fails; taken again, its slot is found anew.
/// assert_eq!(MAP.lock().remove(5), Some(two));
/// assert!(MAP.lock().replace(5, Some(one)).is_err());
/// assert_eq!(take()?, 5);
/// assert_eq!(MAP.lock().replace(5, Some(one))?, None);
/// assert_eq!(MAP.lock().get(5), Some(one));
///
/// // Entries come back in order, empty keys passed over.
/// assert_eq!(MAP.lock().replace(6, None)?, Some(one));
/// let mut found = [(0, None); 4];
/// assert_eq!(MAP.lock().gather(0, &mut found), 2);
/// assert_eq!(&found[..2], &[(5, Some(one)), (7, Some(one))]);
///
/// // A map with its only key at 0 keeps it in the tree's root.
/// for key in [5, 6, 7] {
///     MAP.lock().remove(key);
/// }
/// assert_eq!(MAP.with_preload(|| MAP.lock().alloc(0..=0, None))?, 0);
/// assert_eq!(MAP.lock().replace(0, Some(two))?, None);
/// assert_eq!(MAP.lock().get(0), Some(two));
/// assert_eq!(MAP.lock().remove(0), Some(two));
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// After [`Idr::init`], `idr` and `lock` are initialised and the tree is only accessed with
/// `lock` held. `recent` is only accessed with `lock` held too; when the `node` of an element
/// of `recent` is not null, it is the leaf of the tree that holds the slots of the keys of
/// leaf number `leaf`.
pub struct Idr<T> {
    idr: Opaque<bindings::idr>,
    lock: Opaque<bindings::spinlock_t>,
    /// Leaves of the tree that [`IdrGuard::replace`] wrote to, each at index
    /// `leaf % RECENT_LEAVES`, so that the next replacement in one of them writes its slot
    /// without walking the tree: a namespace entered and then left, or the number of one left
    /// handed to the next (the registry parks many), while others come and go.
    ///
    /// A leaf stays where it is while it is in the tree: the tree grows and shrinks above its
    /// leaves, and frees one only when the last of its keys is removed, which forgets it here.
    recent: [RecentLeaf; RECENT_LEAVES],
    _entries: PhantomData<*const T>,
}

/// How many leaves [`Idr`] remembers: 4,096 neighbouring keys never share a place.
const RECENT_LEAVES: usize = 64;

/// How many keys a leaf of the tree holds (`XA_CHUNK_SIZE`).
const LEAF_KEYS: u32 = bindings::XA_CHUNK_SIZE as u32;

/// Bits of a leaf's tag words.
const TAG_BITS: usize = c_ulong::BITS as usize;

/// A leaf number (a key divided by [`LEAF_KEYS`]) and the leaf of the tree that holds its keys
/// (see [`Idr`]'s invariants); none when `node` is null. Atomics only to be shareable:
/// accessed with the map's lock held.
struct RecentLeaf {
    leaf: AtomicU32,
    node: AtomicPtr<bindings::xa_node>,
}

impl RecentLeaf {
    #[inline]
    const fn new() -> Self {
        Self {
            leaf: AtomicU32::new(0),
            node: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// The leaf of leaf number `leaf`, if it is this one's.
    #[inline]
    fn node_of(&self, leaf: u32) -> Option<NonNull<bindings::xa_node>> {
        let node = NonNull::new(self.node.load(Ordering::Relaxed))?;
        (self.leaf.load(Ordering::Relaxed) == leaf).then_some(node)
    }

    #[inline]
    fn set(&self, leaf: u32, node: *mut bindings::xa_node) {
        self.leaf.store(leaf, Ordering::Relaxed);
        self.node.store(node, Ordering::Relaxed);
    }
}

// SAFETY: The tree is only touched with the lock held (type invariants); the pointers it keeps
// are not dereferenced by the map.
unsafe impl<T> Sync for Idr<T> {}

// SAFETY: As above.
unsafe impl<T> Send for Idr<T> {}

impl<T> Idr<T> {
    /// Creates an uninitialised map, for a static; call [`Idr::init`] before any other method.
    #[inline]
    pub const fn new() -> Self {
        Self {
            idr: Opaque::uninit(),
            lock: Opaque::uninit(),
            recent: [const { RecentLeaf::new() }; RECENT_LEAVES],
            _entries: PhantomData,
        }
    }

    /// Initialises the map.
    ///
    /// # Safety
    ///
    /// Must be called once, before any other method and without any concurrent use.
    #[inline]
    pub unsafe fn init(&self) {
        // SAFETY: The caller guarantees exclusive access; both are valid memory to initialise.
        unsafe {
            bindings::idr_init(self.idr.get());
            bindings::nsrs_spin_lock_init(self.lock.get());
        }
    }

    /// Locks the map.
    #[inline]
    pub fn lock(&self) -> IdrGuard<'_, T> {
        // SAFETY: The lock is initialised (type invariants); it is released by the guard, which
        // restores the interrupt state saved here.
        let flags = unsafe { crate::ns::locks::spin_lock_irqsave(self.lock.get()) };
        IdrGuard(self, flags)
    }

    /// Inserts `ptr` at `key`; `EBUSY` if the key is taken, `ENOMEM` if a node cannot be
    /// allocated. May sleep.
    #[inline]
    pub fn insert(&self, key: u32, ptr: NonNull<T>) -> Result {
        let ret = self.with_preload(|| self.lock().alloc(key..=key, Some(ptr)));
        match ret {
            Ok(_) => Ok(()),
            Err(e) if e == crate::error::code::ENOSPC => Err(crate::error::code::EBUSY),
            Err(e) => Err(e),
        }
    }

    /// Runs `attempt`, which takes the lock and allocates nodes without sleeping, and if it
    /// fails for want of memory (`ENOMEM`) preloads nodes, sleeping if need be, and runs it
    /// once more. May sleep.
    ///
    /// Most attempts find their tree nodes in place: the preload, which disables preemption,
    /// is only paid when one is missing.
    #[inline]
    pub fn with_preload<R>(&self, attempt: impl Fn() -> Result<R>) -> Result<R> {
        match attempt() {
            Err(e) if e == crate::error::code::ENOMEM => {
                // SAFETY: Paired with `idr_preload_end()` below.
                unsafe { bindings::idr_preload(bindings::GFP_KERNEL) };
                let ret = attempt();
                // SAFETY: Ends the section `idr_preload()` began, on the same CPU (preemption
                // is off until then).
                unsafe { bindings::idr_preload_end() };
                ret
            }
            ret => ret,
        }
    }
}

impl<T> Default for Idr<T> {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

/// The map, locked; the saved interrupt state is restored on drop.
pub struct IdrGuard<'a, T>(&'a Idr<T>, c_ulong);

impl<T> IdrGuard<'_, T> {
    /// Returns the pointer at `key`.
    #[inline]
    pub fn get(&self, key: u32) -> Option<NonNull<T>> {
        // SAFETY: The lock is held.
        NonNull::new(unsafe { bindings::idr_find(self.0.idr.get(), key as c_ulong) }.cast())
    }

    /// Fills `out` with the entries whose keys are `from` or more, in order, in one walk of the
    /// tree; returns how many.
    pub fn gather(&self, from: u64, out: &mut [(u32, Option<NonNull<T>>)]) -> usize {
        const CHUNK: usize = 32;
        let Ok(start) = c_ulong::try_from(from) else {
            return 0;
        };
        let mut ids = [0 as c_ulong; CHUNK];
        let mut entries = [core::ptr::null_mut::<crate::ffi::c_void>(); CHUNK];
        let want = out.len().min(CHUNK);
        // SAFETY: The lock is held; the arrays have room for `want` entries each.
        let n = unsafe {
            bindings::nsrs_idr_gather(
                self.0.idr.get(),
                start,
                ids.as_mut_ptr(),
                entries.as_mut_ptr(),
                want as u32,
            )
        } as usize;
        let mut kept = 0;
        for i in 0..n.min(want) {
            // Keys beyond 32 bits are not ours: the map only inserts `u32` keys.
            if let Ok(key) = u32::try_from(ids[i]) {
                out[kept] = (key, NonNull::new(entries[i].cast()));
                kept += 1;
            }
        }
        kept
    }

    /// Takes the smallest free key in `keys` and puts `ptr` there; `None` keeps the key empty
    /// but taken, for [`IdrGuard::replace`] to fill later (lookups find nothing there until
    /// then). `ENOSPC` if every key in the range is taken, `ENOMEM` if a tree node is missing
    /// and cannot be allocated without sleeping (see [`Idr::with_preload`]).
    pub fn alloc(&mut self, keys: RangeInclusive<u32>, ptr: Option<NonNull<T>>) -> Result<u32> {
        let mut id = *keys.start();
        let entry = ptr.map_or(core::ptr::null_mut(), |p| p.as_ptr().cast());
        // SAFETY: The lock is held; `id` is a valid place for the key. `GFP_NOWAIT`: the lock
        // is a spinlock, with interrupts off.
        let ret = unsafe {
            bindings::idr_alloc_u32(
                self.0.idr.get(),
                entry,
                &mut id,
                *keys.end() as c_ulong,
                bindings::GFP_NOWAIT | bindings::__GFP_NOWARN,
            )
        };
        match ret {
            0 => Ok(id),
            e => Err(Error::from_errno(e)),
        }
    }

    /// Puts `ptr` at `key`, which must be taken (by [`IdrGuard::alloc`] or [`Idr::insert`]);
    /// `None` empties it, and it stays taken. Returns what was there; `ENOENT` if the key is
    /// free.
    #[inline]
    pub fn replace(&mut self, key: u32, ptr: Option<NonNull<T>>) -> Result<Option<NonNull<T>>> {
        let entry = ptr.map_or(core::ptr::null_mut(), |p| p.as_ptr().cast());
        let offset = (key % LEAF_KEYS) as usize;
        let Some(node) = self.leaf(key) else {
            return self.replace_slow(key, entry);
        };
        // SAFETY: `node` is a leaf of the tree, which the lock we hold keeps there (type
        // invariants); its tags only change with the lock held. `IDR_FREE` is a valid mark.
        let free_tags =
            unsafe { (*node.as_ptr()).__bindgen_anon_2.tags[bindings::IDR_FREE as usize] };
        if free_tags[offset / TAG_BITS] & (1 << (offset % TAG_BITS)) != 0 {
            return self.replace_slow(key, entry);
        }
        // SAFETY: `offset` is within the leaf's slots, and the key is taken (its `IDR_FREE` tag
        // is clear). The lock is held: nothing else writes the slot. Replacing an entry of a
        // taken key with another, or with nothing, changes no count or tag of the tree: a plain
        // store, ordered after the initialisation of what `entry` points to
        // (`rcu_assign_pointer()`).
        let old = unsafe {
            let slot = core::ptr::addr_of_mut!((*node.as_ptr()).slots[offset]);
            let old = slot.read();
            AtomicPtr::from_ptr(slot).store(entry, Ordering::Release);
            old
        };
        Ok(NonNull::new(old.cast()))
    }

    /// The leaf that holds the slot of `key`: remembered, or looked up and remembered. `None` if
    /// the tree has none there.
    #[inline]
    fn leaf(&mut self, key: u32) -> Option<NonNull<bindings::xa_node>> {
        let leaf = key / LEAF_KEYS;
        let recent = &self.0.recent[leaf as usize % RECENT_LEAVES];
        if let Some(node) = recent.node_of(leaf) {
            return Some(node);
        }
        // SAFETY: The lock is held.
        let node = unsafe { bindings::nsrs_idr_leaf(self.0.idr.get(), key as c_ulong) };
        let node = NonNull::new(node)?;
        recent.set(leaf, node.as_ptr());
        Some(node)
    }

    /// [`IdrGuard::replace`] for a key with no slot in a leaf (kept in the root), or free.
    #[inline]
    fn replace_slow(&mut self, key: u32, entry: *mut c_void) -> Result<Option<NonNull<T>>> {
        // SAFETY: The lock is held.
        let old = unsafe { bindings::idr_replace(self.0.idr.get(), entry, key as c_ulong) };
        Ok(NonNull::new(crate::error::from_err_ptr(old)?.cast()))
    }

    /// Frees `key`, returning its entry (`None` if the key was free, or taken but empty).
    #[inline]
    pub fn remove(&mut self, key: u32) -> Option<NonNull<T>> {
        // Its leaf may go if this was the last of its keys: forget it.
        let leaf = key / LEAF_KEYS;
        let recent = &self.0.recent[leaf as usize % RECENT_LEAVES];
        if recent.node_of(leaf).is_some() {
            recent.set(0, core::ptr::null_mut());
        }
        // SAFETY: The lock is held.
        NonNull::new(unsafe { bindings::idr_remove(self.0.idr.get(), key as c_ulong) }.cast())
    }
}

impl<T> Drop for IdrGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The guard exists only while the lock is held, by this context, with the
        // interrupt state `lock` saved.
        unsafe { crate::ns::locks::spin_unlock_irqrestore(self.0.lock.get(), self.1) };
    }
}
