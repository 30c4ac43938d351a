// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the nsrs abstractions: C that Rust cannot express directly
 * (inline functions, macros, calls through operation tables, fields of
 * structures private to fs/).  Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/ns_common.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include "../../fs/mount.h"

/*
 * Drop a reference through the namespace type's own ->put, which frees the
 * namespace when it was the last one.  It may sleep: put_mnt_ns() takes
 * namespace_sem.
 */
void rust_helper_ns_common_put(struct ns_common *ns)
{
	ns->ops->put(ns);
}

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
#endif
