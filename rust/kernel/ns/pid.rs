// SPDX-License-Identifier: GPL-2.0

//! Pid namespaces, `struct pid_namespace`, and the tasks they number.
//!
//! C header: [`include/linux/pid_namespace.h`](srctree/include/linux/pid_namespace.h).

use super::NsCommon;
use crate::{bindings, sync::rcu};
use core::{marker::PhantomData, ptr::NonNull};

/// A pid namespace.
///
/// # Invariants
///
/// `self.0` is the `ns_common` of a `struct pid_namespace` and satisfies the invariants of
/// [`NsCommon`].
#[repr(transparent)]
pub struct PidNamespace(NsCommon);

/// Which number of a task to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidKind {
    /// The thread's own id.
    Pid,
    /// The id of its thread group (the process).
    Tgid,
}

impl PidNamespace {
    /// Views `ns` as a pid namespace.
    pub(super) fn from_common(ns: &NsCommon) -> &Self {
        // SAFETY: The caller checked the type: `ns` is embedded in a `struct pid_namespace`.
        // `PidNamespace` is a transparent wrapper of `NsCommon`.
        unsafe { &*(ns as *const NsCommon).cast() }
    }

    fn as_raw(&self) -> *mut bindings::pid_namespace {
        // SAFETY: `self.0` is embedded in a `struct pid_namespace` (type invariants).
        unsafe { crate::container_of!(self.0.as_raw(), bindings::pid_namespace, ns) as *mut _ }
    }

    /// Finds the task whose number in this namespace is `nr`.
    pub fn find_task<'g>(&self, nr: i32, _guard: &'g rcu::Guard) -> Option<RcuTask<'g>> {
        // SAFETY: The namespace is alive; the RCU read lock is held, as the lookup requires.
        let task = unsafe { bindings::find_task_by_pid_ns(nr, self.as_raw()) };
        // INVARIANT: A task found under RCU is not freed before the guard is dropped.
        NonNull::new(task).map(|t| RcuTask(t, PhantomData))
    }

    /// Finds the task whose number in the current task's pid namespace is `nr`.
    pub fn find_task_in_current<'g>(nr: i32, _guard: &'g rcu::Guard) -> Option<RcuTask<'g>> {
        // SAFETY: The RCU read lock is held, as the lookup requires.
        let task = unsafe { bindings::find_task_by_vpid(nr) };
        // INVARIANT: As in `find_task`.
        NonNull::new(task).map(|t| RcuTask(t, PhantomData))
    }

    /// Whether the current task's active pid namespace is the initial one.
    pub fn current_is_init() -> bool {
        // SAFETY: `get_current()` is the running task, valid during the call; `init_pid_ns` is
        // a static whose address only is taken.
        unsafe {
            core::ptr::eq(
                bindings::task_active_pid_ns(bindings::get_current()),
                core::ptr::addr_of_mut!(bindings::init_pid_ns),
            )
        }
    }
}

/// A task found under RCU, valid while the RCU read lock is held.
///
/// # Invariants
///
/// `self.0` is a task that is not freed before the guard of lifetime `'g` is dropped.
pub struct RcuTask<'g>(NonNull<bindings::task_struct>, PhantomData<&'g rcu::Guard>);

impl RcuTask<'_> {
    /// Returns the task's number of `kind` in `ns`, or in the current task's pid namespace with
    /// `None`; 0 when it has none there.
    pub fn nr(&self, kind: PidKind, ns: Option<&PidNamespace>) -> i32 {
        let ty = match kind {
            PidKind::Pid => bindings::pid_type_PIDTYPE_PID,
            PidKind::Tgid => bindings::pid_type_PIDTYPE_TGID,
        };
        let ns = ns.map_or(core::ptr::null_mut(), PidNamespace::as_raw);
        // SAFETY: The task is valid under the guard (type invariants); `ns` is null or alive.
        unsafe { bindings::__task_pid_nr_ns(self.0.as_ptr(), ty, ns) }
    }
}
