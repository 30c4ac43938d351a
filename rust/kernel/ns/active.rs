// SPDX-License-Identifier: GPL-2.0

//! A namespace's count of active references, `ns_common.__ns_ref_active`.
//!
//! Mainline (since 6.19) tells a namespace that is alive, its memory still referenced, from one
//! that is active: one a user can still reach. What makes a namespace active, and how activity
//! propagates to the namespaces that own it, is the namespace tree's to decide (the `nsrs`
//! component's); this is the counter itself, reached through C's `atomic_t` operations so that
//! it carries their ordering and instrumentation. It keeps nothing alive: the memory stays with
//! the ordinary count, so a wrong count is a wrong listing, never a use after free.

use super::NsCommon;
use crate::bindings;
use core::ptr::NonNull;

impl NsCommon {
    /// Returns the count of active references: a snapshot that other threads may change at any
    /// moment.
    #[inline]
    pub fn active_count(&self) -> i32 {
        // SAFETY: The namespace is alive (type invariants); the helper reads the count atomically.
        unsafe { bindings::nsrs_ns_active_read(self.as_raw()) }
    }

    /// Adds an active reference; returns the count it had before.
    #[inline]
    pub fn active_fetch_inc(&self) -> i32 {
        // SAFETY: The namespace is alive (type invariants); the count is only changed atomically.
        unsafe { bindings::nsrs_ns_active_fetch_inc(self.as_raw()) }
    }

    /// Drops an active reference; returns the count left.
    #[inline]
    pub fn active_dec_return(&self) -> i32 {
        // SAFETY: The namespace is alive (type invariants); the count is only changed atomically.
        unsafe { bindings::nsrs_ns_active_dec_return(self.as_raw()) }
    }

    /// Returns the count of active references of the namespace at `ptr`, whatever its ordinary
    /// count: a snapshot, for a listing that takes no reference. No `&NsCommon` is made (see
    /// [`NsCommon::try_get`]).
    ///
    /// # Safety
    ///
    /// As for [`NsCommon::peek_live`]: the namespace's memory is not freed for the call.
    #[inline]
    pub unsafe fn peek_active_count(ptr: NonNull<Self>) -> i32 {
        // SAFETY: The caller guarantees the memory is not freed for the call; the helper reads
        // the count atomically.
        unsafe { bindings::nsrs_ns_active_read(Self::raw_of(ptr)) }
    }

    /// Returns the id of the namespace at `ptr`, whatever its ordinary count. No `&NsCommon` is
    /// made.
    ///
    /// # Safety
    ///
    /// As for [`NsCommon::peek_live`]; the namespace must have its id (it is in the namespace
    /// tree, which it enters with one).
    #[inline]
    pub unsafe fn peek_id(ptr: NonNull<Self>) -> u64 {
        // SAFETY: The caller guarantees the memory is not freed and the id set, never to change.
        unsafe { (*Self::raw_of(ptr)).ns_id }
    }

    /// Starts the count of a namespace being given its id at zero: C does not zero the memory of
    /// every type.
    ///
    /// # Safety
    ///
    /// Nobody but the caller may reach the namespace at `ptr` yet, so nobody counts on it.
    #[inline]
    pub unsafe fn init_active_count(ptr: NonNull<Self>) {
        // SAFETY: The caller guarantees that nobody else uses the count yet.
        unsafe { bindings::nsrs_ns_active_set(Self::raw_of(ptr), 0) };
    }
}
