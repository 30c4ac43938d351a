// SPDX-License-Identifier: GPL-2.0

//! What the init of a pid namespace does when it exits: the task and signal primitives
//! `zap_pid_ns_processes()` needs.
//!
//! C headers: [`include/linux/sched/signal.h`](srctree/include/linux/sched/signal.h) and
//! [`include/linux/sched/task.h`](srctree/include/linux/sched/task.h).

use super::{PidNamespace, RcuTask};
use crate::{bindings, sync::rcu};
use core::{marker::PhantomData, ptr::NonNull};

/// `tasklist_lock` held for reading, until dropped.
///
/// Not a [`crate::sync::Lock`]: a backend must give its holder exclusive access to what the lock
/// protects, and readers share it.
///
/// # Invariants
///
/// The lock is read-held by this context.
pub struct TasklistReadGuard(PhantomData<*mut ()>);

impl TasklistReadGuard {
    /// Read-locks `tasklist_lock`.
    #[inline]
    pub fn lock() -> Self {
        // SAFETY: `tasklist_lock` is a static, initialised rwlock; paired with the unlock in
        // `drop`.
        unsafe { bindings::read_lock(core::ptr::addr_of_mut!(bindings::tasklist_lock)) };
        Self(PhantomData)
    }
}

impl Drop for TasklistReadGuard {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: Read-held by this context (type invariants).
        unsafe { bindings::read_unlock(core::ptr::addr_of_mut!(bindings::tasklist_lock)) };
    }
}

impl PidNamespace {
    /// Returns the task of the first pid numbered `nr` or more in this namespace, and that
    /// number; the task is `None` for a pid that has none (or no longer).
    #[inline]
    pub fn task_from<'g>(
        &self,
        nr: i32,
        _rcu: &'g rcu::Guard,
        _tasklist: &TasklistReadGuard,
    ) -> Option<(i32, Option<RcuTask<'g>>)> {
        let mut id = nr;
        // SAFETY: The IDR is read under RCU, as `idr_get_next()` allows; the namespace is alive.
        let pid = unsafe {
            bindings::idr_get_next(
                core::ptr::addr_of_mut!((*self.as_raw_pid_ns()).idr),
                &mut id,
            )
        };
        let pid = NonNull::new(pid.cast::<bindings::pid>())?;
        // SAFETY: Pids and tasks are freed after an RCU grace period; `tasklist_lock` keeps the
        // pid's task list stable.
        let task = unsafe { bindings::pid_task(pid.as_ptr(), bindings::pid_type_PIDTYPE_PID) };
        // INVARIANT: The task is not freed while the RCU guard lives.
        Some((id, NonNull::new(task).map(RcuTask::new)))
    }
}

impl RcuTask<'_> {
    /// Whether `SIGKILL` is already pending for the task (`__fatal_signal_pending()`).
    #[inline]
    pub fn fatal_signal_pending(&self) -> bool {
        // SAFETY: The task is valid (type invariants).
        unsafe { bindings::__fatal_signal_pending(self.as_ptr()) }
    }

    /// Sends `SIGKILL` to the task's thread group, from the kernel.
    #[inline]
    pub fn kill_group(&self) {
        // SAFETY: `SEND_SIG_PRIV` has no precondition.
        let from_kernel = unsafe { bindings::SEND_SIG_PRIV() };
        // SAFETY: The task is valid; the caller holds `tasklist_lock` or RCU, as
        // `group_send_sig_info()` requires.
        unsafe {
            bindings::group_send_sig_info(
                bindings::SIGKILL as _,
                from_kernel,
                self.as_ptr(),
                bindings::pid_type_PIDTYPE_MAX,
            )
        };
    }
}

/// Task work does not interrupt the current task's waits while the guard lives
/// (`guard(no_notify_signal)`).
///
/// # Invariants
///
/// The flags `no_notify_signal_save()` returned are restored on drop, by the same task.
pub struct NoNotifySignal(u32, PhantomData<*mut ()>);

impl NoNotifySignal {
    /// Saves the state and blocks notify signals.
    #[inline]
    pub fn new() -> Self {
        // SAFETY: Changes the current task's own flags; restored in `drop`.
        let flags = unsafe { bindings::no_notify_signal_save() };
        Self(flags, PhantomData)
    }
}

impl Default for NoNotifySignal {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for NoNotifySignal {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: Restores what `new` saved, on the same task (the guard is not `Send`).
        unsafe { bindings::no_notify_signal_restore(self.0) };
    }
}

impl PidNamespace {
    /// Returns `pid_allocated` without the lock: the namespace's init polls it while it waits
    /// for the others to go (`free_pid()` wakes it).
    #[inline]
    pub fn pid_allocated_unlocked(&self) -> u32 {
        // SAFETY: The namespace is alive; read once, as C does.
        unsafe {
            core::ptr::read_volatile(core::ptr::addr_of!((*self.as_raw_pid_ns()).pid_allocated))
        }
    }

    /// BSD process accounting's end of the namespace (`acct_exit_ns()`, empty without it).
    #[inline]
    pub fn acct_exit(&self) {
        // SAFETY: The namespace is alive.
        unsafe { bindings::nsrs_acct_exit_ns(self.as_raw_pid_ns()) };
    }
}
