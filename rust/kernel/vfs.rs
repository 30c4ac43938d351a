// SPDX-License-Identifier: GPL-2.0

//! The parts of the VFS a pseudo-filesystem needs: an internal mount, anonymous dentries and
//! inodes, paths, files and file descriptors, and the operation tables that call back into Rust.
//!
//! A pseudo-filesystem (nsfs, pidfs, ...) is never mounted by userspace: it is `kern_mount()`ed
//! once, and its files are reached through paths the kernel hands out. Its inodes carry one
//! owned object each ([`PseudoFs::InodeData`]), released when the inode is evicted.
//!
//! C headers: [`include/linux/fs.h`](srctree/include/linux/fs.h),
//! [`include/linux/dcache.h`](srctree/include/linux/dcache.h) and
//! [`include/linux/pseudo_fs.h`](srctree/include/linux/pseudo_fs.h).

use crate::{error::Error, ffi::c_long};
use crate::{prelude::*, str::CStr, types::ForeignOwnable};

mod dentry;
mod export;
mod file;
mod inode;
mod link_dir;
mod ops;
mod path;
mod stash;
mod super_block;

pub use dentry::{Dentry, DyingDentry, NewDentry, StashedDentry};
pub use export::{Export, ExportOperations};
pub use file::{FdReservation, File, OwnedFile};
pub use inode::{Inode, NewInode};
pub use link_dir::{
    DirContext, DirFileOperations, DirInodeOperations, LinkDentryOperations, LinkDir,
    LinkInodeOperations, LINK_NAME_MAX,
};
pub use ops::{DentryOperations, FileOperations, SuperOperations};
pub use path::Path;
pub use stash::DentryStash;
pub use super_block::{FileSystemType, KernMount, Mount, SeqFile, SuperBlock};

/// The error of a name that does not fit, `ENAMETOOLONG`.
pub fn name_too_long() -> Error {
    Error::from_errno(-(crate::bindings::ENAMETOOLONG as i32))
}

/// The data borrowed from an inode of the pseudo-filesystem `F`.
pub type Borrowed<'a, F> = <<F as PseudoFs>::InodeData as ForeignOwnable>::Borrowed<'a>;

/// A pseudo-filesystem implemented in Rust.
///
/// Its operation tables are statics of the implementing crate, built with
/// [`DentryOperations::new`], [`FileOperations::new`] and [`SuperOperations::new`], so that their
/// addresses identify the filesystem to C code that compares them.
pub trait PseudoFs: Sized + 'static {
    /// The name of the filesystem type.
    const NAME: &'static CStr;
    /// The superblock's magic number (`statfs(2)`'s `f_type`).
    const MAGIC: u32;
    /// The object each inode owns, in `i_private`; dropped when the inode is evicted.
    type InodeData: ForeignOwnable + Send + Sync;

    /// The dentry operations of every dentry of the filesystem.
    fn dentry_operations() -> &'static DentryOperations;
    /// The superblock operations.
    fn super_operations() -> &'static SuperOperations;

    /// Writes the name of `dentry` (`->d_dname`) at the end of `buf`; returns where it starts.
    ///
    /// `buf` ends with the NUL the name needs; `ENAMETOOLONG` if it does not fit.
    fn dname(data: Borrowed<'_, Self>, ino: u64, buf: &mut [u8]) -> Result<usize>;

    /// Called before `dentry` is killed (`->d_prune`), with its inode's data, under the
    /// dentry's `d_lock`: must not sleep.
    fn prune(data: Borrowed<'_, Self>, dentry: DyingDentry<'_>);

    /// Shows the root of a mount of `dentry` in `/proc/<pid>/mountinfo` (`->show_path`).
    fn show_path(data: Borrowed<'_, Self>, ino: u64, seq: &SeqFile);

    /// Handles `ioctl(2)` on an open file of the filesystem (`->unlocked_ioctl`).
    fn ioctl(data: Borrowed<'_, Self>, cmd: u32, arg: usize) -> Result<c_long>;
}
