// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the locks, references and task state the nsrs abstractions
 * share with C: inline functions and macros, each called as C calls it.
 * With CONFIG_RUST_INLINE_HELPERS they compile, inline, to what the C
 * does.  Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rwlock.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

void rust_helper_spin_lock_irq(spinlock_t *lock)
{
	spin_lock_irq(lock);
}

void rust_helper_spin_unlock_irq(spinlock_t *lock)
{
	spin_unlock_irq(lock);
}

unsigned long rust_helper_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void rust_helper_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

void rust_helper_read_lock(rwlock_t *lock)
{
	read_lock(lock);
}

void rust_helper_read_unlock(rwlock_t *lock)
{
	read_unlock(lock);
}

void rust_helper_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rust_helper_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void rust_helper_refcount_set(refcount_t *r, int n)
{
	refcount_set(r, n);
}

unsigned int rust_helper_refcount_read(const refcount_t *r)
{
	return refcount_read(r);
}

bool rust_helper_refcount_inc_not_zero(refcount_t *r)
{
	return refcount_inc_not_zero(r);
}

bool rust_helper_thread_group_leader(struct task_struct *p)
{
	return thread_group_leader(p);
}

bool rust_helper___fatal_signal_pending(struct task_struct *p)
{
	return __fatal_signal_pending(p);
}

void rust_helper_clear_sigpending(void)
{
	clear_thread_flag(TIF_SIGPENDING);
}

void rust_helper_set_current_state(unsigned int state)
{
	set_current_state(state);
}

void rust_helper_set_current_running(void)
{
	__set_current_state(TASK_RUNNING);
}

unsigned int rust_helper_no_notify_signal_save(void)
{
	return no_notify_signal_save();
}

void rust_helper_no_notify_signal_restore(unsigned int flags)
{
	no_notify_signal_restore(flags);
}

/* The handler values and the sender of signals, which are macros. */
__sighandler_t rust_helper_SIG_IGN(void)
{
	return SIG_IGN;
}

struct kernel_siginfo *rust_helper_SEND_SIG_PRIV(void)
{
	return SEND_SIG_PRIV;
}
#endif
