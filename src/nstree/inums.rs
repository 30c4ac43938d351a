// SPDX-License-Identifier: GPL-2.0

//! The inode numbers of namespaces and procfs entries, and the namespace entered with each.
//!
//! A table indexed by key (inode number minus [`INUM_BASE`]), owned in Rust. The keys of the
//! initial namespaces' fixed numbers come first; the dynamic ones, which `proc_alloc_inum()`
//! hands out, follow. Free keys are chained through their slots, the last freed first: taking
//! a number, entering a namespace under it, finding it and freeing it each touch one slot. The
//! table grows, by doubling, when every key it has is taken; it never shrinks (a slot is 16
//! bytes: a million numbers taken at once leave 16 MiB behind).

use core::ptr::NonNull;
use kernel::{
    alloc::{
        flags::{GFP_ATOMIC, GFP_KERNEL},
        KVVec,
    },
    error::{code::*, Result},
    ns::NsCommon,
};

/// The smallest inode number a namespace has: the initial ones' fixed numbers start above it
/// (`MNT_NS_INIT_INO` = `0xEFFFFFF8`), the others' follow from [`DYNAMIC_FIRST`].
pub(super) const INUM_BASE: u32 = 0xEFFF_FFF0;

/// The first inode number `proc_alloc_inum()` hands out (`PROC_DYNAMIC_FIRST`); the last is
/// `u32::MAX`.
pub(super) const DYNAMIC_FIRST: u32 = 0xF000_0000;

/// The first dynamic key: the keys below are those of the fixed numbers.
const FIRST_DYNAMIC_KEY: u32 = key_of(DYNAMIC_FIRST);

/// How many keys there are: up to `u32::MAX`'s.
const KEYS: usize = key_of(u32::MAX) as usize + 1;

/// The number of slots a table starts with.
pub(super) const INITIAL_SLOTS: usize = 64;

/// The key of inode number `inum`.
pub(super) const fn key_of(inum: u32) -> u32 {
    inum.wrapping_sub(INUM_BASE)
}

/// The inode number of key `key`.
pub(super) const fn inum_of(key: u32) -> u32 {
    key.wrapping_add(INUM_BASE)
}

/// What a key holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    /// Free; the next free key, or `NO_KEY`.
    Free(u32),
    /// Taken, with no namespace entered: a procfs entry's number, a namespace still being set
    /// up, or a fixed number no initial namespace has entered.
    Taken,
    /// Taken by the namespace at the pointer, entered. The table does not own it.
    Entry(NonNull<NsCommon>),
}

/// The end of the chain of free keys.
const NO_KEY: u32 = u32::MAX;

/// Why a key could not be taken.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TakeError {
    /// Every slot is taken: the table must grow to the given number of slots first.
    Grow(usize),
    /// Every number is taken.
    NoSpace,
}

/// The table.
///
/// # Invariants
///
/// - `slots` holds at least [`FIRST_DYNAMIC_KEY`] slots once [`InumTable::grow`] first ran;
///   those keys are never free.
/// - The free keys are exactly those chained from `free`, each once.
/// - Bit `key` of `entered` is set exactly when slot `key` is [`Slot::Entry`]; `entered` has a
///   word for every 64 slots.
pub(super) struct InumTable {
    slots: KVVec<Slot>,
    entered: KVVec<u64>,
    free: u32,
}

/// The storage of a grown table, allocated before the lock is taken ([`InumTable::spare`]).
pub(super) struct Spare {
    slots: KVVec<Slot>,
    entered: KVVec<u64>,
}

/// The word of `entered` that key `key`'s bit is in, and the bit.
const fn bit_of(key: usize) -> (usize, u64) {
    (key / 64, 1 << (key % 64))
}

// SAFETY: The table only keeps the addresses of namespaces, which are not tied to a thread, and
// does not dereference them.
unsafe impl Send for InumTable {}

impl InumTable {
    /// An empty table, with no slot: [`InumTable::take`] asks for it to grow first.
    pub(super) const fn new() -> Self {
        Self {
            slots: KVVec::new(),
            entered: KVVec::new(),
            free: NO_KEY,
        }
    }

    /// Takes a free dynamic key, the last freed, leaving it [`Slot::Taken`].
    #[inline]
    pub(super) fn take(&mut self) -> core::result::Result<u32, TakeError> {
        if self.free != NO_KEY {
            let key = self.free;
            let Slot::Free(next) = self.slots[key as usize] else {
                unreachable!("the chain of free keys holds free keys only");
            };
            self.free = next;
            // A free slot is no entry: its bit is clear already.
            self.slots[key as usize] = Slot::Taken;
            return Ok(key);
        }
        match self.slots.len() {
            len if len >= KEYS => Err(TakeError::NoSpace),
            0 => Err(TakeError::Grow(INITIAL_SLOTS)),
            len => Err(TakeError::Grow((len * 2).min(KEYS))),
        }
    }

    /// Makes the storage for [`InumTable::grow`], with room for `slots` slots. May sleep.
    pub(super) fn spare(slots: usize) -> Result<Spare> {
        Ok(Spare {
            slots: KVVec::with_capacity(slots, GFP_KERNEL)?,
            entered: KVVec::with_capacity(slots.div_ceil(64), GFP_KERNEL)?,
        })
    }

    /// Moves the table into `spare`, if it is larger and the table has no free key (another
    /// thread may have grown it in between), and chains the new slots as free. Returns the
    /// storage that is no longer used, to be freed once the lock is released.
    pub(super) fn grow(&mut self, mut spare: Spare) -> Spare {
        let (len, room) = (self.slots.len(), spare.slots.capacity());
        if self.free != NO_KEY || room <= len || spare.entered.capacity() * 64 < room {
            return spare;
        }
        // Nothing below allocates: `spare` has room for all of it.
        let _ = spare.slots.extend_from_slice(&self.slots, GFP_ATOMIC);
        let _ = spare.entered.extend_from_slice(&self.entered, GFP_ATOMIC);
        while spare.entered.len() < room.div_ceil(64) {
            let _ = spare.entered.push(0, GFP_ATOMIC);
        }
        let first_new = len.max(FIRST_DYNAMIC_KEY as usize);
        while spare.slots.len() < first_new {
            let _ = spare.slots.push(Slot::Taken, GFP_ATOMIC);
        }
        // Chain the new keys, which are all the free ones, smallest first.
        for key in first_new..room {
            let next = if key + 1 < room {
                key as u32 + 1
            } else {
                NO_KEY
            };
            let _ = spare.slots.push(Slot::Free(next), GFP_ATOMIC);
        }
        if first_new < room {
            self.free = first_new as u32;
        }
        Spare {
            slots: core::mem::replace(&mut self.slots, spare.slots),
            entered: core::mem::replace(&mut self.entered, spare.entered),
        }
    }

    /// Sets or clears the bit of `key` in `entered`, as its slot becomes an entry or stops being
    /// one.
    #[inline]
    fn mark_entered(&mut self, key: usize, entered: bool) {
        let (word, bit) = bit_of(key);
        if let Some(word) = self.entered.get_mut(word) {
            if entered {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// What `key` holds; `None` beyond the table.
    #[inline]
    pub(super) fn get(&self, key: u32) -> Option<Slot> {
        self.slots.get(key as usize).copied()
    }

    /// Enters the namespace at `ns` under `key`, which must be taken, empty or holding `ns`
    /// already; `ENOENT` otherwise (free, or beyond the table).
    #[inline]
    pub(super) fn fill(&mut self, key: u32, ns: NonNull<NsCommon>) -> Result<Slot> {
        let slot = self.slots.get_mut(key as usize).ok_or(ENOENT)?;
        let old = *slot;
        if let Slot::Free(_) = old {
            return Err(ENOENT);
        }
        *slot = Slot::Entry(ns);
        self.mark_entered(key as usize, true);
        Ok(old)
    }

    /// Makes the entered `key` taken, not entered, again.
    pub(super) fn fill_taken(&mut self, key: u32) -> Option<()> {
        let slot = self.slots.get_mut(key as usize)?;
        if let Slot::Entry(_) = *slot {
            *slot = Slot::Taken;
            self.mark_entered(key as usize, false);
        }
        Some(())
    }

    /// Frees `key`, returning what it held; `None`, and nothing done, if it was not taken.
    #[inline]
    pub(super) fn free(&mut self, key: u32) -> Option<Slot> {
        let dynamic = key >= FIRST_DYNAMIC_KEY;
        let slot = self.slots.get_mut(key as usize)?;
        let old = *slot;
        match old {
            Slot::Free(_) => return None,
            // A fixed number stays taken: it is its initial namespace's alone.
            _ if !dynamic => *slot = Slot::Taken,
            _ => {
                *slot = Slot::Free(self.free);
                self.free = key;
            }
        }
        if let Slot::Entry(_) = old {
            self.mark_entered(key as usize, false);
        }
        Some(old)
    }

    /// The entered namespaces from key `from` on, in the order of keys, with their keys: a
    /// walk of `entered`, a word (64 keys) at a time, so that what it costs follows the
    /// namespaces entered, not the size of the table.
    pub(super) fn entries_from(&self, from: u32) -> Entries<'_> {
        let from = from as usize;
        let (word, _) = bit_of(from);
        let bits = self
            .entered
            .get(word)
            .map_or(0, |w| w & (!0u64 << (from % 64)));
        Entries {
            table: self,
            word,
            bits,
        }
    }
}

/// The entered namespaces of an [`InumTable`], in the order of keys.
pub(super) struct Entries<'a> {
    table: &'a InumTable,
    /// The word of `entered` that `bits` is what is left of.
    word: usize,
    bits: u64,
}

impl Iterator for Entries<'_> {
    type Item = (u32, NonNull<NsCommon>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        while self.bits == 0 {
            self.word += 1;
            self.bits = *self.table.entered.get(self.word)?;
        }
        let key = self.word * 64 + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        match self.table.slots.get(key) {
            Some(&Slot::Entry(ns)) => Some((key as u32, ns)),
            // `entered` and `slots` are kept in step (type invariants).
            _ => None,
        }
    }
}
