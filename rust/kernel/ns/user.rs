// SPDX-License-Identifier: GPL-2.0

//! User namespaces, `struct user_namespace`.
//!
//! C header: [`include/linux/user_namespace.h`](srctree/include/linux/user_namespace.h).

use super::NsCommon;
use crate::bindings;

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
    pub(super) fn from_common(ns: &NsCommon) -> &Self {
        // SAFETY: The caller checked the type: `ns` is embedded in a `struct user_namespace`.
        // `UserNamespace` is a transparent wrapper of `NsCommon`.
        unsafe { &*(ns as *const NsCommon).cast() }
    }

    fn as_raw(&self) -> *mut bindings::user_namespace {
        // SAFETY: `self.0` is embedded in a `struct user_namespace` (type invariants).
        unsafe { crate::container_of!(self.0.as_raw(), bindings::user_namespace, ns) as *mut _ }
    }

    /// Returns the uid of the creator of the namespace as the current task's user namespace
    /// sees it, or the overflow uid when it cannot see it (`from_kuid_munged()`).
    pub fn owner_uid_in_current(&self) -> u32 {
        // SAFETY: The namespace is alive (type invariants); `owner` never changes;
        // `current_user_ns()` is valid while the current task runs.
        unsafe { bindings::from_kuid_munged(bindings::current_user_ns(), (*self.as_raw()).owner) }
    }

    /// Whether the current task has `cap` over the initial user namespace, without an audit
    /// record on failure (`ns_capable_noaudit()`).
    pub fn current_capable_in_init_noaudit(cap: u32) -> bool {
        // SAFETY: `init_user_ns` is a static that lives forever; only its address is taken.
        unsafe {
            bindings::ns_capable_noaudit(core::ptr::addr_of_mut!(bindings::init_user_ns), cap as _)
        }
    }
}
