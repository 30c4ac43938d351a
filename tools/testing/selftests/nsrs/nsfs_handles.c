// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs file handles, as mainline has them since 6.18: name_to_handle_at(2)
 * on an ns file gives a FILEID_NSFS handle (the namespace's id, type and
 * inode number), and open_by_handle_at(2) reopens it, with FD_NSFS_ROOT or an
 * ns file as the mount fd.  Also: a handle by id alone, malformed handles,
 * a namespace that is gone, the open flags an ns file refuses, and who may
 * open what (a namespace one is in; any other only from the initial pid
 * namespace with CAP_SYS_ADMIN over the initial user namespace).  Every
 * refusal reads ESTALE.
 *
 * Stock 6.12 cannot encode ns files (EOPNOTSUPP): every test skips there.
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "nsid.h"

/* Whether ns files can be encoded: EOPNOTSUPP without nsfs handles. */
static bool kernel_has_nsfs_handles(void)
{
	struct nsfs_handle h;
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	int ret = ns_handle_of_fd(fd, &h);

	close(fd);
	return ret == 0;
}

/* In a TEST(): without nsfs file handles, mark the test skipped and return true. */
static bool no_nsfs_handles(struct __test_metadata *_metadata)
{
	if (!kernel_has_nsfs_handles())
		SKIP(return true,
		     "ns files cannot be encoded (errno %d): a kernel without nsfs file handles, as stock 6.12",
		     errno);
	return false;
}

static int open_self_ns(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

TEST(every_type_round_trips)
{
	size_t i;

	if (no_nsfs_handles(_metadata))
		return;
	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		const char *name = ns_kinds[i].name;
		struct nsfs_handle h;
		struct stat st;
		int fd, again, via_fd;

		if (!ns_present(name)) {
			TH_LOG("no %s namespaces: %s is off", name, ns_config(name));
			continue;
		}
		fd = open_self_ns(name);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, fstat(fd, &st));
		ASSERT_EQ(0, ns_handle_of_fd(fd, &h)) TH_LOG("%s", name);
		EXPECT_EQ(FILEID_NSFS, h.handle_type);
		EXPECT_EQ(16, h.handle_bytes);
		EXPECT_EQ(ns_id_of_fd(fd), h.fid.ns_id);
		EXPECT_EQ(ns_kinds[i].flag, h.fid.ns_type);
		EXPECT_EQ(st.st_ino, h.fid.ns_inum);

		again = open_ns_handle(&h, O_RDONLY);
		ASSERT_GE(again, 0) TH_LOG("%s: errno %d", name, errno);
		EXPECT_TRUE(same_file(fd, again));
		EXPECT_EQ(ns_kinds[i].flag, ioctl(again, NS_GET_NSTYPE));
		/* An ns file serves as the mount fd too. */
		via_fd = open_by_handle_at(fd, (struct file_handle *)&h, O_RDONLY);
		ASSERT_GE(via_fd, 0) TH_LOG("%s: errno %d", name, errno);
		EXPECT_TRUE(same_file(fd, via_fd));
		close(via_fd);
		close(again);
		close(fd);
	}
}

TEST(a_handle_by_id_alone)
{
	struct nsfs_handle h;
	int fd, again;

	if (no_nsfs_handles(_metadata))
		return;
	fd = open_self_ns("mnt");
	ASSERT_GE(fd, 0);
	ns_handle_of_id(ns_id_of_fd(fd), &h);
	again = open_ns_handle(&h, O_RDONLY);
	ASSERT_GE(again, 0);
	EXPECT_TRUE(same_file(fd, again));
	close(again);
	close(fd);
}

TEST(a_short_buffer_is_told_the_size)
{
	struct nsfs_handle h;
	int mnt_id, fd;

	if (no_nsfs_handles(_metadata))
		return;
	fd = open_self_ns("user");
	ASSERT_GE(fd, 0);
	memset(&h, 0, sizeof(h));
	h.handle_bytes = 8;
	EXPECT_EQ(-1, name_to_handle_at(fd, "", (struct file_handle *)&h, &mnt_id,
					AT_EMPTY_PATH));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(16, h.handle_bytes);
	close(fd);
}

TEST(malformed_handles_are_stale)
{
	struct nsfs_handle good, h;
	struct stat st;
	int fd, again;

	if (no_nsfs_handles(_metadata))
		return;
	fd = open_self_ns("user");
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(0, ns_handle_of_fd(fd, &good));

	h = good;		/* no id */
	h.fid.ns_id = 0;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* a type without an inode number */
	h.fid.ns_inum = 0;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* another inode number */
	h.fid.ns_inum ^= 1;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* another type */
	h.fid.ns_type = CLONE_NEWNET;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* no such namespace */
	h.fid.ns_id = 1ULL << 60;
	h.fid.ns_type = 0;
	h.fid.ns_inum = 0;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* too short */
	h.handle_bytes = 12;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h = good;		/* longer, with something in the extra bytes */
	h.handle_bytes = 20;
	h.bytes[17] = 1;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	h.bytes[17] = 0;	/* ... or nothing */
	again = open_ns_handle(&h, O_RDONLY);
	ASSERT_GE(again, 0);
	close(again);
	h = good;		/* another handle type */
	h.handle_type = FILEID_NSFS + 1;
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
	close(fd);
}

TEST(a_namespace_that_is_gone_is_stale)
{
	struct nsfs_handle h;
	int to_parent[2], to_child[2];
	char c;
	pid_t pid;

	if (no_nsfs_handles(_metadata))
		return;
	if (no_ns_type(_metadata, "uts"))
		return;
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(to_child));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUTS))
			_exit(1);
		if (write(to_parent[1], "x", 1) != 1)
			_exit(2);
		_exit(read(to_child[0], &c, 1) == 1 ? 0 : 3);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	do {
		char path[64];
		int fd, again;

		snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, ns_handle_of_fd(fd, &h));
		close(fd);
		/* Alive, as root: it opens. */
		again = open_ns_handle(&h, O_RDONLY);
		ASSERT_GE(again, 0);
		close(again);
	} while (0);
	ASSERT_EQ(1, write(to_child[1], "x", 1));
	ASSERT_EQ(0, wait_ok(pid));
	EXPECT_EQ(-1, open_ns_handle(&h, O_RDONLY));
	EXPECT_EQ(ESTALE, errno);
}

/* The errors of an immutable regular file, as in mainline. */
TEST(open_flags_an_ns_file_refuses)
{
	static const struct {
		int flags;
		int err;
		const char *name;
	} cases[] = {
		{ O_WRONLY, EPERM, "O_WRONLY" },
		{ O_RDWR, EPERM, "O_RDWR" },
		{ O_RDONLY | O_TRUNC, EPERM, "O_TRUNC" },
		{ O_RDONLY | O_DIRECT, EINVAL, "O_DIRECT" },
		{ O_RDONLY | O_TMPFILE, EINVAL, "O_TMPFILE" },
		{ O_RDONLY | O_DIRECTORY, ENOTDIR, "O_DIRECTORY" },
	};
	struct nsfs_handle h;
	int fd;

	if (no_nsfs_handles(_metadata))
		return;
	ASSERT_EQ(0, ns_handle_of_self("user", &h));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-1, open_ns_handle(&h, cases[i].flags)) TH_LOG("%s", cases[i].name);
		EXPECT_EQ(cases[i].err, errno) TH_LOG("%s", cases[i].name);
	}
	/* O_PATH opens. */
	fd = open_ns_handle(&h, O_PATH);
	EXPECT_GE(fd, 0);
	close(fd);
}

/*
 * As another user, in a new user namespace and a new namespace of each
 * type: the handles of the namespaces one is in open, those of the
 * initial ones one left do not; no CAP_DAC_READ_SEARCH is needed.
 */
TEST(an_unprivileged_task_opens_what_it_is_in)
{
	struct nsfs_handle initial[8], *h;
	size_t i, n = 0;
	pid_t pid;

	if (no_nsfs_handles(_metadata))
		return;
	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		if (!ns_present(ns_kinds[i].name))
			continue;
		ASSERT_EQ(0, ns_handle_of_self(ns_kinds[i].name, &initial[n++]));
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int flags = (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
			     CLONE_NEWCGROUP) & ~ns_absent_flags();

		if (setgid(65534) || setuid(65534))
			_exit(1);
		if (unshare(CLONE_NEWUSER) || unshare(flags))
			_exit(2);
		/* Every initial namespace but pid and time, which it is still in. */
		for (i = 0; i < n; i++) {
			int fd;

			h = &initial[i];
			fd = open_ns_handle(h, O_RDONLY);
			if (h->fid.ns_type == CLONE_NEWPID || h->fid.ns_type == CLONE_NEWTIME) {
				if (fd < 0)
					_exit(10 + i);
			} else if (fd >= 0 || errno != ESTALE) {
				_exit(20 + i);
			}
			if (fd >= 0)
				close(fd);
		}
		/* Its own new ones open. */
		for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
			struct nsfs_handle mine;
			int fd;

			if (!ns_present(ns_kinds[i].name))
				continue;
			if (ns_handle_of_self(ns_kinds[i].name, &mine))
				_exit(30 + i);
			fd = open_ns_handle(&mine, O_RDONLY);
			if (fd < 0)
				_exit(40 + i);
			close(fd);
		}
		_exit(0);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

/* Root in a child pid namespace cannot open the initial namespaces it left (7.0's rule). */
TEST(root_of_a_child_pid_namespace_opens_only_its_own)
{
	struct nsfs_handle net, user;
	pid_t pid;
	int fd;

	if (no_nsfs_handles(_metadata))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	ASSERT_EQ(0, ns_handle_of_self("net", &net));
	ASSERT_EQ(0, ns_handle_of_self("user", &user));
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(1);
		/* The initial user namespace: it is still in it. */
		fd = open_ns_handle(&user, O_RDONLY);
		if (fd < 0)
			_exit(2);
		close(fd);
		/* The initial network namespace: it left, and may not see all. */
		fd = open_ns_handle(&net, O_RDONLY);
		_exit(fd < 0 && errno == ESTALE ? 0 : 3);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

TEST_HARNESS_MAIN
