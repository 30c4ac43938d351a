// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the namespace abstractions (kernel::ns) and the nsrs
 * component: C that Rust cannot express directly (inline functions,
 * macros, calls through operation tables).  Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/cred.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/proc_fs.h>
#include <linux/pid_namespace.h>
#include <linux/cgroup.h>
#include <linux/ipc_namespace.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/nsrs.h>
#include <linux/time_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>

unsigned int rust_helper_ns_common_count(const struct ns_common *ns)
{
	return refcount_read(&ns->count);
}

struct user_namespace *rust_helper_current_user_ns(void)
{
	return current_user_ns();
}

void rust_helper_idr_init(struct idr *idr)
{
	idr_init(idr);
}

void rust_helper_idr_preload_end(void)
{
	idr_preload_end();
}

/* The user namespace of the pid namespace a procfs instance shows. */
struct user_namespace *rust_helper_nsrs_procfs_user_ns(struct super_block *sb)
{
	return proc_pid_ns(sb)->user_ns;
}

/*
 * One namespace of an nsproxy, as the ns_common it embeds, or NULL: @slot
 * 0 to 6 for mnt, uts, ipc, pid (for children), cgroup, net and time (for
 * children), 7 the time namespace the nsproxy's owner is in.  Called with
 * a constant @slot, it inlines to the one load (and the test for NULL) of
 * that member.
 */
struct ns_common *rust_helper_nsrs_nsproxy_ns(struct nsproxy *nsp,
					      unsigned int slot)
{
	switch (slot) {
	case 0:
		return nsp->mnt_ns ? nsrs_mnt_ns_common(nsp->mnt_ns) : NULL;
	case 1:
		return nsp->uts_ns ? &nsp->uts_ns->ns : NULL;
	case 2:
		return nsp->ipc_ns ? &nsp->ipc_ns->ns : NULL;
	case 3:
		return nsp->pid_ns_for_children ?
		       &nsp->pid_ns_for_children->ns : NULL;
	case 4:
		return nsp->cgroup_ns ? &nsp->cgroup_ns->ns : NULL;
	case 5:
		return nsp->net_ns ? &nsp->net_ns->ns : NULL;
	case 6:
		return nsp->time_ns_for_children ?
		       &nsp->time_ns_for_children->ns : NULL;
	case 7:
		return nsp->time_ns ? &nsp->time_ns->ns : NULL;
	}
	return NULL;
}

/*
 * Whether nsproxies @a and @b hold the same namespace in @slot (numbered as
 * for rust_helper_nsrs_nsproxy_ns()).  Compares the members themselves:
 * with a constant @slot, two loads and a compare, and no call for the
 * mount namespace's ns_common.
 */
bool rust_helper_nsrs_nsproxy_shares(const struct nsproxy *a,
				     const struct nsproxy *b,
				     unsigned int slot)
{
	switch (slot) {
	case 0:
		return a->mnt_ns == b->mnt_ns;
	case 1:
		return a->uts_ns == b->uts_ns;
	case 2:
		return a->ipc_ns == b->ipc_ns;
	case 3:
		return a->pid_ns_for_children == b->pid_ns_for_children;
	case 4:
		return a->cgroup_ns == b->cgroup_ns;
	case 5:
		return a->net_ns == b->net_ns;
	case 6:
		return a->time_ns_for_children == b->time_ns_for_children;
	case 7:
		return a->time_ns == b->time_ns;
	}
	return false;
}

/*
 * Drops a reference on @nsp if it is the only one, leaving the count at
 * zero: refcount_dec_if_one(), with its ordering.
 */
bool rust_helper_nsrs_nsproxy_dec_if_one(struct nsproxy *nsp)
{
	return refcount_dec_if_one(&nsp->count);
}

/*
 * The namespaces the current task is in, one of each type, as the
 * ns_common each embeds: those of its nsproxy, with its active pid and time
 * namespaces in place of those for its children, and its user namespace
 * last.  Null where there is none (an exiting task).
 */
void rust_helper_nsrs_current_namespaces(struct ns_common **out)
{
	struct nsproxy *nsp = current->nsproxy;
	struct pid_namespace *pid_ns = task_active_pid_ns(current);
	unsigned int i;

	for (i = 0; i < 8; i++)
		out[i] = NULL;
	if (nsp) {
		for (i = 0; i < 6; i++)
			out[i] = rust_helper_nsrs_nsproxy_ns(nsp, i);
		out[6] = rust_helper_nsrs_nsproxy_ns(nsp, 7);
	}
	out[3] = pid_ns ? &pid_ns->ns : NULL;
	out[7] = &current_user_ns()->ns;
}

/*
 * A namespace's count of active references (ns_common.__ns_ref_active,
 * which the nsrs patches add and only the component uses).
 */
int rust_helper_nsrs_ns_active_read(const struct ns_common *ns)
{
	return atomic_read(&ns->__ns_ref_active);
}

void rust_helper_nsrs_ns_active_set(struct ns_common *ns, int count)
{
	atomic_set(&ns->__ns_ref_active, count);
}

int rust_helper_nsrs_ns_active_fetch_inc(struct ns_common *ns)
{
	return atomic_fetch_inc(&ns->__ns_ref_active);
}

int rust_helper_nsrs_ns_active_dec_return(struct ns_common *ns)
{
	return atomic_dec_return(&ns->__ns_ref_active);
}

/*
 * The user namespace of @p's real credentials, for a task that cannot
 * change them under the caller: one being made (copy_creds()) or reaped
 * (release_task()).
 */
struct user_namespace *rust_helper_nsrs_task_real_user_ns(struct task_struct *p)
{
	return rcu_dereference_protected(p->real_cred, 1)->user_ns;
}

/*
 * The Rust component defines these in place of the C that exported them for
 * modules.
 */

/* In place of fs/nsfs.c. */
EXPORT_SYMBOL_GPL(open_related_ns);

/* In place of kernel/pid.c. */
EXPORT_SYMBOL_GPL(put_pid);

/* In place of kernel/pid_namespace.c. */
EXPORT_SYMBOL_GPL(put_pid_ns);
#endif
