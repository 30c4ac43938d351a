// SPDX-License-Identifier: GPL-2.0

//! Paths: a mount and a dentry on it, each counted.
//!
//! C header: [`include/linux/path.h`](srctree/include/linux/path.h).

use super::{Dentry, Mount, PseudoFs};
use crate::{bindings, types::ARef};

/// An owned `struct path`: a counted mount and a counted dentry.
///
/// # Invariants
///
/// `self.0.mnt` and `self.0.dentry` are valid, and this object owns a count on each.
pub struct Path(bindings::path);

impl Path {
    /// Makes the path of `dentry` on the internal mount of `F`, taking a count on the mount.
    pub fn new<F: PseudoFs>(mnt: &Mount<F>, dentry: ARef<Dentry>) -> Self {
        // SAFETY: The mount is valid for the kernel's lifetime (`KernMount` is never unmounted),
        // so taking a count on it is allowed.
        let mnt = unsafe { bindings::mntget(mnt.as_raw()) };
        // INVARIANT: Both counts were taken above or are carried by `dentry`.
        Self(bindings::path {
            mnt,
            dentry: ARef::into_raw(dentry).as_ptr().cast(),
        })
    }

    /// Returns the dentry of the path.
    #[inline]
    pub fn dentry(&self) -> &Dentry {
        // SAFETY: The path holds a count on its dentry (type invariants).
        unsafe { Dentry::from_raw(self.0.dentry) }
    }

    /// Returns the raw `struct path`, still owned by `self`.
    #[inline]
    pub fn as_raw(&self) -> *const bindings::path {
        &self.0
    }

    /// Moves the path, with its counts, into the caller's `struct path` at `out`.
    ///
    /// # Safety
    ///
    /// `out` must be valid for writes; whatever it held is overwritten, not released.
    #[inline]
    pub unsafe fn into_raw(self, out: *mut bindings::path) {
        // SAFETY: The caller guarantees `out` is writable; the counts move with the value.
        unsafe { out.write(self.0) };
        core::mem::forget(self);
    }
}

impl Drop for Path {
    fn drop(&mut self) {
        // SAFETY: The path owns a count on its mount and dentry (type invariants).
        unsafe { bindings::path_put(&self.0) };
    }
}
