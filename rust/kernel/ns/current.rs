// SPDX-License-Identifier: GPL-2.0

//! The current task, as the init of a pid namespace sees itself when it exits: its thread
//! group, signal flags and sleep.
//!
//! C headers: [`arch/x86/include/asm/current.h`](srctree/arch/x86/include/asm/current.h),
//! [`include/linux/sched/signal.h`](srctree/include/linux/sched/signal.h).

use crate::bindings;

/// The running task (`current`), valid for as long as the caller runs.
///
/// On x86-64 SMP, one load from the per-CPU `pcpu_hot.current_task`, as C reads it, rather than
/// a call to the `get_current()` helper: that is `pcpu_hot`'s first field, at the offset of
/// `pcpu_hot` from the `%gs` base, and it does not change for the running task (it is the same
/// on whichever CPU the task runs).
///
/// # Examples
///
/// ```
/// use kernel::{bindings, ns::current};
///
/// // SAFETY: `get_current()` has no precondition.
/// assert_eq!(current::task(), unsafe { bindings::get_current() });
/// ```
#[inline(always)]
pub fn task() -> *mut bindings::task_struct {
    #[cfg(all(CONFIG_X86_64, CONFIG_SMP))]
    {
        const _: () = assert!(
            core::mem::offset_of!(
                bindings::pcpu_hot,
                __bindgen_anon_1.__bindgen_anon_1.current_task
            ) == 0
        );
        let task: *mut bindings::task_struct;
        // SAFETY: `%gs` holds this CPU's per-CPU base in the kernel and `pcpu_hot` is a
        // per-CPU variable, whose link-time address is its offset from that base; the load
        // reads memory only (no stack, no flags), and reads the same for the running task
        // wherever it runs, so it may be merged with another.
        unsafe {
            core::arch::asm!(
                "mov {task}, qword ptr gs:[{hot}]",
                task = out(reg) task,
                hot = sym bindings::pcpu_hot,
                options(pure, readonly, nostack, preserves_flags),
            )
        };
        task
    }
    #[cfg(not(all(CONFIG_X86_64, CONFIG_SMP)))]
    // SAFETY: `get_current()` has no precondition.
    unsafe {
        bindings::get_current()
    }
}

/// Whether the current task leads its thread group (`thread_group_leader()`).
#[inline]
pub fn is_group_leader() -> bool {
    // SAFETY: The current task is valid while it runs; `exit_signal` is read plainly, as
    // `thread_group_leader()` reads it.
    unsafe { (*task()).exit_signal >= 0 }
}

/// Ignores `SIGCHLD`, so that children that exit are reaped without a wait.
#[inline]
pub fn ignore_sigchld() {
    // SAFETY: The current task's `sighand` is valid while it runs (only the task itself
    // replaces it, on exec); its table is changed under its lock, with interrupts off. The only
    // caller, the exiting init in `zap_pid_ns_processes()`, runs in process context with
    // interrupts on, and takes nothing else between the lock and the unlock.
    unsafe {
        let sighand = (*task()).sighand;
        let lock = core::ptr::addr_of_mut!((*sighand).siglock);
        super::locks::spin_lock_irq(lock);
        // `SIG_IGN`, the handler value 1.
        let handler = core::ptr::addr_of_mut!(
            (*sighand).action[bindings::SIGCHLD as usize - 1]
                .sa
                .sa_handler
        );
        handler.cast::<usize>().write(1);
        super::locks::spin_unlock_irq(lock);
    }
}

/// Clears the current task's `TIF_SIGPENDING` (`clear_thread_flag()`).
#[inline]
fn clear_sigpending() {
    #[cfg(CONFIG_THREAD_INFO_IN_TASK)]
    {
        use core::sync::atomic::{AtomicUsize, Ordering};
        const MASK: usize = 1 << bindings::TIF_SIGPENDING;
        // SAFETY: The task's `thread_info` is in its `task_struct`, valid while it runs; its
        // flags, an `unsigned long` (the size and alignment of `AtomicUsize`), are only changed
        // atomically (`clear_bit()`), as here. (A cast, not `AtomicUsize::from_ptr()`, which is
        // not inlined here.)
        let flags =
            unsafe { &*core::ptr::addr_of_mut!((*task()).thread_info.flags).cast::<AtomicUsize>() };
        flags.fetch_and(!MASK, Ordering::Relaxed);
    }
    #[cfg(not(CONFIG_THREAD_INFO_IN_TASK))]
    // SAFETY: Clears the current task's own flag.
    unsafe {
        bindings::nsrs_clear_sigpending()
    };
}

/// Waits for any child to exit, after clearing the pending-signal flag so that the wait is not
/// cut short; the errno of `wait4(-1, NULL, __WALL, NULL)`, or the pid reaped.
#[inline]
pub fn wait_any_child() -> i64 {
    clear_sigpending();
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
        // check and `schedule()` is not lost.
        set_state_before_check(bindings::TASK_IDLE | bindings::TASK_FREEZABLE);
        if done() {
            break;
        }
        // SAFETY: Sleeps in the state set above.
        unsafe { bindings::schedule() };
    }
    set_running();
}

/// The current task's `__state`, as an atomic.
#[cfg(not(CONFIG_DEBUG_ATOMIC_SLEEP))]
#[inline(always)]
fn state() -> &'static core::sync::atomic::AtomicU32 {
    // SAFETY: The running task is valid for as long as it runs, which outlasts any use of the
    // reference by it; `__state` is an `unsigned int` (the size and alignment of `AtomicU32`),
    // only accessed with `READ_ONCE()`, `WRITE_ONCE()` and atomics. (A cast, not
    // `AtomicU32::from_ptr()`, which is not inlined here.)
    unsafe { &*core::ptr::addr_of_mut!((*task()).__state).cast() }
}

/// `set_current_state()`: the store, then a full barrier before what the caller checks next
/// (`smp_store_mb()`); the debug kernel's check of the state change is the C helper's.
#[inline]
fn set_state_before_check(state_value: u32) {
    #[cfg(not(CONFIG_DEBUG_ATOMIC_SLEEP))]
    state().swap(state_value, core::sync::atomic::Ordering::SeqCst);
    #[cfg(CONFIG_DEBUG_ATOMIC_SLEEP)]
    // SAFETY: Sets the current task's own state.
    unsafe {
        bindings::nsrs_set_current_state(state_value)
    };
}

/// `__set_current_state(TASK_RUNNING)`: back to running, no barrier needed.
#[inline]
fn set_running() {
    #[cfg(not(CONFIG_DEBUG_ATOMIC_SLEEP))]
    state().store(
        bindings::TASK_RUNNING,
        core::sync::atomic::Ordering::Relaxed,
    );
    #[cfg(CONFIG_DEBUG_ATOMIC_SLEEP)]
    // SAFETY: Sets the current task's own state.
    unsafe {
        bindings::nsrs_set_current_running()
    };
}

/// Sets the exit code of the current task's thread group.
#[inline]
pub fn set_group_exit_code(code: i32) {
    // SAFETY: The current task's own signal struct, valid while it runs; C writes the field
    // without a lock here too (`zap_pid_ns_processes()`).
    unsafe { (*(*task()).signal).group_exit_code = code };
}

/// Exits the current task with `code`; does not return.
#[inline]
pub fn exit(code: i64) -> ! {
    // SAFETY: Ends the current task.
    unsafe { bindings::do_exit(code as _) }
}
