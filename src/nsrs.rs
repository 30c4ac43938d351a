// SPDX-License-Identifier: GPL-2.0

//! nsrs: the namespace core in Rust.
//!
//! A built-in Rust object, called from C through the `extern "C"` entry points below. It works
//! through the safe abstractions in the kernel crate (`kernel::ns`) and keeps raw bindings out.

use kernel::ns::{self, NsType};
use kernel::prelude::*;

mod init_ns;
pub mod listns;
pub mod nsfs;
pub mod nstree;
pub mod pidns;
pub mod proc_namespaces;

/// Errors the kernel crate of 6.12 does not name.
pub(crate) mod errors {
    use kernel::{bindings, error::Error};

    /// `EOPNOTSUPP`.
    pub(crate) fn eopnotsupp() -> Error {
        Error::from_errno(-(bindings::EOPNOTSUPP as i32))
    }

    /// `EOVERFLOW`.
    pub(crate) fn eoverflow() -> Error {
        Error::from_errno(-(bindings::EOVERFLOW as i32))
    }
}

/// Log prefix for `pr_*!` in this built-in crate (the `module!` macro defines it for modules).
const __LOG_PREFIX: &[u8] = b"nsrs\0";

/// Called once from `start_kernel()`, before `net_ns_init()` asks the tree for the first
/// namespace's id (`init_net`'s), and before procfs is set up; [`late_init`] does
/// the rest.
///
/// Sets the namespace tree and the pid namespace caches up, checks that the initial namespaces are
/// the ones the component expects and says it is active.
///
/// # Safety
///
/// Must be called once, before any other entry point of the component and while no other
/// thread runs: it sets up the namespace tree, which every other entry point uses, without a lock.
#[no_mangle]
pub unsafe extern "C" fn nsrs_init() {
    nstree::init();
    pidns::init();
    let pid = ns::init_pid_ns();
    let user = ns::init_user_ns();
    if let Err(e) = init_ns::check(pid, NsType::Pid).and(init_ns::check(user, NsType::User)) {
        pr_err!("initial namespaces not as expected: {:?}\n", e);
        return;
    }
    pr_info!(
        "namespace core in Rust active: {}:[{}] {}:[{}]\n",
        init_ns::type_name(pid),
        pid.inum(),
        init_ns::type_name(user),
        user.inum()
    );
}
kernel::c_prototype!(nsrs_init());

// The tree's entry points have the prototypes `include/linux/nsrs.h` declares.
const _: () = {
    use nstree::{
        ns_registry_add, ns_registry_add_nsproxy, ns_tree_gen_id, nsrs_alloc_inum, nsrs_free_inum,
    };
    kernel::c_prototype!(ns_tree_gen_id(_));
    kernel::c_prototype!(ns_registry_add(_));
    kernel::c_prototype!(ns_registry_add_nsproxy(_, _));
    kernel::c_prototype!(nsrs_alloc_inum(_));
    kernel::c_prototype!(nsrs_free_inum(_));
};

/// The set-up that needs procfs and every initial namespace (`init_net` and the initial mount
/// namespace are the last to come): called once by `nsfs_init()`, which `start_kernel()` calls
/// after `proc_root_init()`.
pub(crate) fn late_init() {
    nstree::enter_initial();
    pidns::init_sysctls();
}
