// SPDX-License-Identifier: GPL-2.0

//! Hierarchical pid namespaces, after Pavel Emelyanov's design, in place of
//! `kernel/pid_namespace.c` and the allocator half of `kernel/pid.c`.
//!
//! A pid namespace at level `n` has a parent at level `n - 1`, up to the initial namespace at
//! level 0, and numbers its own processes in its IDR. A `struct pid` made in a namespace at
//! level `n` carries `n + 1` numbers (`struct upid`: a number and the namespace it is valid in),
//! one per level from the root down to its own, and comes from the cache of its level (`pid_<n+1>`,
//! made on first use and shared by every namespace at that level).
//!
//! ```text
//!   level 0  init_pid_ns   IDR: 1 .. 4123 ...      struct pid (pid_3 cache)
//!   level 1  ns A          IDR: 1 .. 17            +-------------------------+
//!   level 2  ns B          IDR: 1 .. 5             | count, level = 2, tasks |
//!                                                  | numbers[0] = 4123 @ init|
//!                                                  | numbers[1] =   17 @ A   |
//!                                                  | numbers[2] =    5 @ B   |
//!                                                  +-------------------------+
//! ```
//!
//! What moved: the namespace's life ([`namespace`]), the per-level caches ([`caches`]), pid
//! allocation and release ([`alloc`]), the `proc_ns_operations` ([`ops`]), the end of a
//! namespace when its init dies or it reboots ([`exit`]), and the `ns_last_pid` and
//! `memfd_noexec` sysctls ([`sysctl`]). What stays in `kernel/pid.c`: lookups, attaching pids to
//! tasks, pidfds and the initial namespace, used all over the kernel, and `pidmap_lock`, which
//! this allocator and those lookups share.

pub mod alloc;
pub mod caches;
pub mod exit;
pub mod namespace;
pub mod ops;
pub mod sysctl;

/// Sets up the caches pid namespaces need, once, at boot (what `pid_namespaces_init()` did
/// first).
pub(crate) fn init() {
    caches::init();
}

/// Registers the sysctls of pid namespaces, once procfs is up (the rest of
/// `pid_namespaces_init()`).
pub(crate) fn init_sysctls() {
    sysctl::init();
}
