// SPDX-License-Identifier: GPL-2.0

//! The set of namespaces a task uses, `struct nsproxy`.
//!
//! C header: [`include/linux/nsproxy.h`](srctree/include/linux/nsproxy.h).

use super::NsCommon;
use crate::{bindings, types::Opaque};

/// A `struct nsproxy`.
///
/// # Invariants
///
/// The nsproxy is valid, and holds a counted reference on each of its namespaces, for as long
/// as a reference to it exists.
#[repr(transparent)]
pub struct NsProxy(Opaque<bindings::nsproxy>);

impl NsProxy {
    /// Creates a reference to the nsproxy at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a set-up nsproxy that stays valid, with its namespaces, for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::nsproxy) -> &'a Self {
        // SAFETY: Transparent wrapper; validity guaranteed by the caller.
        unsafe { &*ptr.cast() }
    }

    /// Returns the initial nsproxy, that of `init_task`.
    #[inline]
    pub fn init() -> &'static Self {
        // SAFETY: `init_nsproxy` is a static that is never freed; its namespaces are the
        // initial ones, which are never freed either.
        unsafe { Self::from_raw(core::ptr::addr_of!(bindings::init_nsproxy)) }
    }

    /// Returns the namespaces the nsproxy holds, those its owner's children get for pid and time
    /// namespaces: mount, uts, ipc, pid, cgroup, net, time (`None` where there is none).
    #[inline]
    pub fn namespaces(&self) -> [Option<&NsCommon>; 7] {
        let mut out = [core::ptr::null_mut(); 7];
        // SAFETY: The nsproxy is valid (type invariants); the helper writes 7 pointers.
        unsafe { bindings::nsrs_nsproxy_namespaces(self.0.get(), out.as_mut_ptr()) };
        // SAFETY: Each non-null pointer is a namespace the nsproxy holds a reference on, alive
        // for as long as `self` is.
        out.map(|ns| (!ns.is_null()).then(|| unsafe { NsCommon::from_raw(ns) }))
    }

    /// Calls `f` on each namespace of the nsproxy that the `CLONE_NEW*` bits of `flags` stand
    /// for, in the order of [`NsProxy::namespaces`]: those `create_new_namespaces(flags)` made.
    /// Stops at the first error, and returns it.
    #[inline]
    pub fn for_each_made_by(
        &self,
        flags: crate::ffi::c_ulong,
        mut f: impl FnMut(&NsCommon) -> crate::error::Result,
    ) -> crate::error::Result {
        let mut out = [core::ptr::null_mut(); 7];
        // SAFETY: The nsproxy is valid (type invariants); the helper writes at most 7 pointers.
        let n =
            unsafe { bindings::nsrs_nsproxy_new_namespaces(self.0.get(), flags, out.as_mut_ptr()) };
        for &ns in out.iter().take(n as usize) {
            // SAFETY: Each pointer is a namespace the nsproxy holds a reference on (a set-up
            // nsproxy has one of each type), alive for as long as `self` is.
            f(unsafe { NsCommon::from_raw(ns) })?;
        }
        Ok(())
    }
}
