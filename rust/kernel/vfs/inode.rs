// SPDX-License-Identifier: GPL-2.0

//! Inodes of a pseudo-filesystem.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h).

use super::{Borrowed, FileOperations, PseudoFs, SuperBlock};
use crate::{
    bindings,
    error::{code::ENOMEM, Result},
    types::{ForeignOwnable, Opaque},
};
use core::{marker::PhantomData, ptr::NonNull};

/// An inode, `struct inode`.
///
/// # Invariants
///
/// The inode is valid for as long as a reference to it exists: a positive dentry whose validity
/// the owner of the reference guarantees keeps it, or the owner holds a count on it.
#[repr(transparent)]
pub struct Inode(Opaque<bindings::inode>);

impl Inode {
    /// Creates a reference to the inode at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to an inode that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::inode) -> &'a Self {
        // SAFETY: `Inode` is a transparent wrapper of `struct inode`; the caller guarantees
        // validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer to the inode.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::inode {
        self.0.get()
    }

    /// Returns the inode number.
    #[inline]
    pub fn ino(&self) -> u64 {
        // SAFETY: The inode is valid by the type invariants; `i_ino` of a pseudo-filesystem's
        // inode is set before the inode is published and never changes.
        unsafe { (*self.as_raw()).i_ino as u64 }
    }

    /// Returns the superblock the inode belongs to.
    #[inline]
    pub fn super_block_ptr(&self) -> *mut bindings::super_block {
        // SAFETY: The inode is valid; `i_sb` never changes.
        unsafe { (*self.as_raw()).i_sb }
    }

    /// Borrows the data an inode of the pseudo-filesystem `F` owns.
    ///
    /// # Safety
    ///
    /// The inode must belong to a superblock of `F`, set up by [`NewInode`], and must not be
    /// evicted while the result is used: the caller holds a count on it, on a positive dentry of
    /// it, or that dentry's `d_lock`.
    #[inline]
    pub unsafe fn data<F: PseudoFs>(&self) -> Borrowed<'_, F> {
        // SAFETY: `i_private` was set from `F::InodeData::into_foreign()` before the inode was
        // published (the caller guarantees it is an inode of `F` made by `NewInode`) and is only
        // given back when the inode is evicted, which the caller guarantees does not happen
        // while the borrow lives.
        unsafe { F::InodeData::borrow((*self.as_raw()).i_private) }
    }
}

/// A new inode of the pseudo-filesystem `F`, owned (its count) and not yet published.
///
/// Only its creator can reach it, so its fields may be set without locks.
///
/// # Invariants
///
/// `self.0` points to a valid inode of a superblock of `F` on which this object owns a count.
pub struct NewInode<F: PseudoFs>(NonNull<bindings::inode>, PhantomData<F>);

impl<F: PseudoFs> NewInode<F> {
    /// Allocates an inode on `sb` (`new_inode_pseudo()`): a regular, immutable file with the
    /// current time, owning `data`. `data` is dropped on failure.
    #[inline]
    pub fn new(sb: &SuperBlock<F>, ino: u64, mode: u16, data: F::InodeData) -> Result<Self> {
        // SAFETY: `sb` is a live superblock by its type invariants.
        let ptr = NonNull::new(unsafe { bindings::new_inode_pseudo(sb.as_raw()) }).ok_or(ENOMEM)?;
        let raw = ptr.as_ptr();
        // SAFETY: The inode was just allocated and nobody else can reach it; `init_times` takes
        // the valid inode.
        unsafe {
            (*raw).i_flags |= bindings::S_IMMUTABLE;
            (*raw).i_mode = (bindings::S_IFREG as u16) | mode;
            (*raw).i_ino = ino as _;
            (*raw).i_private = data.into_foreign() as *mut _;
            bindings::simple_inode_init_ts(raw);
        }
        // INVARIANT: `new_inode_pseudo()` returned an inode of `sb` with a count of one.
        Ok(Self(ptr, PhantomData))
    }

    /// Sets the file operations of the files opened on the inode.
    #[inline]
    pub fn set_file_operations(&mut self, fops: &'static FileOperations) {
        // SAFETY: The inode is valid and not published yet (type invariants), so nothing else
        // reads `i_fop`; `fops` lives for the rest of the kernel's life.
        unsafe { bindings::nsrs_inode_set_fop(self.0.as_ptr(), fops.as_raw()) };
    }

    /// Gives up the count without dropping it, for a C function that takes it over.
    #[inline]
    pub(crate) fn into_raw(self) -> *mut bindings::inode {
        let ptr = self.0.as_ptr();
        core::mem::forget(self);
        ptr
    }
}

impl<F: PseudoFs> Drop for NewInode<F> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: This object owns a count on the inode. Its last `iput()` evicts it, which
        // drops its data through `F`'s superblock operations.
        unsafe { bindings::iput(self.0.as_ptr()) };
    }
}
