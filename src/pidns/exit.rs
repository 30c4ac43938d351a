// SPDX-License-Identifier: GPL-2.0

//! The end of a pid namespace: when its init exits every other process in it is killed and
//! reaped, and no process may enter it any more (forks into it fail with `ENOMEM`);
//! `reboot(2)` inside it ends its init with the exit status the command asks for.

use super::alloc::disable_pid_allocation;
use kernel::{
    bindings,
    error::code::EINVAL,
    ffi::c_int,
    ns::{
        current,
        reaper::{NoNotifySignal, TasklistReadGuard},
        PidNamespace,
    },
    sync::rcu,
};

/// Kills every process of `ns` but its init (pid 1), unless already dying.
fn kill_all_but_init(ns: &PidNamespace) {
    let guard = rcu::read_lock();
    let tasklist = TasklistReadGuard::lock();
    let mut nr = 2;
    while let Some((found, task)) = ns.task_from(nr, &guard, &tasklist) {
        if let Some(task) = task.filter(|t| !t.fatal_signal_pending()) {
            task.kill_group();
        }
        nr = found + 1;
    }
}

/// `zap_pid_ns_processes()`: called by the namespace's init as it exits.
///
/// Other processes are killed and waited for, children and zombies of processes that entered
/// with `setns(2)` alike, so that when init is reaped, the namespace is empty.
///
/// # Safety
///
/// Called by the exiting child reaper of the live pid namespace `pid_ns`.
#[no_mangle]
pub unsafe extern "C" fn zap_pid_ns_processes(pid_ns: *mut bindings::pid_namespace) {
    // SAFETY: The caller, its init, keeps `pid_ns` alive.
    let ns = unsafe { PidNamespace::from_raw(pid_ns) };
    // A non-leader thread's own pid counts too.
    let init_pids = if current::is_group_leader() { 1 } else { 2 };

    // SAFETY: As above.
    unsafe { disable_pid_allocation(pid_ns) };
    // Children that exit from now on reap themselves, which also speeds up the shutdown.
    // SAFETY: The exiting init runs in process context, with interrupts enabled.
    unsafe { current::ignore_sigchld() };
    kill_all_but_init(ns);

    // Task work must not busy-loop the reaper (see `signal_pending()`), to the end.
    let _no_notify = NoNotifySignal::new();
    while current::wait_any_child() != -i64::from(bindings::ECHILD) {}

    // Zombies whose parents are outside (after `setns()` and `fork()`) are reparented here and
    // reaped by the ignored SIGCHLD; `free_pid()` wakes us as the count drops.
    current::sleep_until(|| ns.pid_allocated_unlocked() == init_pids);

    let code = ns.reboot_code();
    if code != 0 {
        current::set_group_exit_code(code);
    }
    ns.acct_exit();
}
kernel::c_prototype!(zap_pid_ns_processes(_));

/// `reboot_pid_ns()`: `reboot(2)` from inside a pid namespace other than the initial one ends
/// the caller and kills the namespace's init, which exits with `SIGHUP` for a restart and
/// `SIGINT` for a halt or power-off. Other commands are `EINVAL`; in the initial namespace, 0
/// (the real reboot proceeds).
///
/// # Safety
///
/// `pid_ns` must be the caller's live active pid namespace.
#[no_mangle]
pub unsafe extern "C" fn reboot_pid_ns(pid_ns: *mut bindings::pid_namespace, cmd: c_int) -> c_int {
    // SAFETY: The caller's own namespace, alive while it runs.
    let ns = unsafe { PidNamespace::from_raw(pid_ns) };
    if ns.is_init() {
        return 0;
    }
    let code = match cmd as u32 {
        bindings::LINUX_REBOOT_CMD_RESTART2 | bindings::LINUX_REBOOT_CMD_RESTART => {
            bindings::SIGHUP
        }
        bindings::LINUX_REBOOT_CMD_POWER_OFF | bindings::LINUX_REBOOT_CMD_HALT => bindings::SIGINT,
        _ => return EINVAL.to_errno(),
    };
    ns.set_reboot_code(code as i32);
    ns.kill_child_reaper();
    current::exit(0)
}
kernel::c_prototype!(reboot_pid_ns(_, _));
