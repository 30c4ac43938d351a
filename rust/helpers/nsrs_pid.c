// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the nsrs pid core: inline functions and macros of the pid,
 * signal, sched and capability headers, which Rust cannot call directly.
 * Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/acct.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>

kuid_t rust_helper_current_euid(void)
{
	return current_euid();
}

bool rust_helper_checkpoint_restore_ns_capable(struct user_namespace *ns)
{
	return checkpoint_restore_ns_capable(ns);
}

/* spin_lock_init() of a new struct pid, as alloc_pid() does, for debug kernels. */
void rust_helper_nsrs_pid_init_lock(struct pid *pid)
{
	spin_lock_init(&pid->lock);
}

void rust_helper_task_lock(struct task_struct *p)
{
	task_lock(p);
}

void rust_helper_task_unlock(struct task_struct *p)
{
	task_unlock(p);
}

/* WARN_ON() for a Rust caller: a backtrace, the taint, panic_on_warn. */
bool rust_helper_nsrs_warn_on(bool condition)
{
	return WARN_ON(condition);
}

void rust_helper_nsrs_acct_exit_ns(struct pid_namespace *ns)
{
	acct_exit_ns(ns);
}
#endif
