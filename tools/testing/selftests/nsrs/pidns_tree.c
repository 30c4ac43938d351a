// SPDX-License-Identifier: GPL-2.0
/*
 * Hierarchical pid namespaces as userspace sees them: nesting to the limit,
 * a process's number at every level, cyclic allocation and its wrap-around,
 * the death of a namespace's init, and concurrent forks in sibling
 * namespaces.  Every expectation is the stock kernel's behaviour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "../kselftest_harness.h"

#define MAX_PID_NS_LEVEL 32	/* include/linux/pid_namespace.h */
#define RESERVED_PIDS 300	/* include/linux/pid.h */

/* struct clone_args up to set_tid_size (CLONE_ARGS_SIZE_VER1). */
struct clone_args_v1 {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
	__u64 stack, stack_size, tls, set_tid, set_tid_size;
};

static int wait_status(pid_t pid);

/*
 * clone3() with the given pids, innermost namespace first.  The child checks
 * that NSpid ends with them (outermost first) and exits; returns the child's
 * status, or -errno when clone3 fails.
 */
static int clone3_set_tid(const pid_t *tids, size_t n)
{
	struct clone_args_v1 args = {
		.exit_signal = SIGCHLD,
		.set_tid = (__u64)(uintptr_t)tids,
		.set_tid_size = n,
	};
	pid_t pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int nspid[MAX_PID_NS_LEVEL + 1], count = 0;
		char line[512], *p, *end;
		FILE *f = fopen("/proc/self/status", "r");
		size_t i;

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "NSpid:", 6))
				for (p = line + 6; count <= MAX_PID_NS_LEVEL; p = end) {
					nspid[count] = strtol(p, &end, 10);
					if (end == p)
						break;
					count++;
				}
		if ((size_t)count < n)
			_exit(1);
		for (i = 0; i < n; i++)
			if (nspid[count - 1 - i] != tids[i])
				_exit(2);
		_exit(0);
	}
	return wait_status(pid);
}

static int wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Go one pid namespace deeper: unshare, then fork the new namespace's init.
 * Returns in the child (now pid 1 one level down); the parent waits and
 * exits with the child's status.
 */
static void descend(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		_exit(100 + errno % 100);
	pid = fork();
	if (pid < 0)
		_exit(99);
	if (pid > 0)
		_exit(wait_status(pid));
}

/* The numbers of the NSpid: line of /proc/self/status; returns how many. */
static int read_nspid(int *pids, int max)
{
	char line[512], *p, *end;
	FILE *f = fopen("/proc/self/status", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6; n < max; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			pids[n++] = v;
		}
	}
	fclose(f);
	return n;
}

static int read_int(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return len > 0 ? atoi(buf) : -1;
}

static int write_int(const char *path, int value)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CLOEXEC), len, ret;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d", value);
	ret = write(fd, buf, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

TEST(nesting_stops_at_32_levels_with_enospc)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int level;

		for (level = 1; level <= MAX_PID_NS_LEVEL; level++)
			descend();
		/* 32 levels below the initial one: the next is refused. */
		if (unshare(CLONE_NEWPID) != -1)
			_exit(1);
		_exit(errno == ENOSPC ? 0 : 2);
	}
	EXPECT_EQ(0, wait_status(pid));
}

TEST(numbers_at_every_level_of_eight)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int nsfd[9], nspid[16], level, n;

		nsfd[0] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		for (level = 1; level <= 8; level++) {
			descend();
			nsfd[level] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
			if (nsfd[level] < 0 || getpid() != 1)
				_exit(1);
		}
		/* /proc is the initial namespace's: NSpid lists levels 0 to 8. */
		n = read_nspid(nspid, 16);
		if (n != 9 || nspid[8] != 1)
			_exit(2);
		for (level = 0; level <= 8; level++) {
			if (nsfd[level] < 0)
				_exit(3);
			/* Our number in that level's namespace, as nsfs says. */
			if (ioctl(nsfd[level], NS_GET_PID_IN_PIDNS, getpid()) != nspid[level])
				_exit(10 + level);
			/* And back: that number there is us (1) here. */
			if (ioctl(nsfd[level], NS_GET_PID_FROM_PIDNS, nspid[level]) != 1)
				_exit(20 + level);
		}
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
}

/*
 * clone3() set_tid three levels deep: the chosen number at every level, and
 * the stock errors, with a failure at the outermost level giving back the
 * numbers already taken at the inner ones.
 */
TEST(set_tid_at_three_levels)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		const pid_t good[] = { 555, 777, 30123 };
		const pid_t taken_outside[] = { 556, 778, 1 };
		const pid_t retry[] = { 556, 778, 30124 };
		const pid_t zero[] = { 0, 779, 30125 };
		const pid_t too_big[] = { 557, 779, INT_MAX };
		const pid_t four[] = { 558, 780, 30126, 30127 };
		const pid_t mine[] = { 1 };
		pid_t unprivileged;

		descend();
		descend();
		/* Now pid 1 of a namespace two levels below the initial one. */
		if (clone3_set_tid(good, 3) != 0)
			_exit(1);
		if (clone3_set_tid(mine, 1) != -EEXIST)
			_exit(2);
		if (clone3_set_tid(taken_outside, 3) != -EEXIST)
			_exit(3);
		/* 556 and 778 were given back when the outermost level failed. */
		if (clone3_set_tid(retry, 3) != 0)
			_exit(4);
		if (clone3_set_tid(zero, 3) != -EINVAL)
			_exit(5);
		if (clone3_set_tid(too_big, 3) != -EINVAL)
			_exit(6);
		if (clone3_set_tid(four, 4) != -EINVAL)
			_exit(7);
		/* Without CAP_CHECKPOINT_RESTORE over the namespaces: EPERM. */
		unprivileged = fork();
		if (unprivileged < 0)
			_exit(8);
		if (unprivileged == 0) {
			if (setuid(65534))
				_exit(1);
			_exit(clone3_set_tid(good, 3) == -EPERM ? 0 : 2);
		}
		_exit(wait_status(unprivileged) ? 9 : 0);
	}
	EXPECT_EQ(0, wait_status(pid));
}

/*
 * Fork short-lived children until numbers wrap: in a new pid namespace the
 * first child of init is 2, numbers rise, and after pid_max they start again
 * at RESERVED_PIDS, never lower.
 */
TEST(allocation_wraps_to_reserved_pids)
{
	int old_max = read_int("/proc/sys/kernel/pid_max");
	const int new_max = 400;
	pid_t pid;

	ASSERT_GT(old_max, 0);
	ASSERT_EQ(0, write_int("/proc/sys/kernel/pid_max", new_max));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int i, prev = 1, wrapped = 0;

		descend();
		for (i = 0; i < 2 * new_max && !wrapped; i++) {
			pid_t c = fork();

			if (c < 0)
				_exit(1);
			if (c == 0)
				_exit(0);
			if (wait_status(c))
				_exit(2);
			if (i == 0 && c != 2)
				_exit(3);
			if (c >= new_max)
				_exit(4);
			if (c < prev) {
				wrapped = 1;
				if (c != RESERVED_PIDS)
					_exit(5);
			}
			prev = c;
		}
		_exit(wrapped ? 0 : 6);
	}
	EXPECT_EQ(0, wait_status(pid));
	ASSERT_EQ(0, write_int("/proc/sys/kernel/pid_max", old_max));
}

/*
 * When a namespace's init dies, the kernel kills every other process in it
 * (and reaps them before init's exit completes) and refuses new ones: fork()
 * there fails with ENOMEM.
 */
TEST(init_death_kills_the_namespace)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int report[2], go[2], nsfd;
		pid_t init, inner, outer;
		char path[64], c;

		if (pipe(report) || pipe(go) || unshare(CLONE_NEWPID))
			_exit(1);
		init = fork();
		if (init < 0)
			_exit(2);
		if (init == 0) {
			pid_t child = fork();

			if (child == 0) {
				for (;;)
					pause();
			}
			/* Tell the outside the sleeper's number here, then die. */
			if (write(report[1], &child, sizeof(child)) != sizeof(child) ||
			    read(go[0], &c, 1) != 1)
				_exit(3);
			_exit(0);
		}
		if (read(report[0], &inner, sizeof(inner)) != sizeof(inner))
			_exit(4);
		/* The sleeper's number out here, through nsfs. */
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			_exit(5);
		outer = ioctl(nsfd, NS_GET_PID_FROM_PIDNS, inner);
		snprintf(path, sizeof(path), "/proc/%d", outer);
		if (outer <= 0 || access(path, F_OK))
			_exit(6);
		if (write(go[1], "g", 1) != 1 || wait_status(init) != 0)
			_exit(7);
		/* Killed and reaped by the time init's exit is seen. */
		if (!access(path, F_OK) || errno != ENOENT)
			_exit(8);
		/* Our next child would join the dead namespace. */
		if (fork() != -1 || errno != ENOMEM)
			_exit(9);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
}

/* Four sibling namespaces fork at once; each numbers its own children. */
TEST(fork_storms_in_four_sibling_namespaces)
{
	const int storms = 4, children = 300;
	pid_t pids[4];
	int i;

	for (i = 0; i < storms; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			char *seen = calloc(children + 2, 1);
			int j;

			descend();
			if (!seen)
				_exit(1);
			for (j = 0; j < children; j++) {
				pid_t c = fork();

				if (c < 0)
					_exit(2);
				if (c == 0)
					_exit(0);
				/* Fresh namespace, nothing reaped yet: 2, 3, 4, ... */
				if (c != j + 2 || seen[c])
					_exit(4);
				seen[c] = 1;
			}
			for (j = 0; j < children; j++) {
				int status;

				if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
					_exit(5);
			}
			_exit(0);
		}
	}
	for (i = 0; i < storms; i++)
		EXPECT_EQ(0, wait_status(pids[i])) TH_LOG("storm %d", i);
}

/*
 * As above for the fork storms, and for the 400 forks of the wrap-around,
 * on a debug kernel (KASAN, lockdep): cut off by the harness's default 30 s,
 * the wrap-around test would also leave pid_max at 400 for every test after
 * it.
 */
static void __attribute__((constructor)) debug_kernel_timeouts(void)
{
	_fork_storms_in_four_sibling_namespaces_object.timeout = 300;
	_allocation_wraps_to_reserved_pids_object.timeout = 300;
}

TEST_HARNESS_MAIN
