// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace ids, as mainline has them since 6.18 (6.19 for the fixed ids of
 * the initial namespaces): NS_GET_ID on every type, one id space across
 * types, ids that count up and are never reused while inode numbers are,
 * the fixed ids and inode numbers of the initial namespaces, a network
 * namespace's cookie and a mount namespace's id equal to its id.
 *
 * Stock 6.12 has no namespace ids: every test skips there.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/mount.h>

#include "../kselftest_harness.h"
#include "deadline.h"
#include "nsid.h"

/* namespace_churn: rounds stop by this share of the harness's timeout. */
#define CHURN_MS 20000

/* The test runs in the initial namespaces: /proc/1/ns/ are the initial ones. */
TEST(initial_namespaces_have_fixed_ids_and_inode_numbers)
{
	size_t i;

	if (no_nsid(_metadata))
		return;
	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		const char *name = ns_kinds[i].name;
		char path[64];
		struct stat st;

		if (!ns_present(name)) {
			TH_LOG("no %s namespaces: %s is off", name, ns_config(name));
			continue;
		}
		snprintf(path, sizeof(path), "/proc/1/ns/%s", name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(initial_id(ns_kinds[i].flag), ns_id_of(1, name))
			TH_LOG("%s", name);
		EXPECT_EQ(initial_inum(ns_kinds[i].flag), st.st_ino)
			TH_LOG("%s: inode %lx", name, (unsigned long)st.st_ino);
	}
}

/* NS_GET_ID answers on every type, and no two namespaces share an id. */
TEST(every_type_has_an_id_of_its_own)
{
	__u64 ids[16];
	int n = 0;
	size_t i;

	if (no_nsid(_metadata))
		return;
	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		if (!ns_present(ns_kinds[i].name))
			continue;
		ids[n] = ns_id_of(0, ns_kinds[i].name);
		ASSERT_NE(0, ids[n]) TH_LOG("%s: errno %d", ns_kinds[i].name, errno);
		for (int j = 0; j < n; j++) {
			/* Braced: EXPECT_*() is two statements, the check and its handler. */
			EXPECT_NE(ids[j], ids[n]);
		}
		n++;
	}
	/* pid_for_children and time_for_children are the same namespaces. */
	EXPECT_EQ(ns_id_of(0, "pid"), ns_id_of(0, "pid_for_children"));
}

/*
 * In a child: unshare each type in turn; each new namespace's id is larger
 * than every id before it, and than the fixed ones.
 */
TEST(new_namespaces_count_up_across_types)
{
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		static const char *const order[] = {
			"uts", "ipc", "net", "cgroup", "mnt", "user", "time",
		};
		__u64 last = NS_LAST_INIT_ID;
		size_t i;

		for (i = 0; i < ARRAY_SIZE(order); i++) {
			int flag = 0;
			__u64 id;

			for (size_t k = 0; k < ARRAY_SIZE(ns_kinds); k++)
				if (!strcmp(ns_kinds[k].name, order[i]))
					flag = ns_kinds[k].flag;
			if (!ns_present(order[i]))
				continue;
			if (unshare(flag))
				_exit(10 + i);
			id = ns_id_of(0, flag == CLONE_NEWTIME ? "time_for_children" : order[i]);
			if (id <= last)
				_exit(30 + i);
			last = id;
		}
		_exit(0);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

/* A network namespace's cookie (SO_NETNS_COOKIE) is its id, here and in a new one. */
TEST(net_cookie_is_the_id)
{
	__u64 cookie = 0;
	socklen_t len = sizeof(cookie);
	pid_t pid;
	int sk;

	if (no_nsid(_metadata))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	sk = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_GE(sk, 0);
	ASSERT_EQ(0, getsockopt(sk, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len));
	close(sk);
	EXPECT_EQ(ns_id_of(0, "net"), cookie);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 mine = 0;

		len = sizeof(mine);
		if (unshare(CLONE_NEWNET))
			_exit(1);
		sk = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (sk < 0 || getsockopt(sk, SOL_SOCKET, SO_NETNS_COOKIE, &mine, &len))
			_exit(2);
		_exit(mine == ns_id_of(0, "net") && mine != cookie ? 0 : 3);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif

/*
 * The mount namespace statmount(2) says the first mount listmount(2) finds
 * in mount namespace @id is in; 0 on failure.
 */
static __u64 statmount_ns_id(__u64 id)
{
	struct mnt_id_req req = {
		.size = sizeof(req),
		.mnt_id = LSMT_ROOT,
		.mnt_ns_id = id,
	};
	struct statmount sm = { 0 };
	__u64 mnt;

	if (syscall(__NR_listmount, &req, &mnt, 1, 0) != 1)
		return 0;
	req.mnt_id = mnt;
	req.param = STATMOUNT_MNT_NS_ID;
	req.mnt_ns_id = 0;
	if (syscall(__NR_statmount, &req, &sm, sizeof(sm), 0) ||
	    !(sm.mask & STATMOUNT_MNT_NS_ID))
		return 0;
	return sm.mnt_ns_id;
}

/*
 * A mount namespace's id (NS_GET_MNTNS_ID, NS_MNT_GET_INFO, listmount(2)'s
 * and statmount(2)'s mnt_ns_id) is its id.
 */
TEST(mount_namespace_id_is_the_id)
{
	struct mnt_ns_info info = { 0 };
	__u64 mnt_id = 0;
	pid_t pid;
	int fd;

	if (no_nsid(_metadata))
		return;
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, NS_GET_MNTNS_ID, &mnt_id));
	ASSERT_EQ(0, ioctl(fd, NS_MNT_GET_INFO, &info));
	EXPECT_EQ(ns_id_of_fd(fd), mnt_id);
	EXPECT_EQ(mnt_id, info.mnt_ns_id);
	EXPECT_EQ(mnt_id, statmount_ns_id(mnt_id));
	close(fd);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 mine = 0;

		if (unshare(CLONE_NEWNS))
			_exit(1);
		fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID, &mine))
			_exit(2);
		if (statmount_ns_id(mine) != mine)
			_exit(3);
		_exit(mine == ns_id_of_fd(fd) && mine > mnt_id ? 0 : 4);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

/* NS_GET_MNTNS_ID stays a mount namespace's alone. */
TEST(mntns_id_ioctl_refuses_other_types)
{
	__u64 id;
	int fd;

	if (no_nsid(_metadata))
		return;
	fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, NS_GET_MNTNS_ID, &id));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, NS_GET_ID, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/*
 * Namespaces made and freed in a loop reuse inode numbers, never ids: each
 * round's id is larger than the last.  Rounds stop by a deadline.
 */
TEST(ids_are_never_reused)
{
	const char *name;
	int flag, rounds = 0, reused = 0;
	__u64 last = 0;
	ino_t first_ino = 0;
	long deadline = now_ms() + CHURN_MS;

	if (no_nsid(_metadata))
		return;
	name = ns_first_present("uts", "ipc", "net", NULL);
	if (!name)
		SKIP(return, "no uts, ipc or net namespaces");
	flag = !strcmp(name, "uts") ? CLONE_NEWUTS :
	       !strcmp(name, "ipc") ? CLONE_NEWIPC : CLONE_NEWNET;
	while (rounds < 2000 && now_ms() < deadline) {
		int pipefd[2];
		struct {
			__u64 id;
			ino_t ino;
		} got;
		pid_t pid;

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			char path[64];
			struct stat st;

			close(pipefd[0]);
			if (unshare(flag))
				_exit(1);
			snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
			if (stat(path, &st))
				_exit(2);
			got.id = ns_id_of(0, name);
			got.ino = st.st_ino;
			_exit(write(pipefd[1], &got, sizeof(got)) == sizeof(got) ? 0 : 3);
		}
		close(pipefd[1]);
		ASSERT_EQ(sizeof(got), read(pipefd[0], &got, sizeof(got)));
		close(pipefd[0]);
		ASSERT_EQ(0, wait_ok(pid));
		ASSERT_GT(got.id, last) TH_LOG("round %d", rounds);
		last = got.id;
		if (!rounds)
			first_ino = got.ino;
		else if (got.ino == first_ino)
			reused++;
		rounds++;
	}
	TH_LOG("%d rounds of %s namespaces, an inode number reused %d times",
	       rounds, name, reused);
}

TEST_HARNESS_MAIN
