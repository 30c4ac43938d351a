// SPDX-License-Identifier: GPL-2.0

//! The operations of a namespace type, `struct proc_ns_operations`.

use super::NsCommon;
use crate::{bindings, str::CStr, types::ARef};

/// The static operations of one namespace type (`netns_operations`, ...), as `/proc/<pid>/ns/`
/// entries and nsfs use them.
///
/// # Invariants
///
/// It is one of the kernel's static `proc_ns_operations` tables: `name` is a static string,
/// `get` returns a counted reference or null, and `put` is set (C calls it unchecked).
#[repr(transparent)]
pub struct NsOperations(bindings::proc_ns_operations);

// SAFETY: The operations are a static table that is never written; its strings are static.
unsafe impl Sync for NsOperations {}

impl NsOperations {
    /// Creates a reference to the operations at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to one of the kernel's static `proc_ns_operations`.
    #[inline]
    pub unsafe fn from_raw(ptr: *const bindings::proc_ns_operations) -> &'static Self {
        // SAFETY: Transparent wrapper of a static table, as the caller guarantees.
        unsafe { &*ptr.cast() }
    }

    /// Returns the name of the type as `/proc/<pid>/ns/` shows it: `"pid"`, `"net"`, ...;
    /// `"pid_for_children"` for the operations of that entry.
    #[inline]
    pub fn name(&self) -> &'static CStr {
        // SAFETY: `name` is a static NUL-terminated string (type invariants).
        unsafe { CStr::from_char_ptr(self.0.name) }
    }

    /// Returns the name of the namespace type itself: `"pid"` also for `pid_for_children`.
    #[inline]
    pub fn real_name(&self) -> &'static CStr {
        if self.0.real_ns_name.is_null() {
            return self.name();
        }
        // SAFETY: A non-null `real_ns_name` is a static NUL-terminated string.
        unsafe { CStr::from_char_ptr(self.0.real_ns_name) }
    }

    /// Returns the namespace of this type that `task` is in (`->get`), counted; `None` when the
    /// task has none any more (it is exiting).
    ///
    /// # Safety
    ///
    /// `task` must be a valid task, kept alive by the caller for the call.
    #[inline]
    pub unsafe fn get_from_task(&self, task: *mut bindings::task_struct) -> Option<ARef<NsCommon>> {
        let get = self.0.get?;
        // SAFETY: The caller guarantees `task` is valid; `->get` returns a counted reference or
        // null (type invariants).
        unsafe { NsCommon::from_owned_raw(get(task)) }
    }
}

/// A `->get` operation: the namespace of a task, counted, or null.
pub type GetFn = unsafe extern "C" fn(*mut bindings::task_struct) -> *mut bindings::ns_common;
/// A `->put` operation.
pub type PutFn = unsafe extern "C" fn(*mut bindings::ns_common);
/// An `->install` operation, for `setns(2)`.
pub type InstallFn =
    unsafe extern "C" fn(*mut bindings::nsset, *mut bindings::ns_common) -> crate::ffi::c_int;
/// An `->owner` operation.
pub type OwnerFn = unsafe extern "C" fn(*mut bindings::ns_common) -> *mut bindings::user_namespace;
/// A `->get_parent` operation.
pub type GetParentFn = unsafe extern "C" fn(*mut bindings::ns_common) -> *mut bindings::ns_common;

impl NsOperations {
    /// Builds the operations of a namespace type, as the `/proc/<pid>/ns/<name>` entry shows it
    /// (`real_name` being the type's own name when it differs, for `*_for_children`), of the
    /// `CLONE_NEW*` type `clone_flag`.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        name: &'static CStr,
        real_name: Option<&'static CStr>,
        clone_flag: u32,
        get: GetFn,
        put: PutFn,
        install: InstallFn,
        owner: OwnerFn,
        get_parent: Option<GetParentFn>,
    ) -> Self {
        Self(bindings::proc_ns_operations {
            name: name.as_char_ptr(),
            real_ns_name: match real_name {
                Some(n) => n.as_char_ptr(),
                None => core::ptr::null(),
            },
            type_: clone_flag as _,
            get: Some(get),
            put: Some(put),
            install: Some(install),
            owner: Some(owner),
            get_parent,
        })
    }
}
