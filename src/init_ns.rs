// SPDX-License-Identifier: GPL-2.0

//! The initial namespaces: fixed inode numbers the rest of the component relies on.
//!
//! nsfs gives each initial namespace a fixed inode number (`PROC_*_INIT_INO`; with nsrs, as in
//! mainline since 6.18, also `NET_NS_INIT_INO` and `MNT_NS_INIT_INO`) and every other namespace
//! one from the proc inode allocator; userspace compares `st_ino` of `/proc/<pid>/ns/*` files
//! against them.

use kernel::bindings;
use kernel::ns::{NsCommon, NsType};
use kernel::prelude::*;

/// Returns the inode number the initial namespace of `ns_type` has, if it has a fixed one.
///
/// The initial mount and network namespaces take theirs when they are made (`init_mount_tree()`,
/// `net_ns_net_init()`), after this is first used: they are not checked here.
pub(crate) fn fixed_inum(ns_type: NsType) -> Option<u32> {
    Some(match ns_type {
        NsType::Ipc => bindings::PROC_IPC_INIT_INO,
        NsType::Uts => bindings::PROC_UTS_INIT_INO,
        NsType::User => bindings::PROC_USER_INIT_INO,
        NsType::Pid => bindings::PROC_PID_INIT_INO,
        NsType::Cgroup => bindings::PROC_CGROUP_INIT_INO,
        NsType::Time => bindings::PROC_TIME_INIT_INO,
        NsType::Mnt | NsType::Net => return None,
    })
}

/// Checks that `ns` is an initial namespace of type `expected`, with its fixed inode number.
pub(crate) fn check(ns: &NsCommon, expected: NsType) -> Result {
    if ns.ns_type() != Some(expected) || fixed_inum(expected) != Some(ns.inum()) {
        return Err(EINVAL);
    }
    Ok(())
}

/// Returns the name of the type of `ns` as `/proc/<pid>/ns/` shows it.
pub(crate) fn type_name(ns: &NsCommon) -> &str {
    ns.type_name().to_str().unwrap_or("?")
}

#[cfg(CONFIG_NSRS_KUNIT_TEST)]
mod tests {
    use super::*;
    use kernel::{
        ffi::c_ulong,
        kunit_case_assert, kunit_suite,
        ns::{self, NsProxy},
        types::ARef,
    };

    fn initial_namespaces_pass_the_check() {
        kunit_case_assert!(check(ns::init_pid_ns(), NsType::Pid).is_ok());
        kunit_case_assert!(check(ns::init_user_ns(), NsType::User).is_ok());
    }

    fn wrong_type_fails_the_check() {
        kunit_case_assert!(check(ns::init_pid_ns(), NsType::User) == Err(EINVAL));
        kunit_case_assert!(check(ns::init_user_ns(), NsType::Net) == Err(EINVAL));
    }

    fn type_names_match_proc() {
        kunit_case_assert!(type_name(ns::init_pid_ns()) == "pid");
        kunit_case_assert!(type_name(ns::init_user_ns()) == "user");
    }

    fn fixed_inums_are_distinct() {
        let all = [
            NsType::Mnt,
            NsType::Cgroup,
            NsType::Uts,
            NsType::Ipc,
            NsType::User,
            NsType::Pid,
            NsType::Net,
            NsType::Time,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if let (Some(x), Some(y)) = (fixed_inum(*a), fixed_inum(*b)) {
                    kunit_case_assert!(x != y);
                }
            }
        }
    }

    // The UTS namespace's count only moves when namespaces are created, which nothing does while
    // the built-in suites run; a user namespace's moves with every `prepare_creds()`.
    fn references_on_initial_namespaces_balance() {
        for (ns, counted) in [
            (ns::init_pid_ns(), false),
            #[cfg(CONFIG_UTS_NS)]
            (ns::init_uts_ns(), true),
        ] {
            let before = ns.ref_count();
            let held = ARef::from(ns);
            let again = held.clone();
            kunit_case_assert!(ns.ref_count() == if counted { before + 2 } else { before });
            drop(held);
            drop(again);
            kunit_case_assert!(ns.ref_count() == before);
        }
    }

    // Whatever the configuration: a type compiled out leaves its initial namespace without
    // operations (or leaves none at all), and the initial nsproxy must not yield it.
    fn initial_nsproxy_yields_only_namespaces_with_operations() {
        let [mnt, uts, ipc, pid, cgroup, net, time] = NsProxy::init().namespaces();
        kunit_case_assert!(mnt.is_some());
        kunit_case_assert!(uts.is_some() == cfg!(CONFIG_UTS_NS));
        kunit_case_assert!(ipc.is_some() == cfg!(CONFIG_IPC_NS));
        kunit_case_assert!(pid.is_some());
        kunit_case_assert!(cgroup.is_some() == cfg!(CONFIG_CGROUPS));
        kunit_case_assert!(net.is_some() == cfg!(CONFIG_NET_NS));
        kunit_case_assert!(time.is_some() == cfg!(CONFIG_TIME_NS));
        for (ns, expected) in [
            (uts, NsType::Uts),
            (ipc, NsType::Ipc),
            (pid, NsType::Pid),
            (cgroup, NsType::Cgroup),
            (time, NsType::Time),
        ] {
            kunit_case_assert!(ns.map_or(true, |ns| check(ns, expected).is_ok()));
        }
        for (ns, expected) in [(mnt, NsType::Mnt), (net, NsType::Net)] {
            kunit_case_assert!(ns.map_or(true, |ns| ns.ns_type() == Some(expected)));
        }
    }

    // `for_each_made_by()` yields what `namespaces()` does, for the flags asked.
    fn made_by_yields_the_namespaces_of_the_flags() {
        let proxy = NsProxy::init();
        let mut all = 0;
        let res = proxy.for_each_made_by(bindings::CLONE_NEW_ANY as c_ulong, |_| {
            all += 1;
            Ok(())
        });
        kunit_case_assert!(res.is_ok());
        kunit_case_assert!(all == proxy.namespaces().iter().flatten().count());

        let mut pid = None;
        let res = proxy.for_each_made_by(bindings::CLONE_NEWPID as c_ulong, |ns| {
            kunit_case_assert!(pid.is_none());
            pid = Some(ns.inum());
            Ok(())
        });
        kunit_case_assert!(res.is_ok());
        kunit_case_assert!(pid == Some(bindings::PROC_PID_INIT_INO));

        let res = proxy.for_each_made_by(bindings::CLONE_NEWPID as c_ulong, |_| Err(EINVAL));
        kunit_case_assert!(res == Err(EINVAL));
    }

    kunit_suite!(
        nsrs_init_ns,
        [
            initial_nsproxy_yields_only_namespaces_with_operations,
            made_by_yields_the_namespaces_of_the_flags,
            references_on_initial_namespaces_balance,
            initial_namespaces_pass_the_check,
            wrong_type_fails_the_check,
            type_names_match_proc,
            fixed_inums_are_distinct,
        ]
    );
}
