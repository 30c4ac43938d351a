// SPDX-License-Identifier: GPL-2.0

//! Slab caches that live as long as the kernel.
//!
//! C header: [`include/linux/slab.h`](srctree/include/linux/slab.h).

use crate::{bindings, str::CStr, types::Opaque};
use core::ptr::NonNull;

/// A `struct kmem_cache` that is never destroyed.
///
/// # Invariants
///
/// The cache was created by `kmem_cache_create()` and is valid for the kernel's lifetime.
#[repr(transparent)]
pub struct KmemCache(Opaque<bindings::kmem_cache>);

// SAFETY: Slab caches are safe to use from any thread; the allocator does its own locking.
unsafe impl Sync for KmemCache {}

// SAFETY: As above.
unsafe impl Send for KmemCache {}

/// Align objects on cache lines (`SLAB_HWCACHE_ALIGN`).
pub const HWCACHE_ALIGN: u32 = bindings::SLAB_HWCACHE_ALIGN;
/// Charge objects to the allocating task's memory cgroup (`SLAB_ACCOUNT`; nothing without
/// memory cgroups).
pub const ACCOUNT: u32 = bindings::SLAB_ACCOUNT;

impl KmemCache {
    /// Creates a cache named `name` (copied) for objects of `size` bytes aligned on `align`;
    /// `None` when it cannot be created. It is never destroyed.
    #[inline]
    pub fn create(name: &CStr, size: usize, align: usize, flags: u32) -> Option<&'static Self> {
        let size = u32::try_from(size).ok()?;
        // SAFETY: All-zeroes is a valid `kmem_cache_args`: no constructor, no user copy region.
        let mut args: bindings::kmem_cache_args = unsafe { core::mem::zeroed() };
        args.align = u32::try_from(align).ok()?;
        // SAFETY: `name` is a valid C string, which the allocator copies; `args` is valid for
        // the call.
        let cache = unsafe {
            bindings::__kmem_cache_create_args(name.as_char_ptr(), size, &mut args, flags as _)
        };
        // SAFETY: A non-null cache is valid, and it is never destroyed (type invariants).
        NonNull::new(cache).map(|c| unsafe { &*c.as_ptr().cast::<Self>() })
    }

    /// Creates a reference to the cache at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a cache that is never destroyed.
    #[inline]
    pub unsafe fn from_raw(ptr: *mut bindings::kmem_cache) -> &'static Self {
        // SAFETY: Transparent wrapper; the caller guarantees the lifetime.
        unsafe { &*ptr.cast() }
    }

    /// Returns the raw pointer to the cache.
    #[inline]
    pub fn as_raw(&self) -> *mut bindings::kmem_cache {
        self.0.get()
    }

    /// Allocates a zeroed object, or `None`. May sleep.
    #[inline]
    pub fn zalloc(&self) -> Option<NonNull<u8>> {
        // SAFETY: The cache is valid (type invariants).
        let ptr = unsafe {
            bindings::kmem_cache_alloc_noprof(
                self.as_raw(),
                bindings::GFP_KERNEL | bindings::__GFP_ZERO,
            )
        };
        NonNull::new(ptr.cast())
    }

    /// Allocates an object, uninitialised, or `None`. May sleep.
    #[inline]
    pub fn alloc(&self) -> Option<NonNull<u8>> {
        // SAFETY: The cache is valid (type invariants).
        let ptr = unsafe { bindings::kmem_cache_alloc_noprof(self.as_raw(), bindings::GFP_KERNEL) };
        NonNull::new(ptr.cast())
    }

    /// Frees an object of this cache.
    ///
    /// # Safety
    ///
    /// `ptr` must have been allocated from this cache and not be used after.
    #[inline]
    pub unsafe fn free(&self, ptr: NonNull<u8>) {
        // SAFETY: Guaranteed by the caller.
        unsafe { bindings::kmem_cache_free(self.as_raw(), ptr.as_ptr().cast()) };
    }
}
