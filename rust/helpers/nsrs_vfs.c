// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the VFS and user-copy abstractions of the kernel crate that
 * the nsrs component uses (kernel::vfs, kernel::user_struct): inline
 * functions Rust cannot call directly.  Empty unless CONFIG_NSRS=y.
 */

#ifdef CONFIG_NSRS
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

struct dentry *rust_helper_dget(struct dentry *dentry)
{
	return dget(dentry);
}

const struct cred *rust_helper_current_cred(void)
{
	return current_cred();
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

/* access_ok(), for a Rust caller that checks a whole user buffer first. */
bool rust_helper_access_ok(const void __user *addr, unsigned long size)
{
	return access_ok(addr, size);
}
#endif
