// SPDX-License-Identifier: GPL-2.0

//! Mount namespaces, `struct mnt_namespace`, private to `fs/`: reached through helpers.

use super::NsCommon;
use crate::{bindings, error::Result, types::ARef};

/// A mount namespace.
///
/// # Invariants
///
/// `self.0` is the `ns_common` of a `struct mnt_namespace` and satisfies the invariants of
/// [`NsCommon`].
#[repr(transparent)]
pub struct MntNamespace(NsCommon);

impl MntNamespace {
    /// Views `ns` as a mount namespace.
    ///
    /// # Safety
    ///
    /// `ns` must be embedded in a `struct mnt_namespace`.
    #[inline]
    pub(super) unsafe fn from_common(ns: &NsCommon) -> &Self {
        // SAFETY: `MntNamespace` is a transparent wrapper of `NsCommon`, and the caller
        // guarantees that `ns` is embedded in a `struct mnt_namespace`, the type invariant; the
        // result borrows `ns`, which satisfies the invariants of `NsCommon` while it lives.
        unsafe { &*(ns as *const NsCommon).cast() }
    }

    /// Returns the namespace's unique id, in creation order (its `seq`).
    #[inline]
    pub fn id(&self) -> u64 {
        // SAFETY: The namespace is alive and is a mount namespace (type invariants).
        unsafe { bindings::nsrs_mnt_ns_id(self.0.as_raw()) }
    }

    /// Returns the number of mounts in the namespace, its root included: a snapshot.
    #[inline]
    pub fn nr_mounts(&self) -> u32 {
        // SAFETY: The namespace is alive and is a mount namespace (type invariants); the helper
        // reads the count once (`READ_ONCE()`), as it changes under `namespace_sem`.
        unsafe { bindings::nsrs_mnt_ns_nr_mounts(self.0.as_raw()) }
    }

    /// Returns the mount namespace created right after this one (or right before, with
    /// `previous`) that the caller may see, counted; `ENOENT` at either end.
    #[inline]
    pub fn adjacent(&self, previous: bool) -> Result<ARef<NsCommon>> {
        // SAFETY: The namespace is alive and is a mount namespace (type invariants): one the
        // tree of mount namespaces holds while it is alive, or, anonymous, one that is in no
        // tree, which `rb_next()` and `rb_prev()` find nothing next to. The helper returns a
        // counted reference or an error pointer.
        let ptr = crate::error::from_err_ptr(unsafe {
            bindings::nsrs_mnt_ns_lookup(self.0.as_raw(), previous)
        })?;
        // SAFETY: The reference was counted for us, on a mount namespace, which has operations
        // (`mntns_operations`, whatever the configuration); the pointer is not null on success.
        unsafe { NsCommon::from_owned_raw(ptr) }.ok_or(crate::error::code::ENOENT)
    }
}
