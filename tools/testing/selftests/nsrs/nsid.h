/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mainline's namespace ABI (6.18 to 7.0), which nsrs brings to 6.12:
 * 64-bit namespace ids (NS_GET_ID), nsfs file handles (FILEID_NSFS,
 * FD_NSFS_ROOT) and listns(2).  The stock 6.12 kernel has none of it: the
 * tests that use it skip there, saying so (no_nsid()).
 *
 * The definitions are mainline's, repeated here for headers that predate
 * them.
 */
#ifndef NSRS_NSID_H
#define NSRS_NSID_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/nsfs.h>

#include "ns_present.h"

#ifndef NS_GET_ID
#define NS_GET_ID _IOR(0xb7, 13, __u64)
#endif
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)
#endif
#ifndef __NR_listns
#define __NR_listns 470
#endif
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef LISTNS_CURRENT_USER
#define LISTNS_CURRENT_USER 0xffffffffffffffffULL
#endif
#ifndef NS_ID_REQ_SIZE_VER0
#define NS_ID_REQ_SIZE_VER0 32
#endif

/* The largest fixed id: the initial namespaces have 1 to 8. */
#define NS_LAST_INIT_ID 8

/* struct ns_id_req, as listns(2) reads it. */
struct listns_req {
	__u32 size;
	__u32 spare;
	__u64 ns_id;
	__u32 ns_type;
	__u32 spare2;
	__u64 user_ns_id;
};

/* struct file_handle with room for struct nsfs_file_handle and more. */
struct nsfs_handle {
	unsigned int handle_bytes;
	int handle_type;
	union {
		unsigned char bytes[64];
		struct {
			__u64 ns_id;
			__u32 ns_type;
			__u32 ns_inum;
		} fid;
	};
};

/* The exit status of child pid, or 128 + the signal that killed it; -1 if not a child. */
static inline int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The fixed id and inode number of each type's initial namespace. */
static inline __u64 initial_id(int flag)
{
	switch (flag) {
	case CLONE_NEWIPC:	return 1;
	case CLONE_NEWUTS:	return 2;
	case CLONE_NEWUSER:	return 3;
	case CLONE_NEWPID:	return 4;
	case CLONE_NEWCGROUP:	return 5;
	case CLONE_NEWTIME:	return 6;
	case CLONE_NEWNET:	return 7;
	case CLONE_NEWNS:	return 8;
	}
	return 0;
}

static inline unsigned int initial_inum(int flag)
{
	return 0xF0000000U - (unsigned int)initial_id(flag);
}

/* The id of the namespace of an ns file; 0 on failure (errno set). */
static inline __u64 ns_id_of_fd(int fd)
{
	__u64 id = 0;

	if (ioctl(fd, NS_GET_ID, &id))
		return 0;
	return id;
}

/* The id of /proc/<pid>/ns/<name> (pid 0: self); 0 on failure. */
static inline __u64 ns_id_of(pid_t pid, const char *name)
{
	char path[64];
	__u64 id;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	id = ns_id_of_fd(fd);
	close(fd);
	return id;
}

/* Whether this kernel has namespace ids: NS_GET_ID is ENOTTY without. */
static inline bool kernel_has_nsid(void)
{
	return ns_id_of(0, "user") != 0;
}

/*
 * In a TEST(): without namespace ids, mark the test skipped, saying why, and
 * return true; the test then returns.
 */
static inline bool no_nsid(struct __test_metadata *_metadata)
{
	if (!kernel_has_nsid())
		SKIP(return true,
		     "no NS_GET_ID (errno %d): a kernel without mainline's namespace ids, as stock 6.12",
		     errno);
	return false;
}

static inline long sys_listns(const struct listns_req *req, __u64 *ids,
			      size_t nr, unsigned int flags)
{
	return syscall(__NR_listns, req, ids, nr, flags);
}

/* listns() of all types, from after last. */
static inline long listns_from(__u64 last, __u32 types, __u64 owner,
			       __u64 *ids, size_t nr)
{
	struct listns_req req = {
		.size = NS_ID_REQ_SIZE_VER0,
		.ns_id = last,
		.ns_type = types,
		.user_ns_id = owner,
	};

	return sys_listns(&req, ids, nr, 0);
}

/*
 * Every id listns() shows of the types (0: all) and owner (0: any), in
 * pages of up to 1024 from the start; how many there are, or -1 (errno set;
 * E2BIG when they do not fit in max).  Going on after a full page that was
 * the last is ENOENT: the end of the walk.
 */
static inline long listns_all(__u32 types, __u64 owner, __u64 *ids, size_t max)
{
	size_t got = 0, page;
	__u64 last = 0;
	long n;

	for (;;) {
		page = max - got < 1024 ? max - got : 1024;
		if (!page) {
			errno = E2BIG;
			return -1;
		}
		n = listns_from(last, types, owner, ids + got, page);
		if (n < 0)
			return last && errno == ENOENT ? (long)got : -1;
		got += n;
		if ((size_t)n < page)
			return got;
		last = ids[got - 1];
	}
}

/* Whether id is among the n ids. */
static inline bool has_id(const __u64 *ids, long n, __u64 id)
{
	for (long i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Encodes the ns file fd as a handle; 0 or -1 (errno set). */
static inline int ns_handle_of_fd(int fd, struct nsfs_handle *h)
{
	int mnt_id;

	memset(h, 0, sizeof(*h));
	h->handle_bytes = sizeof(h->bytes);
	return name_to_handle_at(fd, "", (struct file_handle *)h, &mnt_id,
				 AT_EMPTY_PATH);
}

/* Encodes /proc/self/ns/<name> as a handle; 0 or -1 (errno set). */
static inline int ns_handle_of_self(const char *name, struct nsfs_handle *h)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = ns_handle_of_fd(fd, h);
	close(fd);
	return ret;
}

/* A handle naming a namespace by its id alone: @id. */
static inline void ns_handle_of_id(__u64 id, struct nsfs_handle *h)
{
	memset(h, 0, sizeof(*h));
	h->handle_bytes = 16;
	h->handle_type = FILEID_NSFS;
	h->fid.ns_id = id;
}

static inline int open_ns_handle(struct nsfs_handle *h, int flags)
{
	return open_by_handle_at(FD_NSFS_ROOT, (struct file_handle *)h, flags);
}

#endif /* NSRS_NSID_H */
