// SPDX-License-Identifier: GPL-2.0

//! The operations of a namespace type, `struct proc_ns_operations`.

use super::NsCommon;
use crate::{bindings, str::CStr, types::ARef};

/// The static operations of one namespace type (`netns_operations`, ...), as `/proc/<pid>/ns/`
/// entries and nsfs use them.
///
/// What the functions of a table do is only trusted where the table is known to be the one of a
/// namespace type: the operations of a namespace (the invariants of [`NsCommon`], which only
/// `unsafe` code establishes), or those the caller of [`NsOperations::get_from_task`] vouches
/// for. [`NsOperations::new`] builds a table from any functions, in safe code.
///
/// # Invariants
///
/// `name` is a static NUL-terminated string, and `real_ns_name` null or one; the table is never
/// written.
#[repr(transparent)]
pub struct NsOperations(bindings::proc_ns_operations);

// SAFETY: The operations are a table that is never written; its strings are static.
unsafe impl Sync for NsOperations {}

impl NsOperations {
    /// Creates a reference to the operations at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a `proc_ns_operations` that lives forever and is never written, whose
    /// `name` is a static NUL-terminated string and `real_ns_name` null or one: one of the
    /// kernel's static tables.
    #[inline]
    pub unsafe fn from_raw(ptr: *const bindings::proc_ns_operations) -> &'static Self {
        // SAFETY: `NsOperations` is a transparent wrapper of `proc_ns_operations`; the caller
        // guarantees the type invariants, forever.
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

    /// Returns the `CLONE_NEW*` flag of the type (`NS_GET_NSTYPE`, and a type's bit in the masks
    /// of `listns(2)`).
    #[inline]
    pub fn clone_flag(&self) -> u32 {
        self.0.type_ as u32
    }

    /// Returns `->owner`.
    #[inline]
    pub(super) fn owner_fn(&self) -> Option<OwnerFn> {
        self.0.owner
    }

    /// Returns the namespace of this type that `task` is in (`->get`), counted; `None` when the
    /// task has none any more (it is exiting).
    ///
    /// # Safety
    ///
    /// `task` must be a valid task, kept alive by the caller for the call. `self` must be the
    /// operations of a namespace type of the kernel (one of the tables `/proc/<pid>/ns/` lists),
    /// whose `->get` returns null or a counted reference on a namespace of that type.
    #[inline]
    pub unsafe fn get_from_task(&self, task: *mut bindings::task_struct) -> Option<ARef<NsCommon>> {
        let get = self.0.get?;
        // SAFETY: The caller guarantees `task` is valid and that `->get` returns null or a
        // counted reference on a namespace of this type, which has these operations (a
        // namespace without operations is one of a type compiled out, which has no table).
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
    ///
    /// Safe: nothing trusts what the functions do until `unsafe` code installs the table in
    /// namespaces (see the type's documentation), and it is that code that must make sure `get`
    /// returns null or a counted reference on a namespace of this type, `put` drops one (freeing
    /// the namespace with the last), `owner` returns the owning user namespace without a count,
    /// and `get_parent` a counted reference, null or an error pointer.
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
