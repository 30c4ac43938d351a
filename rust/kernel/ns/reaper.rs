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
/// # Invariants
///
/// The lock is read-held by this context.
pub struct TasklistReadGuard(PhantomData<*mut ()>);

impl TasklistReadGuard {
    /// Read-locks `tasklist_lock`.
    #[inline]
    pub fn lock() -> Self {
        // SAFETY: Paired with the unlock in `drop`.
        unsafe { bindings::nsrs_tasklist_read_lock() };
        Self(PhantomData)
    }
}

impl Drop for TasklistReadGuard {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: Read-held by this context (type invariants).
        unsafe { bindings::nsrs_tasklist_read_unlock() };
    }
}

impl PidNamespace {
    /// Returns the task of the first pid numbered `nr` or more in this namespace, and that
    /// number; the task is `None` for a pid that has none (or no longer).
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
    /// Whether `SIGKILL` is already pending for the task.
    #[inline]
    pub fn fatal_signal_pending(&self) -> bool {
        // SAFETY: The task is valid (type invariants).
        unsafe { bindings::__fatal_signal_pending(self.as_ptr()) != 0 }
    }

    /// Sends `SIGKILL` to the task's thread group, from the kernel.
    #[inline]
    pub fn kill_group(&self) {
        // SAFETY: The task is valid; the caller holds `tasklist_lock` or RCU, as
        // `group_send_sig_info()` requires.
        unsafe { bindings::nsrs_kill_group(self.as_ptr()) };
    }
}

/// The current task.
pub mod current {
    use crate::bindings;

    /// Whether the current task leads its thread group.
    #[inline]
    pub fn is_group_leader() -> bool {
        // SAFETY: The current task is valid.
        unsafe { bindings::thread_group_leader(bindings::get_current()) }
    }

    /// Ignores `SIGCHLD`, so that children that exit are reaped without a wait.
    #[inline]
    pub fn ignore_sigchld() {
        // SAFETY: Changes the current task's own signal handler table, under its lock.
        unsafe { bindings::nsrs_ignore_sigchld() };
    }

    /// Waits for any child to exit, after clearing the pending-signal flag so that the wait is
    /// not cut short; the errno of `wait4(-1, NULL, __WALL, NULL)`, or the pid reaped.
    #[inline]
    pub fn wait_any_child() -> i64 {
        // SAFETY: Waits for the current task's own children.
        unsafe {
            bindings::nsrs_clear_sigpending();
            bindings::kernel_wait4(
                -1,
                core::ptr::null_mut(),
                bindings::__WALL as _,
                core::ptr::null_mut(),
            ) as i64
        }
    }

    /// Sleeps (idle, freezable) until `done()` holds, re-checking at each wake-up.
    #[inline]
    pub fn sleep_until(mut done: impl FnMut() -> bool) {
        loop {
            // SAFETY: Sets the current task's own state before the check, as the wait pattern
            // requires, so that a wake-up between the check and `schedule()` is not lost.
            unsafe { bindings::nsrs_set_current_idle_freezable() };
            if done() {
                break;
            }
            // SAFETY: Sleeps in the state set above.
            unsafe { bindings::schedule() };
        }
        // SAFETY: Back to running, the current task's own state.
        unsafe { bindings::nsrs_set_current_running() };
    }

    /// Sets the exit code of the current task's thread group.
    #[inline]
    pub fn set_group_exit_code(code: i32) {
        // SAFETY: The current task's own signal struct.
        unsafe { bindings::nsrs_set_group_exit_code(code) };
    }

    /// Exits the current task with `code`; does not return.
    #[inline]
    pub fn exit(code: i64) -> ! {
        // SAFETY: Ends the current task.
        unsafe { bindings::do_exit(code as _) }
    }
}

/// Task work does not interrupt the current task's waits while the guard lives
/// (`no_notify_signal_save()`).
///
/// # Invariants
///
/// The flags saved by `no_notify_signal_save()` are restored on drop, by the same task.
pub struct NoNotifySignal(u32, PhantomData<*mut ()>);

impl NoNotifySignal {
    /// Saves the state and blocks notify signals.
    #[inline]
    pub fn new() -> Self {
        // SAFETY: Paired with the restore in `drop`.
        Self(unsafe { bindings::no_notify_signal_save() }, PhantomData)
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
        // SAFETY: Restores what `new` saved, on the same task (type invariants).
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

    /// BSD process accounting's end of the namespace (`acct_exit_ns()`).
    #[inline]
    pub fn acct_exit(&self) {
        // SAFETY: The namespace is alive.
        unsafe { bindings::nsrs_acct_exit_ns(self.as_raw_pid_ns()) };
    }
}
