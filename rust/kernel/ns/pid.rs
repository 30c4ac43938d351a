// SPDX-License-Identifier: GPL-2.0

//! Pid namespaces, `struct pid_namespace`, and the tasks they number.
//!
//! C header: [`include/linux/pid_namespace.h`](srctree/include/linux/pid_namespace.h).

use super::{NsCommon, UserNamespace};
use crate::{
    bindings,
    error::{Error, Result},
    kmem_cache::KmemCache,
    sync::{
        lock::{
            mutex::MutexBackend,
            spinlock_irq::{SpinLockIrq, SpinLockIrqBackend},
            Guard, Lock,
        },
        rcu,
    },
    types::ARef,
};
use core::{marker::PhantomData, ptr::NonNull};

/// A pid namespace.
///
/// # Invariants
///
/// `self.0` is the `ns_common` of a `struct pid_namespace` and satisfies the invariants of
/// [`NsCommon`].
#[repr(transparent)]
pub struct PidNamespace(NsCommon);

/// Which number of a task to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidKind {
    /// The thread's own id.
    Pid,
    /// The id of its thread group (the process).
    Tgid,
}

impl PidNamespace {
    /// Views `ns` as a pid namespace.
    ///
    /// # Safety
    ///
    /// `ns` must be the `ns_common` embedded in a `struct pid_namespace`.
    #[inline]
    pub(super) unsafe fn from_common(ns: &NsCommon) -> &Self {
        // SAFETY: The caller guarantees `ns` is embedded in a `struct pid_namespace`, and
        // `PidNamespace` is a transparent wrapper of `NsCommon`.
        unsafe { &*(ns as *const NsCommon).cast() }
    }

    #[inline]
    fn as_raw(&self) -> *mut bindings::pid_namespace {
        // SAFETY: `self.0` is embedded in a `struct pid_namespace` (type invariants).
        unsafe { crate::container_of!(self.0.as_raw(), bindings::pid_namespace, ns) as *mut _ }
    }

    /// Finds the task whose number in this namespace is `nr`.
    #[inline]
    pub fn find_task<'g>(&self, nr: i32, _guard: &'g rcu::Guard) -> Option<RcuTask<'g>> {
        // SAFETY: The namespace is alive; the RCU read lock is held, as the lookup requires.
        let task = unsafe { bindings::find_task_by_pid_ns(nr, self.as_raw()) };
        // INVARIANT: A task found under RCU is not freed before the guard is dropped.
        NonNull::new(task).map(|t| RcuTask(t, PhantomData))
    }

    /// Finds the task whose number in the current task's pid namespace is `nr`.
    #[inline]
    pub fn find_task_in_current<'g>(nr: i32, _guard: &'g rcu::Guard) -> Option<RcuTask<'g>> {
        // SAFETY: The RCU read lock is held, as the lookup requires.
        let task = unsafe { bindings::find_task_by_vpid(nr) };
        // INVARIANT: As in `find_task`.
        NonNull::new(task).map(|t| RcuTask(t, PhantomData))
    }

    /// Whether the current task's active pid namespace is the initial one.
    #[inline]
    pub fn current_is_init() -> bool {
        // SAFETY: The current task is valid while it runs; `init_pid_ns` is a static whose
        // address only is taken.
        unsafe {
            core::ptr::eq(
                bindings::task_active_pid_ns(bindings::get_current()),
                core::ptr::addr_of_mut!(bindings::init_pid_ns),
            )
        }
    }
}

/// A task found under RCU, valid while the RCU read lock is held.
///
/// # Invariants
///
/// `self.0` is a task that is not freed before the guard of lifetime `'g` is dropped.
pub struct RcuTask<'g>(NonNull<bindings::task_struct>, PhantomData<&'g rcu::Guard>);

impl<'g> RcuTask<'g> {
    /// Wraps a task found under RCU.
    #[inline]
    pub(super) fn new(task: NonNull<bindings::task_struct>) -> Self {
        // INVARIANT: The caller found it under an RCU guard of lifetime `'g`.
        RcuTask(task, PhantomData)
    }

    /// Returns the raw pointer to the task.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::task_struct {
        self.0.as_ptr()
    }

    /// Returns the task's number of `kind` in `ns`, or in the current task's pid namespace with
    /// `None`; 0 when it has none there.
    #[inline]
    pub fn nr(&self, kind: PidKind, ns: Option<&PidNamespace>) -> i32 {
        let ty = match kind {
            PidKind::Pid => bindings::pid_type_PIDTYPE_PID,
            PidKind::Tgid => bindings::pid_type_PIDTYPE_TGID,
        };
        let ns = ns.map_or(core::ptr::null_mut(), PidNamespace::as_raw);
        // SAFETY: The task is valid under the guard (type invariants); `ns` is null or alive.
        unsafe { bindings::__task_pid_nr_ns(self.0.as_ptr(), ty, ns) }
    }
}

/// The raw `struct pid_namespace` of `ns`.
#[inline]
fn raw(ns: &PidNamespace) -> *mut bindings::pid_namespace {
    ns.as_raw()
}

impl PidNamespace {
    /// Creates a reference to the pid namespace at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a set-up pid namespace that stays alive (counted, or the initial one) for
    /// `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::pid_namespace) -> &'a Self {
        // SAFETY: The caller guarantees a live pid namespace, whose operations are set; `ns` is
        // embedded in it.
        unsafe { Self::from_common(NsCommon::from_raw(core::ptr::addr_of!((*ptr).ns))) }
    }

    /// Returns the raw pointer to the `struct pid_namespace`.
    #[inline]
    pub fn as_raw_pid_ns(&self) -> *mut bindings::pid_namespace {
        raw(self)
    }

    /// Returns the initial pid namespace.
    #[inline]
    pub fn init() -> &'static Self {
        // SAFETY: `init_pid_ns` is static and never freed.
        unsafe { Self::from_raw(core::ptr::addr_of!(bindings::init_pid_ns)) }
    }

    /// Whether this is the initial pid namespace.
    #[inline]
    pub fn is_init(&self) -> bool {
        core::ptr::eq(raw(self), Self::init().as_raw_pid_ns())
    }

    /// Returns the namespace's `ns_common`.
    #[inline]
    pub fn as_common(&self) -> &NsCommon {
        &self.0
    }

    /// Returns the nesting level: 0 for the initial namespace.
    #[inline]
    pub fn level(&self) -> u32 {
        // SAFETY: The namespace is alive (type invariants); `level` is set before it is
        // published and never changes.
        unsafe { (*raw(self)).level }
    }

    /// Returns the parent namespace, which this one holds a reference on; `None` for the
    /// initial one.
    #[inline]
    pub fn parent(&self) -> Option<&PidNamespace> {
        // SAFETY: The namespace is alive; `parent` never changes and is counted by it.
        let parent = unsafe { (*raw(self)).parent };
        // SAFETY: A non-null parent lives at least as long as its child.
        (!parent.is_null()).then(|| unsafe { Self::from_raw(parent) })
    }

    /// Returns the user namespace that owns this one (held by it).
    #[inline]
    pub fn user_ns(&self) -> &UserNamespace {
        // SAFETY: The namespace is alive and holds a reference on its `user_ns`, which never
        // changes.
        unsafe { UserNamespace::from_raw((*raw(self)).user_ns) }
    }

    /// Returns the cache the namespace's `struct pid`s come from: `level + 1` upids each.
    #[inline]
    pub fn pid_cache(&self) -> &'static KmemCache {
        // SAFETY: The namespace is alive; `pid_cachep` is set before it is published and the
        // caches are never destroyed.
        unsafe { KmemCache::from_raw((*raw(self)).pid_cachep) }
    }

    /// Whether the namespace has a child reaper (its init) now; a snapshot.
    #[inline]
    pub fn has_child_reaper(&self) -> bool {
        // SAFETY: The namespace is alive; the field is read once, like C's unlocked reads.
        !unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*raw(self)).child_reaper)) }
            .is_null()
    }

    /// Returns the exit code `reboot(2)` inside the namespace asked for, 0 if none.
    #[inline]
    pub fn reboot_code(&self) -> i32 {
        // SAFETY: The namespace is alive; read once.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*raw(self)).reboot)) }
    }

    /// Records the exit code for the namespace's init, for `reboot(2)` inside it.
    #[inline]
    pub fn set_reboot_code(&self, code: i32) {
        // SAFETY: The namespace is alive; C writes this field without a lock too (only the
        // namespace's own tasks call `reboot(2)` for it, and its init reads it after they die).
        unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!((*raw(self)).reboot), code) };
    }

    /// Sends `SIGKILL` to the namespace's child reaper, under `tasklist_lock`.
    #[inline]
    pub fn kill_child_reaper(&self) {
        let _tasklist = super::reaper::TasklistReadGuard::lock();
        // SAFETY: `tasklist_lock` keeps `child_reaper` valid while it is read-held.
        unsafe {
            let reaper = (*raw(self)).child_reaper;
            if !reaper.is_null() {
                bindings::send_sig(bindings::SIGKILL as _, reaper, 1);
            }
        }
    }

    /// Whether the namespace has a child reaper, read under `tasklist_lock` (which
    /// `pidns_for_children_get()` relies on to see a reaper that just went away).
    #[inline]
    pub fn has_child_reaper_locked(&self) -> bool {
        let _tasklist = super::reaper::TasklistReadGuard::lock();
        // SAFETY: As above.
        unsafe { !(*raw(self)).child_reaper.is_null() }
    }

    /// Returns the memfd noexec scope of the namespace, `vm.memfd_noexec`.
    #[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
    #[inline]
    pub fn memfd_noexec_scope(&self) -> i32 {
        // SAFETY: The namespace is alive; read once (`READ_ONCE()` in C).
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*raw(self)).memfd_noexec_scope)) }
    }

    /// Sets the memfd noexec scope of the namespace.
    #[cfg(all(CONFIG_SYSCTL, CONFIG_MEMFD_CREATE))]
    #[inline]
    pub fn set_memfd_noexec_scope(&self, scope: i32) {
        // SAFETY: The namespace is alive; written once (`WRITE_ONCE()` in C).
        unsafe {
            core::ptr::write_volatile(
                core::ptr::addr_of_mut!((*raw(self)).memfd_noexec_scope),
                scope,
            )
        };
    }

    /// Returns the number after the last one allocated in the namespace (`idr_get_cursor()`).
    #[inline]
    pub fn next_nr(&self) -> i32 {
        // SAFETY: The namespace is alive; the cursor is read once (`idr_get_cursor()` is
        // `READ_ONCE(idr->idr_next)`).
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*raw(self)).idr.idr_next)) as i32 }
    }

    /// Makes the next cyclic allocation start at `nr` (`idr_set_cursor()`, `ns_last_pid`).
    #[inline]
    pub fn set_next_nr(&self, nr: u32) {
        // SAFETY: The namespace is alive; the cursor is written once, as C does
        // (`idr_set_cursor()` is `WRITE_ONCE(idr->idr_next, val)`).
        unsafe {
            core::ptr::write_volatile(core::ptr::addr_of_mut!((*raw(self)).idr.idr_next), nr)
        };
    }

    /// Runs `f` with the active pid namespace of the current task (that of its `struct pid`),
    /// which cannot change while it runs.
    #[inline]
    pub fn with_current<R>(f: impl FnOnce(&PidNamespace) -> R) -> R {
        // SAFETY: The current task's active pid namespace is held by its pid for as long as the
        // task lives, which outlasts `f`.
        f(unsafe { Self::from_raw(bindings::task_active_pid_ns(bindings::get_current())) })
    }
}

/// `pidmap_lock` of `kernel/pid.c`, which C takes too.
#[inline]
fn pidmap_lock() -> &'static SpinLockIrq<()> {
    // SAFETY: `pidmap_lock` is a static spinlock, initialised statically and never moved; what
    // it protects is only reached through `PidmapGuard`, which accesses it as C's holders do.
    unsafe { Lock::from_raw(core::ptr::addr_of_mut!(bindings::pidmap_lock)) }
}

/// The pid allocator's lock, `pidmap_lock` of `kernel/pid.c`, held with interrupts off; it
/// protects every pid namespace's IDR and `pid_allocated`, and the pidfs inode counter.
///
/// # Invariants
///
/// `_held` is a guard of `pidmap_lock`: the lock is held until the guard is dropped.
pub struct PidmapGuard {
    _held: Guard<'static, (), SpinLockIrqBackend>,
}

impl PidmapGuard {
    /// Takes the lock, disabling interrupts (`spin_lock_irq()`), and enables them again on
    /// drop, as the allocator does.
    ///
    /// # Safety
    ///
    /// Interrupts must be enabled (process context), and stay so until the guard is dropped
    /// (use [`PidmapGuard::lock_irqsave`] elsewhere).
    #[inline]
    pub unsafe fn lock_irq() -> Self {
        Self {
            // SAFETY: Interrupts are enabled, as the caller guarantees.
            _held: unsafe { pidmap_lock().lock_irq() },
        }
    }

    /// Takes the lock, saving the interrupt state (`spin_lock_irqsave()`): from any context.
    #[inline]
    pub fn lock_irqsave() -> Self {
        Self {
            _held: pidmap_lock().lock(),
        }
    }

    /// Returns `pid_allocated` of `ns`: the number of its pids, with `PIDNS_ADDING` while it
    /// accepts new ones.
    #[inline]
    pub fn pid_allocated(&self, ns: &PidNamespace) -> u32 {
        // SAFETY: The field is protected by the lock, which is held.
        unsafe { (*raw(ns)).pid_allocated }
    }

    /// Sets `pid_allocated` of `ns`.
    #[inline]
    pub fn set_pid_allocated(&mut self, ns: &PidNamespace, value: u32) {
        // SAFETY: As above.
        unsafe { (*raw(ns)).pid_allocated = value };
    }

    /// Reserves the number `nr` in `ns` (an empty slot, not yet visible to lookups); `EEXIST`
    /// if it is taken. IDR nodes must have been preloaded.
    #[inline]
    pub fn reserve_exact(&mut self, ns: &PidNamespace, nr: i32) -> Result<i32> {
        let end = nr.checked_add(1).ok_or(crate::error::code::EINVAL)?;
        // SAFETY: The IDR is protected by the lock, which is held; `GFP_ATOMIC` since the lock
        // is a spinlock with interrupts off.
        let ret = unsafe {
            bindings::idr_alloc(
                core::ptr::addr_of_mut!((*raw(ns)).idr),
                core::ptr::null_mut(),
                nr,
                end,
                bindings::GFP_ATOMIC,
            )
        };
        match ret {
            n if n >= 0 => Ok(n),
            e if e == -(bindings::ENOSPC as i32) => Err(crate::error::code::EEXIST),
            e => Err(Error::from_errno(e)),
        }
    }

    /// Reserves the next free number in `[min, max)` of `ns` after its cursor, wrapping
    /// (`idr_alloc_cyclic()`); `ENOSPC` when the range is full.
    #[inline]
    pub fn reserve_cyclic(&mut self, ns: &PidNamespace, min: i32, max: i32) -> Result<i32> {
        // SAFETY: As in `reserve_exact`.
        let ret = unsafe {
            bindings::idr_alloc_cyclic(
                core::ptr::addr_of_mut!((*raw(ns)).idr),
                core::ptr::null_mut(),
                min,
                max,
                bindings::GFP_ATOMIC,
            )
        };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        Ok(ret)
    }

    /// Returns the cursor of `ns`'s IDR (the number after the last one allocated).
    #[inline]
    pub fn cursor(&self, ns: &PidNamespace) -> i32 {
        // SAFETY: The IDR is protected by the lock, which is held.
        unsafe { (*raw(ns)).idr.idr_next as i32 }
    }

    /// Sets the cursor of `ns`'s IDR.
    #[inline]
    pub fn set_cursor(&mut self, ns: &PidNamespace, value: u32) {
        // SAFETY: As above.
        unsafe { (*raw(ns)).idr.idr_next = value };
    }

    /// Makes the reserved number `nr` of `ns` find `pid` (`idr_replace()`).
    ///
    /// # Safety
    ///
    /// `nr` must be reserved in `ns` for `pid`, a fully set-up pid that numbers it there.
    #[inline]
    pub unsafe fn publish(&mut self, ns: &PidNamespace, nr: i32, pid: NonNull<bindings::pid>) {
        // SAFETY: The IDR is protected by the lock; the caller guarantees the slot and the pid.
        unsafe {
            bindings::idr_replace(
                core::ptr::addr_of_mut!((*raw(ns)).idr),
                pid.as_ptr().cast(),
                nr as crate::ffi::c_ulong,
            )
        };
    }

    /// Releases the number `nr` of `ns`.
    #[inline]
    pub fn release(&mut self, ns: &PidNamespace, nr: i32) {
        // SAFETY: The IDR is protected by the lock, which is held.
        unsafe {
            bindings::idr_remove(
                core::ptr::addr_of_mut!((*raw(ns)).idr),
                nr as crate::ffi::c_ulong,
            )
        };
    }

    /// Wakes the child reaper of `ns`, which may sleep in `zap_pid_ns_processes()` waiting for
    /// the namespace to empty.
    #[inline]
    pub fn wake_child_reaper(&self, ns: &PidNamespace) {
        // SAFETY: `child_reaper`, read under the lock, is null or a task that stays valid while
        // it has pids in the namespace, as when this is called (only its own are left); and
        // `wake_up_process()` may be called with the lock held.
        unsafe {
            let reaper = (*raw(ns)).child_reaper;
            if !reaper.is_null() {
                bindings::wake_up_process(reaper);
            }
        }
    }

    /// Returns the next pidfs inode number.
    #[inline]
    pub fn next_pidfs_ino(&mut self) -> u64 {
        // SAFETY: The counter is protected by the lock, which is held.
        unsafe {
            let ino = core::ptr::addr_of_mut!(bindings::pidfs_ino);
            // Wraps as C's `++` would (never, in 64 bits).
            *ino = (*ino).wrapping_add(1);
            *ino
        }
    }
}

/// Preloads IDR nodes for an allocation under a spinlock (`idr_preload()`), until dropped.
///
/// # Invariants
///
/// Preemption is disabled by `idr_preload()` until `idr_preload_end()` in `drop`, on this CPU.
pub struct IdrPreload(PhantomData<*mut ()>);

impl IdrPreload {
    /// Preloads with `GFP_KERNEL`; may sleep.
    #[inline]
    pub fn new() -> Self {
        // SAFETY: Paired with `idr_preload_end()` in `drop`.
        unsafe { bindings::idr_preload(bindings::GFP_KERNEL) };
        Self(PhantomData)
    }
}

impl Default for IdrPreload {
    #[inline]
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `idr_preload_end()` comes down to `preempt_enable()`, and that to `barrier()`:
/// without PREEMPT_RT's per-CPU lock, lockdep or preemption counting. The guard's drop is then a
/// compiler barrier, inline, not a call to a C helper that does nothing else.
const PRELOAD_END_IS_BARRIER: bool = !cfg!(any(
    CONFIG_PREEMPT_RT,
    CONFIG_DEBUG_LOCK_ALLOC,
    CONFIG_PREEMPT_COUNT
));

impl Drop for IdrPreload {
    #[inline]
    fn drop(&mut self) {
        if PRELOAD_END_IS_BARRIER {
            core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
            return;
        }
        // SAFETY: Ends the section `new` began, on the same CPU (type invariants).
        unsafe { bindings::idr_preload_end() };
    }
}

/// A `struct pid` of a namespace at some level: the numbers of one task (or process, group,
/// session) in every namespace from the one it was made in up to the root.
///
/// # Invariants
///
/// `self.0` points to a `struct pid` with `level + 1` numbers that is valid for `'a` (its user
/// says why: a count, the allocator's lock, an RCU callback, the [`NewPid`] it borrows).
#[derive(Clone, Copy)]
pub struct PidPtr<'a>(NonNull<bindings::pid>, PhantomData<&'a ()>);

impl PidPtr<'_> {
    /// Wraps the pid at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid `struct pid`, its level and numbers set, for the handle's lifetime.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::pid>) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self(ptr, PhantomData)
    }

    /// Returns the raw pointer.
    #[inline]
    pub fn as_ptr(self) -> NonNull<bindings::pid> {
        self.0
    }

    /// Returns the level of the namespace the pid was made in.
    #[inline]
    pub fn level(self) -> u32 {
        // SAFETY: The pid is valid (type invariants); `level` never changes.
        unsafe { (*self.0.as_ptr()).level }
    }

    /// Returns the number at `level` (at most the pid's own level) and the namespace it is in.
    ///
    /// The namespaces are alive while the pid is: it holds its deepest one, which holds its
    /// ancestors.
    #[inline]
    pub fn number(&self, level: u32) -> (i32, &PidNamespace) {
        assert!(level <= self.level());
        // SAFETY: The pid is valid and has `self.level() + 1` numbers, set (type invariants).
        let upid = unsafe { &*(*self.0.as_ptr()).numbers.as_ptr().add(level as usize) };
        // SAFETY: As documented above.
        (upid.nr, unsafe { PidNamespace::from_raw(upid.ns) })
    }

    /// Returns the numbers from level 0 (the initial namespace) to the pid's own, with the
    /// namespaces they are in; without [`PidPtr::number`]'s check per level.
    #[inline]
    pub fn numbers(&self) -> impl DoubleEndedIterator<Item = (i32, &PidNamespace)> + '_ {
        // SAFETY: The pid is valid and has `self.level() + 1` numbers, set and not changed
        // while it lives (type invariants).
        let upids = unsafe {
            core::slice::from_raw_parts(
                (*self.0.as_ptr()).numbers.as_ptr(),
                self.level() as usize + 1,
            )
        };
        upids.iter().map(|upid| {
            // SAFETY: As documented for `number`.
            (upid.nr, unsafe { PidNamespace::from_raw(upid.ns) })
        })
    }

    /// Drops a count; true when it was the last.
    ///
    /// # Safety
    ///
    /// The caller must own the count it drops; after a true result the pid is the caller's to
    /// free.
    #[inline]
    pub unsafe fn dec_and_test(self) -> bool {
        // SAFETY: The pid is valid and the caller owns the count it drops.
        unsafe {
            bindings::refcount_dec_and_test(core::ptr::addr_of_mut!((*self.0.as_ptr()).count))
        }
    }

    /// Calls `callback` with the pid's `rcu` head after an RCU grace period.
    ///
    /// # Safety
    ///
    /// The pid must not be used by the caller after this; `callback` must treat its argument as
    /// the `rcu` head of this pid.
    #[inline]
    pub unsafe fn call_rcu(self, callback: unsafe extern "C" fn(*mut bindings::callback_head)) {
        // SAFETY: The `rcu` head is the pid's own, unused until now.
        unsafe {
            bindings::call_rcu(
                core::ptr::addr_of_mut!((*self.0.as_ptr()).rcu),
                Some(callback),
            )
        };
    }

    /// Returns the pid whose `rcu` head is `head`.
    ///
    /// # Safety
    ///
    /// `head` must be the `rcu` head of a valid pid.
    #[inline]
    pub unsafe fn from_rcu_head(head: *mut bindings::callback_head) -> Self {
        // SAFETY: Guaranteed by the caller.
        let pid = unsafe { crate::container_of!(head, bindings::pid, rcu) as *mut bindings::pid };
        // SAFETY: A pointer derived from a valid head is not null.
        Self(unsafe { NonNull::new_unchecked(pid) }, PhantomData)
    }
}

/// A `struct pid` being made for a namespace, from its level's cache; freed back to the cache
/// unless [`NewPid::into_raw`] hands it over.
///
/// # Invariants
///
/// `self.ptr` is an object of `self.cache`, sized for `level + 1` numbers, owned here.
pub struct NewPid {
    ptr: NonNull<bindings::pid>,
    cache: &'static KmemCache,
}

impl NewPid {
    /// Allocates a pid for `ns` (numbers uninitialised), or `None`.
    #[inline]
    pub fn alloc(ns: &PidNamespace) -> Option<Self> {
        let cache = ns.pid_cache();
        let ptr = cache.alloc()?.cast::<bindings::pid>();
        // SAFETY: The object is ours; `level` is the first thing the allocator sets.
        unsafe { (*ptr.as_ptr()).level = ns.level() };
        // INVARIANT: `ns`'s cache is sized for its level.
        Some(Self { ptr, cache })
    }

    /// Returns the pid being made, borrowed: its numbers may only be read up to the levels set.
    #[inline]
    pub fn as_pid(&self) -> PidPtr<'_> {
        PidPtr(self.ptr, PhantomData)
    }

    /// Sets the number at `level` (at most the pid's own level).
    #[inline]
    pub fn set_number(&mut self, level: u32, nr: i32, ns: &PidNamespace) {
        // SAFETY: The object is ours and has `level + 1` numbers (type invariants).
        unsafe {
            assert!(level <= (*self.ptr.as_ptr()).level);
            let upid = &mut *(*self.ptr.as_ptr())
                .numbers
                .as_mut_ptr()
                .add(level as usize);
            upid.nr = nr;
            upid.ns = ns.as_raw_pid_ns();
        }
    }

    /// Initialises everything but the numbers and the pidfs inode number: one count, no tasks,
    /// no inodes, no pidfs dentry.
    #[inline]
    pub fn init(&mut self) {
        let pid = self.ptr.as_ptr();
        // SAFETY: The object is ours; its lock and wait queue are initialised in place.
        unsafe {
            bindings::refcount_set(core::ptr::addr_of_mut!((*pid).count), 1);
            init_lock(pid);
            // `init_waitqueue_head()`: the C function, with the macro's name and static class.
            // A cast rather than `LockClassKey::as_ptr()`, which is not inlined here: the key
            // is a transparent wrapper of `lock_class_key`, only touched by lockdep.
            let class = core::ptr::from_ref(crate::static_lock_class!());
            bindings::__init_waitqueue_head(
                core::ptr::addr_of_mut!((*pid).wait_pidfd),
                crate::c_str!("&pid->wait_pidfd").as_char_ptr(),
                class.cast_mut().cast::<bindings::lock_class_key>(),
            );
            for head in (*pid).tasks.iter_mut() {
                head.first = core::ptr::null_mut();
            }
            (*pid).inodes.first = core::ptr::null_mut();
            (*pid).stashed = core::ptr::null_mut();
        }
    }

    /// Sets the pidfs inode number (drawn under `pidmap_lock`).
    #[inline]
    pub fn set_pidfs_ino(&mut self, ino: u64) {
        // SAFETY: The object is ours.
        unsafe { (*self.ptr.as_ptr()).ino = ino };
    }

    /// Hands the pid over, with its one count.
    #[inline]
    pub fn into_raw(self) -> NonNull<bindings::pid> {
        let ptr = self.ptr;
        core::mem::forget(self);
        ptr
    }
}

/// `spin_lock_init(&pid->lock)`, as `alloc_pid()` does: one lock class for every pid's lock.
///
/// # Safety
///
/// `pid` must be a pid being set up, owned by the caller.
#[inline]
unsafe fn init_lock(pid: *mut bindings::pid) {
    // SAFETY: The caller owns the pid, whose lock nobody else can reach yet.
    unsafe { bindings::nsrs_pid_init_lock(pid) };
}

impl Drop for NewPid {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: The object is ours and came from `self.cache` (type invariants).
        unsafe { self.cache.free(self.ptr.cast()) };
    }
}

/// The mutex that serialises the creation of the per-level pid caches
/// (`nsrs_pid_caches_mutex` of `kernel/pid.c`), held until dropped.
///
/// # Invariants
///
/// `_held` holds the mutex.
pub struct PidCachesGuard {
    _held: Guard<'static, (), MutexBackend>,
}

impl PidCachesGuard {
    /// Takes the mutex; may sleep.
    #[inline]
    pub fn lock() -> Self {
        // SAFETY: The mutex is a static, initialised statically and never moved; it protects no
        // data of its own, only the creation of caches, which its holders serialise.
        let mutex = unsafe {
            Lock::<(), MutexBackend>::from_raw(core::ptr::addr_of_mut!(
                bindings::nsrs_pid_caches_mutex
            ))
        };
        Self {
            _held: mutex.lock(),
        }
    }
}

impl PidNamespace {
    /// Returns the active pid namespace of `task` (that of its pid), seen under `_guard`.
    ///
    /// # Safety
    ///
    /// `task` must be a task the caller keeps alive for the call.
    #[inline]
    pub unsafe fn active_of<'g>(
        task: *mut bindings::task_struct,
        _guard: &'g rcu::Guard,
    ) -> Option<&'g PidNamespace> {
        // SAFETY: The task is alive; its pid, and the pid's namespace, are not freed before an
        // RCU grace period, which the guard holds off.
        let ns = unsafe { bindings::task_active_pid_ns(task) };
        // SAFETY: As above.
        (!ns.is_null()).then(|| unsafe { Self::from_raw(ns) })
    }

    /// Returns the pid namespace `task`'s children are born in, counted; `None` when the task is
    /// exiting (no nsproxy).
    ///
    /// # Safety
    ///
    /// `task` must be a task the caller keeps alive for the call.
    #[inline]
    pub unsafe fn for_children_of(task: *mut bindings::task_struct) -> Option<ARef<NsCommon>> {
        // SAFETY: `task_lock()` keeps `task->nsproxy`, and so its pid namespace, from changing
        // or going away while it is held; the reference is taken before it is released.
        unsafe {
            bindings::task_lock(task);
            let nsproxy = (*task).nsproxy;
            let ns = (!nsproxy.is_null())
                .then(|| ARef::from(Self::from_raw((*nsproxy).pid_ns_for_children).as_common()));
            bindings::task_unlock(task);
            ns
        }
    }
}

/// A `setns(2)` in progress, `struct nsset`: the credentials and nsproxy being prepared.
///
/// # Invariants
///
/// Valid and owned by the task doing the `setns(2)` while a reference exists.
#[repr(transparent)]
pub struct NsSet(crate::types::Opaque<bindings::nsset>);

impl NsSet {
    /// Creates a reference to the nsset at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be the nsset of a `setns(2)` in progress by the current task, for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::nsset) -> &'a mut Self {
        // SAFETY: Transparent wrapper; guaranteed by the caller.
        unsafe { &mut *ptr.cast() }
    }

    /// Returns the user namespace of the credentials being prepared.
    #[inline]
    pub fn cred_user_ns(&self) -> &UserNamespace {
        // SAFETY: The nsset's credentials are valid and hold their user namespace.
        unsafe { UserNamespace::from_raw((*(*self.0.get()).cred).user_ns) }
    }

    /// Makes `new` (with a new reference) the pid namespace for children in the nsproxy being
    /// prepared; returns the reference on the one it replaces, for the caller to drop.
    #[inline]
    pub fn replace_pid_ns_for_children(&mut self, new: &PidNamespace) -> ARef<NsCommon> {
        let new_ref = ARef::from(new.as_common());
        core::mem::forget(new_ref);
        // SAFETY: The nsproxy being prepared is ours; its pid namespace for children is counted,
        // and that count moves to the result, as the new one's moves into the nsproxy.
        unsafe {
            let nsproxy = (*self.0.get()).nsproxy;
            let old = (*nsproxy).pid_ns_for_children;
            (*nsproxy).pid_ns_for_children = new.as_raw_pid_ns();
            ARef::from_raw(NonNull::new_unchecked(core::ptr::addr_of_mut!((*old).ns)).cast())
        }
    }
}
