// SPDX-License-Identifier: GPL-2.0
/*
 * Who may do what with namespaces, as the stock kernel decides it: the rows
 * of the permission table in Documentation/nsrs/reliability.rst that no
 * other test covers.  Each case runs in a child that drops to uid 65534 (no
 * capabilities) or becomes root of a new user namespace, and reports by its
 * exit status which check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ns_present.h"

#define NS_LAST_PID "/proc/sys/kernel/ns_last_pid"

static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Drops to uid/gid 65534.  Dumpable again afterwards: a changed uid makes the
 * task's /proc/self files root's, and it must write its own uid_map.
 */
static int drop_to_nobody(void)
{
	if (setgid(65534) || setuid(65534))
		return -1;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Writes text to ns_last_pid: 0 or the errno. */
static int write_last_pid(const char *text)
{
	int fd = open(NS_LAST_PID, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Maps uid/gid 0 of a new user namespace to the caller's, so root there. */
static int map_self(uid_t uid, gid_t gid)
{
	char map[32];
	int fd;

	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		return -1;
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", uid);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		return -1;
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", gid);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		return -1;
	close(fd);
	return 0;
}

/*
 * kernel.ns_last_pid: writable with CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE)
 * over the user namespace owning the caller's pid namespace.  Readable by all.
 */
TEST(ns_last_pid_write_needs_capability_over_the_owner)
{
	pid_t pid;

	if (access(NS_LAST_PID, F_OK))
		SKIP(return, "no " NS_LAST_PID " (CONFIG_CHECKPOINT_RESTORE off)");
	/* Root in the initial namespaces: allowed. */
	EXPECT_EQ(0, write_last_pid("1000"));

	/* Nobody: EPERM on write, reads fine. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char buf[32];
		int fd;

		if (drop_to_nobody())
			_exit(1);
		if (write_last_pid("2000") != EPERM)
			_exit(2);
		fd = open(NS_LAST_PID, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
			_exit(3);
		_exit(0);
	}
	EXPECT_EQ(0, wait_ok(pid)) TH_LOG("1 setuid, 2 write not EPERM, 3 read");

	/*
	 * Nobody as root of a new user namespace with a pid namespace of its
	 * own: the capability is over that namespace's owner, so allowed there.
	 */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t init;

		if (drop_to_nobody())
			_exit(1);
		if (unshare(CLONE_NEWUSER) || map_self(65534, 65534))
			_exit(2);
		if (unshare(CLONE_NEWPID))
			_exit(3);
		init = fork();
		if (init < 0)
			_exit(4);
		if (init == 0)
			_exit(write_last_pid("500") ? 5 : 0);
		_exit(wait_ok(init));
	}
	EXPECT_EQ(0, wait_ok(pid)) TH_LOG("1 setuid, 2 userns, 3 pidns, 4 fork, 5 write refused");
}

/*
 * setns() into a pid namespace: only the caller's own or a descendant
 * (EINVAL for an ancestor), and only with CAP_SYS_ADMIN over its owner and
 * over the caller's user namespace (EPERM).
 */
TEST(setns_into_pid_namespaces_only_downwards)
{
	int sync[2], done[2], ours, theirs;
	pid_t child, nobody;
	char c, path[64];

	ours = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(ours, 0);
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pid_t init;

		close(sync[0]);
		close(done[1]);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		init = fork();
		if (init < 0)
			_exit(2);
		if (init == 0) {
			/* Inside: the parent namespace is an ancestor. */
			if (setns(ours, CLONE_NEWPID) != -1 || errno != EINVAL)
				_exit(3);
			/* Its own active namespace is allowed. */
			if (setns(open("/proc/self/ns/pid", O_RDONLY), CLONE_NEWPID))
				_exit(4);
			if (write(sync[1], "r", 1) != 1)
				_exit(5);
			/* Until the test closes its end. */
			_exit(read(done[0], &c, 1) == 0 ? 0 : 6);
		}
		close(sync[1]);
		_exit(wait_ok(init));
	}
	close(sync[1]);
	close(done[0]);
	/* EOF, not a byte, if the checks inside failed: see the child's status. */
	if (read(sync[0], &c, 1) != 1) {
		close(done[1]);
		EXPECT_EQ(0, wait_ok(child))
			TH_LOG("1 unshare, 2 fork, 3 ancestor allowed, 4 own refused");
		return;
	}
	/* The child's namespace is below ours: root may enter it. */
	snprintf(path, sizeof(path), "/proc/%d/ns/pid_for_children", child);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(theirs, 0);
	nobody = fork();
	ASSERT_GE(nobody, 0);
	if (nobody == 0) {
		if (setns(theirs, CLONE_NEWPID))
			_exit(1);
		/* Without CAP_SYS_ADMIN: EPERM, even downwards. */
		if (drop_to_nobody())
			_exit(2);
		_exit(setns(theirs, CLONE_NEWPID) == -1 && errno == EPERM ? 0 : 3);
	}
	EXPECT_EQ(0, wait_ok(nobody)) TH_LOG("1 root setns, 2 setuid, 3 nobody not EPERM");
	close(theirs);
	close(done[1]);
	EXPECT_EQ(0, wait_ok(child));
	close(ours);
}

/*
 * setns() into a net or uts namespace without CAP_SYS_ADMIN over it: EPERM.
 * A kernel without one of the two types checks the other.
 */
TEST(unprivileged_setns_is_refused)
{
	bool have_net = ns_present("net"), have_uts = ns_present("uts");
	int net = -1, uts = -1;
	pid_t pid;

	if (!have_net && !have_uts)
		SKIP(return,
		     "no /proc/self/ns/net nor uts: kernel without CONFIG_NET_NS and CONFIG_UTS_NS");
	if (!have_net)
		LOG_NS_ABSENT("net");
	if (!have_uts)
		LOG_NS_ABSENT("uts");
	if (have_net) {
		net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(net, 0);
	}
	if (have_uts) {
		uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(uts, 0);
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (drop_to_nobody())
			_exit(1);
		if (have_net && (setns(net, CLONE_NEWNET) != -1 || errno != EPERM))
			_exit(2);
		if (have_uts && (setns(uts, CLONE_NEWUTS) != -1 || errno != EPERM))
			_exit(3);
		_exit(0);
	}
	EXPECT_EQ(0, wait_ok(pid)) TH_LOG("1 setuid, 2 net, 3 uts");
	if (net >= 0)
		close(net);
	if (uts >= 0)
		close(uts);
}

TEST_HARNESS_MAIN
