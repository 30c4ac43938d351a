// SPDX-License-Identifier: GPL-2.0

//! A kernel spinlock held with interrupts disabled.
//!
//! For locks that an interrupt handler, or code run with interrupts disabled, may also take:
//! C's `spin_lock_irqsave()`, and `spin_lock_irq()` where the caller knows that interrupts are
//! enabled. Together with [`Lock::from_raw`], it also takes such locks that C owns.
//!
//! C header: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h)

use super::{Backend, Guard, Lock};
use crate::{bindings, ffi::c_ulong, str::CStr, sync::LockClassKey, types::Opaque};
use core::{
    cell::UnsafeCell,
    ops::{Deref, DerefMut},
};

/// Creates a [`SpinLockIrq`] initialiser with the given name and a newly-created lock class.
///
/// It uses the name if one is given, otherwise it generates one based on the file name and line
/// number.
#[macro_export]
macro_rules! new_spinlock_irq {
    ($inner:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::lock::spinlock_irq::SpinLockIrq::new(
            $inner, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
pub use new_spinlock_irq;

/// A spinlock held with interrupts disabled on the local CPU.
///
/// [`Lock::lock`] saves the interrupt state and restores it on release (`spin_lock_irqsave()`),
/// so it may be called from any context; [`SpinLockIrq::lock_irq`] is C's `spin_lock_irq()`,
/// for callers that know interrupts are enabled.
///
/// # Examples
///
/// ```
/// use kernel::{new_spinlock_irq, stack_pin_init, sync::lock::spinlock_irq::SpinLockIrq};
///
/// stack_pin_init!(let counter = new_spinlock_irq!(0u32, "counter"));
/// *counter.lock() += 1;
/// {
///     // SAFETY: A doctest runs in process context, with interrupts enabled, and nothing
///     // disables them while the guard lives.
///     let mut guard = unsafe { counter.lock_irq() };
///     *guard += 1;
/// }
/// assert_eq!(*counter.lock(), 2);
/// ```
pub type SpinLockIrq<T> = Lock<T, SpinLockIrqBackend>;

/// How a [`SpinLockIrq`] was taken, and so what its release restores.
#[derive(Clone, Copy)]
pub enum IrqState {
    /// Taken with `spin_lock_irqsave()`: the saved interrupt state, restored on release.
    Saved(c_ulong),
    /// Taken with `spin_lock_irq()`: interrupts were enabled, and are enabled on release.
    Enabled,
}

/// A kernel `spinlock_t` taken with interrupts disabled.
pub struct SpinLockIrqBackend;

// SAFETY: The underlying kernel `spinlock_t` object ensures mutual exclusion. `relock` uses the
// default implementation, `lock`, which saves whatever the interrupt state is at that point and
// restores it on the next release.
unsafe impl super::Backend for SpinLockIrqBackend {
    type State = bindings::spinlock_t;
    type GuardState = IrqState;

    /// # Safety
    ///
    /// As [`super::Backend::init`]: `ptr` valid for writes, `name` and `key` for reads forever.
    #[inline]
    unsafe fn init(
        ptr: *mut Self::State,
        name: *const crate::ffi::c_char,
        key: *mut bindings::lock_class_key,
    ) {
        // SAFETY: The safety requirements ensure that `ptr` is valid for writes, and `name` and
        // `key` are valid for read indefinitely.
        unsafe { bindings::__spin_lock_init(ptr, name, key) }
    }

    /// # Safety
    ///
    /// As [`super::Backend::lock`]: the lock at `ptr` is initialised.
    #[inline]
    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The safety requirements of this function ensure that `ptr` points to an
        // initialised spinlock; `spin_lock_irqsave()` may be called in any context.
        IrqState::Saved(unsafe { bindings::spin_lock_irqsave(ptr) })
    }

    /// # Safety
    ///
    /// As [`super::Backend::unlock`]: the caller owns the lock, taken as `guard_state` says.
    #[inline]
    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        match *guard_state {
            // SAFETY: The caller owns the lock, taken with `spin_lock_irqsave()`, which returned
            // `flags`.
            IrqState::Saved(flags) => unsafe { bindings::spin_unlock_irqrestore(ptr, flags) },
            // SAFETY: The caller owns the lock, taken with `spin_lock_irq()` when interrupts were
            // enabled, which `SpinLockIrq::lock_irq`'s caller guarantees they may be again now.
            IrqState::Enabled => unsafe { bindings::spin_unlock_irq(ptr) },
        }
    }
}

impl<T: ?Sized> SpinLockIrq<T> {
    /// Acquires the lock with `spin_lock_irq()`: disables interrupts without saving their state,
    /// and enables them when the guard is dropped.
    ///
    /// # Safety
    ///
    /// Interrupts must be enabled on the local CPU, and the caller must not let a section that
    /// disables interrupts begin while the guard lives and end after it is dropped (the release
    /// enables them).
    #[inline]
    pub unsafe fn lock_irq(&self) -> Guard<'_, T, SpinLockIrqBackend> {
        // SAFETY: The lock is initialised (by its constructor or, for one that C owns, as
        // `Lock::from_raw` requires); interrupts are enabled, as the caller guarantees.
        unsafe { bindings::spin_lock_irq(self.state.get()) };
        // SAFETY: The lock was just acquired, with interrupts enabled before.
        unsafe { Guard::new(self, IrqState::Enabled) }
    }
}

/// A [`SpinLockIrq`] and the data it guards, for a `static`: the kernel crate's locks are
/// initialised in place, which a `static` cannot be, so this one is made uninitialised by a
/// `const` constructor and initialised once, at boot, before any use.
///
/// # Examples
///
/// ```
/// use kernel::sync::lock::spinlock_irq::StaticSpinLockIrq;
///
/// // SAFETY: `init` is called below, before any other use.
/// static COUNTER: StaticSpinLockIrq<u32> = unsafe { StaticSpinLockIrq::new(0) };
///
/// // SAFETY: Called once, before any other use: nothing else refers to `COUNTER`.
/// unsafe { COUNTER.init(kernel::c_str!("counter"), kernel::static_lock_class!()) };
/// *COUNTER.lock() += 1;
/// assert_eq!(*COUNTER.lock(), 1);
/// ```
///
/// # Invariants
///
/// Once [`StaticSpinLockIrq::init`] has been called, as [`StaticSpinLockIrq::new`]'s caller
/// guarantees before any other use, `lock` is an initialised spinlock, and `data` is only reached
/// with it held.
pub struct StaticSpinLockIrq<T> {
    lock: Opaque<bindings::spinlock_t>,
    data: UnsafeCell<T>,
}

// SAFETY: `data` is only reached with the lock held (type invariants), by one thread at a time,
// which may be any thread: `T: Send` is all that needs.
unsafe impl<T: Send> Sync for StaticSpinLockIrq<T> {}

impl<T> StaticSpinLockIrq<T> {
    /// Creates the lock, not yet initialised, holding `data`.
    ///
    /// # Safety
    ///
    /// [`StaticSpinLockIrq::init`] must be called before any other method.
    pub const unsafe fn new(data: T) -> Self {
        Self {
            lock: Opaque::uninit(),
            data: UnsafeCell::new(data),
        }
    }

    /// Initialises the lock, in the lock class `key` under `name`.
    ///
    /// # Safety
    ///
    /// Must be called once, before any other method and with no concurrent use.
    pub unsafe fn init(&'static self, name: &'static CStr, key: &'static LockClassKey) {
        // SAFETY: The caller guarantees that nothing else uses the lock yet; its memory is valid
        // and never moves (`'static`); `name` and `key` live forever.
        unsafe { SpinLockIrqBackend::init(self.lock.get(), name.as_char_ptr(), key.as_ptr()) };
    }

    /// Acquires the lock, saving the interrupt state and restoring it on release.
    #[inline]
    pub fn lock(&'static self) -> StaticGuard<T> {
        // SAFETY: The lock is initialised and never moves (type invariants); the `()` it holds
        // carries nothing: what it protects, `data`, is only reached through the guard.
        let lock = unsafe { SpinLockIrq::<()>::from_raw(self.lock.get()) };
        StaticGuard {
            data: &self.data,
            _guard: lock.lock(),
        }
    }
}

/// A [`StaticSpinLockIrq`], held. Not `Send`: the lock is released by the context that took it.
///
/// # Invariants
///
/// `_guard` holds the lock that guards `data`.
pub struct StaticGuard<T: 'static> {
    data: &'static UnsafeCell<T>,
    _guard: Guard<'static, (), SpinLockIrqBackend>,
}

impl<T> Deref for StaticGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: The lock that guards `data` is held (type invariants), so nobody else reaches it.
        unsafe { &*self.data.get() }
    }
}

impl<T> DerefMut for StaticGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: The lock that guards `data` is held (type invariants), and the guard is borrowed
        // mutably, so this is the only reference.
        unsafe { &mut *self.data.get() }
    }
}
