/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Headers the nsrs abstractions in the kernel crate need bindings for.
 *
 * Included at the end of bindings_helper.h; empty unless CONFIG_NSRS=y, so
 * the stock kernel's bindings do not change.
 */

#ifdef CONFIG_NSRS
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/exportfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/idr.h>
#include <linux/lockref.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/nsrs.h>
#include <linux/ns_common.h>
#include <linux/nsfs.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/pseudo_fs.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <uapi/linux/sched.h>
#include <uapi/linux/wait.h>

/* Slab flags that are 0 in some configurations (SLAB_ACCOUNT without memcg). */
const slab_flags_t RUST_CONST_HELPER_SLAB_ACCOUNT = SLAB_ACCOUNT;
const slab_flags_t RUST_CONST_HELPER_SLAB_HWCACHE_ALIGN = SLAB_HWCACHE_ALIGN;
#endif
