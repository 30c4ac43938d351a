// SPDX-License-Identifier: GPL-2.0
/*
 * The initial namespaces as userspace sees them, and the boot line of the
 * Rust namespace core: present exactly when the kernel was built with
 * CONFIG_NSRS=y (the kernel's .config is at /boot/config in the test guest).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ns_present.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

struct fixed_ns {
	const char *name;
	unsigned long ino;
};

/* PROC_*_INIT_INO from include/linux/proc_ns.h: fixed for the initial namespaces. */
static const struct fixed_ns fixed[] = {
	{ "ipc", 0xEFFFFFFFUL },
	{ "uts", 0xEFFFFFFEUL },
	{ "user", 0xEFFFFFFDUL },
	{ "pid", 0xEFFFFFFCUL },
	{ "cgroup", 0xEFFFFFFBUL },
	{ "time", 0xEFFFFFFAUL },
};

static int ns_stat(pid_t pid, const char *name, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return stat(path, st);
}

TEST(initial_namespaces_have_fixed_inodes)
{
	struct stat st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (!ns_present(fixed[i].name)) {
			LOG_NS_ABSENT(fixed[i].name);
			continue;
		}
		ASSERT_EQ(0, ns_stat(1, fixed[i].name, &st)) TH_LOG("%s", fixed[i].name);
		EXPECT_EQ(fixed[i].ino, st.st_ino) TH_LOG("%s", fixed[i].name);
	}
}

TEST(ns_links_read_type_and_inode)
{
	static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid", "time",
					     "user", "uts" };
	char path[64], link[64], want[64];
	struct stat st;
	ssize_t len;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!ns_present(names[i])) {
			LOG_NS_ABSENT(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		len = readlink(path, link, sizeof(link) - 1);
		ASSERT_GT(len, 0) TH_LOG("%s: %s", path, strerror(errno));
		link[len] = '\0';
		ASSERT_EQ(0, stat(path, &st));
		snprintf(want, sizeof(want), "%s:[%lu]", names[i], (unsigned long)st.st_ino);
		EXPECT_STREQ(want, link);
	}
}

TEST(unshare_uts_gives_a_new_inode)
{
	struct stat before, after;
	int status;
	pid_t pid;

	if (no_ns_type(_metadata, "uts"))
		return;
	ASSERT_EQ(0, ns_stat(getpid(), "uts", &before));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUTS))
			_exit(1);
		if (ns_stat(getpid(), "uts", &after))
			_exit(2);
		_exit(after.st_ino == before.st_ino ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int config_has(const char *line)
{
	char buf[256];
	FILE *f = fopen("/boot/config", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(buf, sizeof(buf), f))
		found = strcmp(buf, line) == 0;
	fclose(f);
	return found;
}

static int log_has(const char *needle)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf;
	int len, found;

	if (size <= 0)
		return -1;
	buf = calloc(1, size + 1);
	if (!buf)
		return -1;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	found = len >= 0 ? !!strstr(buf, needle) : -1;
	free(buf);
	return found;
}

TEST(rust_core_announces_itself_only_when_built)
{
	int nsrs = config_has("CONFIG_NSRS=y\n");
	int seen;

	seen = log_has("nsrs: namespace core in Rust active: pid:[4026531836] user:[4026531837]");
	if (nsrs < 0)
		SKIP(return, "no /boot/config");
	ASSERT_GE(seen, 0) TH_LOG("cannot read the kernel log: %s", strerror(errno));
	EXPECT_EQ(nsrs, seen);
}

TEST_HARNESS_MAIN
