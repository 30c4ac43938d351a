// SPDX-License-Identifier: GPL-2.0

//! Open files and file descriptors.
//!
//! C headers: [`include/linux/fs.h`](srctree/include/linux/fs.h) and
//! [`include/linux/file.h`](srctree/include/linux/file.h).

use super::{FileOperations, Inode, Path};
use crate::{
    bindings,
    error::{code::ENOMEM, from_err_ptr, Error, Result},
    types::Opaque,
};
use core::ptr::NonNull;

/// An open file, `struct file`.
///
/// # Invariants
///
/// The file is valid for as long as a reference to it exists: the owner of the reference holds
/// a count on it.
#[repr(transparent)]
pub struct File(Opaque<bindings::file>);

impl File {
    /// Creates a reference to the file at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to an open file that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::file) -> &'a Self {
        // SAFETY: `File` is a transparent wrapper of `struct file`; the caller guarantees
        // validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer to the file.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::file {
        self.0.get()
    }

    /// Returns the inode the file is open on.
    #[inline]
    pub fn inode(&self) -> &Inode {
        // SAFETY: An open file holds its dentry and so its inode; `f_inode` never changes.
        unsafe { Inode::from_raw((*self.0.get()).f_inode) }
    }

    /// Whether the file's operations are `fops`, which identifies the filesystem it is from.
    #[inline]
    pub fn has_operations(&self, fops: &'static FileOperations) -> bool {
        // SAFETY: `f_op` of an open file is set when it is opened and not changed after.
        core::ptr::eq(unsafe { (*self.0.get()).f_op }, fops.as_raw())
    }

    /// Opens `path` read-only with the current task's credentials (`dentry_open()`).
    #[inline]
    pub fn open_read_only(path: &Path) -> Result<OwnedFile> {
        // SAFETY: `path` is valid (it holds its counts); `current_cred()` of the running task
        // stays valid during the call.
        let file = from_err_ptr(unsafe {
            bindings::dentry_open(
                path.as_raw(),
                bindings::O_RDONLY as _,
                bindings::current_cred(),
            )
        })?;
        // INVARIANT: `dentry_open()` returned a file with a count, now owned.
        Ok(OwnedFile(NonNull::new(file).ok_or(ENOMEM)?))
    }
}

/// A counted reference to an open file, dropped with `fput()`.
///
/// # Invariants
///
/// `self.0` is a valid file on which this object owns a count.
pub struct OwnedFile(NonNull<bindings::file>);

impl Drop for OwnedFile {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The count is owned (type invariants).
        unsafe { bindings::fput(self.0.as_ptr()) };
    }
}

/// A file descriptor number reserved in the current task's table, not yet installed.
///
/// Dropping it releases the number; [`FdReservation::install`] publishes a file under it.
///
/// # Invariants
///
/// `self.0` is a number reserved by `get_unused_fd_flags()` in the current task's table, by the
/// task that owns this object (it is neither `Send` nor `Sync`).
pub struct FdReservation(u32, core::marker::PhantomData<*mut ()>);

impl FdReservation {
    /// Reserves the lowest free descriptor number with close-on-exec set.
    #[inline]
    pub fn get_unused_cloexec() -> Result<Self> {
        // SAFETY: Reserves a number in the current task's file table; no pointer is involved.
        let fd = unsafe { bindings::get_unused_fd_flags(bindings::O_CLOEXEC) };
        if fd < 0 {
            return Err(Error::from_errno(fd));
        }
        // INVARIANT: The number was just reserved by this task.
        Ok(Self(fd as u32, core::marker::PhantomData))
    }

    /// Installs `file` under the reserved number, which userspace can use from now on.
    #[inline]
    pub fn install(self, file: OwnedFile) -> u32 {
        let fd = self.0;
        // SAFETY: The number is reserved by this task (type invariants); `fd_install()` takes
        // over the file's count.
        unsafe { bindings::fd_install(fd, file.0.as_ptr()) };
        core::mem::forget(file);
        core::mem::forget(self);
        fd
    }
}

impl Drop for FdReservation {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The number is reserved and unused (type invariants).
        unsafe { bindings::put_unused_fd(self.0) };
    }
}
