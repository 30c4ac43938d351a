/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which namespace types this kernel has.  CONFIG_UTS_NS, IPC_NS, NET_NS,
 * TIME_NS and CGROUPS can each be off (make test-configs boots such kernels),
 * and then, as in the stock kernel:
 *
 *  - /proc/<pid>/ns/<type> does not exist (nor time_for_children without
 *    time namespaces): fs/proc/namespaces.c lists only the types built in;
 *  - unshare() and clone() with CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET or
 *    CLONE_NEWTIME fail with EINVAL;
 *  - with CLONE_NEWCGROUP they succeed and make nothing: without
 *    CONFIG_CGROUPS, copy_cgroup_ns() hands back the task's (absent) one.
 *
 * A test of one type skips without it (no_ns_type()); a test that goes
 * over every type leaves out those the kernel lacks, and says so in its log.
 * The mount namespace is always there, and so are pid and user namespaces
 * on the kernels these tests run on (CONFIG_NSRS depends on PID_NS and
 * USER_NS, and configs/base.config sets both).
 */
#ifndef NSRS_NS_PRESENT_H
#define NSRS_NS_PRESENT_H

#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
	const char *config;	/* the option that builds the type in */
} ns_kinds[] = {
	{ "cgroup", CLONE_NEWCGROUP, "CONFIG_CGROUPS" },
	{ "ipc", CLONE_NEWIPC, "CONFIG_IPC_NS" },
	{ "mnt", CLONE_NEWNS, "no option (always built in)" },
	{ "net", CLONE_NEWNET, "CONFIG_NET_NS" },
	{ "pid", CLONE_NEWPID, "CONFIG_PID_NS" },
	{ "time", CLONE_NEWTIME, "CONFIG_TIME_NS" },
	{ "user", CLONE_NEWUSER, "CONFIG_USER_NS" },
	{ "uts", CLONE_NEWUTS, "CONFIG_UTS_NS" },
};

/* The type a link of /proc/<pid>/ns is of: "time_for_children" is "time". */
static inline size_t ns_kind_len(const char *link)
{
	const char *suffix = strstr(link, "_for_children");

	return suffix ? (size_t)(suffix - link) : strlen(link);
}

/* The option that builds in the type of link, for messages. */
static inline const char *ns_config(const char *link)
{
	size_t i, len = ns_kind_len(link);

	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++)
		if (strlen(ns_kinds[i].name) == len && !strncmp(ns_kinds[i].name, link, len))
			return ns_kinds[i].config;
	return "an unknown option";
}

/*
 * Whether this kernel has the namespace type of link (a name in
 * /proc/<pid>/ns: "uts", "time_for_children"...).  lstat(), not stat(): the
 * entry is there or not whatever its target, and looking it up needs no
 * ptrace access, so that this works as any user and in any namespace.
 */
static inline bool ns_present(const char *link)
{
	char path[64];
	struct stat st;
	size_t len = ns_kind_len(link);

	snprintf(path, sizeof(path), "/proc/self/ns/%.*s", (int)len, link);
	return !lstat(path, &st);
}

/* Whether this kernel has every namespace type of the CLONE_NEW* flags. */
static inline bool ns_flags_present(int flags)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++)
		if ((flags & ns_kinds[i].flag) && !ns_present(ns_kinds[i].name))
			return false;
	return true;
}

/*
 * The CLONE_NEW* flags of the types this kernel lacks, to mask out of the
 * sets of namespaces a test makes.  Looked up once; a forked child inherits
 * the answer.
 */
static inline int ns_absent_flags(void)
{
	static int absent = -1;
	size_t i;

	if (absent < 0) {
		absent = 0;
		for (i = 0; i < ARRAY_SIZE(ns_kinds); i++)
			if (!ns_present(ns_kinds[i].name))
				absent |= ns_kinds[i].flag;
	}
	return absent;
}

/*
 * The first of the links given, then NULL, whose type the kernel has; NULL if
 * none.  For a test that needs a namespace of some type but not of one in
 * particular: on a kernel with every type it gets the first one given.
 */
static inline const char *ns_first_present(const char *link, ...)
{
	va_list ap;

	va_start(ap, link);
	while (link && !ns_present(link))
		link = va_arg(ap, const char *);
	va_end(ap);
	return link;
}

/*
 * In a TEST(): unless the kernel has namespaces of link's type, mark the test
 * skipped, saying why, and return true; the test then returns:
 *
 *	if (no_ns_type(_metadata, "uts"))
 *		return;
 */
static inline bool no_ns_type(struct __test_metadata *_metadata, const char *link)
{
	if (!ns_present(link))
		SKIP(return true, "no /proc/self/ns/%s: kernel without %s", link, ns_config(link));
	return false;
}

/*
 * In a TEST() going over every type: a line in its log for a type left out.
 * A macro, so that the line names the test's file and line.
 */
#define LOG_NS_ABSENT(link)							\
	do {									\
		const char *__link = (link);					\
		TH_LOG("no /proc/self/ns/%s: kernel without %s, not checked",	\
		       __link, ns_config(__link));				\
	} while (0)

#endif /* NSRS_NS_PRESENT_H */
