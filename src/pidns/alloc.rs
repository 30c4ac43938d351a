// SPDX-License-Identifier: GPL-2.0

//! Pid allocation: a number in every namespace from the new pid's own up to the root, the upid
//! chain, published only once complete.
//!
//! Each number is reserved, level by level from the deepest, as an empty slot in that
//! namespace's IDR, cyclically from the cursor (from `RESERVED_PIDS` once the namespace has
//! wrapped past `pid_max`, so that 1 stays its init's), or exactly as `clone3()`'s `set_tid`
//! asks. Only when every level has its number is the pid stored in the slots, under the lock,
//! so that lookups never find a pid half made; a failure at any level releases the levels
//! already taken. All IDR and `pid_allocated` updates are under `pidmap_lock`, shared with the
//! lookups of `kernel/pid.c`.

use super::namespace::put_pid_ns;
use crate::nstree;
use core::ptr::NonNull;
use kernel::{
    bindings,
    error::{code::*, Result},
    ns::{IdrPreload, NewPid, PidNamespace, PidPtr, PidmapGuard},
};

/// Returns the current `pid_max` (the `kernel.pid_max` sysctl).
fn pid_max() -> i32 {
    // SAFETY: A plain `int` the sysctl writes; read once, as C reads it.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(bindings::pid_max)) }
}

/// `pidmap_lock` held with IDR nodes preloaded: what reserving numbers needs.
///
/// One hold serves every level of a pid that `set_tid` does not number, and its publication:
/// C takes the lock and preloads once per level, then locks once more to publish. The lock is
/// released first on drop (fields drop in order), then the preload.
struct Reserving {
    lock: PidmapGuard,
    _preload: IdrPreload,
}

impl Reserving {
    /// Preloads (may sleep), then takes the lock.
    fn begin() -> Self {
        let preload = IdrPreload::new();
        Self {
            // SAFETY: `alloc_pid()` runs in process context, with interrupts enabled; the
            // preload only disables preemption.
            lock: unsafe { PidmapGuard::lock_irq() },
            _preload: preload,
        }
    }

    /// Releases the lock, then the preload, inline (the drop glue of the type is out of line).
    #[inline]
    fn end(self) {
        let Self { lock, _preload } = self;
        drop(lock);
        drop(_preload);
    }

    /// Reserves the number of a new pid in `ns`: `tid` if `set_tid` asked for one, the next
    /// free one otherwise. `EEXIST` for a taken `tid`, `EAGAIN` when the namespace is full.
    #[inline]
    fn reserve(&mut self, ns: &PidNamespace, tid: Option<i32>) -> Result<i32> {
        let lock = &mut self.lock;
        let nr = match tid {
            Some(tid) => lock.reserve_exact(ns, tid),
            None => {
                // Init needs 1; after a wrap start from RESERVED_PIDS, leaving the low numbers
                // to the daemons that got them at boot.
                let min = if lock.cursor(ns) > bindings::RESERVED_PIDS as i32 {
                    bindings::RESERVED_PIDS as i32
                } else {
                    1
                };
                lock.reserve_cyclic(ns, min, pid_max())
            }
        };
        nr.map_err(|e| if e == ENOSPC { EAGAIN } else { e })
    }
}

/// Reserves the number of a new pid in `ns`, in the hold `held` if there is one, else in a
/// new one left there. A `set_tid` entry is checked first, with no hold.
fn reserve(held: &mut Option<Reserving>, ns: &PidNamespace, tid: Option<i32>) -> Result<i32> {
    if let Some(tid) = tid {
        // The capability check may not run under a spinlock with interrupts off.
        *held = None;
        check_tid(ns, tid)?;
    }
    let fresh = held.is_none();
    let hold = held.get_or_insert_with(Reserving::begin);
    match hold.reserve(ns, tid) {
        // Earlier levels used up the preloaded nodes: preload again, as C does per level.
        Err(e) if e == ENOMEM && !fresh => {
            *held = None;
            held.insert(Reserving::begin()).reserve(ns, tid)
        }
        reserved => reserved,
    }
}

/// Checks a `set_tid` entry for namespace `ns`: in `[1, pid_max)`, 1 unless the namespace has
/// its init, and the caller may checkpoint/restore there.
fn check_tid(ns: &PidNamespace, tid: i32) -> Result {
    if tid < 1 || tid >= pid_max() || (tid != 1 && !ns.has_child_reaper()) {
        return Err(EINVAL);
    }
    if !ns.user_ns().current_checkpoint_restore_capable() {
        return Err(EPERM);
    }
    Ok(())
}

/// Releases the numbers `pid` holds at `levels` (those reserved so far), and resets the cursor
/// of a namespace whose first pid failed.
fn undo(
    lock: &mut PidmapGuard,
    pid: &NewPid,
    ns: &PidNamespace,
    levels: core::ops::RangeInclusive<u32>,
) {
    let pid = pid.as_pid();
    for level in levels {
        let (nr, upid_ns) = pid.number(level);
        lock.release(upid_ns, nr);
    }
    if lock.pid_allocated(ns) == bindings::PIDNS_ADDING {
        lock.set_cursor(ns, 0);
    }
}

/// Makes a pid for a task in `ns`, with the numbers `set_tid` asks for, from `ns` upwards.
fn alloc(ns: &PidNamespace, set_tid: &[i32]) -> Result<NonNull<bindings::pid>> {
    if set_tid.len() > ns.level() as usize + 1 {
        return Err(EINVAL);
    }
    let mut pid = NewPid::alloc(ns).ok_or(ENOMEM)?;
    pid.init();
    let mut held = None;
    let mut level_ns = ns;
    for level in (0..=ns.level()).rev() {
        let tid = set_tid.get((ns.level() - level) as usize).copied();
        match reserve(&mut held, level_ns, tid) {
            Ok(nr) => pid.set_number(level, nr, level_ns),
            Err(e) => {
                let levels = level + 1..=ns.level();
                match held {
                    Some(mut hold) => undo(&mut hold.lock, &pid, ns, levels),
                    // SAFETY: As in `Reserving::begin`: process context, interrupts enabled.
                    None => undo(&mut unsafe { PidmapGuard::lock_irq() }, &pid, ns, levels),
                }
                return Err(e);
            }
        }
        level_ns = level_ns.parent().unwrap_or(level_ns);
    }
    let mut hold = held.unwrap_or_else(Reserving::begin);
    let published = publish(&mut hold.lock, ns, pid);
    hold.end();
    if published.is_ok() {
        // The pid keeps its namespace active until it is freed, as mainline's does.
        nstree::active::get(ns.as_common());
    }
    published
}

/// Makes a complete pid visible in every namespace of its chain, in the hold that reserved its
/// last number, unless `ns` no longer accepts new pids (its init is gone): `ENOMEM` then, as
/// userspace has long been told.
fn publish(
    lock: &mut PidmapGuard,
    ns: &PidNamespace,
    mut pid: NewPid,
) -> Result<NonNull<bindings::pid>> {
    if lock.pid_allocated(ns) & bindings::PIDNS_ADDING == 0 {
        undo(lock, &pid, ns, 0..=ns.level());
        return Err(ENOMEM);
    }
    // The pid holds a reference on its namespace, dropped by the last `put_pid()`.
    core::mem::forget(kernel::types::ARef::from(ns.as_common()));
    pid.set_pidfs_ino(lock.next_pidfs_ino());
    let pid = pid.into_raw();
    // SAFETY: `pid` is fully set up and numbers every level of its chain.
    let view = unsafe { PidPtr::from_raw(pid) };
    for (nr, upid_ns) in view.numbers().rev() {
        // SAFETY: `nr` was reserved in `upid_ns` for this pid.
        unsafe { lock.publish(upid_ns, nr, pid) };
        let allocated = lock.pid_allocated(upid_ns);
        lock.set_pid_allocated(upid_ns, allocated.wrapping_add(1));
    }
    Ok(pid)
}

/// `alloc_pid()`: a new pid for a task being forked into `ns`.
///
/// # Safety
///
/// `ns` must be a live pid namespace the caller holds; `set_tid` must point to
/// `set_tid_size` readable `pid_t`s (it may be null when the size is 0).
#[no_mangle]
pub unsafe extern "C" fn alloc_pid(
    ns: *mut bindings::pid_namespace,
    set_tid: *mut bindings::pid_t,
    set_tid_size: usize,
) -> *mut bindings::pid {
    // SAFETY: The caller holds `ns`.
    let ns = unsafe { PidNamespace::from_raw(ns) };
    let set_tid: &[i32] = if set_tid_size == 0 || set_tid.is_null() {
        &[]
    } else {
        // SAFETY: The caller guarantees `set_tid_size` readable entries.
        unsafe { core::slice::from_raw_parts(set_tid, set_tid_size) }
    };
    match alloc(ns, set_tid) {
        Ok(pid) => pid.as_ptr(),
        Err(e) => e.to_ptr(),
    }
}
kernel::c_prototype!(alloc_pid(_, _, _));

/// `free_pid()`: the pid has no task any more; its numbers go back to their namespaces now,
/// the memory after an RCU grace period. May be called with `tasklist_lock` write-held.
///
/// # Safety
///
/// `pid` must be a published pid (so not null: C checks none either) whose last task detached
/// from it, freed once.
#[no_mangle]
pub unsafe extern "C" fn free_pid(pid: *mut bindings::pid) {
    // SAFETY: The caller guarantees a published pid, valid until the RCU callback.
    let pid = unsafe { PidPtr::from_raw(NonNull::new_unchecked(pid)) };
    // The active reference `alloc()` took; the pid holds an ordinary one until the callback.
    nstree::active::put(pid.number(pid.level()).1.as_common());
    {
        let mut lock = PidmapGuard::lock_irqsave();
        for (nr, ns) in pid.numbers() {
            // Wraps as C's `--` would on a namespace gone wrong; no panic in the exit path.
            let allocated = lock.pid_allocated(ns).wrapping_sub(1);
            lock.set_pid_allocated(ns, allocated);
            match allocated {
                // Only the reaper is left: it may be waiting in zap_pid_ns_processes().
                1 | 2 => lock.wake_child_reaper(ns),
                // The first process of the namespace failed to fork.
                bindings::PIDNS_ADDING => {
                    kernel::ns::warn_on(ns.has_child_reaper());
                    lock.set_pid_allocated(ns, 0);
                }
                _ => {}
            }
            lock.release(ns, nr);
        }
    }
    // SAFETY: The pid is unreachable by lookups now; the callback drops the allocator's count.
    unsafe { pid.call_rcu(delayed_put_pid) };
}
kernel::c_prototype!(free_pid(_));

/// Drops the allocator's count of a freed pid, a grace period after [`free_pid`].
///
/// # Safety
///
/// Called by RCU with the head `free_pid` queued.
unsafe extern "C" fn delayed_put_pid(head: *mut bindings::callback_head) {
    // SAFETY: `head` is the `rcu` head of the pid `free_pid` queued.
    let pid = unsafe { PidPtr::from_rcu_head(head) };
    // SAFETY: The allocator's count is ours to drop.
    unsafe { put_pid(pid.as_ptr().as_ptr()) };
}

/// `put_pid()`: drops a count; the last one frees the pid to its level's cache and drops its
/// reference on the namespace it was made in.
///
/// # Safety
///
/// `pid` must be null or a pid on which the caller owns a count.
#[no_mangle]
pub unsafe extern "C" fn put_pid(pid: *mut bindings::pid) {
    let Some(ptr) = NonNull::new(pid) else { return };
    // SAFETY: The caller owns a count.
    let pid = unsafe { PidPtr::from_raw(ptr) };
    let (_, ns) = pid.number(pid.level());
    let ns = ns.as_raw_pid_ns();
    // SAFETY: The caller owns the count we drop; on the last one the pid is ours.
    if unsafe { pid.dec_and_test() } {
        // SAFETY: The last count is gone: the pid is ours; its namespace outlives it since the
        // pid holds a reference on it, dropped right after.
        unsafe {
            PidNamespace::from_raw(ns).pid_cache().free(ptr.cast());
            put_pid_ns(ns);
        }
    }
}
kernel::c_prototype!(put_pid(_));

/// `disable_pid_allocation()`: no new pids in `ns` (its init is exiting).
///
/// # Safety
///
/// `ns` must be a live pid namespace; the caller runs in process context, with interrupts
/// enabled, as C's only caller, `zap_pid_ns_processes()`, does.
#[no_mangle]
pub unsafe extern "C" fn disable_pid_allocation(ns: *mut bindings::pid_namespace) {
    // SAFETY: The caller guarantees a live namespace.
    let ns = unsafe { PidNamespace::from_raw(ns) };
    // SAFETY: Called by the exiting init of `ns` (`zap_pid_ns_processes()`), in process context
    // with interrupts enabled.
    let mut lock = unsafe { PidmapGuard::lock_irq() };
    let allocated = lock.pid_allocated(ns);
    lock.set_pid_allocated(ns, allocated & !bindings::PIDNS_ADDING);
}
kernel::c_prototype!(disable_pid_allocation(_));
