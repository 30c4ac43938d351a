// SPDX-License-Identifier: GPL-2.0

//! Operation tables of a pseudo-filesystem, built at compile time, whose entries call into the
//! filesystem's [`PseudoFs`] implementation.
//!
//! The tables are meant to be statics: C code identifies the filesystem's dentries and files by
//! comparing `d_op` and `f_op` with their addresses.

use super::{DyingDentry, File, Inode, PseudoFs, SeqFile};
use crate::ffi::{c_char, c_int, c_long, c_uint, c_ulong};
use crate::{bindings, types::ForeignOwnable};
use core::ptr::NonNull;

/// A `struct dentry_operations`.
#[repr(transparent)]
pub struct DentryOperations(bindings::dentry_operations);

// SAFETY: The table is never written after it is built; it holds only function pointers.
unsafe impl Sync for DentryOperations {}

impl DentryOperations {
    /// Builds the dentry operations of `F`: dentries are deleted on their last `dput()`
    /// (`always_delete_dentry`), named by [`PseudoFs::dname`], and [`PseudoFs::prune`] is told
    /// before each is killed.
    pub const fn new<F: PseudoFs>() -> Self {
        Self(bindings::dentry_operations {
            d_delete: Some(bindings::always_delete_dentry),
            d_dname: Some(d_dname::<F>),
            d_prune: Some(d_prune::<F>),
            // SAFETY: All-zeroes is a valid `dentry_operations`: every other operation absent.
            ..unsafe { core::mem::zeroed() }
        })
    }

    /// Returns the raw pointer to the table.
    pub fn as_raw(&'static self) -> *const bindings::dentry_operations {
        &self.0
    }
}

/// The inode of `dentry` and the data it carries, for an operation of `F`'s dentries; `None`
/// for a negative dentry or the root's inode, which carries nothing.
///
/// # Safety
///
/// `dentry` must be a dentry of a superblock of `F` whose inode stays attached and referenced
/// for `'a`: the caller holds a count on it or its `d_lock`.
unsafe fn dentry_data<'a, F: PseudoFs>(
    dentry: *mut bindings::dentry,
) -> Option<(&'a Inode, super::Borrowed<'a, F>)> {
    // SAFETY: The caller guarantees the dentry and its inode stay valid for `'a`; `d_inode` only
    // changes under `d_lock`, when the dentry is killed.
    let inode = unsafe { (*dentry).d_inode };
    if inode.is_null() {
        return None;
    }
    // SAFETY: As above.
    let inode = unsafe { Inode::from_raw(inode) };
    // SAFETY: Only `NewInode` sets `i_private` on inodes of `F`; the root inode has none.
    if unsafe { (*inode.as_raw()).i_private }.is_null() {
        return None;
    }
    // SAFETY: The inode belongs to `F`, was made by `NewInode`, and is not evicted during `'a`.
    Some((inode, unsafe { inode.data::<F>() }))
}

/// `->d_dname`: the name is written at the end of `buffer`, which is returned moved forward.
///
/// # Safety
///
/// Called by the VFS with a valid positive dentry of `F` and a buffer of `buflen` bytes.
unsafe extern "C" fn d_dname<F: PseudoFs>(
    dentry: *mut bindings::dentry,
    buffer: *mut c_char,
    buflen: c_int,
) -> *mut c_char {
    // SAFETY: `d_path()` calls this for a dentry of `F` on which it holds a count.
    let Some((inode, data)) = (unsafe { dentry_data::<F>(dentry) }) else {
        return super::name_too_long().to_ptr();
    };
    let Ok(len) = usize::try_from(buflen) else {
        return super::name_too_long().to_ptr();
    };
    // SAFETY: The VFS passes a buffer of `buflen` writable bytes, used only by this call.
    let buf = unsafe { core::slice::from_raw_parts_mut(buffer.cast::<u8>(), len) };
    match F::dname(data, inode.ino(), buf) {
        // SAFETY: `start` is within the buffer.
        Ok(start) => unsafe { buffer.add(start) },
        Err(e) => e.to_ptr(),
    }
}

/// `->d_prune`.
///
/// # Safety
///
/// Called by the dcache with a valid dentry of `F`, before it is killed.
unsafe extern "C" fn d_prune<F: PseudoFs>(dentry: *mut bindings::dentry) {
    // SAFETY: `__dentry_kill()` calls this with `d_lock` held and the inode still attached;
    // a negative dentry has nothing to prune.
    if let Some((_, data)) = unsafe { dentry_data::<F>(dentry) } {
        // SAFETY: The dentry is not null, and not freed before the callback returns.
        F::prune(data, unsafe {
            DyingDentry::from_raw(NonNull::new_unchecked(dentry))
        });
    }
}

/// A `struct file_operations`.
#[repr(transparent)]
pub struct FileOperations(bindings::file_operations);

// SAFETY: The table is never written after it is built; `owner` is null.
unsafe impl Sync for FileOperations {}

impl FileOperations {
    /// Builds the file operations of `F`'s files: `ioctl(2)` goes to [`PseudoFs::ioctl`], with
    /// 32-bit callers' pointer arguments converted (`compat_ptr_ioctl`).
    pub const fn new<F: PseudoFs>() -> Self {
        Self(bindings::file_operations {
            unlocked_ioctl: Some(unlocked_ioctl::<F>),
            #[cfg(CONFIG_COMPAT)]
            compat_ioctl: Some(bindings::compat_ptr_ioctl),
            // SAFETY: All-zeroes is a valid `file_operations`: no owner, every other operation
            // absent.
            ..unsafe { core::mem::zeroed() }
        })
    }

    /// Returns the raw pointer to the table.
    pub fn as_raw(&'static self) -> *const bindings::file_operations {
        &self.0
    }
}

/// `->unlocked_ioctl`.
///
/// # Safety
///
/// Called by the VFS with a valid open file whose inode belongs to `F`.
unsafe extern "C" fn unlocked_ioctl<F: PseudoFs>(
    file: *mut bindings::file,
    cmd: c_uint,
    arg: c_ulong,
) -> c_long {
    // SAFETY: The VFS holds the file for the duration of the call.
    let inode = unsafe { File::from_raw(file) }.inode();
    // SAFETY: Only inodes of `F` get these file operations.
    let data = unsafe { inode.data::<F>() };
    match F::ioctl(data, cmd, arg) {
        Ok(ret) => ret,
        Err(e) => e.to_errno() as c_long,
    }
}

/// A `struct super_operations`.
#[repr(transparent)]
pub struct SuperOperations(bindings::super_operations);

// SAFETY: The table is never written after it is built; it holds only function pointers.
unsafe impl Sync for SuperOperations {}

impl SuperOperations {
    /// Builds the superblock operations of `F`: `statfs` as `simple_statfs`, inodes that drop
    /// their data when evicted, and mounts shown through [`PseudoFs::show_path`].
    pub const fn new<F: PseudoFs>() -> Self {
        Self(bindings::super_operations {
            statfs: Some(bindings::simple_statfs),
            evict_inode: Some(evict_inode::<F>),
            show_path: Some(show_path::<F>),
            // SAFETY: All-zeroes is a valid `super_operations`: every other operation absent.
            ..unsafe { core::mem::zeroed() }
        })
    }

    /// Returns the raw pointer to the table.
    pub fn as_raw(&'static self) -> *const bindings::super_operations {
        &self.0
    }
}

/// `->evict_inode`: the inode's last reference is gone; release what it owns.
///
/// # Safety
///
/// Called by the VFS with a valid inode of `F` that nothing else references any more.
unsafe extern "C" fn evict_inode<F: PseudoFs>(inode: *mut bindings::inode) {
    // SAFETY: The inode is valid and being evicted; `clear_inode()` is what an `->evict_inode`
    // without page cache must call.
    let data = unsafe {
        bindings::clear_inode(inode);
        (*inode).i_private
    };
    // The root inode, made by `pseudo_fs_fill_super()`, carries nothing.
    if data.is_null() {
        return;
    }
    // SAFETY: A non-null `i_private` came from `F::InodeData::into_foreign()` in `NewInode::new`;
    // no borrow of it remains since no reference to the inode does.
    drop(unsafe { F::InodeData::from_foreign(data) });
}

/// `->show_path`.
///
/// # Safety
///
/// Called by procfs with a valid seq_file and the root dentry, of `F`, of a mount it holds.
unsafe extern "C" fn show_path<F: PseudoFs>(
    seq: *mut bindings::seq_file,
    dentry: *mut bindings::dentry,
) -> c_int {
    // SAFETY: The mount, and so its root dentry, is held by the caller.
    if let Some((inode, data)) = unsafe { dentry_data::<F>(dentry) } {
        // SAFETY: The seq_file is valid for the duration of the call.
        F::show_path(data, inode.ino(), unsafe { SeqFile::from_raw(seq) });
    }
    0
}
