// SPDX-License-Identifier: GPL-2.0

//! The pid namespace sysctls, each acting on the caller's active pid namespace:
//!
//! - `kernel.ns_last_pid` (with `CONFIG_CHECKPOINT_RESTORE`): the last pid allocated; writing
//!   it sets where the next cyclic allocation starts. Writing needs `CAP_SYS_ADMIN` or
//!   `CAP_CHECKPOINT_RESTORE` over the namespace's owner.
//! - `vm.memfd_noexec`: the memfd noexec scope, never less strict than the parent's. Writing
//!   needs `CAP_SYS_ADMIN` over the owner.

use super::namespace::memfd_noexec_scope;
use kernel::{
    bindings, c_str,
    error::code::EPERM,
    ffi::{c_int, c_void},
    ns::{
        sysctl::{int_entry, Request, SysctlTable},
        PidNamespace,
    },
    prelude::*,
};

#[cfg(CONFIG_CHECKPOINT_RESTORE)]
static KERNEL_TABLE: SysctlTable<1> =
    SysctlTable::new([int_entry(c_str!("ns_last_pid"), 0o666, ns_last_pid)]);

#[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
static VM_TABLE: SysctlTable<1> =
    SysctlTable::new([int_entry(c_str!("memfd_noexec"), 0o644, memfd_noexec)]);

/// Registers the sysctls.
pub(super) fn init() {
    #[cfg(CONFIG_CHECKPOINT_RESTORE)]
    if !KERNEL_TABLE.register(c_str!("kernel")) {
        pr_err!("cannot register kernel.ns_last_pid\n");
    }
    #[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
    if !VM_TABLE.register(c_str!("vm")) {
        pr_err!("cannot register vm.memfd_noexec\n");
    }
}

/// Returns the current `pid_max`.
#[cfg(CONFIG_CHECKPOINT_RESTORE)]
fn pid_max() -> i32 {
    // SAFETY: A plain `int` the sysctl writes; read once.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(bindings::pid_max)) }
}

/// # Safety
///
/// Called by the sysctl core with the arguments of a `proc_handler`.
#[cfg(CONFIG_CHECKPOINT_RESTORE)]
unsafe extern "C" fn ns_last_pid(
    table: *const bindings::ctl_table,
    write: c_int,
    buffer: *mut c_void,
    lenp: *mut usize,
    ppos: *mut bindings::loff_t,
) -> c_int {
    let req = Request {
        table,
        write,
        buffer,
        lenp,
        ppos,
    };
    PidNamespace::with_current(|ns| {
        if req.is_write() && !ns.user_ns().current_checkpoint_restore_capable() {
            return EPERM.to_errno();
        }
        let mut last = ns.next_nr() - 1;
        // SAFETY: The sysctl core's arguments, for this call.
        let ret = unsafe { req.dointvec_minmax(&mut last, 0, pid_max()) };
        if ret == 0 && req.is_write() {
            ns.set_next_nr((last + 1) as u32);
        }
        ret
    })
}

/// # Safety
///
/// Called by the sysctl core with the arguments of a `proc_handler`.
#[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
unsafe extern "C" fn memfd_noexec(
    table: *const bindings::ctl_table,
    write: c_int,
    buffer: *mut c_void,
    lenp: *mut usize,
    ppos: *mut bindings::loff_t,
) -> c_int {
    let req = Request {
        table,
        write,
        buffer,
        lenp,
        ppos,
    };
    PidNamespace::with_current(|ns| {
        if req.is_write() && !ns.user_ns().current_capable(bindings::CAP_SYS_ADMIN) {
            return EPERM.to_errno();
        }
        // No lower enforcement than the parent's.
        let parent_scope = memfd_noexec_scope(ns.parent());
        let mut scope = ns.memfd_noexec_scope().max(parent_scope);
        // SAFETY: The sysctl core's arguments, for this call.
        let ret = unsafe { req.dointvec_minmax(&mut scope, parent_scope, 2) };
        if ret == 0 && req.is_write() {
            ns.set_memfd_noexec_scope(scope);
        }
        ret
    })
}
