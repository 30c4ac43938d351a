// SPDX-License-Identifier: GPL-2.0

//! The set of namespaces a task uses, `struct nsproxy`.
//!
//! C header: [`include/linux/nsproxy.h`](srctree/include/linux/nsproxy.h).

use super::NsCommon;
use crate::{bindings, error::Result, ffi::c_ulong, types::Opaque};

/// A namespace member of an nsproxy, for [`NsProxy::address`]: in the order of
/// [`NsProxy::namespaces`], then the time namespace the nsproxy's owner is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum NsSlot {
    /// `mnt_ns`.
    Mnt = 0,
    /// `uts_ns`.
    Uts = 1,
    /// `ipc_ns`.
    Ipc = 2,
    /// `pid_ns_for_children`.
    PidForChildren = 3,
    /// `cgroup_ns`.
    Cgroup = 4,
    /// `net_ns`.
    Net = 5,
    /// `time_ns_for_children`.
    TimeForChildren = 6,
    /// `time_ns`.
    Time = 7,
}

/// A `struct nsproxy`.
///
/// # Invariants
///
/// For as long as a reference to this object exists, the nsproxy is valid and each of its
/// non-null namespace pointers points to a set-up namespace on which it holds a count (the
/// initial nsproxy, to an initial namespace). The pointers are not written while other threads
/// may read them: an nsproxy does not change once set up, but for the initial one's mount
/// namespace, which `init_mount_tree()` sets at boot before other threads run.
#[repr(transparent)]
pub struct NsProxy(Opaque<bindings::nsproxy>);

impl NsProxy {
    /// Creates a reference to the nsproxy at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a set-up nsproxy that stays valid, holding its namespaces, for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::nsproxy) -> &'a Self {
        // SAFETY: `NsProxy` is a transparent wrapper of `Opaque<nsproxy>`; the caller guarantees
        // the type invariants for `'a` (a set-up nsproxy is not written any more).
        unsafe { &*ptr.cast() }
    }

    /// Returns the initial nsproxy, that of `init_task`.
    #[inline]
    pub fn init() -> &'static Self {
        // SAFETY: `init_nsproxy` is a static that is never freed; its namespaces are the
        // initial ones, whose counts never drop to zero (the initial pid namespace is never
        // freed); only its mount namespace is set after it is first used, at boot, while no
        // other thread runs.
        unsafe { Self::from_raw(core::ptr::addr_of!(bindings::init_nsproxy)) }
    }

    /// Returns the namespaces the nsproxy holds, in the order mount, uts, ipc, pid, cgroup, net,
    /// time (the pid and time namespaces being those its owner's children get); `None` where
    /// there is none, and where it has no operations.
    ///
    /// A namespace without operations is the initial namespace of a type whose namespaces are
    /// compiled out (`init_uts_ns` without `CONFIG_UTS_NS`, `init_ipc_ns` without
    /// `CONFIG_IPC_NS`, `init_net` without `CONFIG_NET_NS`): it has no `/proc/<pid>/ns/` entry,
    /// no nsfs file and no `->put`, userspace cannot see it, and it is no [`NsCommon`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::ns::NsProxy;
    ///
    /// let [_, _, _, pid, ..] = NsProxy::init().namespaces();
    /// assert_eq!(pid.map(|ns| ns.inum()), Some(kernel::bindings::PROC_PID_INIT_INO));
    /// for ns in NsProxy::init().namespaces().into_iter().flatten() {
    ///     // Each has operations, so a type and a name, whatever the configuration.
    ///     assert!(ns.ns_type().is_some());
    ///     assert!(!ns.type_name().as_bytes().is_empty());
    /// }
    /// ```
    #[inline]
    pub fn namespaces(&self) -> [Option<&NsCommon>; 7] {
        let out = self.addresses();
        // Indexed, not `map()` or an array iterator: those are not inlined everywhere, and this
        // is on the path of every `unshare(2)`.
        let mut namespaces = [None; 7];
        let mut i = 0;
        while i < namespaces.len() {
            // SAFETY: Each address is null or that of the `ns_common` of a set-up namespace on
            // which the nsproxy holds a count for as long as it lives (type invariants), so for
            // as long as `self` is borrowed; those without operations are left out.
            namespaces[i] = unsafe { NsCommon::from_raw_with_ops(out[i]) };
            i += 1;
        }
        namespaces
    }

    /// Returns the addresses of the namespaces the nsproxy holds, in the order of
    /// [`NsProxy::namespaces`]: null where there is none, and possibly of a namespace without
    /// operations or still being set up (`init_net` at boot). For comparing addresses; only
    /// [`NsProxy::namespaces`] turns them into references.
    #[inline]
    pub fn addresses(&self) -> [*mut bindings::ns_common; 7] {
        [
            self.address(NsSlot::Mnt),
            self.address(NsSlot::Uts),
            self.address(NsSlot::Ipc),
            self.address(NsSlot::PidForChildren),
            self.address(NsSlot::Cgroup),
            self.address(NsSlot::Net),
            self.address(NsSlot::TimeForChildren),
        ]
    }

    /// Returns the address of one namespace of the nsproxy, as [`NsProxy::addresses`] does,
    /// reading only that member: with [`NsSlot::Time`], the time namespace the nsproxy's owner is
    /// in, which [`NsProxy::addresses`] leaves out for the one its children get.
    #[inline(always)]
    pub fn address(&self, slot: NsSlot) -> *mut bindings::ns_common {
        // SAFETY: The nsproxy is valid (type invariants); the helper reads one member of it.
        unsafe { bindings::nsrs_nsproxy_ns(self.0.get(), slot as u32) }
    }

    /// Whether `self` and `other` hold the same namespace in `slot`, by the members themselves:
    /// two loads and a compare, no address computed.
    #[inline(always)]
    pub fn shares(&self, other: &NsProxy, slot: NsSlot) -> bool {
        // SAFETY: Both nsproxies are valid (type invariants); the helper reads one member of each.
        unsafe { bindings::nsrs_nsproxy_shares(self.0.get(), other.0.get(), slot as u32) }
    }

    /// Drops the caller's reference on the nsproxy if it is the only one, leaving its count at
    /// zero (`refcount_dec_if_one()`), and returns whether it did. When it did, the caller owns
    /// the nsproxy: it still holds its namespaces, and the caller frees it with
    /// `free_nsproxy()`.
    ///
    /// # Safety
    ///
    /// The caller must own a reference on the nsproxy, through which nobody else can take a new
    /// one once it returns `true`: a task's installed nsproxy, which other tasks take only under
    /// `task_lock()`, held by the caller, which unpublishes it before unlocking.
    #[inline]
    pub unsafe fn dec_if_sole(&self) -> bool {
        // SAFETY: The nsproxy is valid (type invariants); the caller owns the reference that this
        // drops, and guarantees that nobody can take a new one once it is the last.
        unsafe { bindings::nsrs_nsproxy_dec_if_one(self.0.get()) }
    }

    /// Calls `f` on each namespace of the nsproxy that the `CLONE_NEW*` bits of `flags` stand
    /// for, in the order of [`NsProxy::namespaces`]: those `create_new_namespaces(flags)` made.
    /// Stops at the first error, and returns it.
    ///
    /// Those [`NsProxy::namespaces`] leaves out are skipped: with `CONFIG_CGROUPS` off,
    /// `unshare(CLONE_NEWCGROUP)` succeeds and makes no namespace.
    #[inline]
    pub fn for_each_made_by(
        &self,
        flags: c_ulong,
        mut f: impl FnMut(&NsCommon) -> Result,
    ) -> Result {
        let mut visit = |flag: u32, slot| {
            if flags & flag as c_ulong == 0 {
                return Ok(());
            }
            // SAFETY: A namespace the nsproxy holds a count on for as long as `self` is borrowed
            // (type invariants), or null; those without operations are left out.
            match unsafe { NsCommon::from_raw_with_ops(self.address(slot)) } {
                Some(ns) => f(ns),
                None => Ok(()),
            }
        };
        // One call each, not a loop over an array: this is on the path of every `unshare(2)`.
        visit(bindings::CLONE_NEWNS, NsSlot::Mnt)?;
        visit(bindings::CLONE_NEWUTS, NsSlot::Uts)?;
        visit(bindings::CLONE_NEWIPC, NsSlot::Ipc)?;
        visit(bindings::CLONE_NEWPID, NsSlot::PidForChildren)?;
        visit(bindings::CLONE_NEWCGROUP, NsSlot::Cgroup)?;
        visit(bindings::CLONE_NEWNET, NsSlot::Net)?;
        visit(bindings::CLONE_NEWTIME, NsSlot::TimeForChildren)
    }
}
