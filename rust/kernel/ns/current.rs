// SPDX-License-Identifier: GPL-2.0

//! The current task, as the init of a pid namespace sees itself when it exits: its thread
//! group, signal handlers, pending signals and sleep.
//!
//! Each operation is the C inline function or macro of the same name, through its helper.
//!
//! C headers: [`include/linux/sched/signal.h`](srctree/include/linux/sched/signal.h),
//! [`include/linux/sched.h`](srctree/include/linux/sched.h).

use crate::{
    bindings,
    sync::lock::{spinlock_irq::SpinLockIrqBackend, Lock},
};

/// The running task (`current`), valid for as long as the caller runs.
///
/// # Examples
///
/// ```
/// use kernel::{bindings, ns::current};
///
/// // SAFETY: `get_current()` has no precondition.
/// assert_eq!(current::task(), unsafe { bindings::get_current() });
/// ```
#[inline]
pub fn task() -> *mut bindings::task_struct {
    // SAFETY: `get_current()` has no precondition.
    unsafe { bindings::get_current() }
}

/// Whether the current task leads its thread group (`thread_group_leader()`).
#[inline]
pub fn is_group_leader() -> bool {
    // SAFETY: The current task is valid while it runs.
    unsafe { bindings::thread_group_leader(task()) }
}

/// Ignores `SIGCHLD`, so that children that exit are reaped without a wait.
///
/// # Safety
///
/// Interrupts must be enabled (process context): the handler table is changed under the
/// task's `siglock`, taken with `spin_lock_irq()`, as C does.
#[inline]
pub unsafe fn ignore_sigchld() {
    // SAFETY: The current task's `sighand` is valid while it runs (only the task itself
    // replaces it, on exec), and its `siglock` is an initialised spinlock that C takes with
    // interrupts off, as we do; the table it protects is written below, under it.
    let siglock = unsafe {
        let sighand = (*task()).sighand;
        Lock::<(), SpinLockIrqBackend>::from_raw(core::ptr::addr_of_mut!((*sighand).siglock))
    };
    // SAFETY: Interrupts are enabled, as the caller guarantees, and nothing below disables them.
    let _guard = unsafe { siglock.lock_irq() };
    // SAFETY: The handler table is only written under `siglock`, which we hold; `SIG_IGN` is the
    // value C's macro stands for.
    unsafe {
        let sighand = (*task()).sighand;
        (*sighand).action[bindings::SIGCHLD as usize - 1]
            .sa
            .sa_handler = bindings::SIG_IGN();
    }
}

/// Waits for any child to exit, after clearing the pending-signal flag so that the wait is not
/// cut short; the errno of `wait4(-1, NULL, __WALL, NULL)`, or the pid reaped.
#[inline]
pub fn wait_any_child() -> i64 {
    // SAFETY: Clears the current task's own `TIF_SIGPENDING` (`clear_thread_flag()`).
    unsafe { bindings::clear_sigpending() };
    // SAFETY: Waits for the current task's own children.
    unsafe {
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
        // Set before the check, as the wait pattern requires, so that a wake-up between the
        // check and `schedule()` is not lost (`set_current_state()` orders the two).
        // SAFETY: Sets the current task's own state.
        unsafe { bindings::set_current_state(bindings::TASK_IDLE | bindings::TASK_FREEZABLE) };
        if done() {
            break;
        }
        // SAFETY: Sleeps in the state set above.
        unsafe { bindings::schedule() };
    }
    // SAFETY: Sets the current task's own state back to running (`__set_current_state()`).
    unsafe { bindings::set_current_running() };
}

/// Sets the exit code of the current task's thread group.
#[inline]
pub fn set_group_exit_code(code: i32) {
    // SAFETY: The current task's own signal struct, valid while it runs; C writes the field
    // without a lock here too (`zap_pid_ns_processes()`, which the component replaces).
    unsafe { (*(*task()).signal).group_exit_code = code };
}

/// Exits the current task with `code`; does not return.
#[inline]
pub fn exit(code: i64) -> ! {
    // SAFETY: Ends the current task.
    unsafe { bindings::do_exit(code as _) }
}

/// The namespaces the current task is in, one of each type: to tell by address whether a
/// namespace is one of them (`current_in_namespace()` in later kernels). A snapshot: only the
/// task itself changes them, and it is busy here.
///
/// # Examples
///
/// ```
/// use core::ptr::NonNull;
/// use kernel::ns::{self, current::CurrentNamespaces};
///
/// // A kernel thread or test runs in the initial user and pid namespaces.
/// let current = CurrentNamespaces::get();
/// assert!(current.contains(NonNull::from(ns::init_user_ns())));
/// ```
pub struct CurrentNamespaces([*mut bindings::ns_common; 8]);

impl CurrentNamespaces {
    /// Takes the snapshot.
    #[inline]
    pub fn get() -> Self {
        let mut out = [core::ptr::null_mut(); 8];
        // SAFETY: The helper writes 8 pointers, the 8 elements of `out`; the current task is
        // valid while it runs.
        unsafe { bindings::nsrs_current_namespaces(out.as_mut_ptr()) };
        Self(out)
    }

    /// Whether the namespace at `ns` is one the current task is in: compares addresses only.
    #[inline]
    pub fn contains(&self, ns: core::ptr::NonNull<super::NsCommon>) -> bool {
        let raw = ns.as_ptr().cast::<bindings::ns_common>();
        self.0.iter().any(|&mine| core::ptr::eq(mine, raw))
    }
}
