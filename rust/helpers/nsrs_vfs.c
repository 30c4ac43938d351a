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

/*
 * An inode's i_fop and a name's len sit in anonymous unions of struct inode
 * and struct qstr: reach them by their C names rather than by the field
 * names bindgen makes up for the unions.
 */
void rust_helper_nsrs_inode_set_fop(struct inode *inode,
				    const struct file_operations *fop)
{
	inode->i_fop = fop;
}

u32 rust_helper_nsrs_qstr_len(const struct qstr *name)
{
	return name->len;
}

/* access_ok(), for a Rust caller that checks a whole user buffer first. */
bool rust_helper_access_ok(const void __user *addr, unsigned long size)
{
	return access_ok(addr, size);
}
#endif
