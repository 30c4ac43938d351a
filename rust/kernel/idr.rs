// SPDX-License-Identifier: GPL-2.0

//! An ID radix tree keyed by `u32`, with the spinlock that protects it.
//!
//! C header: [`include/linux/idr.h`](srctree/include/linux/idr.h).

use crate::{
    bindings,
    error::{code::*, Error, Result},
    ffi::{c_ulong, c_void},
    str::CStr,
    sync::{
        lock::{
            spinlock_irq::{SpinLockIrq, SpinLockIrqBackend},
            Backend, Guard,
        },
        LockClassKey,
    },
    types::Opaque,
};
use core::{marker::PhantomData, ops::RangeInclusive, ptr::NonNull};

/// What a taken key holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Slot<T> {
    /// Nothing: lookups pass over the key until something is put there.
    Empty,
    /// A pointer, which lookups find.
    Entry(NonNull<T>),
}

impl<T> Clone for Slot<T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Slot<T> {}

impl<T> Slot<T> {
    /// The pointer, if the slot holds one.
    #[inline]
    pub fn entry(self) -> Option<NonNull<T>> {
        match self {
            Slot::Entry(ptr) => Some(ptr),
            _ => None,
        }
    }

    /// The value stored in the tree for this slot.
    #[inline]
    fn into_raw(self) -> *mut c_void {
        match self {
            Slot::Empty => core::ptr::null_mut(),
            Slot::Entry(ptr) => ptr.as_ptr().cast(),
        }
    }

    /// The slot of a value stored in the tree: null, or a pointer the map stored.
    #[inline]
    fn from_raw(raw: *mut c_void) -> Self {
        NonNull::new(raw.cast()).map_or(Slot::Empty, Slot::Entry)
    }
}

/// A map from `u32` keys to non-null pointers to `T`, on `struct idr`, with a spinlock taken
/// with interrupts disabled and restored (`spin_lock_irqsave()`): entries may be removed from
/// any context, for example under another irq-safe lock, or when an RCU callback drops the last
/// reference of an object.
///
/// A key may also be taken without a pointer ([`IdrGuard::alloc`] with [`Slot::Empty`]):
/// lookups and [`IdrGuard::gather`] pass over it until
/// [`IdrGuard::replace`] puts a pointer there, and no other entry can take it until it is
/// removed. That makes the map an allocator of keys as well.
///
/// The map does not own what the pointers point to: its user decides what keeps them valid.
///
/// The tree points back at the `struct idr` it grows from, so a map must not move once
/// initialised: [`Idr::init`] takes it by `&'static`, as a `static` is.
///
/// # Examples
///
/// ```
/// use core::ptr::NonNull;
/// use kernel::{
///     c_str,
///     error::Error,
///     idr::{Idr, Slot},
///     static_lock_class,
/// };
///
/// // SAFETY: Initialised below, before any other use.
/// static MAP: Idr<u32> = unsafe { Idr::new() };
/// static ONE: u32 = 1;
/// static TWO: u32 = 2;
/// // SAFETY: The map's first use; nothing else uses it.
/// unsafe { MAP.init(c_str!("doctest idr"), static_lock_class!()) };
/// let (one, two) = (NonNull::from(&ONE), NonNull::from(&TWO));
/// let take = |slot| MAP.with_preload(|| MAP.lock().alloc(5..=100, slot));
///
/// // Keys taken empty: lookups find nothing there, and nothing else takes them.
/// assert_eq!((take(Slot::Empty)?, take(Slot::Empty)?), (5, 6));
/// assert_eq!(MAP.lock().get(5), None);
/// assert_eq!(MAP.lock().get(6), None);
///
/// // Filled, emptied and filled again: the key stays taken throughout, and each replacement
/// // says what was there.
/// assert_eq!(MAP.lock().replace(5, Slot::Entry(one))?, Slot::Empty);
/// assert_eq!(MAP.lock().get(5), Some(one));
/// assert_eq!(MAP.lock().replace(5, Slot::Empty)?, Slot::Entry(one));
/// assert_eq!(take(Slot::Empty)?, 7);
/// assert_eq!(MAP.lock().replace(5, Slot::Entry(two))?, Slot::Empty);
/// assert_eq!(MAP.lock().replace(6, Slot::Entry(one))?, Slot::Empty);
/// assert_eq!(MAP.lock().replace(7, Slot::Entry(one))?, Slot::Empty);
///
/// // A removed key is free: replacing it fails; taken again, it holds what it is given.
/// assert_eq!(MAP.lock().remove(5), Slot::Entry(two));
/// assert_eq!(MAP.lock().replace(5, Slot::Entry(one)), Err(kernel::error::code::ENOENT));
/// assert_eq!(MAP.lock().remove(5), Slot::Empty);
/// assert_eq!(take(Slot::Empty)?, 5);
/// assert_eq!(MAP.lock().replace(5, Slot::Entry(one))?, Slot::Empty);
/// assert_eq!(MAP.lock().get(5), Some(one));
///
/// // Entries come back in order; empty keys are passed over.
/// assert_eq!(MAP.lock().replace(6, Slot::Empty)?, Slot::Entry(one));
/// let mut found = [(0, None); 4];
/// assert_eq!(MAP.lock().gather(0, &mut found), 2);
/// assert_eq!(&found[..2], &[(5, Some(one)), (7, Some(one))]);
///
/// // A full range.
/// let full = MAP.with_preload(|| MAP.lock().alloc(5..=7, Slot::Empty));
/// assert_eq!(full, Err(kernel::error::code::ENOSPC));
///
/// // A map with its only key at 0 keeps it in the tree's root.
/// for key in [5, 6, 7] {
///     MAP.lock().remove(key);
/// }
/// assert_eq!(MAP.with_preload(|| MAP.lock().alloc(0..=0, Slot::Empty))?, 0);
/// assert_eq!(MAP.lock().replace(0, Slot::Entry(two))?, Slot::Empty);
/// assert_eq!(MAP.lock().get(0), Some(two));
/// assert_eq!(MAP.lock().remove(0), Slot::Entry(two));
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// Once [`Idr::init`] has been called, as [`Idr::new`]'s caller guarantees before any other
/// use, `idr` and `lock` are initialised, the map does not move, and the tree is only accessed
/// with `lock` held.
pub struct Idr<T> {
    idr: Opaque<bindings::idr>,
    lock: Opaque<bindings::spinlock_t>,
    _entries: PhantomData<*const T>,
}

// SAFETY: The tree is only touched with the lock held (type invariants); the pointers it keeps
// are not dereferenced by the map.
unsafe impl<T> Sync for Idr<T> {}

// SAFETY: The map owns nothing that is tied to a thread; the pointers it keeps are not
// dereferenced by it.
unsafe impl<T> Send for Idr<T> {}

impl<T> Idr<T> {
    /// Creates an uninitialised map, for a `static`.
    ///
    /// # Safety
    ///
    /// [`Idr::init`] must be called on the map before any other method.
    #[inline]
    pub const unsafe fn new() -> Self {
        Self {
            idr: Opaque::uninit(),
            lock: Opaque::uninit(),
            _entries: PhantomData,
        }
    }

    /// Initialises the map, its lock in the lock class `key` under `name`.
    ///
    /// # Safety
    ///
    /// Must be called once, before any other method and without any concurrent use.
    #[inline]
    pub unsafe fn init(&'static self, name: &'static CStr, key: &'static LockClassKey) {
        // SAFETY: The caller guarantees exclusive access; both are valid memory to initialise,
        // which never moves (`'static`); `name` and `key` live forever.
        unsafe {
            bindings::idr_init(self.idr.get());
            SpinLockIrqBackend::init(self.lock.get(), name.as_char_ptr(), key.as_ptr());
        }
    }

    /// Locks the map.
    #[inline]
    pub fn lock(&self) -> IdrGuard<'_, T> {
        // SAFETY: The lock is initialised and does not move (type invariants); it only guards
        // the tree, which is only reached through the guard.
        let lock = unsafe { SpinLockIrq::<()>::from_raw(self.lock.get()) };
        IdrGuard {
            map: self,
            _guard: lock.lock(),
        }
    }

    /// Inserts `ptr` at `key`; `EBUSY` if the key is taken, `ENOMEM` if a node cannot be
    /// allocated. May sleep.
    #[inline]
    pub fn insert(&self, key: u32, ptr: NonNull<T>) -> Result {
        let ret = self.with_preload(|| self.lock().alloc(key..=key, Slot::Entry(ptr)));
        match ret {
            Ok(_) => Ok(()),
            Err(e) if e == ENOSPC => Err(EBUSY),
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
            Err(e) if e == ENOMEM => {
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

/// The map, locked; the saved interrupt state is restored on drop. Not `Send`: the lock is
/// released by the context that took it.
///
/// # Invariants
///
/// `_guard` holds `map`'s lock.
pub struct IdrGuard<'a, T> {
    map: &'a Idr<T>,
    _guard: Guard<'a, (), SpinLockIrqBackend>,
}

impl<T> IdrGuard<'_, T> {
    /// The tree, for a call with the lock held.
    #[inline]
    fn idr(&self) -> *mut bindings::idr {
        self.map.idr.get()
    }

    /// Returns the pointer at `key`, if there is one.
    #[inline]
    pub fn get(&self, key: u32) -> Option<NonNull<T>> {
        // SAFETY: The lock is held (type invariants).
        Slot::from_raw(unsafe { bindings::idr_find(self.idr(), key as c_ulong) }).entry()
    }

    /// Fills `out` with the entries whose keys are `from` or more, in order, in one walk of the
    /// tree, empty keys passed over; returns how many.
    pub fn gather(&self, from: u64, out: &mut [(u32, Option<NonNull<T>>)]) -> usize {
        const CHUNK: usize = 32;
        let Ok(start) = c_ulong::try_from(from) else {
            return 0;
        };
        let mut ids = [0 as c_ulong; CHUNK];
        let mut entries = [core::ptr::null_mut::<c_void>(); CHUNK];
        let want = out.len().min(CHUNK);
        // SAFETY: The lock is held; the arrays have room for `want` entries each.
        let n = unsafe {
            bindings::nsrs_idr_gather(
                self.idr(),
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
                out[kept] = (key, Slot::from_raw(entries[i]).entry());
                kept += 1;
            }
        }
        kept
    }

    /// Takes the smallest free key in `keys` and puts `slot` there. `ENOSPC` if every key in the
    /// range is taken, `ENOMEM` if a tree node is missing and cannot be allocated without
    /// sleeping (see [`Idr::with_preload`]).
    pub fn alloc(&mut self, keys: RangeInclusive<u32>, slot: Slot<T>) -> Result<u32> {
        let mut id = *keys.start();
        // SAFETY: The lock is held; `id` is a valid place for the key. `GFP_NOWAIT`: the lock
        // is a spinlock, with interrupts off.
        let ret = unsafe {
            bindings::idr_alloc_u32(
                self.idr(),
                slot.into_raw(),
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

    /// Puts `slot` at `key`, which must be taken (by [`IdrGuard::alloc`] or [`Idr::insert`]);
    /// the key stays taken whatever `slot` is. Returns what was there; `ENOENT` if the key is
    /// free.
    #[inline]
    pub fn replace(&mut self, key: u32, slot: Slot<T>) -> Result<Slot<T>> {
        // SAFETY: The lock is held.
        let old = unsafe { bindings::idr_replace(self.idr(), slot.into_raw(), key as c_ulong) };
        Ok(Slot::from_raw(crate::error::from_err_ptr(old)?))
    }

    /// Frees `key`, returning what it held ([`Slot::Empty`] if it was free).
    #[inline]
    pub fn remove(&mut self, key: u32) -> Slot<T> {
        // SAFETY: The lock is held.
        Slot::from_raw(unsafe { bindings::idr_remove(self.idr(), key as c_ulong) })
    }
}
