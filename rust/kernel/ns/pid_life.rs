// SPDX-License-Identifier: GPL-2.0

//! The life of a pid namespace: its allocation and set-up, the charge against its owner's
//! `max_pid_namespaces`, and its release after an RCU grace period.

use super::{NsCommon, NsOperations, PidNamespace, UserNamespace};
use crate::{bindings, kmem_cache::KmemCache, types::ARef};
use core::ptr::NonNull;

/// One pid namespace charged to the current user in a user namespace (`inc_ucount()` of
/// `UCOUNT_PID_NAMESPACES`), released on drop unless a namespace takes it over.
///
/// # Invariants
///
/// `self.0` holds one `UCOUNT_PID_NAMESPACES` count, owned here.
pub struct PidNsCharge(NonNull<bindings::ucounts>);

impl PidNsCharge {
    /// Charges one pid namespace; `None` past the user namespace's limit.
    #[inline]
    pub fn new(user_ns: &UserNamespace) -> Option<Self> {
        // SAFETY: `user_ns` is alive; `current_euid()` is the current task's.
        let ucounts = unsafe {
            bindings::inc_ucount(
                user_ns.as_raw_user_ns(),
                bindings::current_euid(),
                bindings::ucount_type_UCOUNT_PID_NAMESPACES,
            )
        };
        NonNull::new(ucounts).map(Self)
    }
}

impl Drop for PidNsCharge {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The count is owned (type invariants).
        unsafe {
            bindings::dec_ucount(self.0.as_ptr(), bindings::ucount_type_UCOUNT_PID_NAMESPACES)
        };
    }
}

/// A zeroed pid namespace being set up, freed back to its cache on drop.
///
/// # Invariants
///
/// `self.ptr` is an object of `self.cache` owned here, its IDR initialised.
pub struct NewPidNamespace {
    ptr: NonNull<bindings::pid_namespace>,
    cache: &'static KmemCache,
}

impl NewPidNamespace {
    /// Allocates a zeroed namespace from `cache` and initialises its IDR.
    #[inline]
    pub fn alloc(cache: &'static KmemCache) -> Option<Self> {
        let ptr = cache.zalloc()?.cast::<bindings::pid_namespace>();
        // SAFETY: The object is ours and zeroed.
        unsafe { bindings::idr_init(core::ptr::addr_of_mut!((*ptr.as_ptr()).idr)) };
        Some(Self { ptr, cache })
    }

    /// Completes the namespace as a child of `parent` owned by `user_ns`, with one reference,
    /// accepting new pids, and returns that reference. Its inode number is left to the caller
    /// ([`NsCommon::set_inum`]), to set before anyone else can reach it.
    ///
    /// It takes references on `parent` and `user_ns`, and over `charge`.
    pub fn publish(
        self,
        ops: &'static NsOperations,
        parent: &PidNamespace,
        user_ns: &UserNamespace,
        charge: PidNsCharge,
        pid_cache: &'static KmemCache,
        memfd_noexec_scope: i32,
    ) -> ARef<NsCommon> {
        let ns = self.ptr.as_ptr();
        let parent_ref = ARef::from(parent.as_common());
        // SAFETY: The object is ours and fully initialised below before it is published by
        // returning the reference; the references on the parent and the user namespace are
        // counted for it and dropped when it is released.
        unsafe {
            (*ns).pid_cachep = pid_cache.as_raw();
            (*ns).ns.ops = core::ptr::from_ref(ops).cast();
            bindings::refcount_set(core::ptr::addr_of_mut!((*ns).ns.count), 1);
            (*ns).level = parent.level() + 1;
            (*ns).parent = parent.as_raw_pid_ns();
            core::mem::forget(parent_ref);
            // `get_user_ns()`: the owner is counted like any namespace.
            bindings::refcount_inc(core::ptr::addr_of_mut!(
                (*user_ns.as_raw_user_ns()).ns.count
            ));
            (*ns).user_ns = user_ns.as_raw_user_ns();
            (*ns).ucounts = charge.0.as_ptr();
            core::mem::forget(charge);
            (*ns).pid_allocated = bindings::PIDNS_ADDING;
            #[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
            {
                (*ns).memfd_noexec_scope = memfd_noexec_scope;
            }
        }
        #[cfg(not(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE)))]
        let _ = memfd_noexec_scope;
        core::mem::forget(self);
        // SAFETY: The namespace is set up with one count, which the result owns.
        unsafe { ARef::from_raw(NonNull::new_unchecked(core::ptr::addr_of_mut!((*ns).ns)).cast()) }
    }
}

impl Drop for NewPidNamespace {
    #[inline]
    fn drop(&mut self) {
        let ns = self.ptr.as_ptr();
        // SAFETY: The object is ours (type invariants): its IDR is released, then the memory
        // goes back to its cache.
        unsafe {
            bindings::idr_destroy(core::ptr::addr_of_mut!((*ns).idr));
            self.cache.free(self.ptr.cast());
        }
    }
}

/// A pid namespace whose count reached zero, being released.
///
/// # Invariants
///
/// `self.0` is a pid namespace nothing refers to any more (its count is zero and no pid numbers
/// in it), owned by this handle.
pub struct DeadPidNamespace(NonNull<bindings::pid_namespace>);

impl DeadPidNamespace {
    /// Takes ownership of a pid namespace whose count just dropped to zero.
    ///
    /// # Safety
    ///
    /// The count of `ns` must have dropped to zero by the caller's decrement.
    #[inline]
    pub unsafe fn from_zero_count(ns: &PidNamespace) -> Self {
        // SAFETY: `ns` is a valid pid namespace.
        Self(unsafe { NonNull::new_unchecked(ns.as_raw_pid_ns()) })
    }

    /// Frees its inode number (if it was numbered) and its IDR (empty by now), then calls
    /// `callback` with the namespace's `rcu` head after an RCU grace period, since lookups may
    /// still be reading it.
    pub fn release(self, callback: unsafe extern "C" fn(*mut bindings::callback_head)) {
        let ns = self.0.as_ptr();
        // SAFETY: The namespace is owned and unused (type invariants); this consumes the handle,
        // so each is done once; the `rcu` head is unused until now.
        unsafe {
            // Zero is no inode number: a namespace whose numbering failed has none to free.
            if (*ns).ns.inum != 0 {
                bindings::proc_free_inum((*ns).ns.inum);
            }
            bindings::idr_destroy(core::ptr::addr_of_mut!((*ns).idr));
            bindings::call_rcu(core::ptr::addr_of_mut!((*ns).rcu), Some(callback));
        }
    }

    /// Returns the namespace whose `rcu` head is `head`.
    ///
    /// # Safety
    ///
    /// `head` must be the `rcu` head given to `call_rcu` by [`DeadPidNamespace::release`].
    #[inline]
    pub unsafe fn from_rcu_head(head: *mut bindings::callback_head) -> Self {
        // SAFETY: Guaranteed by the caller.
        Self(unsafe {
            NonNull::new_unchecked(
                crate::container_of!(head, bindings::pid_namespace, rcu) as *mut _
            )
        })
    }

    /// Drops the charge, the reference on the owning user namespace, and the memory, to
    /// `cache`.
    ///
    /// # Safety
    ///
    /// `cache` must be the cache the namespace came from; the grace period must be over.
    #[inline]
    pub unsafe fn free(self, cache: &KmemCache) {
        let ns = self.0.as_ptr();
        // SAFETY: The namespace is owned and nobody can see it any more; the reference on its
        // owner it held is dropped, `put_user_ns()` inline (the owner is never null).
        unsafe {
            bindings::dec_ucount((*ns).ucounts, bindings::ucount_type_UCOUNT_PID_NAMESPACES);
            let user_ns = (*ns).user_ns;
            if bindings::refcount_dec_and_test(core::ptr::addr_of_mut!((*user_ns).ns.count)) {
                bindings::__put_user_ns(user_ns);
            }
            cache.free(self.0.cast());
        }
    }
}
