// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs as userspace sees it: one inode per namespace, dentries that come
 * back after the dcache is dropped, bind mounts that keep a namespace alive
 * (also of a file received over SCM_RIGHTS), the mount-namespace loop check
 * of do_loopback, and the errno of every nsfs ioctl on bad input.
 *
 * Every expectation here is the stock kernel's behaviour: the test must pass
 * with fs/nsfs.c and with its Rust replacement alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "../kselftest_harness.h"
#include "ns_present.h"
#include "scm_fd.h"

#define INIT_USER_NS_INO 0xEFFFFFFDUL

static const struct {
	const char *name;
	int type;
} ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS },        { "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },       { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};

static int open_ns(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* An empty file to bind mount over; removed by the caller. */
static int make_target(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* In a child: join the UTS namespace of path and report its hostname. */
static int hostname_via(const char *path, const char *want)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct utsname u;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWUTS) || uname(&u))
			_exit(1);
		_exit(strcmp(u.nodename, want) ? 2 : 0);
	}
	return wait_ok(pid);
}

/* The mountinfo line whose mount point is target: its root and fs type. */
static int mountinfo_of(const char *target, char *root, char *fstype)
{
	char line[1024], mnt[PATH_MAX], *dash;
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %*s %1023s %4095s", root, mnt) != 2)
			continue;
		dash = strstr(line, " - ");
		if (strcmp(mnt, target) || !dash)
			continue;
		found = sscanf(dash, " - %63s", fstype) == 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

TEST(one_inode_per_namespace)
{
	char path[64], link[64], want[64];
	struct stat a, b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns_types); i++) {
		int fd1, fd2;
		ssize_t len;

		if (!ns_present(ns_types[i].name)) {
			LOG_NS_ABSENT(ns_types[i].name);
			continue;
		}
		fd1 = open_ns(getpid(), ns_types[i].name);
		fd2 = open_ns(getpid(), ns_types[i].name);
		ASSERT_GE(fd1, 0);
		ASSERT_GE(fd2, 0);
		ASSERT_EQ(0, fstat(fd1, &a));
		ASSERT_EQ(0, fstat(fd2, &b));
		EXPECT_EQ(a.st_ino, b.st_ino) TH_LOG("%s", ns_types[i].name);
		EXPECT_EQ(a.st_dev, b.st_dev) TH_LOG("%s", ns_types[i].name);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[i].name);
		len = readlink(path, link, sizeof(link) - 1);
		ASSERT_GT(len, 0);
		link[len] = '\0';
		snprintf(want, sizeof(want), "%s:[%lu]", ns_types[i].name, (unsigned long)a.st_ino);
		EXPECT_STREQ(want, link);
		close(fd1);
		close(fd2);
	}
}

TEST(dentry_comes_back_after_drop_caches)
{
	struct stat before, after;
	int fd, drop;

	if (no_ns_type(_metadata, "uts"))
		return;
	fd = open_ns(getpid(), "uts");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &before));
	close(fd);

	drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (drop < 0)
		SKIP(return, "no /proc/sys/vm/drop_caches");
	ASSERT_EQ(1, write(drop, "2", 1));
	close(drop);

	fd = open_ns(getpid(), "uts");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &after));
	EXPECT_EQ(before.st_ino, after.st_ino);
	EXPECT_EQ(before.st_dev, after.st_dev);
	EXPECT_EQ(0, setns(fd, CLONE_NEWUTS));
	EXPECT_EQ(CLONE_NEWUTS, ioctl(fd, NS_GET_NSTYPE));
	close(fd);
}

TEST(bind_mount_keeps_namespace_alive)
{
	const char *target = "/tmp/nsrs-held-uts";
	struct stat st;
	pid_t pid;

	if (no_ns_type(_metadata, "uts"))
		return;
	ASSERT_EQ(0, make_target(target));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Same mount namespace as the parent: the bind mount outlives us. */
		if (unshare(CLONE_NEWUTS) || sethostname("held", 4))
			_exit(1);
		_exit(mount("/proc/self/ns/uts", target, NULL, MS_BIND, NULL) ? 2 : 0);
	}
	ASSERT_EQ(0, wait_ok(pid));

	/* Every process of the namespace is gone; the bind mount holds it. */
	EXPECT_EQ(0, hostname_via(target, "held"));
	ASSERT_EQ(0, stat(target, &st));
	EXPECT_EQ(0, umount2(target, MNT_DETACH));
	/* Unmounted: the path is the empty file again, not a namespace. */
	EXPECT_NE(0, hostname_via(target, "held"));
	unlink(target);
}

TEST(bind_mount_of_a_file_received_over_scm_rights)
{
	const char *target = "/tmp/nsrs-held-net";
	char path[64], root[1024], fstype[64], want[64];
	struct stat received, mounted;
	int sv[2], fd, nsfd;
	pid_t pid;

	if (no_ns_type(_metadata, "net"))
		return;
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		if (unshare(CLONE_NEWNET))
			_exit(1);
		fd = open_ns(getpid(), "net");
		_exit(fd < 0 || send_fd(sv[1], fd) ? 2 : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	ASSERT_EQ(0, wait_ok(pid));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &received));

	ASSERT_EQ(0, make_target(target));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ASSERT_EQ(0, mount(path, target, NULL, MS_BIND, NULL)) TH_LOG("%s", strerror(errno));
	close(fd);

	ASSERT_EQ(0, stat(target, &mounted));
	EXPECT_EQ(received.st_ino, mounted.st_ino);
	EXPECT_EQ(received.st_dev, mounted.st_dev);
	ASSERT_EQ(0, mountinfo_of(target, root, fstype));
	snprintf(want, sizeof(want), "net:[%lu]", (unsigned long)received.st_ino);
	EXPECT_STREQ(want, root);
	EXPECT_STREQ("nsfs", fstype);

	nsfd = open(target, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(nsfd, 0);
	EXPECT_EQ(CLONE_NEWNET, ioctl(nsfd, NS_GET_NSTYPE));
	close(nsfd);
	EXPECT_EQ(0, umount2(target, MNT_DETACH));
	unlink(target);
}

TEST(mount_namespace_loops_are_refused)
{
	const char *target = "/tmp/nsrs-held-mnt";
	int ready[2], done[2];
	char path[64], c;
	pid_t parent = getpid(), pid;

	ASSERT_EQ(0, make_target(target));
	/* Our own mount namespace, in itself: a loop. */
	EXPECT_EQ(-1, mount("/proc/self/ns/mnt", target, NULL, MS_BIND, NULL));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ret;

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(1);
		/* An older namespace, in a newer one: refused too. */
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", parent);
		ret = mount(path, target, NULL, MS_BIND, NULL);
		if (ret != -1 || errno != EINVAL)
			_exit(2);
		if (write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* A newer namespace, in an older one: allowed. */
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	EXPECT_EQ(0, mount(path, target, NULL, MS_BIND, NULL)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, umount2(target, MNT_DETACH));
	ASSERT_EQ(1, write(done[1], "d", 1));
	EXPECT_EQ(0, wait_ok(pid));
	unlink(target);
}

TEST(ns_get_nstype_of_every_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns_types); i++) {
		int fd;

		if (!ns_present(ns_types[i].name)) {
			LOG_NS_ABSENT(ns_types[i].name);
			continue;
		}
		fd = open_ns(getpid(), ns_types[i].name);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(ns_types[i].type, ioctl(fd, NS_GET_NSTYPE))
			TH_LOG("%s", ns_types[i].name);
		close(fd);
	}
}

TEST(ioctl_errnos_on_bad_input)
{
	/*
	 * A namespace of a type none of the ioctls below but NS_GET_USERNS is
	 * for: uts, or on a kernel without uts namespaces the first of the
	 * others it has, which answer alike.
	 */
	const char *flat_type = ns_first_present("uts", "ipc", "net", "cgroup", "time", NULL);
	int flat = flat_type ? open_ns(getpid(), flat_type) : -1;
	int user = open_ns(getpid(), "user");
	int pid = open_ns(getpid(), "pid");
	int mnt = open_ns(getpid(), "mnt");
	struct mnt_ns_info info;
	struct stat st;
	__u64 id;
	uid_t uid;
	int fd;

	if (!flat_type)
		SKIP(return, "no uts, ipc, net, cgroup or time namespaces on this kernel");
	ASSERT_GE(flat, 0) TH_LOG("%s", flat_type);
	ASSERT_GE(user, 0);
	ASSERT_GE(pid, 0);
	ASSERT_GE(mnt, 0);

	/* Unknown commands, in nsfs's ioctl space and outside it. */
	EXPECT_EQ(-1, ioctl(flat, _IO(NSIO, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(flat, _IO('x', 1)));
	EXPECT_EQ(ENOTTY, errno);

	/* NS_GET_OWNER_UID: user namespaces only, and a good pointer. */
	EXPECT_EQ(-1, ioctl(flat, NS_GET_OWNER_UID, &uid));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(user, NS_GET_OWNER_UID, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, ioctl(user, NS_GET_OWNER_UID, &uid));
	EXPECT_EQ(0, uid);

	/* NS_GET_PARENT: not hierarchical, or no parent within reach. */
	EXPECT_EQ(-1, ioctl(flat, NS_GET_PARENT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(pid, NS_GET_PARENT));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(user, NS_GET_PARENT));
	EXPECT_EQ(EPERM, errno);

	/* NS_GET_USERNS: the initial user namespace has no owner to give. */
	EXPECT_EQ(-1, ioctl(user, NS_GET_USERNS));
	EXPECT_EQ(EPERM, errno);
	fd = ioctl(flat, NS_GET_USERNS);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(INIT_USER_NS_INO, st.st_ino);
	EXPECT_EQ(CLONE_NEWUSER, ioctl(fd, NS_GET_NSTYPE));
	close(fd);

	/* NS_GET_MNTNS_ID: mount namespaces only, and a good pointer. */
	EXPECT_EQ(-1, ioctl(flat, NS_GET_MNTNS_ID, &id));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mnt, NS_GET_MNTNS_ID, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, ioctl(mnt, NS_GET_MNTNS_ID, &id));
	EXPECT_GT(id, 0);

	/* The pid translations: pid namespaces only, and a pid that exists. */
	EXPECT_EQ(-1, ioctl(flat, NS_GET_PID_FROM_PIDNS, getpid()));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(pid, NS_GET_PID_FROM_PIDNS, INT_MAX));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, ioctl(pid, NS_GET_TGID_IN_PIDNS, INT_MAX));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(getpid(), ioctl(pid, NS_GET_PID_IN_PIDNS, getpid()));
	EXPECT_EQ(getpid(), ioctl(pid, NS_GET_TGID_FROM_PIDNS, getpid()));

	/* NS_MNT_GET_INFO: mount namespaces, a pointer, a large enough size. */
	EXPECT_EQ(-1, ioctl(flat, NS_MNT_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mnt, NS_MNT_GET_INFO, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mnt, _IOR(NSIO, 10, __u64), &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mnt, NS_MNT_GET_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	memset(&info, 0, sizeof(info));
	EXPECT_EQ(0, ioctl(mnt, NS_MNT_GET_INFO, &info));
	EXPECT_EQ(MNT_NS_INFO_SIZE_VER0, info.size);
	EXPECT_EQ(id, info.mnt_ns_id);

	/*
	 * The extensible commands are matched on their number alone, whatever
	 * their type byte: a port must keep that.
	 */
	memset(&info, 0, sizeof(info));
	EXPECT_EQ(0, ioctl(mnt, _IOR('x', 10, struct mnt_ns_info), &info));
	EXPECT_EQ(id, info.mnt_ns_id);

	/* NS_MNT_GET_NEXT/PREV: mount namespaces only. */
	EXPECT_EQ(-1, ioctl(flat, NS_MNT_GET_NEXT, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(flat, NS_MNT_GET_PREV, NULL));
	EXPECT_EQ(EINVAL, errno);

	close(flat);
	close(user);
	close(pid);
	close(mnt);
}

TEST(mnt_get_next_and_prev)
{
	int ready[2], done[2], mine, theirs, fd;
	__u64 my_id, their_id, id;
	pid_t pid, unprivileged;
	char c;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS))
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	mine = open_ns(getpid(), "mnt");
	theirs = open_ns(pid, "mnt");
	ASSERT_GE(mine, 0);
	ASSERT_GE(theirs, 0);
	ASSERT_EQ(0, ioctl(mine, NS_GET_MNTNS_ID, &my_id));
	ASSERT_EQ(0, ioctl(theirs, NS_GET_MNTNS_ID, &their_id));
	EXPECT_GT(their_id, my_id);

	/* After ours comes a newer one; before theirs an older one. */
	fd = ioctl(mine, NS_MNT_GET_NEXT, NULL);
	ASSERT_GE(fd, 0) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, NS_GET_MNTNS_ID, &id));
	EXPECT_GT(id, my_id);
	close(fd);
	fd = ioctl(theirs, NS_MNT_GET_PREV, NULL);
	ASSERT_GE(fd, 0) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, NS_GET_MNTNS_ID, &id));
	EXPECT_LT(id, their_id);
	close(fd);
	/* The newest has no next. */
	EXPECT_EQ(-1, ioctl(theirs, NS_MNT_GET_NEXT, NULL));
	EXPECT_EQ(ENOENT, errno);

	/* Without CAP_SYS_ADMIN in the initial namespaces: EPERM. */
	unprivileged = fork();
	ASSERT_GE(unprivileged, 0);
	if (unprivileged == 0) {
		if (setuid(65534))
			_exit(1);
		if (ioctl(mine, NS_MNT_GET_NEXT, NULL) != -1 || errno != EPERM)
			_exit(2);
		if (ioctl(mine, NS_MNT_GET_PREV, NULL) != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	EXPECT_EQ(0, wait_ok(unprivileged));

	ASSERT_EQ(1, write(done[1], "d", 1));
	EXPECT_EQ(0, wait_ok(pid));
	close(mine);
	close(theirs);
}

TEST_HARNESS_MAIN
