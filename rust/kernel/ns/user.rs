// SPDX-License-Identifier: GPL-2.0

//! User namespaces, `struct user_namespace`.
//!
//! C header: [`include/linux/user_namespace.h`](srctree/include/linux/user_namespace.h).

use super::NsCommon;
use crate::{bindings, types::ARef};

/// A user namespace.
///
/// # Invariants
///
/// `self.0` is the `ns_common` of a `struct user_namespace` and satisfies the invariants of
/// [`NsCommon`].
#[repr(transparent)]
pub struct UserNamespace(NsCommon);

impl UserNamespace {
    /// Views `ns` as a user namespace.
    ///
    /// # Safety
    ///
    /// `ns` must be embedded in a `struct user_namespace`.
    #[inline]
    pub(super) unsafe fn from_common(ns: &NsCommon) -> &Self {
        // SAFETY: `UserNamespace` is a transparent wrapper of `NsCommon`, and the caller
        // guarantees that `ns` is embedded in a `struct user_namespace`, the type invariant; the
        // result borrows `ns`, which satisfies the invariants of `NsCommon` while it lives.
        unsafe { &*(ns as *const NsCommon).cast() }
    }

    /// Creates a reference to the user namespace at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a set-up user namespace that holds a non-zero count for all of `'a`:
    /// a counted reference the caller holds, or that an object it holds for `'a` holds, or the
    /// count of the initial user namespace.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::user_namespace) -> &'a Self {
        // SAFETY: The caller guarantees the namespace is set up and kept alive for `'a`; every
        // user namespace has operations, `userns_operations` (`NSRS` depends on `USER_NS`, which
        // sets them in `init_user_ns` and in `create_user_ns()`).
        let ns = unsafe { NsCommon::from_raw(core::ptr::addr_of!((*ptr).ns)) };
        // SAFETY: `ns` is embedded in the `struct user_namespace` at `ptr`.
        unsafe { Self::from_common(ns) }
    }

    /// Returns the user namespace of the pid namespace the procfs instance of `inode` shows:
    /// the one `/proc/namespaces` of that instance is seen from; `None` if `inode` is not an
    /// inode of procfs.
    #[inline]
    pub fn of_procfs(inode: &crate::vfs::Inode) -> Option<&Self> {
        let sb = inode.super_block_ptr();
        // SAFETY: The inode is valid while it is borrowed (invariants of `Inode`), and so is its
        // superblock; `s_magic` is set when the superblock is filled, before it has inodes, and
        // never changes.
        let magic = unsafe { (*sb).s_magic };
        // Only procfs has this magic number.
        if magic != bindings::PROC_SUPER_MAGIC as crate::ffi::c_ulong {
            return None;
        }
        // SAFETY: `sb` is a procfs superblock, whose `s_fs_info` is the instance's `proc_fs_info`;
        // it holds the instance's pid namespace, which holds its user namespace, for at least
        // as long as the superblock, and so the inode, lives.
        Some(unsafe { Self::from_raw(bindings::nsrs_procfs_user_ns(sb)) })
    }

    /// Returns the current task's user namespace (`current_user_ns()`), counted.
    #[inline]
    pub fn current() -> ARef<NsCommon> {
        // SAFETY: `current_user_ns()` is the user namespace of the current task's credentials,
        // which hold it while the task runs, at least until this returns.
        let user = unsafe { Self::from_raw(bindings::current_user_ns()) };
        ARef::from(user.as_common())
    }

    /// Whether this is the initial user namespace.
    #[inline]
    pub fn is_initial(&self) -> bool {
        core::ptr::eq(
            self.as_raw(),
            core::ptr::addr_of!(bindings::init_user_ns).cast_mut(),
        )
    }

    /// Whether this namespace is `ancestor` or one of its descendants (`in_userns()`).
    #[inline]
    pub fn is_within(&self, ancestor: &UserNamespace) -> bool {
        // SAFETY: Both namespaces are alive (type invariants).
        unsafe { bindings::in_userns(ancestor.as_raw(), self.as_raw()) }
    }

    /// Returns the namespace's `ns_common`.
    #[inline]
    pub fn as_common(&self) -> &NsCommon {
        &self.0
    }

    /// Returns the raw pointer to the `struct user_namespace`.
    #[inline]
    pub fn as_raw_user_ns(&self) -> *mut bindings::user_namespace {
        self.as_raw()
    }

    /// Whether the current task has `cap` over this namespace (`ns_capable()`, audited).
    #[inline]
    pub fn current_capable(&self, cap: u32) -> bool {
        // SAFETY: The namespace is alive (type invariants).
        unsafe { bindings::ns_capable(self.as_raw(), cap as _) }
    }

    /// Whether the current task has `cap` over this namespace, without an audit record on
    /// failure (`ns_capable_noaudit()`).
    #[inline]
    pub fn current_capable_noaudit(&self, cap: u32) -> bool {
        // SAFETY: The namespace is alive (type invariants).
        unsafe { bindings::ns_capable_noaudit(self.as_raw(), cap as _) }
    }

    /// Whether the current task may checkpoint and restore in this namespace:
    /// `CAP_CHECKPOINT_RESTORE` or `CAP_SYS_ADMIN` over it.
    #[inline]
    pub fn current_checkpoint_restore_capable(&self) -> bool {
        // SAFETY: The namespace is alive (type invariants).
        unsafe { bindings::checkpoint_restore_ns_capable(self.as_raw()) }
    }

    #[inline]
    fn as_raw(&self) -> *mut bindings::user_namespace {
        // SAFETY: `self.0` is embedded in a `struct user_namespace` (type invariants).
        unsafe { crate::container_of!(self.0.as_raw(), bindings::user_namespace, ns) as *mut _ }
    }

    /// Returns the uid of the creator of the namespace as the current task's user namespace
    /// sees it, or the overflow uid when it cannot see it (`from_kuid_munged()`).
    #[inline]
    pub fn owner_uid_in_current(&self) -> u32 {
        // SAFETY: The namespace is alive (type invariants); `owner` never changes;
        // `current_user_ns()` is valid while the current task runs.
        unsafe { bindings::from_kuid_munged(bindings::current_user_ns(), (*self.as_raw()).owner) }
    }

    /// Whether the current task has `cap` over the initial user namespace, without an audit
    /// record on failure (`ns_capable_noaudit()`).
    #[inline]
    pub fn current_capable_in_init_noaudit(cap: u32) -> bool {
        // SAFETY: `init_user_ns` is a static that lives forever; only its address is taken.
        unsafe {
            bindings::ns_capable_noaudit(core::ptr::addr_of_mut!(bindings::init_user_ns), cap as _)
        }
    }
}
