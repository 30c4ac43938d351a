// SPDX-License-Identifier: GPL-2.0
/*
 * The nsfs ioctls where they succeed, as userspace sees them: the owner and
 * parent of a namespace and where the caller stops being able to reach them,
 * the owner uid of a user namespace, pid and tgid translation across a nested
 * pid namespace, and the files NS_GET_USERNS and NS_GET_PARENT hand out.
 * Also the names nsfs gives its files (readlink, mountinfo), and one inode
 * per namespace while threads and processes open namespace files as the
 * dcache is being dropped.
 *
 * Every expectation here is the stock kernel's behaviour: the test must pass
 * with fs/nsfs.c and with its Rust replacement alike.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "../kselftest_harness.h"
#include "ns_present.h"

#define OWNER_UID 1234U

/* The concurrency test: bounded in iterations, not in time. */
#define OPENER_THREADS 8
#define OPENER_PROCS 2
#define OPEN_ROUNDS 2000
#define DROPS 200

/* kernel.overflowuid: what an unmapped uid reads as. */
static uid_t overflow_uid;

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int stat_ns(pid_t pid, const char *name, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return stat(path, st);
}

static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool fails_with(int ret, int err)
{
	return ret == -1 && errno == err;
}

/* The target of a symbolic link, NUL-terminated; -1 if unreadable or too long. */
static int read_link(const char *path, char *buf, size_t size)
{
	ssize_t len = readlink(path, buf, size - 1);

	if (len < 0 || (size_t)len == size - 1)
		return -1;
	buf[len] = '\0';
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);
	int ret = -1;

	if (fd < 0)
		return -1;
	if (write(fd, text, len) == len)
		ret = 0;
	close(fd);
	return ret;
}

static int read_overflow_uid(void)
{
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");
	int ok = f && fscanf(f, "%u", &overflow_uid) == 1;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/*
 * Right after unshare(CLONE_NEWUSER): map the ids we had before it to 0, the
 * one mapping a process may write for itself (setgroups must be denied first
 * for the gid map).
 */
static int map_root(uid_t uid, gid_t gid)
{
	char map[64];

	if (write_file("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_file("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_file("/proc/self/gid_map", map);
}

/*
 * What NS_GET_USERNS and NS_GET_PARENT return: a new file of namespace ino
 * (open_namespace), close-on-exec, read-only, on the same nsfs superblock as
 * the /proc/<pid>/ns files, and named "<type>:[<ino>]" by nsfs's d_dname.
 */
static void check_related_fd(struct __test_metadata *_metadata, int fd, int nstype,
			     const char *name, ino_t ino)
{
	char path[64], link[64], want[64];
	struct stat st, nsfs;

	ASSERT_GE(fd, 0) TH_LOG("%s: %s", name, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	/* Any ns file will do: the mount namespace's is on every kernel. */
	ASSERT_EQ(0, stat("/proc/self/ns/mnt", &nsfs));
	EXPECT_EQ(ino, st.st_ino) TH_LOG("%s", name);
	EXPECT_EQ(nsfs.st_dev, st.st_dev) TH_LOG("%s", name);
	EXPECT_EQ(nstype, ioctl(fd, NS_GET_NSTYPE));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EBADF, errno);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ASSERT_EQ(0, read_link(path, link, sizeof(link)));
	snprintf(want, sizeof(want), "%s:[%lu]", name, (unsigned long)ino);
	EXPECT_STREQ(want, link);
}

/*
 * A child holding namespaces for the test to look at.  It runs setup, sends
 * the test the note setup left, then waits, its namespaces in use, until the
 * test closes done (or exits).
 */
struct holder {
	pid_t pid;
	int done;
	__u64 note;
};

typedef int (*setup_fn)(__u64 *note);

/* 0 once the child is set up, else its exit status (or -1). */
static int hold(struct holder *h, setup_fn setup)
{
	int ready[2], done[2], ret;
	char c;

	if (pipe2(ready, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return -1;
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		__u64 note = 0;

		close(ready[0]);
		close(done[1]);
		ret = setup(&note);
		if (ret)
			_exit(ret);
		if (write(ready[1], &note, sizeof(note)) != sizeof(note))
			_exit(100);
		_exit(read(done[0], &c, 1) == 0 ? 0 : 101);
	}
	close(ready[1]);
	close(done[0]);
	h->done = done[1];
	ret = read(ready[0], &h->note, sizeof(h->note)) == sizeof(h->note) ? 0 : -1;
	close(ready[0]);
	if (!ret)
		return 0;
	close(h->done);
	ret = wait_ok(h->pid);
	return ret ? ret : -1;
}

static int release(struct holder *h)
{
	close(h->done);
	return wait_ok(h->pid);
}

/* Two user namespaces deep; the note is the middle one's inode. */
static int unshare_user_twice(__u64 *note)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct stat st;

	if (unshare(CLONE_NEWUSER))
		return 1;
	/* An unmapped creator may not make a user namespace of its own. */
	if (map_root(uid, gid))
		return 2;
	if (stat("/proc/self/ns/user", &st))
		return 3;
	*note = st.st_ino;
	return unshare(CLONE_NEWUSER) ? 4 : 0;
}

static const struct {
	const char *link;
	const char *name;
	int flag;
} owned[] = {
	{ "cgroup", "cgroup", CLONE_NEWCGROUP }, { "ipc", "ipc", CLONE_NEWIPC },
	{ "mnt", "mnt", CLONE_NEWNS },           { "net", "net", CLONE_NEWNET },
	{ "uts", "uts", CLONE_NEWUTS },
	/* Our own time namespace does not change: the one for children does. */
	{ "time_for_children", "time", CLONE_NEWTIME },
};

/*
 * A new user namespace, and in the same call every namespace of owned[] of a
 * type the kernel has.
 */
static int unshare_user_and_owned(__u64 *note)
{
	int flags = CLONE_NEWUSER;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(owned); i++)
		if (ns_present(owned[i].link))
			flags |= owned[i].flag;
	return unshare(flags) ? 1 : 0;
}

/* A user namespace made by OWNER_UID; the note is its owner uid seen from inside. */
static int unshare_user_as_owner(__u64 *note)
{
	uid_t uid;
	int fd;

	if (setresuid(OWNER_UID, OWNER_UID, OWNER_UID) || unshare(CLONE_NEWUSER))
		return 1;
	fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, NS_GET_OWNER_UID, &uid))
		return 2;
	close(fd);
	*note = uid;
	return 0;
}

/*
 * A child that unshares CLONE_NEWPID and forks the new namespace's init, which
 * runs fn, reports and then waits until the test closes done (or exits).
 */
struct nested {
	pid_t child;	/* made the namespace, stays outside it */
	pid_t init;	/* pid 1 in the namespace, as we number it */
	int done;
};

typedef int (*init_fn)(void);

/* Seen by the init: its parent's pid namespace, and its parent's pid there. */
static int outer_pidns = -1;
static pid_t outer_child;

static void nested_init(init_fn fn, int up, int done)
{
	int ret = fn ? fn() : 0;
	char c;

	if (ret)
		_exit(ret);
	if (write(up, "r", 1) != 1)
		_exit(92);
	_exit(read(done, &c, 1) == 0 ? 0 : 93);
}

/* 0 once the init is ready, else the child's exit status (or -1). */
static int nest_pidns(struct nested *n, init_fn fn)
{
	int ready[2], up[2], done[2], ret;
	pid_t init;
	char c;

	if (pipe2(ready, O_CLOEXEC) || pipe2(up, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return -1;
	n->child = fork();
	if (n->child < 0)
		return -1;
	if (n->child == 0) {
		close(ready[0]);
		close(done[1]);
		outer_child = getpid();
		outer_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (outer_pidns < 0 || unshare(CLONE_NEWPID))
			_exit(90);
		init = fork();
		if (init < 0)
			_exit(91);
		if (init == 0) {
			close(up[0]);
			close(ready[1]);
			nested_init(fn, up[1], done[0]);
		}
		close(up[1]);
		close(done[0]);
		/* Still in our parent's pid namespace: init is its number there. */
		if (read(up[0], &c, 1) == 1 &&
		    write(ready[1], &init, sizeof(init)) != sizeof(init))
			_exit(94);
		_exit(wait_ok(init));
	}
	close(ready[1]);
	close(up[0]);
	close(up[1]);
	close(done[0]);
	n->done = done[1];
	ret = read(ready[0], &n->init, sizeof(n->init)) == sizeof(n->init) ? 0 : -1;
	close(ready[0]);
	if (!ret)
		return 0;
	close(n->done);
	ret = wait_ok(n->child);
	return ret ? ret : -1;
}

static int unnest(struct nested *n)
{
	close(n->done);
	return wait_ok(n->child);
}

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* In the init: a second thread, whose tid differs from its tgid (1). */
static int start_thread(void)
{
	pthread_t thread;

	return pthread_create(&thread, NULL, idle_thread, NULL) ? 1 : 0;
}

/* Any thread of process pid but its leader, from /proc/<pid>/task. */
static pid_t other_thread(pid_t pid)
{
	char path[64];
	struct dirent *d;
	pid_t tid = -1;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (tid < 0 && (d = readdir(dir)))
		if (atoi(d->d_name) > 0 && atoi(d->d_name) != pid)
			tid = atoi(d->d_name);
	closedir(dir);
	return tid;
}

/* The last field of NSpid: a task's number in its innermost pid namespace. */
static pid_t inner_pid(pid_t pid, pid_t tid)
{
	char path[64], line[256];
	pid_t outer, inner = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "NSpid: %d %d", &outer, &inner) == 2)
			break;
	fclose(f);
	return inner;
}

TEST(ns_get_parent_of_a_child_pid_namespace)
{
	struct stat mine, user;
	struct nested n;
	int fd, parent, owner;

	ASSERT_EQ(0, stat("/proc/self/ns/pid", &mine));
	ASSERT_EQ(0, stat("/proc/self/ns/user", &user));
	ASSERT_EQ(0, nest_pidns(&n, NULL));
	fd = open_ns(n.init, "pid");
	ASSERT_GE(fd, 0);

	parent = ioctl(fd, NS_GET_PARENT);
	check_related_fd(_metadata, parent, CLONE_NEWPID, "pid", mine.st_ino);
	/* Ours is the initial pid namespace: the chain ends there. */
	EXPECT_EQ(-1, ioctl(parent, NS_GET_PARENT));
	EXPECT_EQ(EPERM, errno);
	/* Made without a new user namespace, it is owned by ours. */
	owner = ioctl(fd, NS_GET_USERNS);
	check_related_fd(_metadata, owner, CLONE_NEWUSER, "user", user.st_ino);

	close(owner);
	close(parent);
	close(fd);
	EXPECT_EQ(0, unnest(&n));
}

TEST(ns_get_parent_of_a_child_user_namespace)
{
	int fd, middle, top, owner;
	struct holder h;
	struct stat mine, inner;

	ASSERT_EQ(0, stat("/proc/self/ns/user", &mine));
	ASSERT_EQ(0, hold(&h, unshare_user_twice));
	ASSERT_EQ(0, stat_ns(h.pid, "user", &inner));
	EXPECT_NE(mine.st_ino, h.note);
	EXPECT_NE(inner.st_ino, h.note);
	fd = open_ns(h.pid, "user");
	ASSERT_GE(fd, 0);

	/* Up from the inner namespace: the middle one, then ours, then no further. */
	middle = ioctl(fd, NS_GET_PARENT);
	check_related_fd(_metadata, middle, CLONE_NEWUSER, "user", h.note);
	top = ioctl(middle, NS_GET_PARENT);
	check_related_fd(_metadata, top, CLONE_NEWUSER, "user", mine.st_ino);
	EXPECT_EQ(-1, ioctl(top, NS_GET_PARENT));
	EXPECT_EQ(EPERM, errno);
	/* A user namespace's owner is its parent. */
	owner = ioctl(fd, NS_GET_USERNS);
	check_related_fd(_metadata, owner, CLONE_NEWUSER, "user", h.note);

	close(owner);
	close(top);
	close(middle);
	close(fd);
	EXPECT_EQ(0, release(&h));
}

TEST(ns_get_userns_of_namespaces_made_in_a_new_user_namespace)
{
	struct stat mine, user;
	struct holder h;
	int fd, owner;
	size_t i;

	ASSERT_EQ(0, stat("/proc/self/ns/user", &mine));
	ASSERT_EQ(0, hold(&h, unshare_user_and_owned));
	ASSERT_EQ(0, stat_ns(h.pid, "user", &user));
	EXPECT_NE(mine.st_ino, user.st_ino);

	for (i = 0; i < ARRAY_SIZE(owned); i++) {
		if (!ns_present(owned[i].link)) {
			LOG_NS_ABSENT(owned[i].link);
			continue;
		}
		fd = open_ns(h.pid, owned[i].link);
		ASSERT_GE(fd, 0) TH_LOG("%s", owned[i].link);
		owner = ioctl(fd, NS_GET_USERNS);
		check_related_fd(_metadata, owner, CLONE_NEWUSER, "user", user.st_ino);
		close(owner);
		close(fd);
	}
	/* Its pid namespace was not unshared: still owned by our user namespace. */
	fd = open_ns(h.pid, "pid");
	ASSERT_GE(fd, 0);
	owner = ioctl(fd, NS_GET_USERNS);
	check_related_fd(_metadata, owner, CLONE_NEWUSER, "user", mine.st_ino);
	close(owner);
	close(fd);
	EXPECT_EQ(0, release(&h));
}

TEST(ns_get_owner_uid_of_a_user_namespace_made_by_uid_1234)
{
	struct holder h;
	uid_t uid = 0;
	int fd;

	ASSERT_EQ(0, read_overflow_uid());
	ASSERT_EQ(0, hold(&h, unshare_user_as_owner));
	fd = open_ns(h.pid, "user");
	ASSERT_GE(fd, 0);
	/* In our user namespace the creator's uid maps to itself. */
	EXPECT_EQ(0, ioctl(fd, NS_GET_OWNER_UID, &uid));
	EXPECT_EQ(OWNER_UID, uid);
	/* Inside, where nothing is mapped, it reads as the overflow uid. */
	EXPECT_EQ(overflow_uid, h.note);
	close(fd);
	EXPECT_EQ(0, release(&h));
}

TEST(pid_translation_across_a_nested_pid_namespace)
{
	struct nested n;
	int fd, self;

	ASSERT_EQ(0, nest_pidns(&n, NULL));
	fd = open_ns(n.init, "pid");
	self = open_ns(getpid(), "pid");
	ASSERT_GE(fd, 0);
	ASSERT_GE(self, 0);

	/* Its pid 1 is the init we forked, and our number for that maps to 1. */
	EXPECT_EQ(n.init, ioctl(fd, NS_GET_PID_FROM_PIDNS, 1));
	EXPECT_EQ(n.init, ioctl(fd, NS_GET_TGID_FROM_PIDNS, 1));
	EXPECT_EQ(1, ioctl(fd, NS_GET_PID_IN_PIDNS, n.init));
	EXPECT_EQ(1, ioctl(fd, NS_GET_TGID_IN_PIDNS, n.init));
	/* Our own namespace translates to itself. */
	EXPECT_EQ(n.init, ioctl(self, NS_GET_PID_FROM_PIDNS, n.init));
	EXPECT_EQ(n.init, ioctl(self, NS_GET_PID_IN_PIDNS, n.init));

	/* Only the init lives in there: no pid 2. */
	EXPECT_EQ(-1, ioctl(fd, NS_GET_PID_FROM_PIDNS, 2));
	EXPECT_EQ(ESRCH, errno);
	/* The child that made the namespace has no number in it. */
	EXPECT_EQ(-1, ioctl(fd, NS_GET_PID_IN_PIDNS, n.child));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, ioctl(fd, NS_GET_TGID_IN_PIDNS, n.child));
	EXPECT_EQ(ESRCH, errno);

	close(self);
	close(fd);
	EXPECT_EQ(0, unnest(&n));
}

TEST(tid_and_tgid_of_a_thread_across_a_nested_pid_namespace)
{
	pid_t tid, inner;
	struct nested n;
	int fd, self;

	ASSERT_EQ(0, nest_pidns(&n, start_thread));
	tid = other_thread(n.init);
	ASSERT_GT(tid, 0);
	inner = inner_pid(n.init, tid);
	/* A thread number of its own, not its group's 1. */
	ASSERT_GT(inner, 1);
	fd = open_ns(n.init, "pid");
	self = open_ns(getpid(), "pid");
	ASSERT_GE(fd, 0);
	ASSERT_GE(self, 0);

	/* Into the namespace: the thread's own number; its thread group is 1. */
	EXPECT_EQ(inner, ioctl(fd, NS_GET_PID_IN_PIDNS, tid));
	EXPECT_EQ(1, ioctl(fd, NS_GET_TGID_IN_PIDNS, tid));
	/* Out of it: back to our number for the thread, and the init's pid. */
	EXPECT_EQ(tid, ioctl(fd, NS_GET_PID_FROM_PIDNS, inner));
	EXPECT_EQ(n.init, ioctl(fd, NS_GET_TGID_FROM_PIDNS, inner));
	/* Within our own namespace, tid and tgid differ the same way. */
	EXPECT_EQ(tid, ioctl(self, NS_GET_PID_IN_PIDNS, tid));
	EXPECT_EQ(n.init, ioctl(self, NS_GET_TGID_IN_PIDNS, tid));
	EXPECT_EQ(tid, ioctl(self, NS_GET_PID_FROM_PIDNS, tid));
	EXPECT_EQ(n.init, ioctl(self, NS_GET_TGID_FROM_PIDNS, tid));

	close(self);
	close(fd);
	EXPECT_EQ(0, unnest(&n));
}

/*
 * The types user_ns_boundary() makes one namespace of, and keeps another of:
 * uts and ipc, or where the kernel lacks one of them, net in its place.
 */
static const struct {
	const char *link;
	int flag;
} boundary_types[] = {
	{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
};

/*
 * In a new user namespace, mapped root in it or not, whatever its owner or
 * parent is lies beyond reach: ns_get_owner walks up from the owner and must
 * meet the caller's user namespace, which is below it.  A namespace of
 * boundary_types[made] is made in the new user namespace, one of
 * boundary_types[kept] is not.
 */
static int user_ns_boundary(bool mapped, int made, int kept)
{
	uid_t uid = geteuid(), owner;
	gid_t gid = getegid();
	int user, ours, theirs, fd;
	struct stat mine, st;
	char path[64];

	if (unshare(CLONE_NEWUSER | boundary_types[made].flag))
		return 1;
	if (mapped && map_root(uid, gid))
		return 2;
	user = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/ns/%s", boundary_types[made].link);
	ours = open(path, O_RDONLY | O_CLOEXEC);
	/* Not unshared: still the one the initial user namespace owns. */
	snprintf(path, sizeof(path), "/proc/self/ns/%s", boundary_types[kept].link);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (user < 0 || ours < 0 || theirs < 0 || fstat(user, &mine))
		return 3;
	if (!fails_with(ioctl(user, NS_GET_USERNS), EPERM))
		return 4;
	if (!fails_with(ioctl(user, NS_GET_PARENT), EPERM))
		return 5;
	if (!fails_with(ioctl(theirs, NS_GET_USERNS), EPERM))
		return 6;
	/* What our own user namespace owns is within reach. */
	fd = ioctl(ours, NS_GET_USERNS);
	if (fd < 0 || fstat(fd, &st) || st.st_ino != mine.st_ino)
		return 7;
	/* Our creator (root) reads as 0 once mapped, else as the overflow uid. */
	if (ioctl(user, NS_GET_OWNER_UID, &owner) || owner != (mapped ? 0 : overflow_uid))
		return 8;
	return 0;
}

TEST(ns_get_userns_and_parent_stop_at_the_callers_user_namespace)
{
	int mapped, made = -1, kept = -1, i;
	pid_t pid;

	for (i = 0; i < (int)ARRAY_SIZE(boundary_types); i++) {
		if (!ns_present(boundary_types[i].link)) {
			LOG_NS_ABSENT(boundary_types[i].link);
			continue;
		}
		if (made < 0)
			made = i;
		else if (kept < 0)
			kept = i;
	}
	if (kept < 0)
		SKIP(return, "fewer than two of uts, ipc and net namespaces on this kernel");
	ASSERT_EQ(0, read_overflow_uid());
	for (mapped = 0; mapped < 2; mapped++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0)
			_exit(user_ns_boundary(mapped, made, kept));
		EXPECT_EQ(0, wait_ok(pid)) TH_LOG("mapped: %d, made %s, kept %s", mapped,
						  boundary_types[made].link,
						  boundary_types[kept].link);
	}
}

/*
 * In the init of a nested pid namespace: its parent namespace is beyond
 * reach, and so is any task of the parent's that is not in ours.
 */
static int pid_ns_boundary(void)
{
	int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	int outer;

	if (fd < 0)
		return 1;
	if (!fails_with(ioctl(fd, NS_GET_PARENT), EPERM))
		return 2;
	/* We are 1 here; in the outer namespace we have another number... */
	outer = ioctl(outer_pidns, NS_GET_PID_IN_PIDNS, 1);
	if (outer <= 1)
		return 3;
	/* ...which the outer namespace's fd translates back to 1. */
	if (ioctl(outer_pidns, NS_GET_PID_FROM_PIDNS, outer) != 1)
		return 4;
	/* Our parent is in the outer namespace only. */
	if (!fails_with(ioctl(outer_pidns, NS_GET_PID_FROM_PIDNS, outer_child), ESRCH))
		return 5;
	return 0;
}

TEST(ns_get_parent_stops_at_the_callers_pid_namespace)
{
	struct nested n;

	ASSERT_EQ(0, nest_pidns(&n, pid_ns_boundary));
	EXPECT_EQ(0, unnest(&n));
}

/*
 * The namespaces opened over and over, and the inode each must keep showing;
 * those of a type the kernel lacks are left out.
 */
static struct {
	const char *link, *path;
	bool absent;
	dev_t dev;
	ino_t ino;
} stashed[] = {
	{ .link = "net", .path = "/proc/self/ns/net" },
	{ .link = "uts", .path = "/proc/self/ns/uts" },
};

/* Open, fstat and close each of stashed[] rounds times; count mismatches. */
static int open_rounds(int rounds)
{
	struct stat st;
	int bad = 0, r, fd;
	size_t i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ARRAY_SIZE(stashed); i++) {
			if (stashed[i].absent)
				continue;
			fd = open(stashed[i].path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				bad++;
				continue;
			}
			if (fstat(fd, &st) || st.st_ino != stashed[i].ino ||
			    st.st_dev != stashed[i].dev)
				bad++;
			close(fd);
		}
	}
	return bad;
}

struct stress {
	pthread_barrier_t start;
	int drop_caches;
	int bad;
};

static void *opener(void *arg)
{
	struct stress *s = arg;

	pthread_barrier_wait(&s->start);
	__atomic_add_fetch(&s->bad, open_rounds(OPEN_ROUNDS), __ATOMIC_RELAXED);
	return NULL;
}

/* Drop dentries and inodes, the stashed nsfs ones with them, meanwhile. */
static void *dropper(void *arg)
{
	struct stress *s = arg;
	int i;

	pthread_barrier_wait(&s->start);
	for (i = 0; i < DROPS; i++)
		if (pwrite(s->drop_caches, "2", 1, 0) != 1)
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

TEST(one_inode_under_concurrent_opens_and_drop_caches)
{
	pthread_t threads[OPENER_THREADS + 1];
	pid_t procs[OPENER_PROCS];
	struct stress s = { .bad = 0 };
	struct stat st;
	int go[2], i;
	size_t j, present = 0;
	char c;

	for (j = 0; j < ARRAY_SIZE(stashed); j++) {
		stashed[j].absent = !ns_present(stashed[j].link);
		if (stashed[j].absent) {
			LOG_NS_ABSENT(stashed[j].link);
			continue;
		}
		present++;
		ASSERT_EQ(0, stat(stashed[j].path, &st));
		stashed[j].dev = st.st_dev;
		stashed[j].ino = st.st_ino;
	}
	if (!present)
		SKIP(return,
		     "no /proc/self/ns/net nor uts: kernel without CONFIG_NET_NS and CONFIG_UTS_NS");
	s.drop_caches = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (s.drop_caches < 0)
		SKIP(return, "no /proc/sys/vm/drop_caches");
	/* 4: print no "drop_caches: 2" line for each of the drops below. */
	ASSERT_EQ(1, pwrite(s.drop_caches, "4", 1, 0));

	/* Processes of their own, started with the threads, must see the same inodes. */
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	for (i = 0; i < OPENER_PROCS; i++) {
		procs[i] = fork();
		ASSERT_GE(procs[i], 0);
		if (procs[i] == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(1);
			_exit(open_rounds(OPEN_ROUNDS) ? 2 : 0);
		}
	}
	close(go[0]);

	ASSERT_EQ(0, pthread_barrier_init(&s.start, NULL, OPENER_THREADS + 2));
	for (i = 0; i < OPENER_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, opener, &s));
	ASSERT_EQ(0, pthread_create(&threads[OPENER_THREADS], NULL, dropper, &s));
	close(go[1]);
	pthread_barrier_wait(&s.start);
	for (i = 0; i <= OPENER_THREADS; i++)
		ASSERT_EQ(0, pthread_join(threads[i], NULL));

	EXPECT_EQ(0, s.bad);
	for (i = 0; i < OPENER_PROCS; i++)
		EXPECT_EQ(0, wait_ok(procs[i]));
	pthread_barrier_destroy(&s.start);
	close(s.drop_caches);
}

TEST(readlink_of_every_namespace_link)
{
	static const struct {
		const char *link;
		const char *name;
	} links[] = {
		{ "cgroup", "cgroup" }, { "ipc", "ipc" },   { "mnt", "mnt" },
		{ "net", "net" },       { "pid", "pid" },   { "time", "time" },
		{ "user", "user" },     { "uts", "uts" },
		/* Named after the namespace type, not the link. */
		{ "pid_for_children", "pid" },
		{ "time_for_children", "time" },
	};
	char path[64], link[64], want[64];
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(links); i++) {
		if (!ns_present(links[i].link)) {
			LOG_NS_ABSENT(links[i].link);
			continue;
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", links[i].link);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		ASSERT_EQ(0, read_link(path, link, sizeof(link))) TH_LOG("%s", path);
		snprintf(want, sizeof(want), "%s:[%lu]", links[i].name, (unsigned long)st.st_ino);
		EXPECT_STREQ(want, link);

		/* The open nsfs file has the same name (ns_dname). */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_GE(fd, 0) TH_LOG("%s", path);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ASSERT_EQ(0, read_link(path, link, sizeof(link)));
		EXPECT_STREQ(want, link);
		close(fd);
	}
}

struct mountinfo {
	unsigned int major, minor;
	char root[256], fstype[64], source[64];
};

/* The mountinfo line whose mount point is target. */
static int mountinfo_of(const char *target, struct mountinfo *mi)
{
	char line[1024], mnt[PATH_MAX], *dash;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %u:%u %255s %4095s",
			   &mi->major, &mi->minor, mi->root, mnt) != 4)
			continue;
		dash = strstr(line, " - ");
		if (strcmp(mnt, target) || !dash)
			continue;
		found = sscanf(dash, " - %63s %63s", mi->fstype, mi->source) == 2;
	}
	fclose(f);
	return found ? 0 : -1;
}

TEST(bind_mount_of_uts_in_mountinfo)
{
	const char *target = "/tmp/nsrs-ioctls-uts";
	struct mountinfo mi;
	struct stat ns, st;
	char want[64];
	int fd;

	if (no_ns_type(_metadata, "uts"))
		return;
	ASSERT_EQ(0, stat("/proc/self/ns/uts", &ns));
	fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, mount("/proc/self/ns/uts", target, NULL, MS_BIND, NULL))
		TH_LOG("%s", strerror(errno));

	ASSERT_EQ(0, mountinfo_of(target, &mi));
	/* The root is what nsfs's show_path prints, not a path. */
	snprintf(want, sizeof(want), "uts:[%lu]", (unsigned long)ns.st_ino);
	EXPECT_STREQ(want, mi.root);
	EXPECT_STREQ("nsfs", mi.fstype);
	/* A bind mount keeps the device name of nsfs's kernel mount. */
	EXPECT_STREQ("nsfs", mi.source);
	EXPECT_EQ(major(ns.st_dev), mi.major);
	EXPECT_EQ(minor(ns.st_dev), mi.minor);
	ASSERT_EQ(0, stat(target, &st));
	EXPECT_EQ(ns.st_ino, st.st_ino);
	EXPECT_EQ(ns.st_dev, st.st_dev);

	EXPECT_EQ(0, umount(target));
	EXPECT_NE(0, mountinfo_of(target, &mi));
	EXPECT_EQ(0, unlink(target));
}

/*
 * TEST() runs under the harness's default timeout, 30 s; the concurrent test
 * is bounded in rounds, which a debug kernel takes several times longer to
 * get through.
 */
static void __attribute__((constructor)) concurrent_timeout(void)
{
	_one_inode_under_concurrent_opens_and_drop_caches_object.timeout = 300;
}

TEST_HARNESS_MAIN
