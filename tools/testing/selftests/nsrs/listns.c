// SPDX-License-Identifier: GPL-2.0
/*
 * listns(2), mainline's (6.19, with 7.0's visibility rule): ids in order,
 * filters by type and by owning user namespace, paging (also while
 * namespaces come and go), every error in mainline's order, a fault in the
 * middle of the output buffer, and who sees what: a task sees the
 * namespaces it is in, and all of them only from the initial pid namespace
 * with CAP_SYS_ADMIN over the initial user namespace.
 *
 * Stock 6.12 has no listns(): every test skips there.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "deadline.h"
#include "nsid.h"

#define MAX_IDS 4096

/* paging_while_namespaces_come_and_go: the churn stops by this deadline. */
#define CHURN_MS 15000

static __u64 ids[MAX_IDS];

/* Whether the kernel has listns(): ENOSYS without. */
static bool kernel_has_listns(void)
{
	return listns_from(0, 0, 0, ids, 1) >= 0 || errno != ENOSYS;
}

/* In a TEST(): without listns(), mark the test skipped and return true. */
static bool no_listns(struct __test_metadata *_metadata)
{
	if (!kernel_has_listns())
		SKIP(return true,
		     "no listns() (ENOSYS): a kernel without mainline's namespace ids, as stock 6.12");
	return false;
}

static bool ascending(const __u64 *v, long n)
{
	for (long i = 1; i < n; i++)
		if (v[i] <= v[i - 1])
			return false;
	return true;
}

/* The ids of the namespaces the caller is in, present types only. */
static int own_ids(__u64 *out)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns_kinds); i++)
		if (ns_present(ns_kinds[i].name))
			out[n++] = ns_id_of(0, ns_kinds[i].name);
	return n;
}

TEST(lists_every_namespace_in_order)
{
	__u64 mine[8];
	long n;
	int k;

	if (no_listns(_metadata))
		return;
	n = listns_from(0, 0, 0, ids, MAX_IDS);
	ASSERT_GT(n, 0);
	EXPECT_TRUE(ascending(ids, n));
	k = own_ids(mine);
	for (int i = 0; i < k; i++) {
		/* Braced: EXPECT_*() is two statements, the check and its handler. */
		EXPECT_TRUE(has_id(ids, n, mine[i])) TH_LOG("id %llu", mine[i]);
	}
	/* The initial namespaces come first, with the fixed ids: 1 to 8. */
	for (int i = 0; i < k; i++) {
		if (mine[i] <= NS_LAST_INIT_ID)
			EXPECT_LE(ids[0], mine[i]);
	}
	EXPECT_LE(ids[0], NS_LAST_INIT_ID);
	TH_LOG("%ld namespaces", n);
}

TEST(filters_by_type)
{
	size_t i;

	if (no_listns(_metadata))
		return;
	for (i = 0; i < ARRAY_SIZE(ns_kinds); i++) {
		int flag = ns_kinds[i].flag;
		long n;

		if (!ns_present(ns_kinds[i].name))
			continue;
		n = listns_from(0, flag, 0, ids, MAX_IDS);
		ASSERT_GT(n, 0) TH_LOG("%s", ns_kinds[i].name);
		EXPECT_TRUE(ascending(ids, n));
		EXPECT_TRUE(has_id(ids, n, initial_id(flag)));
		/* Each one, opened by its id, is of the type asked for. */
		for (long j = 0; j < n; j++) {
			struct nsfs_handle h;
			int fd;

			ns_handle_of_id(ids[j], &h);
			fd = open_ns_handle(&h, O_RDONLY);
			if (fd < 0 && errno == ESTALE)
				continue;	/* gone since */
			ASSERT_GE(fd, 0);
			EXPECT_EQ(flag, ioctl(fd, NS_GET_NSTYPE));
			close(fd);
		}
	}
	/* Two types at once: those of either. */
	if (ns_flags_present(CLONE_NEWNET | CLONE_NEWUTS)) {
		long n = listns_from(0, CLONE_NEWNET | CLONE_NEWUTS, 0, ids, MAX_IDS);

		ASSERT_GE(n, 2);
		EXPECT_TRUE(has_id(ids, n, initial_id(CLONE_NEWNET)));
		EXPECT_TRUE(has_id(ids, n, initial_id(CLONE_NEWUTS)));
		EXPECT_FALSE(has_id(ids, n, initial_id(CLONE_NEWUSER)));
	}
}

/* Pages of 2 give what one call gives; going on after the last is ENOENT. */
TEST(pages_add_up_to_the_whole)
{
	static __u64 paged[MAX_IDS];
	long whole, got = 0, n;
	__u64 last = 0;

	if (no_listns(_metadata))
		return;
	whole = listns_from(0, 0, 0, ids, MAX_IDS);
	ASSERT_GT(whole, 0);
	for (;;) {
		n = listns_from(last, 0, 0, paged + got, 2);
		if (n < 0) {
			ASSERT_EQ(ENOENT, errno);
			break;
		}
		got += n;
		if (n < 2)
			break;
		last = paged[got - 1];
	}
	ASSERT_EQ(whole, got);
	EXPECT_EQ(0, memcmp(ids, paged, whole * sizeof(ids[0])));
	/* One type's walk ends with its last namespace. */
	n = listns_from(0, CLONE_NEWUSER, 0, ids, MAX_IDS);
	ASSERT_GT(n, 0);
	EXPECT_EQ(-1, listns_from(ids[n - 1], CLONE_NEWUSER, 0, ids, 1));
	EXPECT_EQ(ENOENT, errno);
	/* Asking for none writes none. */
	EXPECT_EQ(0, listns_from(0, 0, 0, NULL, 0));
}

/*
 * Pages of 3 while a child makes and frees namespaces: every page is in
 * order and goes on from the last, and the initial namespaces are all seen.
 */
TEST(paging_while_namespaces_come_and_go)
{
	long deadline = now_ms() + CHURN_MS;
	int walks = 0, churner_status;
	pid_t churner;

	if (no_listns(_metadata))
		return;
	churner = fork();
	ASSERT_GE(churner, 0);
	if (churner == 0) {
		while (now_ms() < deadline) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(unshare((CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS) &
					      ~ns_absent_flags()) ? 1 : 0);
			if (pid < 0 || wait_ok(pid))
				_exit(1);
		}
		_exit(0);
	}
	while (now_ms() < deadline) {
		__u64 page[3], last = 0, seen_initial = 0, want_initial = 0;
		long n;

		for (;;) {
			n = listns_from(last, 0, 0, page, 3);
			if (n < 0) {
				/* The next namespace was going away, or none is left. */
				ASSERT_EQ(ENOENT, errno);
				break;
			}
			ASSERT_TRUE(ascending(page, n));
			if (n)
				ASSERT_GT(page[0], last);
			for (long i = 0; i < n; i++)
				if (page[i] <= NS_LAST_INIT_ID)
					seen_initial |= 1ULL << page[i];
			if (n < 3)
				break;
			last = page[n - 1];
		}
		/* The initial namespaces never go, and come first. */
		for (size_t i = 0; i < ARRAY_SIZE(ns_kinds); i++)
			if (ns_present(ns_kinds[i].name))
				want_initial |= 1ULL << initial_id(ns_kinds[i].flag);
		ASSERT_EQ(want_initial, seen_initial) TH_LOG("walk %d", walks);
		walks++;
	}
	churner_status = wait_by(churner, now_ms() + 10000);
	ASSERT_EQ(0, churner_status);
	TH_LOG("%d walks", walks);
}

TEST(errors_in_mainline_order)
{
	struct listns_req req = { .size = NS_ID_REQ_SIZE_VER0 };
	char big[64] = { 0 };
	long page = sysconf(_SC_PAGESIZE);

	if (no_listns(_metadata))
		return;
	/* flags first, then the count, then the buffer, then the request. */
	EXPECT_EQ(-1, sys_listns(NULL, NULL, 2000000, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_listns(NULL, NULL, 1000001, 0));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(0, sys_listns(&req, NULL, 0, 0));
	EXPECT_EQ(-1, sys_listns(NULL, (__u64 *)-4096L, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, sys_listns(NULL, ids, 1, 0));
	EXPECT_EQ(EFAULT, errno);

	req.size = page + 1;
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(E2BIG, errno);
	req.size = NS_ID_REQ_SIZE_VER0 - 8;
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(EINVAL, errno);

	/* A larger request: its extra bytes must be zero. */
	memcpy(big, &req, sizeof(req));
	((struct listns_req *)big)->size = sizeof(big);
	EXPECT_EQ(1, sys_listns((struct listns_req *)big, ids, 1, 0));
	big[40] = 1;
	EXPECT_EQ(-1, sys_listns((struct listns_req *)big, ids, 1, 0));
	EXPECT_EQ(E2BIG, errno);

	req.size = NS_ID_REQ_SIZE_VER0;
	req.spare = 1;
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	req.spare = 0;
	req.spare2 = 1;		/* not checked, as in mainline */
	EXPECT_EQ(1, sys_listns(&req, ids, 1, 0));
	req.spare2 = 0;
	req.ns_type = 1;	/* not a namespace type */
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	req.ns_type = 0;

	/* An owner that is not a live user namespace. */
	req.user_ns_id = initial_id(CLONE_NEWNS);
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	req.user_ns_id = 1ULL << 60;
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(EINVAL, errno);

	/* Going on after everything there is. */
	req.user_ns_id = 0;
	req.ns_id = ~0ULL - 1;
	EXPECT_EQ(-1, sys_listns(&req, ids, 1, 0));
	EXPECT_EQ(ENOENT, errno);
}

/* The buffer ends in an unmapped page: the whole call fails with EFAULT. */
TEST(fault_in_the_middle_of_the_buffer)
{
	long page = sysconf(_SC_PAGESIZE);
	__u64 *buf;
	char *map;

	if (no_listns(_metadata))
		return;
	ASSERT_GE(listns_from(0, 0, 0, ids, MAX_IDS), 4);
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	/* Room for two ids before the hole. */
	buf = (__u64 *)(map + page) - 2;
	EXPECT_EQ(-1, listns_from(0, 0, 0, buf, 4));
	EXPECT_EQ(EFAULT, errno);
	/* What fits is fine. */
	EXPECT_EQ(2, listns_from(0, 0, 0, buf, 2));
	munmap(map, page);
}

/*
 * As another user, in a new user and network namespace: only the
 * namespaces the caller is in are listed, its new network namespace among
 * them; listing its own user namespace's shows that one.
 */
TEST(an_unprivileged_task_sees_its_own_namespaces)
{
	pid_t pid;

	if (no_listns(_metadata))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 mine[8], net;
		long n;
		int k;

		if (setgid(65534) || setuid(65534))
			_exit(1);
		if (unshare(CLONE_NEWUSER) || unshare(CLONE_NEWNET))
			_exit(2);
		k = own_ids(mine);
		net = ns_id_of(0, "net");
		n = listns_from(0, 0, 0, ids, MAX_IDS);
		if (n != k)
			_exit(3);
		for (long i = 0; i < n; i++)
			if (!has_id(mine, k, ids[i]))
				_exit(4);
		n = listns_from(0, 0, LISTNS_CURRENT_USER, ids, MAX_IDS);
		if (n != 1 || ids[0] != net)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

/* Root in a child pid namespace sees its own namespaces only (7.0's rule). */
TEST(root_of_a_child_pid_namespace_sees_its_own)
{
	pid_t pid;

	if (no_listns(_metadata))
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWPID)) {
		if (errno == EPERM)
			SKIP(return, "not root");
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 mine[8];
		long n;
		int k = own_ids(mine);

		n = listns_from(0, 0, 0, ids, MAX_IDS);
		if (n != k)
			_exit(10 + (n > k));
		for (long i = 0; i < n; i++)
			if (!has_id(mine, k, ids[i]))
				_exit(3);
		_exit(0);
	}
	ASSERT_EQ(0, wait_ok(pid));
}

/*
 * The namespaces a user namespace owns: a child makes a user namespace and,
 * in it, network and UTS namespaces; listing by that owner gives those two,
 * and they leave the listing when the child exits.
 */
TEST(filters_by_owner)
{
	int to_parent[2], to_child[2];
	__u64 got[3], some[MAX_IDS];
	long n;
	pid_t pid;
	char c;

	if (no_listns(_metadata))
		return;
	if (!ns_flags_present(CLONE_NEWNET | CLONE_NEWUTS))
		SKIP(return, "no net or uts namespaces");
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, pipe(to_child));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 mine[3];

		if (unshare(CLONE_NEWUSER) || unshare(CLONE_NEWNET | CLONE_NEWUTS))
			_exit(1);
		mine[0] = ns_id_of(0, "user");
		mine[1] = ns_id_of(0, "uts");
		mine[2] = ns_id_of(0, "net");
		if (write(to_parent[1], mine, sizeof(mine)) != sizeof(mine))
			_exit(2);
		/* Wait for the parent to look. */
		_exit(read(to_child[0], &c, 1) == 1 ? 0 : 3);
	}
	ASSERT_EQ(sizeof(got), read(to_parent[0], got, sizeof(got)));
	n = listns_from(0, 0, got[0], ids, MAX_IDS);
	ASSERT_EQ(2, n);
	EXPECT_EQ(got[1] < got[2] ? got[1] : got[2], ids[0]);
	EXPECT_TRUE(has_id(ids, n, got[1]));
	EXPECT_TRUE(has_id(ids, n, got[2]));
	/* Owned by the initial user namespace: the child's user namespace, not its net. */
	n = listns_from(0, 0, initial_id(CLONE_NEWUSER), some, MAX_IDS);
	EXPECT_TRUE(has_id(some, n, got[0]));
	EXPECT_FALSE(has_id(some, n, got[2]));
	/* With a type. */
	n = listns_from(0, CLONE_NEWNET, got[0], ids, MAX_IDS);
	ASSERT_EQ(1, n);
	EXPECT_EQ(got[2], ids[0]);

	ASSERT_EQ(1, write(to_child[1], "x", 1));
	ASSERT_EQ(0, wait_ok(pid));
	/*
	 * Gone, with the child's nsproxy.  Its user namespace may linger a
	 * while: its credentials are freed after an RCU grace period, and the
	 * network namespace's teardown, which holds it, runs from a workqueue.
	 */
	n = listns_from(0, 0, 0, some, MAX_IDS);
	EXPECT_FALSE(has_id(some, n, got[1]));
	EXPECT_FALSE(has_id(some, n, got[2]));
}

TEST_HARNESS_MAIN
