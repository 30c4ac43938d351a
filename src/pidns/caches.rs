// SPDX-License-Identifier: GPL-2.0

//! The slab caches: one for `struct pid_namespace`, and one for `struct pid` per nesting level,
//! named `pid_<level+1>` and sized for `level + 1` numbers, created on first use and shared by
//! every namespace at that level. Level 0's is the initial namespace's, made by `kernel/pid.c`.

use core::{
    fmt::Write,
    mem::{align_of, size_of},
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{
    bindings, c_str,
    kmem_cache::{self, KmemCache},
    ns::PidCachesGuard,
    str::CStr,
};

/// The deepest level a pid namespace may have.
pub(crate) const MAX_LEVEL: u32 = bindings::MAX_PID_NS_LEVEL;

static PID_NS_CACHE: AtomicPtr<bindings::kmem_cache> = AtomicPtr::new(core::ptr::null_mut());

/// The caches of levels 1 to `MAX_LEVEL`; written once each, under the creation mutex.
static PID_CACHES: [AtomicPtr<bindings::kmem_cache>; MAX_LEVEL as usize] =
    [const { AtomicPtr::new(core::ptr::null_mut()) }; MAX_LEVEL as usize];

/// Creates the cache of `struct pid_namespace`; the kernel cannot run without it.
pub(super) fn init() {
    let cache = KmemCache::create(
        c_str!("pid_namespace"),
        size_of::<bindings::pid_namespace>(),
        align_of::<bindings::pid_namespace>(),
        kmem_cache::ACCOUNT,
    )
    .expect("cannot create the pid_namespace cache");
    PID_NS_CACHE.store(cache.as_raw(), Ordering::Release);
}

/// The cache of `struct pid_namespace`.
pub(crate) fn pid_ns_cache() -> &'static KmemCache {
    // SAFETY: Set by `init()` at boot, before any namespace can be created, and never
    // destroyed.
    unsafe { KmemCache::from_raw(PID_NS_CACHE.load(Ordering::Acquire)) }
}

/// The cache of `struct pid` for namespaces at `level` (1 to `MAX_LEVEL`), created on first
/// use; `None` if it cannot be.
pub(crate) fn pid_cache(level: u32) -> Option<&'static KmemCache> {
    let slot = &PID_CACHES[(level - 1) as usize];
    if let Some(cache) = loaded(slot) {
        return Some(cache);
    }
    // Two creators would collide on the name: create under the mutex, checking again.
    let _guard = PidCachesGuard::lock();
    if loaded(slot).is_none() {
        let mut name = NameBuf::default();
        let _ = write!(name, "pid_{}\0", level + 1);
        let size = size_of::<bindings::pid>() + (level as usize + 1) * size_of::<bindings::upid>();
        if let Some(cache) = CStr::from_bytes_with_nul(name.as_bytes())
            .ok()
            .and_then(|n| {
                KmemCache::create(n, size, 0, kmem_cache::HWCACHE_ALIGN | kmem_cache::ACCOUNT)
            })
        {
            slot.store(cache.as_raw(), Ordering::Release);
        }
    }
    // The creation can fail for us and succeed for someone else.
    loaded(slot)
}

fn loaded(slot: &AtomicPtr<bindings::kmem_cache>) -> Option<&'static KmemCache> {
    let cache = slot.load(Ordering::Acquire);
    // SAFETY: A non-null cache in a slot was created for good.
    (!cache.is_null()).then(|| unsafe { KmemCache::from_raw(cache) })
}

/// Room for `pid_NN` and its NUL.
#[derive(Default)]
struct NameBuf {
    buf: [u8; 16],
    len: usize,
}

impl NameBuf {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Write for NameBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
