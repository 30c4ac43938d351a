// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the nsrs abstractions: C that Rust cannot express directly
 * (inline functions, macros, calls through operation tables, fields of
 * structures private to fs/).  Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/cred.h>
#include <linux/export.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/proc_fs.h>
#include <linux/pid_namespace.h>
#include <linux/cgroup.h>
#include <linux/ipc_namespace.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/time_namespace.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include "../../fs/mount.h"

unsigned int rust_helper_ns_common_count(const struct ns_common *ns)
{
	return refcount_read(&ns->count);
}

void rust_helper_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rust_helper_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

struct dentry *rust_helper_dget(struct dentry *dentry)
{
	return dget(dentry);
}

const struct cred *rust_helper_current_cred(void)
{
	return current_cred();
}

struct user_namespace *rust_helper_current_user_ns(void)
{
	return current_user_ns();
}

unsigned long rust_helper_nsrs_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void rust_helper_nsrs_spin_unlock_irqrestore(spinlock_t *lock,
					     unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

/* One lock class for the locks Rust initialises here: nsrs has one. */
void rust_helper_nsrs_spin_lock_init(spinlock_t *lock)
{
	spin_lock_init(lock);
}

void rust_helper_idr_init(struct idr *idr)
{
	idr_init(idr);
}

/*
 * The entries of an IDR (with base 0) from id @start on, up to @n of them,
 * in one walk of the tree: idr_get_next_ul()'s loop, continued.  The caller
 * holds the IDR's lock.
 */
unsigned int rust_helper_nsrs_idr_gather(struct idr *idr, unsigned long start,
					 unsigned long *ids, void **entries,
					 unsigned int n)
{
	struct radix_tree_iter iter;
	void __rcu **slot;
	unsigned int i = 0;

	if (!n)
		return 0;
	radix_tree_for_each_slot(slot, &idr->idr_rt, &iter, start) {
		void *entry = rcu_dereference_raw(*slot);

		if (!entry)
			continue;
		if (xa_is_internal(entry)) {
			if (slot != &idr->idr_rt.xa_head && !xa_is_retry(entry))
				break;
			slot = radix_tree_iter_retry(&iter);
			continue;
		}
		ids[i] = iter.index;
		entries[i] = entry;
		if (++i == n)
			break;
	}
	return i;
}

/*
 * The leaf of @idr's tree that holds @id's slot, taken or free, or NULL if
 * there is none (@id is beyond the tree, in a part not grown, or kept in the
 * root).  The caller holds the IDR's lock.
 */
struct radix_tree_node *rust_helper_nsrs_idr_leaf(struct idr *idr,
						  unsigned long id)
{
	struct radix_tree_node *node = NULL;
	void __rcu **slot = NULL;

	__radix_tree_lookup(&idr->idr_rt, id - idr->idr_base, &node, &slot);
	return slot && node && !node->shift ? node : NULL;
}

void rust_helper_idr_preload_end(void)
{
	idr_preload_end();
}

bool rust_helper_dir_emit(struct dir_context *ctx, const char *name,
			  int namelen, u64 ino, unsigned int type)
{
	return dir_emit(ctx, name, namelen, ino, type);
}

bool rust_helper_dir_emit_dots(struct file *file, struct dir_context *ctx)
{
	return dir_emit_dots(file, ctx);
}

/* The user namespace of the pid namespace a procfs instance shows. */
struct user_namespace *rust_helper_nsrs_procfs_user_ns(struct super_block *sb)
{
	return proc_pid_ns(sb)->user_ns;
}

bool rust_helper_refcount_inc_not_zero(refcount_t *r)
{
	return refcount_inc_not_zero(r);
}

/*
 * The namespaces of an nsproxy, as the ns_common each embeds, in the order
 * mnt, uts, ipc, pid (for children), cgroup, net, time (for children).
 */
void rust_helper_nsrs_nsproxy_namespaces(struct nsproxy *nsp,
					 struct ns_common **out)
{
	out[0] = nsp->mnt_ns ? &nsp->mnt_ns->ns : NULL;
	out[1] = nsp->uts_ns ? &nsp->uts_ns->ns : NULL;
	out[2] = nsp->ipc_ns ? &nsp->ipc_ns->ns : NULL;
	out[3] = nsp->pid_ns_for_children ? &nsp->pid_ns_for_children->ns : NULL;
	out[4] = nsp->cgroup_ns ? &nsp->cgroup_ns->ns : NULL;
	out[5] = nsp->net_ns ? &nsp->net_ns->ns : NULL;
	out[6] = nsp->time_ns_for_children ? &nsp->time_ns_for_children->ns : NULL;
}

/*
 * The namespaces of an nsproxy that the CLONE_NEW* bits of @flags stand
 * for (those create_new_namespaces(@flags) made), in the order above: at
 * most 7 written to @out, their number returned.
 */
unsigned int rust_helper_nsrs_nsproxy_new_namespaces(struct nsproxy *nsp,
						     unsigned long flags,
						     struct ns_common **out)
{
	unsigned int n = 0;

	if (flags & CLONE_NEWNS)
		out[n++] = &nsp->mnt_ns->ns;
	if (flags & CLONE_NEWUTS)
		out[n++] = &nsp->uts_ns->ns;
	if (flags & CLONE_NEWIPC)
		out[n++] = &nsp->ipc_ns->ns;
	if (flags & CLONE_NEWPID)
		out[n++] = &nsp->pid_ns_for_children->ns;
	if (flags & CLONE_NEWCGROUP)
		out[n++] = &nsp->cgroup_ns->ns;
	if (flags & CLONE_NEWNET)
		out[n++] = &nsp->net_ns->ns;
	if (flags & CLONE_NEWTIME)
		out[n++] = &nsp->time_ns_for_children->ns;
	return n;
}

/* struct mnt_namespace is private to fs/: its fields nsfs reports. */
u64 rust_helper_nsrs_mnt_ns_id(struct ns_common *ns)
{
	return to_mnt_ns(ns)->seq;
}

unsigned int rust_helper_nsrs_mnt_ns_nr_mounts(struct ns_common *ns)
{
	return READ_ONCE(to_mnt_ns(ns)->nr_mounts);
}

/* The next or previous mount namespace by id, counted, or an ERR_PTR. */
struct ns_common *rust_helper_nsrs_mnt_ns_lookup(struct ns_common *ns,
						 bool previous)
{
	struct mnt_namespace *mnt_ns = __lookup_next_mnt_ns(to_mnt_ns(ns),
							    previous);

	return IS_ERR(mnt_ns) ? ERR_CAST(mnt_ns) : &mnt_ns->ns;
}
#include "nsrs_pid.c"

/*
 * The Rust component defines these in place of fs/nsfs.c, kernel/pid.c and
 * kernel/pid_namespace.c, which exported them for modules.
 */
EXPORT_SYMBOL_GPL(open_related_ns);
EXPORT_SYMBOL_GPL(put_pid);
EXPORT_SYMBOL_GPL(put_pid_ns);
#endif
