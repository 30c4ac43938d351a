// SPDX-License-Identifier: GPL-2.0

//! The registry's parked keys: numbers freed and kept taken, empty, for the next numbers asked
//! for, so that a namespace made and freed in a loop (`unshare()`) never searches the tree for a
//! free key nor frees one of its nodes.
//!
//! A stack says which key goes next; a bitmap says which keys are on it, so that a number freed
//! a second time is refused, as the IDA of the stock kernel refuses it, and no key is ever
//! parked twice and handed to two namespaces. Both are the component's own, under the
//! registry's lock: nothing in the tree is marked.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::{idr::IdrGuard, ns::NsCommon};

/// How many keys may be parked at once: 4 KiB of stack. Pid namespaces are freed from RCU
/// callbacks, and ipc and net ones by a worker, in batches of dozens after as many were made, and
/// each net namespace frees the numbers of its procfs entries with it.
pub(super) const MAX_PARKED: usize = 1024;

/// Keys from this one on are never parked: the bitmap covers 65,536 keys (8 KiB), many more
/// than there are live namespaces and procfs entries on most systems.
pub(super) const KEYS_COVERED: u32 = 1 << 16;

/// Why a key was not parked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NotParked {
    /// The key is parked already: it was freed twice.
    Twice,
    /// The stack is full, or the key is beyond the bitmap.
    NoRoom,
}

/// The parked keys. Atomics only to be shareable in a static: every access is made with the
/// registry's lock held, which the methods take a guard of to show.
///
/// # Invariants
///
/// `stack[..len]` holds distinct keys below [`KEYS_COVERED`], and the bit of a key in `bits` is
/// set if and only if the key is in `stack[..len]`.
pub(super) struct Parked {
    stack: [AtomicU32; MAX_PARKED],
    len: AtomicU32,
    bits: [AtomicU64; (KEYS_COVERED / 64) as usize],
}

impl Parked {
    /// No key parked.
    pub(super) const fn new() -> Self {
        // INVARIANT: An empty stack and no bit set.
        Self {
            stack: [const { AtomicU32::new(0) }; MAX_PARKED],
            len: AtomicU32::new(0),
            bits: [const { AtomicU64::new(0) }; (KEYS_COVERED / 64) as usize],
        }
    }

    /// The word and the bit of `key`, which is below [`KEYS_COVERED`].
    fn bit(&self, key: u32) -> (&AtomicU64, u64) {
        (&self.bits[(key / 64) as usize], 1 << (key % 64))
    }

    /// Whether `key` is parked.
    pub(super) fn contains(&self, _locked: &IdrGuard<'_, NsCommon>, key: u32) -> bool {
        if key >= KEYS_COVERED {
            return false;
        }
        let (word, bit) = self.bit(key);
        word.load(Ordering::Relaxed) & bit != 0
    }

    /// Whether [`Parked::push`] would take `key` for want of room.
    pub(super) fn has_room(&self, _locked: &IdrGuard<'_, NsCommon>, key: u32) -> bool {
        key < KEYS_COVERED && (self.len.load(Ordering::Relaxed) as usize) < MAX_PARKED
    }

    /// Parks `key`, which the caller keeps taken in the tree.
    pub(super) fn push(&self, locked: &IdrGuard<'_, NsCommon>, key: u32) -> Result<(), NotParked> {
        if self.contains(locked, key) {
            return Err(NotParked::Twice);
        }
        if !self.has_room(locked, key) {
            return Err(NotParked::NoRoom);
        }
        let len = self.len.load(Ordering::Relaxed);
        let (word, bit) = self.bit(key);
        // INVARIANT: The key is below `KEYS_COVERED` and not on the stack (its bit was clear);
        // it goes on the stack and its bit is set, under the lock.
        self.stack[len as usize].store(key, Ordering::Relaxed);
        self.len.store(len + 1, Ordering::Relaxed);
        word.fetch_or(bit, Ordering::Relaxed);
        Ok(())
    }

    /// Takes the key parked last, if there is one; it is still taken in the tree, empty.
    pub(super) fn pop(&self, _locked: &IdrGuard<'_, NsCommon>) -> Option<u32> {
        let len = self.len.load(Ordering::Relaxed).checked_sub(1)?;
        let key = self.stack[len as usize].load(Ordering::Relaxed);
        let (word, bit) = self.bit(key);
        // INVARIANT: The key leaves the stack and its bit is cleared, under the lock.
        self.len.store(len, Ordering::Relaxed);
        word.fetch_and(!bit, Ordering::Relaxed);
        Some(key)
    }
}

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests {
    use super::*;
    use kernel::{kunit_case_assert, kunit_suite};

    /// The cases' own parked keys, in a static: 12 KiB is too big for a kernel stack.
    static PARKED: Parked = Parked::new();

    /// Empties the test stack.
    fn drain(locked: &IdrGuard<'_, NsCommon>) {
        while PARKED.pop(locked).is_some() {}
    }

    fn the_last_parked_comes_out_first() {
        let locked = super::super::lock();
        drain(&locked);
        kunit_case_assert!(PARKED.push(&locked, 7) == Ok(()));
        kunit_case_assert!(PARKED.push(&locked, 9) == Ok(()));
        kunit_case_assert!(PARKED.contains(&locked, 7) && PARKED.contains(&locked, 9));
        kunit_case_assert!(PARKED.pop(&locked) == Some(9));
        kunit_case_assert!(!PARKED.contains(&locked, 9));
        kunit_case_assert!(PARKED.pop(&locked) == Some(7));
        kunit_case_assert!(PARKED.pop(&locked).is_none());
    }

    fn a_key_is_never_parked_twice() {
        let locked = super::super::lock();
        drain(&locked);
        kunit_case_assert!(PARKED.push(&locked, 42) == Ok(()));
        kunit_case_assert!(PARKED.push(&locked, 42) == Err(NotParked::Twice));
        kunit_case_assert!(PARKED.pop(&locked) == Some(42));
        kunit_case_assert!(PARKED.pop(&locked).is_none());
        // Taken out, it may be parked again.
        kunit_case_assert!(PARKED.push(&locked, 42) == Ok(()));
        drain(&locked);
    }

    fn no_room_beyond_the_bitmap_or_the_stack() {
        let locked = super::super::lock();
        drain(&locked);
        kunit_case_assert!(PARKED.push(&locked, KEYS_COVERED) == Err(NotParked::NoRoom));
        kunit_case_assert!(!PARKED.contains(&locked, KEYS_COVERED));
        for key in 0..MAX_PARKED as u32 {
            kunit_case_assert!(PARKED.push(&locked, key) == Ok(()));
        }
        kunit_case_assert!(!PARKED.has_room(&locked, KEYS_COVERED - 1));
        kunit_case_assert!(PARKED.push(&locked, KEYS_COVERED - 1) == Err(NotParked::NoRoom));
        // A full stack still refuses a key twice as such.
        kunit_case_assert!(PARKED.push(&locked, 0) == Err(NotParked::Twice));
        drain(&locked);
        kunit_case_assert!(!PARKED.contains(&locked, 0));
    }

    kunit_suite!(
        nsrs_registry_parked,
        [
            the_last_parked_comes_out_first,
            a_key_is_never_parked_twice,
            no_room_beyond_the_bitmap_or_the_stack,
        ]
    );
}
