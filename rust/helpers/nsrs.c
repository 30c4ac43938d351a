// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the nsrs abstractions: C that Rust cannot express directly
 * (inline functions, calls through operation tables).  Empty unless
 * CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/ns_common.h>
#include <linux/proc_ns.h>

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
#endif
