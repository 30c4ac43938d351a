// SPDX-License-Identifier: GPL-2.0
/*
 * Active namespace references, as mainline counts them since 6.19.
 *
 * listns(2) lists a namespace, and open_by_handle_at(2) reopens it from its
 * handle, only while it is active.  Inactive or gone, the handle is ESTALE.
 * A namespace is active while one of these holds it:
 *
 *  - an nsproxy that a task installed.  A task's nsproxy goes at exit, so a
 *    zombie's net, uts, ipc, mnt, cgroup and time namespaces are inactive;
 *  - a task's credentials, for their user namespace, until the task is reaped;
 *  - a struct pid in the pid namespace (its innermost level), until the pid
 *    is reaped;
 *  - an nsfs inode: an open ns file, a bind mount of one, or the fd of
 *    SIOCGSKNS, NS_GET_USERNS or NS_GET_PARENT.  Such an fd makes an inactive
 *    namespace active again;
 *  - an active namespace it owns, through the chain of owning user
 *    namespaces.  A child pid namespace does not hold its parent.
 *
 * The initial namespaces are always active.  /proc/namespaces lists every live
 * namespace, active or not.  An entry's lstat() mode shows which: 0777
 * when active, 0444 when inactive (live, but only the kernel holds it).
 *
 * The tests check each holder and what happens when it goes: at exit, at
 * reap, at close, at umount, across exec, setns() and unshare() in both
 * directions, setns() to a pidfd of a live, a zombie and a reaped task, and
 * credential changes.  At every step listns() and the handle must agree.  A
 * deadline-bounded stress test mixes all of these.  It must end where it
 * started, with nothing new in the kernel log: a count that drops below
 * zero is a WARNING on a kernel with CONFIG_DEBUG_VFS.
 *
 * Every state is checked right after the event that changes it.  Active
 * counts drop at exit, at reap (once waitpid() returns) and at close, not
 * later.  Only freeing a namespace is deferred.  pthread_join() can return
 * before the thread has dropped its nsproxy: the kernel clears the thread
 * id in exit_mm(), before exit_task_namespaces().  So the thread tests wait
 * on a PIDFD_THREAD pidfd, which signals only after both.
 *
 * Stock 6.12 has none of this ABI: every test skips there.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <dirent.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include "../kselftest_harness.h"
#include "deadline.h"
#include "debug_checks.h"
#include "nsid.h"
#include "scm_fd.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif

#define MAX_IDS 8192
#define NS_KINDS ARRAY_SIZE(ns_kinds)
#define ALL_TYPES (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET | \
		   CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWUSER | CLONE_NEWUTS)
/* The ids a user namespace made by wide_userns() maps: 0 to WIDE_IDS - 1. */
#define WIDE_IDS 4096
/* The most user namespaces a test nests. */
#define MAX_LEVELS 3
/* A thread's release, a freed namespace's entry: waited for up to this long. */
#define RELEASE_MS 10000
#define POLL_MS 10
/* listing_and_handles_agree_on_every_id: ids looked up, below the largest. */
#define SCAN_IDS 4096

#define PROC_NS "/proc/namespaces"
#define ACTIVE_MODE ((unsigned int)(S_IFLNK | 0777))
#define INACTIVE_MODE ((unsigned int)(S_IFLNK | 0444))

/* argv[1] of the test binary run again by namespaces_stay_active_across_exec. */
#define HOLD_ARG "--nsrs-active-refs-hold"

/*
 * The stress test: rounds start until STRESS_MS after its start.  A worker
 * still running STRESS_JOIN_MS later is stuck (a round takes a second or so
 * on a debug kernel under TCG).  The harness's timeout for it is
 * STRESS_TIMEOUT_S.
 */
#define STRESS_WORKERS 3
#define STRESS_MS 20000
#define STRESS_JOIN_MS 120000
#define STRESS_TIMEOUT_S 300

static_assert((STRESS_MS + STRESS_JOIN_MS) / 1000 < STRESS_TIMEOUT_S,
	      "the stress test's rounds and join within its timeout");

/*
 * Types a task unshares and setns()es into with no side condition (unlike
 * user, pid, mnt and time): for the tests that need one or two of them.
 */
static const struct {
	const char *name;
	int flag;
} plain_types[] = {
	{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
};

/* ---- what a namespace's state is ---- */

enum state { INACTIVE, ACTIVE, LISTED_BUT_STALE, OPENS_BUT_UNLISTED, LISTNS_FAILED, OPEN_FAILED };

static const char *state_name(int state)
{
	static const char *const names[] = {
		[INACTIVE] = "inactive (not listed, handle stale)",
		[ACTIVE] = "active (listed, handle opens)",
		[LISTED_BUT_STALE] = "listed, but its handle is stale",
		[OPENS_BUT_UNLISTED] = "not listed, but its handle opens",
		[LISTNS_FAILED] = "listns() failed",
		[OPEN_FAILED] = "open_by_handle_at() failed, not with ESTALE",
	};

	return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] : "?";
}

static __u64 listing[MAX_IDS];

/*
 * Whether namespace id is listed by listns() and its handle opens: ACTIVE
 * when both, INACTIVE when neither (and the handle is ESTALE), anything else
 * a disagreement.  The caller must see every namespace: root, in the initial
 * pid namespace.
 */
static int state_of(__u64 id)
{
	struct nsfs_handle h;
	bool listed;
	long n;
	int fd;

	n = listns_all(0, 0, listing, MAX_IDS);
	if (n < 0)
		return LISTNS_FAILED;
	listed = has_id(listing, n, id);
	ns_handle_of_id(id, &h);
	fd = open_ns_handle(&h, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return listed ? ACTIVE : OPENS_BUT_UNLISTED;
	}
	if (errno != ESTALE)
		return OPEN_FAILED;
	return listed ? LISTED_BUT_STALE : INACTIVE;
}

/* In a TEST(): namespace id is in state want; fmt and what follows name it. */
#define EXPECT_STATE(want, id, fmt, ...)						\
	do {										\
		int __want = (want);							\
		__u64 __id = (id);							\
		int __state = state_of(__id);						\
		EXPECT_EQ(__want, __state)						\
			TH_LOG("id %llu (" fmt "): %s, expected %s",			\
			       (unsigned long long)__id, ##__VA_ARGS__,			\
			       state_name(__state), state_name(__want));		\
	} while (0)

/* The mode of /proc/namespaces/<type>:[<ino>], 0 if there is no such entry. */
static unsigned int entry_mode(const char *type, unsigned long ino)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), PROC_NS "/%s:[%lu]", type, ino);
	return lstat(path, &st) ? 0 : st.st_mode;
}

/* Whether readdir() of /proc/namespaces has the entry <type>:[<ino>]. */
static bool entry_listed(const char *type, unsigned long ino)
{
	char name[64];
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir(PROC_NS);

	if (!dir)
		return false;
	snprintf(name, sizeof(name), "%s:[%lu]", type, ino);
	while (!found && (d = readdir(dir)))
		found = !strcmp(d->d_name, name);
	closedir(dir);
	return found;
}

/* Waits up to RELEASE_MS for the entry to go; whether it did. */
static bool entry_goes(const char *type, unsigned long ino)
{
	long deadline = now_ms() + RELEASE_MS;

	while (entry_mode(type, ino)) {
		if (now_ms() > deadline)
			return false;
		usleep(POLL_MS * 1000);
	}
	return true;
}

static unsigned long ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* ---- children, pipes and fds ---- */

static bool put(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len;
}

static bool get(int fd, void *buf, size_t len)
{
	return read(fd, buf, len) == (ssize_t)len;
}

static bool put_byte(int fd)
{
	return put(fd, "x", 1);
}

/* Blocks until a byte comes, or the pipe's write end is closed. */
static void await(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return -1;
	ok = put(fd, s, strlen(s));
	close(fd);
	return ok ? 0 : -1;
}

/*
 * In a child: closes every fd from 3 up but the n given.  Otherwise the
 * child would hold what the parent has open: the write end of a pipe that
 * another child waits to see closed, or an ns file that must not outlive
 * the parent's close().
 */
static void keep_only_fds(const int *keep, int n)
{
	int sorted[8];
	unsigned int from = 3;

	for (int i = 0; i < n && i < (int)ARRAY_SIZE(sorted); i++) {
		int j = i;

		for (; j > 0 && sorted[j - 1] > keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = keep[i];
	}
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(sorted); i++) {
		if (sorted[i] < (int)from)
			continue;
		if ((unsigned int)sorted[i] > from)
			close_range(from, sorted[i] - 1, 0);
		from = sorted[i] + 1;
	}
	close_range(from, ~0U, 0);
}

#define KEEP_FDS(...)								\
	do {									\
		const int __keep[] = { __VA_ARGS__ };				\
		keep_only_fds(__keep, ARRAY_SIZE(__keep));			\
	} while (0)

/*
 * In a child: unshare the user namespace and become root in the new one,
 * mapped to the ids we had (which must be mapped themselves: one level after
 * another nests).
 */
static int enter_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWUSER))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_str("/proc/self/uid_map", map) ||
	    write_str("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_str("/proc/self/gid_map", map);
}

/*
 * A user namespace that maps 0 to WIDE_IDS - 1 onto the same ids outside
 * (written by us, root), made by a helper that is reaped before we return:
 * the fd returned is all that holds it.  -1 on failure.
 */
static int wide_userns(void)
{
	int ready[2], go[2], fd = -1;
	char path[64], map[32];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return -1;
	if (pipe2(go, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		KEEP_FDS(ready[1], go[0]);
		if (unshare(CLONE_NEWUSER) || !put_byte(ready[1]))
			_exit(1);
		await(go[0]);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (pid > 0 && get(ready[0], map, 1)) {
		snprintf(map, sizeof(map), "0 0 %d", WIDE_IDS);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		if (!write_str(path, map)) {
			snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
			if (!write_str(path, map)) {
				snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
				fd = open(path, O_RDONLY | O_CLOEXEC);
			}
		}
	}
	close(ready[0]);
	close(go[1]);
	if (pid > 0 && wait_ok(pid) && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

/*
 * A holder: a child that unshared flags, and its child, forked into them
 * (in the new pid and time namespaces too).  The grandchild waits for go.
 * The child reaps it and exits with its status.
 */
struct holder {
	pid_t child;
	pid_t grandchild;
	int go;		/* write a byte or close it: both exit */
};

static int holder_start(struct holder *h, int flags)
{
	int report[2], go[2];
	pid_t pid;

	if (pipe2(report, O_CLOEXEC))
		return -1;
	if (pipe2(go, O_CLOEXEC)) {
		close(report[0]);
		close(report[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		pid_t gc;

		KEEP_FDS(report[1], go[0]);
		if (unshare(flags))
			_exit(1);
		gc = fork();
		if (gc < 0)
			_exit(2);
		if (gc == 0) {
			close(report[1]);
			await(go[0]);
			_exit(0);
		}
		close(go[0]);
		if (!put(report[1], &gc, sizeof(gc)))
			_exit(3);
		close(report[1]);
		_exit(wait_ok(gc));
	}
	close(report[1]);
	close(go[0]);
	h->child = pid;
	h->go = go[1];
	if (pid < 0 || !get(report[0], &h->grandchild, sizeof(h->grandchild))) {
		int status = pid < 0 ? -1 : wait_ok(pid);

		close(report[0]);
		close(go[1]);
		return status ? status : -1;
	}
	close(report[0]);
	return 0;
}

/*
 * holder_start(): 0, or the failed child's exit status (-1 if there is
 * none).  holder_end() lets both exit: the child's status once reaped.
 */
static int holder_end(struct holder *h)
{
	close(h->go);
	return wait_ok(h->child);
}

/*
 * An orphaned socket: a child makes `levels` nested user namespaces, a
 * network namespace in the last, and an AF_INET socket there, which it
 * passes to us over SCM_RIGHTS.  Then it waits for go.
 */
struct orphan_ids {
	__u64 user_id[MAX_LEVELS];
	unsigned long user_ino[MAX_LEVELS];
	__u64 net_id;
	unsigned long net_ino;
};

struct orphan {
	pid_t pid;
	int go;
	int sock;
	int levels;
	struct orphan_ids ids;
};

static int orphan_start(struct orphan *o, int levels)
{
	int report[2], go[2], sv[2];

	o->levels = levels;
	o->sock = -1;
	if (pipe2(report, O_CLOEXEC))
		return -1;
	if (pipe2(go, O_CLOEXEC))
		goto close_report;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		goto close_go;
	o->pid = fork();
	if (o->pid == 0) {
		struct orphan_ids ids = { 0 };
		int sock;

		KEEP_FDS(report[1], go[0], sv[1]);
		for (int i = 0; i < levels; i++) {
			if (enter_userns())
				_exit(1);
			ids.user_id[i] = ns_id_of(0, "user");
			ids.user_ino[i] = ino_of("/proc/self/ns/user");
		}
		if (unshare(CLONE_NEWNET))
			_exit(2);
		ids.net_id = ns_id_of(0, "net");
		ids.net_ino = ino_of("/proc/self/ns/net");
		sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (sock < 0)
			_exit(3);
		if (send_fd(sv[1], sock))
			_exit(4);
		close(sock);
		if (!put(report[1], &ids, sizeof(ids)))
			_exit(5);
		await(go[0]);
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	close(sv[1]);
	o->go = go[1];
	if (o->pid > 0) {
		o->sock = recv_fd(sv[0]);
		if (o->sock >= 0 && !get(report[0], &o->ids, sizeof(o->ids))) {
			close(o->sock);
			o->sock = -1;
		}
	}
	close(sv[0]);
	close(report[0]);
	if (o->sock < 0) {
		int status;

		close(go[1]);
		status = o->pid < 0 ? -1 : wait_ok(o->pid);
		return status ? status : -1;
	}
	return 0;

close_go:
	close(go[0]);
	close(go[1]);
close_report:
	close(report[0]);
	close(report[1]);
	return -1;
}

static int orphan_reap(struct orphan *o)
{
	close(o->go);
	return wait_ok(o->pid);
}

/* The first two of plain_types the kernel has, by index: false if fewer. */
static bool two_plain_types(int *first, int *second)
{
	int n = 0;

	for (int i = 0; i < (int)ARRAY_SIZE(plain_types) && n < 2; i++) {
		if (!ns_present(plain_types[i].name))
			continue;
		if (n++)
			*second = i;
		else
			*first = i;
	}
	return n == 2;
}

/* The type threads unshare: net, else uts; NULL if neither. */
static const char *thread_type(int *flag)
{
	const char *name = ns_first_present("net", "uts", NULL);

	if (name)
		*flag = !strcmp(name, "net") ? CLONE_NEWNET : CLONE_NEWUTS;
	return name;
}

/* ---- the test binary run again, to hold its namespaces across exec ---- */

/*
 * `active_refs HOLD_ARG <ready fd> <go fd>`: say so on the first fd, wait on
 * the second, exit.  Before the harness's main(): glibc passes argc and argv
 * to constructors.
 */
static void __attribute__((constructor)) hold_after_exec(int argc, char **argv)
{
	char c = 'e';

	if (argc != 4 || strcmp(argv[1], HOLD_ARG))
		return;
	if (!put(atoi(argv[2]), &c, 1))
		_exit(10);
	await(atoi(argv[3]));
	_exit(0);
}

/* A child that exits early must not kill us with SIGPIPE when we say go. */
static void __attribute__((constructor)) ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/* ---- the tests ---- */

TEST(initial_namespaces_are_always_active)
{
	struct holder h;

	if (no_nsid(_metadata))
		return;
	/* A child in new namespaces of every type comes and goes. */
	ASSERT_EQ(0, holder_start(&h, ALL_TYPES & ~ns_absent_flags()));
	ASSERT_EQ(0, holder_end(&h));
	for (size_t i = 0; i < NS_KINDS; i++) {
		const char *name = ns_kinds[i].name;
		int flag = ns_kinds[i].flag;

		if (!ns_present(name)) {
			LOG_NS_ABSENT(name);
			continue;
		}
		EXPECT_STATE(ACTIVE, initial_id(flag), "initial %s", name);
		if (access(PROC_NS, F_OK))
			continue;
		EXPECT_EQ(ACTIVE_MODE, entry_mode(name, initial_inum(flag)))
			TH_LOG("initial %s: mode %o", name, entry_mode(name, initial_inum(flag)));
	}
}

/*
 * A child unshares a namespace of every type and forks into them.  While
 * both run, each is active.  With the grandchild reaped and the child a
 * zombie, only the user namespace is left: the zombie's credentials hold
 * it.  Once the child is reaped, none is active.
 */
TEST(a_task_holds_every_type)
{
	__u64 ids[NS_KINDS] = { 0 };
	struct holder h;
	siginfo_t si = { 0 };

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, holder_start(&h, ALL_TYPES & ~ns_absent_flags()));
	for (size_t i = 0; i < NS_KINDS; i++) {
		const char *name = ns_kinds[i].name;

		if (!ns_present(name)) {
			LOG_NS_ABSENT(name);
			continue;
		}
		ids[i] = ns_id_of(h.grandchild, name);
		ASSERT_GT(ids[i], NS_LAST_INIT_ID) TH_LOG("%s: errno %d", name, errno);
		EXPECT_STATE(ACTIVE, ids[i], "%s, tasks in it", name);
	}
	close(h.go);
	ASSERT_EQ(0, waitid(P_PID, h.child, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(CLD_EXITED, si.si_code);
	ASSERT_EQ(0, si.si_status);
	for (size_t i = 0; i < NS_KINDS; i++) {
		if (!ids[i])
			continue;
		EXPECT_STATE(ns_kinds[i].flag == CLONE_NEWUSER ? ACTIVE : INACTIVE, ids[i],
			     "%s, its last task a zombie", ns_kinds[i].name);
	}
	ASSERT_EQ(0, wait_ok(h.child));
	for (size_t i = 0; i < NS_KINDS; i++) {
		if (ids[i])
			EXPECT_STATE(INACTIVE, ids[i], "%s, its tasks reaped", ns_kinds[i].name);
	}
}

/*
 * With the tasks gone, open ns files hold their namespaces, one of each
 * type, and through them the user namespace that owns them all.  Closed one
 * by one: each goes as its fd does, the owner with the last.
 */
TEST(open_fds_hold_namespaces_and_their_owner)
{
	int fds[NS_KINDS], left = 0;
	__u64 ids[NS_KINDS] = { 0 }, user;
	struct holder h;

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, holder_start(&h, ALL_TYPES & ~ns_absent_flags()));
	user = ns_id_of(h.grandchild, "user");
	ASSERT_GT(user, NS_LAST_INIT_ID);
	for (size_t i = 0; i < NS_KINDS; i++) {
		const char *name = ns_kinds[i].name;
		char path[64];

		fds[i] = -1;
		if (ns_kinds[i].flag == CLONE_NEWUSER)
			continue;
		if (!ns_present(name)) {
			LOG_NS_ABSENT(name);
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", h.grandchild, name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_GE(fds[i], 0) TH_LOG("%s: errno %d", path, errno);
		ids[i] = ns_id_of_fd(fds[i]);
		ASSERT_GT(ids[i], NS_LAST_INIT_ID);
		left++;
	}
	ASSERT_GT(left, 0);
	ASSERT_EQ(0, holder_end(&h));

	for (size_t i = 0; i < NS_KINDS; i++) {
		if (fds[i] >= 0)
			EXPECT_STATE(ACTIVE, ids[i], "%s, held by an fd", ns_kinds[i].name);
	}
	EXPECT_STATE(ACTIVE, user, "user, owner of namespaces held by fds");
	for (size_t i = 0; i < NS_KINDS; i++) {
		if (fds[i] < 0)
			continue;
		close(fds[i]);
		fds[i] = -1;
		left--;
		EXPECT_STATE(INACTIVE, ids[i], "%s, its fd closed", ns_kinds[i].name);
		for (size_t j = i + 1; j < NS_KINDS; j++) {
			if (fds[j] >= 0)
				EXPECT_STATE(ACTIVE, ids[j], "%s, its fd still open",
					     ns_kinds[j].name);
		}
		EXPECT_STATE(left ? ACTIVE : INACTIVE, user, "user, %d owned namespaces held",
			     left);
	}
}

/*
 * A bind mount of an ns file, in a private mount namespace on a tmpfs,
 * holds the namespace (and its owner) after its tasks are gone, until it is
 * unmounted.
 */
TEST(a_bind_mount_holds_a_namespace)
{
	char dir[] = "/tmp/nsrs-active-XXXXXX", target[64], path[64];
	const char *name = ns_first_present("uts", "ipc", "net", NULL);
	bool tmpfs;
	__u64 id, user;
	struct holder h;
	int fd;

	if (no_nsid(_metadata))
		return;
	if (!name)
		SKIP(return, "no uts, ipc or net namespaces");
	/* Our mounts die with us: the harness runs each test in a process of its own. */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_NE(NULL, mkdtemp(dir)) TH_LOG("errno %d", errno);
	tmpfs = !mount("tmpfs", dir, "tmpfs", 0, "size=64k");
	if (!tmpfs)
		TH_LOG("no tmpfs (errno %d): the target is on %s's filesystem", errno, dir);
	snprintf(target, sizeof(target), "%s/held", dir);
	fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_GE(fd, 0);
	close(fd);

	ASSERT_EQ(0, holder_start(&h, CLONE_NEWUSER |
			(!strcmp(name, "uts") ? CLONE_NEWUTS :
			 !strcmp(name, "ipc") ? CLONE_NEWIPC : CLONE_NEWNET)));
	id = ns_id_of(h.grandchild, name);
	user = ns_id_of(h.grandchild, "user");
	ASSERT_GT(id, NS_LAST_INIT_ID);
	ASSERT_GT(user, NS_LAST_INIT_ID);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", h.grandchild, name);
	ASSERT_EQ(0, mount(path, target, NULL, MS_BIND, NULL)) TH_LOG("errno %d", errno);
	ASSERT_EQ(0, holder_end(&h));

	EXPECT_STATE(ACTIVE, id, "%s, bind-mounted", name);
	EXPECT_STATE(ACTIVE, user, "user, owner of a bind-mounted %s", name);
	/* The mount is the namespace. */
	fd = open(target, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(id, ns_id_of_fd(fd));
	close(fd);
	EXPECT_STATE(ACTIVE, id, "%s, bind-mounted, an fd of it closed", name);

	ASSERT_EQ(0, umount2(target, 0)) TH_LOG("errno %d", errno);
	EXPECT_STATE(INACTIVE, id, "%s, unmounted", name);
	EXPECT_STATE(INACTIVE, user, "user, owner of an unmounted %s", name);

	unlink(target);
	if (tmpfs)
		umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/*
 * User namespaces A, B in A, C in B.  With their task gone, an fd of C
 * holds B and A too.  An fd of A holds A only: closing C's leaves B and C
 * inactive.
 */
TEST(a_child_user_namespace_holds_its_ancestors)
{
	int report[2], go[2], c_fd, a_fd;
	__u64 ids[3];
	char path[64];
	struct nsfs_handle h;
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		KEEP_FDS(report[1], go[0]);
		for (int i = 0; i < 3; i++) {
			if (enter_userns())
				_exit(1 + i);
			ids[i] = ns_id_of(0, "user");
		}
		if (!put(report[1], ids, sizeof(ids)))
			_exit(4);
		await(go[0]);
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	ASSERT_TRUE(get(report[0], ids, sizeof(ids)));
	for (int i = 0; i < 3; i++)
		EXPECT_STATE(ACTIVE, ids[i], "user level %d, its task running", i + 1);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	c_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(c_fd, 0);
	ASSERT_EQ(ids[2], ns_id_of_fd(c_fd));
	close(go[1]);
	ASSERT_EQ(0, wait_ok(pid));

	EXPECT_STATE(ACTIVE, ids[2], "C, held by an fd");
	EXPECT_STATE(ACTIVE, ids[1], "B, parent of C");
	EXPECT_STATE(ACTIVE, ids[0], "A, grandparent of C");

	ns_handle_of_id(ids[0], &h);
	a_fd = open_ns_handle(&h, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(a_fd, 0) TH_LOG("errno %d", errno);
	close(c_fd);
	EXPECT_STATE(INACTIVE, ids[2], "C, its fd closed");
	EXPECT_STATE(INACTIVE, ids[1], "B, with only its parent held");
	EXPECT_STATE(ACTIVE, ids[0], "A, held by an fd");
	close(a_fd);
	EXPECT_STATE(INACTIVE, ids[0], "A, its fd closed");
	close(report[0]);
}

/*
 * A child unshares CLONE_NEWPID and forks the init of the new pid namespace
 * P, which unshares another type (its namespace X), then setns()es back to
 * its own pid namespace: only the grandchild holds P.  With the grandchild
 * a zombie, its pid holds P while X, which only its nsproxy held, is
 * inactive.  Reaped, P is inactive too.
 */
TEST(a_zombie_holds_its_pid_namespace_until_reaped)
{
	const char *other = ns_first_present("uts", "ipc", "net", NULL);
	int from_gc[2], from_c[2], go_gc[2], go_c[2];
	__u64 ids[2];
	char c;
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	if (!other)
		SKIP(return, "no uts, ipc or net namespaces");
	ASSERT_EQ(0, pipe2(from_gc, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(from_c, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_gc, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_c, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		siginfo_t si = { 0 };
		int own, status;
		pid_t gc;

		KEEP_FDS(from_gc[1], from_c[1], go_gc[0], go_c[0]);
		own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own < 0 || unshare(CLONE_NEWPID))
			_exit(1);
		gc = fork();
		if (gc < 0)
			_exit(2);
		if (gc == 0) {
			int flag = !strcmp(other, "uts") ? CLONE_NEWUTS :
				   !strcmp(other, "ipc") ? CLONE_NEWIPC : CLONE_NEWNET;
			__u64 mine[2];

			if (getpid() != 1 || unshare(flag))
				_exit(1);
			mine[0] = ns_id_of(0, "pid");
			mine[1] = ns_id_of(0, other);
			if (!put(from_gc[1], mine, sizeof(mine)))
				_exit(2);
			await(go_gc[0]);
			_exit(0);
		}
		/* Our nsproxy lets go of P: its pid_for_children is ours again. */
		if (setns(own, CLONE_NEWPID) || !put_byte(from_c[1]))
			_exit(3);
		if (waitid(P_PID, gc, &si, WEXITED | WNOWAIT) || !put_byte(from_c[1]))
			_exit(4);
		await(go_c[0]);
		if (waitpid(gc, &status, 0) != gc || !put_byte(from_c[1]))
			_exit(5);
		await(go_c[0]);
		_exit(WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 6);
	}
	close(from_gc[1]);
	close(from_c[1]);
	close(go_gc[0]);
	close(go_c[0]);
	ASSERT_TRUE(get(from_gc[0], ids, sizeof(ids)));
	ASSERT_TRUE(get(from_c[0], &c, 1));
	ASSERT_GT(ids[0], NS_LAST_INIT_ID);
	EXPECT_STATE(ACTIVE, ids[0], "pid namespace, its init running");
	EXPECT_STATE(ACTIVE, ids[1], "%s of the pid namespace's init, running", other);

	ASSERT_TRUE(put_byte(go_gc[1]));
	ASSERT_TRUE(get(from_c[0], &c, 1));
	EXPECT_STATE(ACTIVE, ids[0], "pid namespace, its init a zombie");
	EXPECT_STATE(INACTIVE, ids[1], "%s of a zombie", other);

	ASSERT_TRUE(put_byte(go_c[1]));
	ASSERT_TRUE(get(from_c[0], &c, 1));
	EXPECT_STATE(INACTIVE, ids[0], "pid namespace, its init reaped");
	close(go_c[1]);
	EXPECT_EQ(0, wait_ok(pid));
	EXPECT_STATE(INACTIVE, ids[0], "pid namespace, all reaped");
	close(go_gc[1]);
	close(from_gc[0]);
	close(from_c[0]);
}

/*
 * Pid namespaces P1 and P2 in it.  With every task reaped, an fd of P2
 * holds P2, not P1: a pid namespace is not held by its children.
 * NS_GET_PARENT's fd of P1 makes P1 active again, until it is closed.
 */
TEST(a_child_pid_namespace_does_not_hold_its_parent)
{
	int report[2], go[2], p2_fd, p1_fd;
	struct nsfs_handle h;
	__u64 ids[2];
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t g1, g2;

		KEEP_FDS(report[1], go[0]);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		g1 = fork();
		if (g1 < 0)
			_exit(2);
		if (g1 == 0) {
			__u64 p1 = ns_id_of(0, "pid");

			if (!put(report[1], &p1, sizeof(p1)) || unshare(CLONE_NEWPID))
				_exit(3);
			g2 = fork();
			if (g2 < 0)
				_exit(4);
			if (g2 == 0) {
				__u64 p2 = ns_id_of(0, "pid");

				if (!put(report[1], &p2, sizeof(p2)))
					_exit(5);
				await(go[0]);
				_exit(0);
			}
			_exit(wait_ok(g2));
		}
		_exit(wait_ok(g1));
	}
	close(report[1]);
	close(go[0]);
	ASSERT_TRUE(get(report[0], &ids[0], sizeof(ids[0])));
	ASSERT_TRUE(get(report[0], &ids[1], sizeof(ids[1])));
	EXPECT_STATE(ACTIVE, ids[0], "P1, tasks in it");
	EXPECT_STATE(ACTIVE, ids[1], "P2, tasks in it");
	ns_handle_of_id(ids[1], &h);
	p2_fd = open_ns_handle(&h, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(p2_fd, 0) TH_LOG("errno %d", errno);
	close(go[1]);
	ASSERT_EQ(0, wait_ok(pid));

	EXPECT_STATE(ACTIVE, ids[1], "P2, held by an fd");
	EXPECT_STATE(INACTIVE, ids[0], "P1, parent of a held P2");
	p1_fd = ioctl(p2_fd, NS_GET_PARENT);
	ASSERT_GE(p1_fd, 0) TH_LOG("NS_GET_PARENT: errno %d", errno);
	EXPECT_EQ(ids[0], ns_id_of_fd(p1_fd));
	EXPECT_STATE(ACTIVE, ids[0], "P1, NS_GET_PARENT's fd open");
	close(p1_fd);
	EXPECT_STATE(INACTIVE, ids[0], "P1, NS_GET_PARENT's fd closed");
	EXPECT_STATE(ACTIVE, ids[1], "P2, held by an fd");
	close(p2_fd);
	EXPECT_STATE(INACTIVE, ids[1], "P2, its fd closed");
	close(report[0]);
}

/* A thread that unshares a namespace of its own, reports it, waits. */
struct thread_report {
	pid_t tid;
	int fd;		/* its ns file, if asked to keep it; -1 if not */
	__u64 id;
	int err;
};

struct thread_args {
	const char *name;
	int flag;
	bool keep_fd;
	int report;	/* write end */
	int go;		/* read end */
};

static void *unsharing_thread(void *p)
{
	struct thread_args *a = p;
	struct thread_report r = { .tid = syscall(SYS_gettid), .fd = -1 };
	char path[64];

	if (unshare(a->flag)) {
		r.err = errno;
	} else {
		snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", a->name);
		r.fd = open(path, O_RDONLY | O_CLOEXEC);
		r.id = ns_id_of_fd(r.fd);
		if (!a->keep_fd && r.fd >= 0) {
			close(r.fd);
			r.fd = -1;
		}
	}
	if (put(a->report, &r, sizeof(r)))
		await(a->go);
	return NULL;
}

/* Waits for the thread of the PIDFD_THREAD pidfd to be gone: whether it went. */
static bool thread_gone(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, RELEASE_MS) == 1 && (p.revents & (POLLIN | POLLHUP));
}

/*
 * Runs a thread that unshares a namespace and waits; checks it active while
 * the thread runs; lets it go, joins it and waits until the kernel has
 * released it.  The thread's report is returned.
 */
static void run_unsharing_thread(struct __test_metadata *_metadata, const char *name, int flag,
				 bool keep_fd, struct thread_report *r)
{
	int report[2], go[2], pidfd;
	struct thread_args a = { .name = name, .flag = flag, .keep_fd = keep_fd };
	pthread_t thread;

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	a.report = report[1];
	a.go = go[0];
	ASSERT_EQ(0, pthread_create(&thread, NULL, unsharing_thread, &a));
	ASSERT_TRUE(get(report[0], r, sizeof(*r)));
	ASSERT_EQ(0, r->err) TH_LOG("the thread's unshare(%s): errno %d", name, r->err);
	pidfd = sys_pidfd_open(r->tid, PIDFD_THREAD);
	ASSERT_GE(pidfd, 0) TH_LOG("pidfd_open(PIDFD_THREAD): errno %d", errno);
	ASSERT_GT(r->id, NS_LAST_INIT_ID);
	EXPECT_NE(r->id, ns_id_of(0, name));
	EXPECT_STATE(ACTIVE, r->id, "%s of a running thread", name);

	ASSERT_TRUE(put_byte(go[1]));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	/* The join can come before the thread's exit_task_namespaces(): wait for its release. */
	ASSERT_TRUE(thread_gone(pidfd));
	close(pidfd);
	close(report[0]);
	close(report[1]);
	close(go[0]);
	close(go[1]);
}

/* A thread's own namespace (of a thread-private nsproxy) is active until the thread is gone. */
TEST(a_thread_holds_its_namespace_until_it_is_gone)
{
	struct thread_report r;
	const char *name;
	int flag;

	if (no_nsid(_metadata))
		return;
	name = thread_type(&flag);
	if (!name)
		SKIP(return, "no net or uts namespaces");
	run_unsharing_thread(_metadata, name, flag, false, &r);
	EXPECT_STATE(INACTIVE, r.id, "%s of a thread gone", name);
	EXPECT_STATE(ACTIVE, ns_id_of(0, name), "%s of the main thread", name);
}

/* The thread's ns file, left open in the shared table, holds it after the thread is gone. */
TEST(an_fd_holds_a_thread_namespace_after_the_thread)
{
	struct thread_report r;
	const char *name;
	int flag;

	if (no_nsid(_metadata))
		return;
	name = thread_type(&flag);
	if (!name)
		SKIP(return, "no net or uts namespaces");
	run_unsharing_thread(_metadata, name, flag, true, &r);
	ASSERT_GE(r.fd, 0);
	EXPECT_EQ(r.id, ns_id_of_fd(r.fd));
	EXPECT_STATE(ACTIVE, r.id, "%s of a thread gone, held by an fd", name);
	close(r.fd);
	EXPECT_STATE(INACTIVE, r.id, "%s of a thread gone, its fd closed", name);
}

/*
 * A child in new user, uts, ipc, net and time namespaces execs: the
 * namespaces stay active across exec.  Its time namespace is the one it made
 * (time_for_children before): exec switches it in, swapping its nsproxy.
 * Reaped, none is active.
 */
TEST(namespaces_stay_active_across_exec)
{
	int flags = (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWTIME) &
		    ~ns_absent_flags();
	int report[2], ready[2], go[2];
	__u64 ids[NS_KINDS] = { 0 };
	bool time_ns = ns_present("time");
	char c;
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	/* These two the new image gets: not close-on-exec. */
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char ready_fd[16], go_fd[16];
		char *const argv[] = { "/proc/self/exe", HOLD_ARG, ready_fd, go_fd, NULL };
		__u64 mine[NS_KINDS] = { 0 };

		KEEP_FDS(report[1], ready[1], go[0]);
		if (enter_userns() || unshare(flags))
			_exit(1);
		for (size_t i = 0; i < NS_KINDS; i++) {
			if (!ns_present(ns_kinds[i].name))
				continue;
			/* The time namespace we made is the one for our children, until exec. */
			mine[i] = ns_id_of(0, ns_kinds[i].flag == CLONE_NEWTIME ?
					   "time_for_children" : ns_kinds[i].name);
		}
		if (!put(report[1], mine, sizeof(mine)))
			_exit(2);
		snprintf(ready_fd, sizeof(ready_fd), "%d", ready[1]);
		snprintf(go_fd, sizeof(go_fd), "%d", go[0]);
		execv(argv[0], argv);
		_exit(3);
	}
	close(report[1]);
	close(ready[1]);
	close(go[0]);
	ASSERT_TRUE(get(report[0], ids, sizeof(ids)));
	/* After exec: the new image says so. */
	ASSERT_TRUE(get(ready[0], &c, 1)) TH_LOG("no word from the exec'd image");
	for (size_t i = 0; i < NS_KINDS; i++) {
		const char *name = ns_kinds[i].name;
		int flag = ns_kinds[i].flag;

		if (!ids[i]) {
			LOG_NS_ABSENT(name);
			continue;
		}
		EXPECT_EQ(ids[i], ns_id_of(pid, name)) TH_LOG("%s after exec", name);
		if ((flag & flags) || flag == CLONE_NEWUSER)
			EXPECT_GT(ids[i], NS_LAST_INIT_ID) TH_LOG("%s", name);
		EXPECT_STATE(ACTIVE, ids[i], "%s of a task after exec", name);
	}
	if (time_ns)
		EXPECT_EQ(ns_id_of(pid, "time"), ns_id_of(pid, "time_for_children"));
	close(go[1]);
	ASSERT_EQ(0, wait_ok(pid));
	for (size_t i = 0; i < NS_KINDS; i++) {
		if (ids[i] && ids[i] > NS_LAST_INIT_ID)
			EXPECT_STATE(INACTIVE, ids[i], "%s, its task reaped", ns_kinds[i].name);
	}
	close(report[0]);
	close(ready[0]);
}

/*
 * Creator A makes a user namespace U and namespaces X1 and X2 of two types
 * in it.  B, root outside, setns()es into X1 and X2.  With A reaped, B holds
 * X1 and X2 and, through them, U.  B unshares X1's type: X1 goes inactive.
 * B setns()es back to its first X2: X2 and U go inactive.  B's own new
 * namespace goes with it.
 */
TEST(setns_and_unshare_move_activity)
{
	int first = 0, second = 0, from_a[2], go_a[2], from_b[2], go_b[2];
	const char *t1, *t2;
	__u64 a_ids[3], mine, mark;
	pid_t a, b;

	if (no_nsid(_metadata))
		return;
	if (!two_plain_types(&first, &second))
		SKIP(return, "fewer than two of uts, ipc and net namespaces");
	t1 = plain_types[first].name;
	t2 = plain_types[second].name;
	ASSERT_EQ(0, pipe2(from_a, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_a, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(from_b, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_b, O_CLOEXEC));
	a = fork();
	ASSERT_GE(a, 0);
	if (a == 0) {
		KEEP_FDS(from_a[1], go_a[0]);
		if (enter_userns() || unshare(plain_types[first].flag | plain_types[second].flag))
			_exit(1);
		a_ids[0] = ns_id_of(0, "user");
		a_ids[1] = ns_id_of(0, t1);
		a_ids[2] = ns_id_of(0, t2);
		if (!put(from_a[1], a_ids, sizeof(a_ids)))
			_exit(2);
		await(go_a[0]);
		_exit(0);
	}
	close(from_a[1]);
	close(go_a[0]);
	ASSERT_TRUE(get(from_a[0], a_ids, sizeof(a_ids)));

	b = fork();
	ASSERT_GE(b, 0);
	if (b == 0) {
		char path[64];
		int home2, fd1, fd2;

		KEEP_FDS(from_b[1], go_b[0]);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", t2);
		home2 = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", a, t1);
		fd1 = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", a, t2);
		fd2 = open(path, O_RDONLY | O_CLOEXEC);
		if (home2 < 0 || fd1 < 0 || fd2 < 0)
			_exit(1);
		if (setns(fd1, plain_types[first].flag) || setns(fd2, plain_types[second].flag))
			_exit(2);
		close(fd1);
		close(fd2);
		if (ns_id_of(0, t1) != a_ids[1] || ns_id_of(0, t2) != a_ids[2])
			_exit(3);
		mark = 0;
		if (!put(from_b[1], &mark, sizeof(mark)))
			_exit(4);
		await(go_b[0]);
		if (unshare(plain_types[first].flag))
			_exit(5);
		mine = ns_id_of(0, t1);
		if (!put(from_b[1], &mine, sizeof(mine)))
			_exit(6);
		await(go_b[0]);
		if (setns(home2, plain_types[second].flag))
			_exit(7);
		if (!put(from_b[1], &mark, sizeof(mark)))
			_exit(8);
		await(go_b[0]);
		_exit(0);
	}
	close(from_b[1]);
	close(go_b[0]);
	ASSERT_TRUE(get(from_b[0], &mark, sizeof(mark))) TH_LOG("B could not join A's namespaces");
	EXPECT_STATE(ACTIVE, a_ids[0], "U, its creator running");
	EXPECT_STATE(ACTIVE, a_ids[1], "X1 (%s), creator and joiner running", t1);
	EXPECT_STATE(ACTIVE, a_ids[2], "X2 (%s), creator and joiner running", t2);

	close(go_a[1]);
	ASSERT_EQ(0, wait_ok(a));
	EXPECT_STATE(ACTIVE, a_ids[1], "X1 (%s), creator reaped, joiner in it", t1);
	EXPECT_STATE(ACTIVE, a_ids[2], "X2 (%s), creator reaped, joiner in it", t2);
	EXPECT_STATE(ACTIVE, a_ids[0], "U, creator reaped, owner of X1 and X2");

	ASSERT_TRUE(put_byte(go_b[1]));
	ASSERT_TRUE(get(from_b[0], &mine, sizeof(mine)));
	ASSERT_GT(mine, a_ids[2]);
	EXPECT_STATE(INACTIVE, a_ids[1], "X1 (%s), its joiner unshared", t1);
	EXPECT_STATE(ACTIVE, mine, "the joiner's new %s", t1);
	EXPECT_STATE(ACTIVE, a_ids[2], "X2 (%s), joiner in it", t2);
	EXPECT_STATE(ACTIVE, a_ids[0], "U, owner of X2");

	ASSERT_TRUE(put_byte(go_b[1]));
	ASSERT_TRUE(get(from_b[0], &mark, sizeof(mark)));
	EXPECT_STATE(INACTIVE, a_ids[2], "X2 (%s), its joiner went back", t2);
	EXPECT_STATE(INACTIVE, a_ids[0], "U, owning nothing active");
	EXPECT_STATE(ACTIVE, mine, "the joiner's new %s", t1);

	close(go_b[1]);
	ASSERT_EQ(0, wait_ok(b));
	EXPECT_STATE(INACTIVE, mine, "the joiner's new %s, joiner reaped", t1);
	close(from_a[0]);
	close(from_b[0]);
}

/*
 * P unshares a namespace X, then forks C, which shares P's nsproxy.  C
 * unshares X's type: P's nsproxy still holds X, which stays active.  P
 * unshares it too: now that P's nsproxy was its alone, its activity moves
 * to P's new one, and X goes inactive.  Reaped, none is active.
 */
TEST(leaving_a_shared_nsproxy_keeps_it_active_for_the_rest)
{
	int report[2], go_p[2], go_c[2], flag;
	__u64 x, y, z;
	const char *name;
	pid_t p;

	if (no_nsid(_metadata))
		return;
	name = thread_type(&flag);
	if (!name)
		SKIP(return, "no net or uts namespaces");
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_c, O_CLOEXEC));
	p = fork();
	ASSERT_GE(p, 0);
	if (p == 0) {
		pid_t c;

		KEEP_FDS(report[1], go_p[0], go_c[0]);
		if (unshare(flag))
			_exit(1);
		x = ns_id_of(0, name);
		c = fork();
		if (c < 0)
			_exit(2);
		if (c == 0) {
			await(go_c[0]);
			if (unshare(flag))
				_exit(1);
			y = ns_id_of(0, name);
			if (!put(report[1], &y, sizeof(y)))
				_exit(2);
			await(go_c[0]);
			_exit(0);
		}
		if (!put(report[1], &x, sizeof(x)))
			_exit(3);
		await(go_p[0]);
		if (unshare(flag))
			_exit(4);
		z = ns_id_of(0, name);
		if (!put(report[1], &z, sizeof(z)))
			_exit(5);
		await(go_p[0]);
		_exit(wait_ok(c) ? 6 : 0);
	}
	close(report[1]);
	close(go_p[0]);
	close(go_c[0]);
	ASSERT_TRUE(get(report[0], &x, sizeof(x)));
	ASSERT_GT(x, NS_LAST_INIT_ID);
	EXPECT_STATE(ACTIVE, x, "%s of P and C, sharing an nsproxy", name);

	ASSERT_TRUE(put_byte(go_c[1]));
	ASSERT_TRUE(get(report[0], &y, sizeof(y)));
	EXPECT_NE(x, y);
	EXPECT_STATE(ACTIVE, y, "C's new %s", name);
	EXPECT_STATE(ACTIVE, x, "%s of P, after C left the nsproxy they shared", name);

	ASSERT_TRUE(put_byte(go_p[1]));
	ASSERT_TRUE(get(report[0], &z, sizeof(z)));
	EXPECT_NE(x, z);
	EXPECT_STATE(ACTIVE, z, "P's new %s", name);
	EXPECT_STATE(INACTIVE, x, "%s that P and C both left", name);
	EXPECT_STATE(ACTIVE, y, "C's %s, after P's switch", name);

	close(go_c[1]);
	close(go_p[1]);
	ASSERT_EQ(0, wait_ok(p));
	EXPECT_STATE(INACTIVE, y, "C's %s, C reaped", name);
	EXPECT_STATE(INACTIVE, z, "P's %s, P reaped", name);
	close(report[0]);
}

/*
 * In a joiner, in the target's namespaces: for each byte read from cmd,
 * setns(pidfd) into the target, now a zombie or reaped, without and with
 * CLONE_NEWUSER.  Both must fail with ESRCH.  The result goes to report
 * (0, or which step went wrong).  The nsproxy and credentials setns()
 * prepared are then thrown away.  Had they been counted as installed, the
 * joiner's own namespaces would lose a count.  Returns at EOF.
 */
static void refused_joins(int pidfd, int flags, int cmd, int report)
{
	char c;

	while (read(cmd, &c, 1) == 1) {
		int res = 0;

		if (!setns(pidfd, flags))
			res = 1;
		else if (errno != ESRCH)
			res = 2;
		else if (!setns(pidfd, flags | CLONE_NEWUSER))
			res = 3;
		else if (errno != ESRCH)
			res = 4;
		if (!put(report, &res, sizeof(res)))
			return;
	}
}

/*
 * setns() by pidfd into target T's uts, ipc and net namespaces (owned by its
 * user namespace U).  Into a live T it works, and the joiner J holds them
 * after T is reaped.  Into T as a zombie, whose nsproxy is gone, and into T
 * reaped, J's setns() fails with ESRCH and changes no count: J's namespaces
 * (T's) stay active.  J reaped, none is active.  The kernel log has no new
 * report: mainline's underflow there was a WARNING (CONFIG_DEBUG_VFS).
 */
TEST(setns_by_pidfd_to_a_live_a_zombie_and_a_reaped_task)
{
	int flags = (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) & ~ns_absent_flags();
	int from_t[2], go_t[2], from_j[2], go_j[2], pidfd, n = 0;
	__u64 ids[1 + ARRAY_SIZE(plain_types)], mark;
	siginfo_t si = { 0 };
	struct klog_counts grown;
	struct klog_mark klog;
	char counts[128], *excerpt = NULL;
	int refused;
	pid_t t, j;

	if (no_nsid(_metadata))
		return;
	if (!flags)
		SKIP(return, "no uts, ipc or net namespaces");
	klog_begin(&klog, "active_refs setns_by_pidfd");
	ASSERT_EQ(0, pipe2(from_t, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_t, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(from_j, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_j, O_CLOEXEC));
	t = fork();
	ASSERT_GE(t, 0);
	if (t == 0) {
		KEEP_FDS(from_t[1], go_t[0]);
		if (enter_userns() || unshare(flags))
			_exit(1);
		ids[n++] = ns_id_of(0, "user");
		for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
			if (flags & plain_types[i].flag)
				ids[n++] = ns_id_of(0, plain_types[i].name);
		if (!put(from_t[1], ids, sizeof(ids)))
			_exit(2);
		await(go_t[0]);
		_exit(0);
	}
	close(from_t[1]);
	close(go_t[0]);
	ASSERT_TRUE(get(from_t[0], ids, sizeof(ids)));
	n = 1;
	for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
		if (flags & plain_types[i].flag)
			n++;
	pidfd = sys_pidfd_open(t, 0);
	ASSERT_GE(pidfd, 0) TH_LOG("pidfd_open: errno %d", errno);

	j = fork();
	ASSERT_GE(j, 0);
	if (j == 0) {
		int k = 1;

		KEEP_FDS(pidfd, from_j[1], go_j[0]);
		if (setns(pidfd, flags))
			_exit(1);
		for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
			if ((flags & plain_types[i].flag) &&
			    ns_id_of(0, plain_types[i].name) != ids[k++])
				_exit(2);
		mark = 0;
		if (!put(from_j[1], &mark, sizeof(mark)))
			_exit(3);
		refused_joins(pidfd, flags, go_j[0], from_j[1]);
		_exit(0);
	}
	close(from_j[1]);
	close(go_j[0]);
	ASSERT_TRUE(get(from_j[0], &mark, sizeof(mark)))
		TH_LOG("setns(pidfd) into a live task failed");
	for (int i = 0; i < n; i++)
		EXPECT_STATE(ACTIVE, ids[i], "T's namespace %d, T and J running", i);

	close(go_t[1]);
	ASSERT_EQ(0, waitid(P_PID, t, &si, WEXITED | WNOWAIT));
	ASSERT_TRUE(put_byte(go_j[1]));
	ASSERT_TRUE(get(from_j[0], &refused, sizeof(refused)));
	EXPECT_EQ(0, refused) TH_LOG("setns(pidfd) into a zombie: 1, 3 worked; 2, 4 not ESRCH");
	for (int i = 0; i < n; i++)
		EXPECT_STATE(ACTIVE, ids[i], "T's namespace %d, T a zombie, J in them", i);
	ASSERT_EQ(0, wait_ok(t));
	ASSERT_TRUE(put_byte(go_j[1]));
	ASSERT_TRUE(get(from_j[0], &refused, sizeof(refused)));
	EXPECT_EQ(0, refused)
		TH_LOG("setns(pidfd) into a reaped task: 1, 3 worked; 2, 4 not ESRCH");
	for (int i = 0; i < n; i++)
		EXPECT_STATE(ACTIVE, ids[i], "T's namespace %d, T reaped, J in them", i);
	close(go_j[1]);
	ASSERT_EQ(0, wait_ok(j));
	for (int i = 0; i < n; i++)
		EXPECT_STATE(INACTIVE, ids[i], "T's namespace %d, T and J reaped", i);
	if (!klog_end(&klog, &grown, &excerpt)) {
		klog_describe(&grown, counts, sizeof(counts));
		EXPECT_EQ(0, klog_total(&grown))
			TH_LOG("kernel log: %s, from: %.3000s", counts, excerpt ? excerpt : "?");
	}
	free(excerpt);
	close(pidfd);
	close(from_t[0]);
	close(from_j[0]);
}

static void *idle_thread(void *p)
{
	await(*(int *)p);
	return NULL;
}

/* In a child: set*id() calls that end where they began, many times over; 0 if all worked. */
static int set_ids_and_back(void)
{
	for (unsigned int i = 1; i < 64; i++) {
		gid_t g = i;

		setfsuid(i);
		setfsgid(i);
		if (setfsuid(-1) != (int)i || setfsgid(-1) != (int)i)
			return 1;
		if (setgroups(1, &g) || setresgid(i, i, 0))
			return 2;
		/* Effective id i, saved 0: no effective capabilities, but the way back. */
		if (setresuid(i, i, 0) || geteuid() != i)
			return 3;
		if (setresuid(-1, 0, -1) || setresuid(0, 0, 0))
			return 4;
		if (setgid(i) || setgid(0) || setresgid(0, 0, 0) || setuid(0))
			return 5;
		setfsuid(0);
		setfsgid(0);
		if (setgroups(0, NULL))
			return 6;
	}
	return 0;
}

/*
 * A child setns()es into user namespace U, which maps many ids, and starts
 * two threads: U is held by the credentials of its three tasks only.
 * setuid(), setgid(), setresuid(), setresgid(), setfsuid(), setfsgid() and
 * setgroups(), on every thread, there and back many times, then a setuid()
 * that drops root for good: U stays active throughout (no count lost), and
 * once the child is reaped it is inactive (none left over).
 */
TEST(set_id_calls_keep_the_user_namespace_count_exact)
{
	int from_c[2], go_c[2], ufd;
	__u64 user;
	char c;
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	ufd = wide_userns();
	ASSERT_GE(ufd, 0) TH_LOG("a user namespace mapping %d ids: errno %d", WIDE_IDS, errno);
	user = ns_id_of_fd(ufd);
	ASSERT_GT(user, NS_LAST_INIT_ID);
	ASSERT_EQ(0, pipe2(from_c, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_c, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pthread_t threads[2];
		int idle[2], err;

		KEEP_FDS(ufd, from_c[1], go_c[0]);
		if (setns(ufd, CLONE_NEWUSER))
			_exit(1);
		close(ufd);
		/* The threads wait on a pipe of their own, never written. */
		if (pipe2(idle, O_CLOEXEC))
			_exit(2);
		for (int i = 0; i < 2; i++)
			if (pthread_create(&threads[i], NULL, idle_thread, &idle[0]))
				_exit(2);
		if (!put_byte(from_c[1]))
			_exit(3);
		await(go_c[0]);
		err = set_ids_and_back();
		if (err)
			_exit(10 + err);
		if (!put_byte(from_c[1]))
			_exit(4);
		await(go_c[0]);
		if (setgroups(0, NULL) || setuid(1000) || getuid() != 1000 || geteuid() != 1000)
			_exit(5);
		if (!put_byte(from_c[1]))
			_exit(6);
		await(go_c[0]);
		/* exit_group(): the threads go with us. */
		_exit(0);
	}
	close(from_c[1]);
	close(go_c[0]);
	ASSERT_TRUE(get(from_c[0], &c, 1)) TH_LOG("the child could not join U");
	close(ufd);
	EXPECT_STATE(ACTIVE, user, "U, held by the credentials of three tasks");

	ASSERT_TRUE(put_byte(go_c[1]));
	ASSERT_TRUE(get(from_c[0], &c, 1)) TH_LOG("set*id() failed: status %d", wait_ok(pid));
	EXPECT_STATE(ACTIVE, user, "U, after set*id() there and back");

	ASSERT_TRUE(put_byte(go_c[1]));
	ASSERT_TRUE(get(from_c[0], &c, 1)) TH_LOG("setuid(1000) failed: status %d", wait_ok(pid));
	EXPECT_STATE(ACTIVE, user, "U, after setuid(1000)");

	close(go_c[1]);
	ASSERT_EQ(0, wait_ok(pid));
	EXPECT_STATE(INACTIVE, user, "U, its tasks reaped");
	close(from_c[0]);
}

/*
 * A child setns()es into user namespace U, then unshares V in U and W in V
 * (setuid(0) and setgid(0) in V between), and forks a grandchild that
 * unshares X in W.  All four are active.  The grandchild reaped, X is
 * inactive and W, V and U stay active (the child's credentials hold W, and
 * W its ancestors).  The child reaped, none is active.
 */
TEST(nested_user_namespaces_keep_exact_counts)
{
	int report[2], go_c[2], go_gc[2], ufd;
	__u64 ids[4], mark;
	pid_t pid;

	if (no_nsid(_metadata))
		return;
	ufd = wide_userns();
	ASSERT_GE(ufd, 0) TH_LOG("errno %d", errno);
	ids[0] = ns_id_of_fd(ufd);
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_c, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go_gc, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		__u64 vw[2];
		pid_t gc;

		KEEP_FDS(ufd, report[1], go_c[0], go_gc[0]);
		if (setns(ufd, CLONE_NEWUSER))
			_exit(1);
		close(ufd);
		if (enter_userns() || setuid(0) || setgid(0))
			_exit(2);
		vw[0] = ns_id_of(0, "user");
		if (enter_userns())
			_exit(3);
		vw[1] = ns_id_of(0, "user");
		if (!put(report[1], vw, sizeof(vw)))
			_exit(4);
		gc = fork();
		if (gc < 0)
			_exit(5);
		if (gc == 0) {
			__u64 x;

			if (enter_userns())
				_exit(1);
			x = ns_id_of(0, "user");
			if (!put(report[1], &x, sizeof(x)))
				_exit(2);
			await(go_gc[0]);
			_exit(0);
		}
		if (wait_ok(gc))
			_exit(6);
		mark = 0;
		if (!put(report[1], &mark, sizeof(mark)))
			_exit(7);
		await(go_c[0]);
		_exit(0);
	}
	close(report[1]);
	close(go_c[0]);
	close(go_gc[0]);
	ASSERT_TRUE(get(report[0], &ids[1], 2 * sizeof(ids[0])));
	ASSERT_TRUE(get(report[0], &ids[3], sizeof(ids[3])));
	close(ufd);
	for (int i = 0; i < 4; i++)
		EXPECT_STATE(ACTIVE, ids[i], "user namespace %c, tasks running", "UVWX"[i]);
	close(go_gc[1]);
	ASSERT_TRUE(get(report[0], &mark, sizeof(mark)));
	EXPECT_STATE(INACTIVE, ids[3], "X, its task reaped");
	for (int i = 0; i < 3; i++)
		EXPECT_STATE(ACTIVE, ids[i], "user namespace %c, the child in W", "UVW"[i]);
	close(go_c[1]);
	ASSERT_EQ(0, wait_ok(pid));
	for (int i = 0; i < 4; i++)
		EXPECT_STATE(INACTIVE, ids[i], "user namespace %c, all reaped", "UVWX"[i]);
	close(report[0]);
}

/*
 * A child in user namespaces A and B in A makes network namespace N in B
 * and an AF_INET socket there, passes it to us and is reaped.  The socket
 * holds N, but not actively: N, B and A are inactive.  SIOCGSKNS gives an
 * ns file of N: N, B and A are active until it is closed, and again at the
 * next SIOCGSKNS.  With two such fds, closing one leaves them active.
 */
TEST(a_socket_resurrects_its_network_namespace)
{
	struct orphan o;
	int fd, fd2;

	if (no_nsid(_metadata))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	ASSERT_EQ(0, orphan_start(&o, 2)) TH_LOG("errno %d", errno);
	EXPECT_STATE(ACTIVE, o.ids.net_id, "N, its task running");
	ASSERT_EQ(0, orphan_reap(&o));

	EXPECT_STATE(INACTIVE, o.ids.net_id, "N, held by a socket only");
	EXPECT_STATE(INACTIVE, o.ids.user_id[1], "B, owner of N");
	EXPECT_STATE(INACTIVE, o.ids.user_id[0], "A, parent of B");
	for (int round = 1; round <= 2; round++) {
		fd = ioctl(o.sock, SIOCGSKNS);
		ASSERT_GE(fd, 0) TH_LOG("SIOCGSKNS: errno %d", errno);
		EXPECT_EQ(o.ids.net_id, ns_id_of_fd(fd));
		EXPECT_STATE(ACTIVE, o.ids.net_id, "N, SIOCGSKNS round %d", round);
		EXPECT_STATE(ACTIVE, o.ids.user_id[1], "B, SIOCGSKNS round %d", round);
		EXPECT_STATE(ACTIVE, o.ids.user_id[0], "A, SIOCGSKNS round %d", round);
		close(fd);
		EXPECT_STATE(INACTIVE, o.ids.net_id, "N, SIOCGSKNS fd closed, round %d", round);
		EXPECT_STATE(INACTIVE, o.ids.user_id[1], "B, SIOCGSKNS fd closed, round %d", round);
		EXPECT_STATE(INACTIVE, o.ids.user_id[0], "A, SIOCGSKNS fd closed, round %d", round);
	}
	fd = ioctl(o.sock, SIOCGSKNS);
	ASSERT_GE(fd, 0);
	fd2 = ioctl(o.sock, SIOCGSKNS);
	ASSERT_GE(fd2, 0);
	close(fd);
	EXPECT_STATE(ACTIVE, o.ids.net_id, "N, one of two SIOCGSKNS fds closed");
	EXPECT_STATE(ACTIVE, o.ids.user_id[0], "A, one of two SIOCGSKNS fds closed");
	close(fd2);
	EXPECT_STATE(INACTIVE, o.ids.net_id, "N, both SIOCGSKNS fds closed");
	EXPECT_STATE(INACTIVE, o.ids.user_id[0], "A, both SIOCGSKNS fds closed");
	close(o.sock);
}

/*
 * /proc/namespaces lists a namespace while it is live, active or not.  The
 * mode of its entry tells which: 0777 active, 0444 inactive.  The steps of
 * a_socket_resurrects_its_network_namespace, for the network namespace and
 * its owner: until the socket is closed, the entries are there.  Then they
 * go, once the kernel has freed the namespaces.
 */
TEST(proc_namespaces_modes_follow_activity)
{
	struct orphan o;
	int fd;

	if (no_nsid(_metadata))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	if (access(PROC_NS, F_OK))
		SKIP(return, "no " PROC_NS ": a kernel without it (errno %d)", errno);
	EXPECT_EQ(ACTIVE_MODE, entry_mode("net", initial_inum(CLONE_NEWNET)));
	ASSERT_EQ(0, orphan_start(&o, 1)) TH_LOG("errno %d", errno);
	EXPECT_EQ(ACTIVE_MODE, entry_mode("net", o.ids.net_ino))
		TH_LOG("net, its task running: mode %o", entry_mode("net", o.ids.net_ino));
	EXPECT_EQ(ACTIVE_MODE, entry_mode("user", o.ids.user_ino[0]))
		TH_LOG("user, its task running: mode %o", entry_mode("user", o.ids.user_ino[0]));
	ASSERT_EQ(0, orphan_reap(&o));

	for (int round = 0; round <= 2; round++) {
		EXPECT_EQ(INACTIVE_MODE, entry_mode("net", o.ids.net_ino))
			TH_LOG("net, held by a socket, round %d: mode %o", round,
			       entry_mode("net", o.ids.net_ino));
		EXPECT_EQ(INACTIVE_MODE, entry_mode("user", o.ids.user_ino[0]))
			TH_LOG("user, owner of a net held by a socket, round %d: mode %o", round,
			       entry_mode("user", o.ids.user_ino[0]));
		EXPECT_TRUE(entry_listed("net", o.ids.net_ino)) TH_LOG("round %d", round);
		EXPECT_TRUE(entry_listed("user", o.ids.user_ino[0])) TH_LOG("round %d", round);
		EXPECT_STATE(INACTIVE, o.ids.net_id, "net, held by a socket, round %d", round);
		if (round == 2)
			break;
		fd = ioctl(o.sock, SIOCGSKNS);
		ASSERT_GE(fd, 0) TH_LOG("SIOCGSKNS: errno %d", errno);
		EXPECT_EQ(ACTIVE_MODE, entry_mode("net", o.ids.net_ino))
			TH_LOG("net, SIOCGSKNS fd open: mode %o", entry_mode("net", o.ids.net_ino));
		EXPECT_EQ(ACTIVE_MODE, entry_mode("user", o.ids.user_ino[0]))
			TH_LOG("user, SIOCGSKNS fd open: mode %o",
			       entry_mode("user", o.ids.user_ino[0]));
		EXPECT_STATE(ACTIVE, o.ids.net_id, "net, SIOCGSKNS fd open");
		close(fd);
	}
	close(o.sock);
	EXPECT_TRUE(entry_goes("net", o.ids.net_ino)) TH_LOG("net entry still there");
	EXPECT_TRUE(entry_goes("user", o.ids.user_ino[0])) TH_LOG("user entry still there");
}

/*
 * With namespaces in every state -- a child's (active), an fd's after its
 * tasks left (active), a socket's after its task left (inactive, live),
 * and a child's reaped (inactive, maybe gone) -- every id up to SCAN_IDS
 * below the largest, and a few above, is listed if and only if its handle
 * opens, and is otherwise ESTALE.
 */
TEST(listing_and_handles_agree_on_every_id)
{
	static __u64 ids[MAX_IDS];
	struct holder running, held, reaped;
	int mnt_fd, mismatches = 0, both = 0, neither = 0;
	__u64 running_user, held_mnt, held_user, reaped_user, hi, lo, id;
	bool net = ns_present("net");
	struct orphan o = { .sock = -1 };
	long n;

	if (no_nsid(_metadata))
		return;
	ASSERT_EQ(0, holder_start(&running, (CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC |
					    CLONE_NEWNET) & ~ns_absent_flags()));
	running_user = ns_id_of(running.grandchild, "user");

	ASSERT_EQ(0, holder_start(&held, CLONE_NEWUSER | CLONE_NEWNS));
	held_user = ns_id_of(held.grandchild, "user");
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", held.grandchild);
		mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_GE(mnt_fd, 0);
		held_mnt = ns_id_of_fd(mnt_fd);
	}
	ASSERT_EQ(0, holder_end(&held));

	if (net) {
		ASSERT_EQ(0, orphan_start(&o, 1));
		ASSERT_EQ(0, orphan_reap(&o));
	}
	ASSERT_EQ(0, holder_start(&reaped, CLONE_NEWUSER | CLONE_NEWPID));
	reaped_user = ns_id_of(reaped.grandchild, "user");
	ASSERT_EQ(0, holder_end(&reaped));

	n = listns_all(0, 0, ids, MAX_IDS);
	ASSERT_GT(n, 0) TH_LOG("errno %d", errno);
	hi = ids[n - 1];
	if (reaped_user > hi)
		hi = reaped_user;
	lo = hi > SCAN_IDS ? hi - SCAN_IDS : 1;
	for (id = lo; id <= hi + 64; id++) {
		bool listed = has_id(ids, n, id), opened;
		struct nsfs_handle h;
		int fd;

		ns_handle_of_id(id, &h);
		fd = open_ns_handle(&h, O_RDONLY | O_CLOEXEC);
		opened = fd >= 0;
		if (opened)
			close(fd);
		if (listed == opened && (opened || errno == ESTALE)) {
			both += opened;
			neither += !opened;
			continue;
		}
		if (++mismatches <= 10)
			TH_LOG("id %llu: %s, handle %s (errno %d)", (unsigned long long)id,
			       listed ? "listed" : "not listed", opened ? "opens" : "fails",
			       opened ? 0 : errno);
	}
	/* And the listed ones below the range. */
	for (long i = 0; i < n && ids[i] < lo; i++) {
		struct nsfs_handle h;
		int fd;

		ns_handle_of_id(ids[i], &h);
		fd = open_ns_handle(&h, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			both++;
		} else if (++mismatches <= 10) {
			TH_LOG("id %llu: listed, handle fails (errno %d)",
			       (unsigned long long)ids[i], errno);
		}
	}
	EXPECT_EQ(0, mismatches);
	TH_LOG("ids %llu to %llu and %ld listed: %d listed and open, %d neither",
	       (unsigned long long)lo, (unsigned long long)hi + 64, n, both, neither);

	EXPECT_STATE(ACTIVE, running_user, "user of a running child");
	EXPECT_STATE(ACTIVE, held_mnt, "mnt held by an fd");
	EXPECT_STATE(ACTIVE, held_user, "user, owner of a mnt held by an fd");
	EXPECT_STATE(INACTIVE, reaped_user, "user of a reaped child");
	if (net) {
		EXPECT_STATE(INACTIVE, o.ids.net_id, "net held by a socket");
		EXPECT_STATE(INACTIVE, o.ids.user_id[0], "user, owner of a net held by a socket");
		close(o.sock);
	}
	close(mnt_fd);
	EXPECT_STATE(INACTIVE, held_mnt, "mnt, its fd closed");
	EXPECT_STATE(INACTIVE, held_user, "user, owner of a mnt, its fd closed");
	ASSERT_EQ(0, holder_end(&running));
	EXPECT_STATE(INACTIVE, running_user, "user of a child, reaped");
}

/* ---- stress ---- */

enum stress_kind { NEST, THREADS, SETNS, SOCKET, FDS, STRESS_KINDS };

static const char *const stress_names[STRESS_KINDS] = {
	"nest", "threads", "setns", "socket", "fds",
};

struct stress_shared {
	long rounds[STRESS_KINDS];
};

/* Prints where a worker's round failed; nonzero. */
static int stress_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("# stress: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* The n ids are in state want; nonzero (and says so) if one is not. */
static int stress_want(const char *what, const __u64 *ids, int n, int want)
{
	for (int i = 0; i < n; i++) {
		int state = state_of(ids[i]);

		if (state != want)
			return stress_fail("%s: id %llu (%d of %d) %s, expected %s", what,
					   (unsigned long long)ids[i], i, n, state_name(state),
					   state_name(want));
	}
	return 0;
}

/*
 * A child nests `levels` user namespaces, unshares every other type in the
 * last, and forks a grandchild into them.  It reports their ids and both
 * exit.  Reaped, none is active.
 */
static int stress_nest(int levels)
{
	int report[2], go[2], n = 0;
	__u64 ids[MAX_LEVELS + NS_KINDS];
	pid_t pid;

	if (pipe2(report, O_CLOEXEC))
		return stress_fail("nest: pipe: errno %d", errno);
	pid = fork();
	if (pid == 0) {
		pid_t gc;

		KEEP_FDS(report[1]);
		for (int i = 0; i < levels; i++) {
			if (enter_userns())
				_exit(1);
			ids[n++] = ns_id_of(0, "user");
		}
		if (unshare(ALL_TYPES & ~CLONE_NEWUSER & ~ns_absent_flags()) ||
		    pipe2(go, O_CLOEXEC))
			_exit(2);
		gc = fork();
		if (gc < 0)
			_exit(3);
		if (gc == 0) {
			close(go[1]);
			await(go[0]);
			_exit(0);
		}
		close(go[0]);
		for (size_t i = 0; i < NS_KINDS; i++)
			if (ns_kinds[i].flag != CLONE_NEWUSER && ns_present(ns_kinds[i].name))
				ids[n++] = ns_id_of(gc, ns_kinds[i].name);
		close(go[1]);
		if (wait_ok(gc))
			_exit(4);
		if (!put(report[1], &n, sizeof(n)) || !put(report[1], ids, n * sizeof(ids[0])))
			_exit(5);
		_exit(0);
	}
	close(report[1]);
	if (pid < 0 || !get(report[0], &n, sizeof(n)) || n < 1 || n > (int)ARRAY_SIZE(ids) ||
	    !get(report[0], ids, n * sizeof(ids[0]))) {
		close(report[0]);
		return stress_fail("nest: child status %d", pid < 0 ? -1 : wait_ok(pid));
	}
	close(report[0]);
	if (wait_ok(pid))
		return stress_fail("nest: child failed");
	for (int i = 0; i < n; i++)
		if (ids[i] <= NS_LAST_INIT_ID)
			return stress_fail("nest: namespace %d of %d not new: id %llu", i, n,
					   (unsigned long long)ids[i]);
	return stress_want("nest, reaped", ids, n, INACTIVE);
}

struct stress_thread {
	const char *name;
	int flag;
	int ready;	/* -1: return at once; else say so here, then wait on go */
	int go;
	__u64 id;
};

static void *stress_thread_fn(void *p)
{
	struct stress_thread *t = p;
	char path[64];
	int fd;

	if (!unshare(t->flag)) {
		snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", t->name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		t->id = ns_id_of_fd(fd);
		if (fd >= 0)
			close(fd);
	}
	if (t->ready >= 0 && put_byte(t->ready))
		await(t->go);
	return NULL;
}

/*
 * A child in a new user namespace runs three threads that unshare a
 * namespace each and are joined, and a fourth that does the same and is
 * still running at exit_group().  Reaped, none of them is active.
 */
static int stress_threads(void)
{
	/* uts, lighter than net on a debug kernel, where there are both. */
	const char *name = ns_first_present("uts", "net", NULL);
	int report[2], flag = name && !strcmp(name, "uts") ? CLONE_NEWUTS : CLONE_NEWNET;
	__u64 ids[5];
	pid_t pid;

	if (!name)
		return 0;
	if (pipe2(report, O_CLOEXEC))
		return stress_fail("threads: pipe: errno %d", errno);
	pid = fork();
	if (pid == 0) {
		struct stress_thread t[4];
		int ready[2], go[2];
		pthread_t th[4];
		char c;

		KEEP_FDS(report[1]);
		if (enter_userns() || pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
			_exit(1);
		ids[0] = ns_id_of(0, "user");
		for (int i = 0; i < 4; i++) {
			t[i] = (struct stress_thread){ .name = name, .flag = flag, .ready = -1 };
			if (i == 3) {
				t[i].ready = ready[1];
				t[i].go = go[0];
			}
			if (pthread_create(&th[i], NULL, stress_thread_fn, &t[i]))
				_exit(2);
		}
		for (int i = 0; i < 3; i++)
			if (pthread_join(th[i], NULL))
				_exit(3);
		/* The fourth has its namespace once it says so; it is never joined. */
		if (!get(ready[0], &c, 1))
			_exit(4);
		for (int i = 0; i < 4; i++)
			ids[1 + i] = t[i].id;
		if (!put(report[1], ids, sizeof(ids)))
			_exit(5);
		_exit(0);
	}
	close(report[1]);
	if (pid < 0 || !get(report[0], ids, sizeof(ids))) {
		close(report[0]);
		return stress_fail("threads: child status %d", pid < 0 ? -1 : wait_ok(pid));
	}
	close(report[0]);
	if (wait_ok(pid))
		return stress_fail("threads: child failed");
	for (int i = 0; i < 5; i++)
		if (ids[i] <= NS_LAST_INIT_ID)
			return stress_fail("threads: namespace %d not new", i);
	return stress_want("threads, reaped", ids, 5, INACTIVE);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Target A in a new user namespace and new uts, ipc and net namespaces;
 * joiner B setns()es into all of them, the user namespace too, by pidfd.  A
 * as a zombie refuses B's setns() again.  With A reaped, B holds them; with
 * B reaped, none is active.
 */
static int stress_setns(void)
{
	int flags = (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) & ~ns_absent_flags();
	int from_a[2] = { -1, -1 }, go_a[2] = { -1, -1 }, from_b[2] = { -1, -1 };
	int go_b[2] = { -1, -1 }, pidfd = -1, n = 1, err = 1, refused = -1;
	__u64 ids[1 + ARRAY_SIZE(plain_types)] = { 0 };
	siginfo_t si = { 0 };
	pid_t a = -1, b = -1;
	char c;

	for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
		if (flags & plain_types[i].flag)
			n++;
	if (pipe2(from_a, O_CLOEXEC) || pipe2(go_a, O_CLOEXEC) ||
	    pipe2(from_b, O_CLOEXEC) || pipe2(go_b, O_CLOEXEC)) {
		stress_fail("setns: pipe: errno %d", errno);
		goto out;
	}
	a = fork();
	if (a == 0) {
		int k = 0;

		KEEP_FDS(from_a[1], go_a[0]);
		if (enter_userns() || unshare(flags))
			_exit(1);
		ids[k++] = ns_id_of(0, "user");
		for (size_t i = 0; i < ARRAY_SIZE(plain_types); i++)
			if (flags & plain_types[i].flag)
				ids[k++] = ns_id_of(0, plain_types[i].name);
		if (!put(from_a[1], ids, sizeof(ids)))
			_exit(2);
		await(go_a[0]);
		_exit(0);
	}
	close_fd(&from_a[1]);
	close_fd(&go_a[0]);
	if (a < 0 || !get(from_a[0], ids, sizeof(ids))) {
		stress_fail("setns: the target failed");
		goto out;
	}
	pidfd = sys_pidfd_open(a, 0);
	if (pidfd < 0) {
		stress_fail("setns: pidfd_open: errno %d", errno);
		goto out;
	}
	b = fork();
	if (b == 0) {
		KEEP_FDS(pidfd, from_b[1], go_b[0]);
		if (setns(pidfd, flags | CLONE_NEWUSER) || !put_byte(from_b[1]))
			_exit(1);
		refused_joins(pidfd, flags, go_b[0], from_b[1]);
		_exit(0);
	}
	close_fd(&from_b[1]);
	close_fd(&go_b[0]);
	if (b < 0 || !get(from_b[0], &c, 1)) {
		stress_fail("setns: the joiner failed");
		goto out;
	}
	close_fd(&go_a[1]);
	if (waitid(P_PID, a, &si, WEXITED | WNOWAIT)) {
		stress_fail("setns: waitid: errno %d", errno);
		goto out;
	}
	if (!put_byte(go_b[1]) || !get(from_b[0], &refused, sizeof(refused)) || refused) {
		stress_fail("setns: setns(pidfd) into a zombie: %d (1, 3 worked; 2, 4 not ESRCH)",
			    refused);
		goto out;
	}
	c = wait_ok(a);
	a = -1;
	if (c) {
		stress_fail("setns: the target failed");
		goto out;
	}
	if (stress_want("setns, target reaped, joiner in them", ids, n, ACTIVE))
		goto out;
	close_fd(&go_b[1]);
	c = wait_ok(b);
	b = -1;
	if (c) {
		stress_fail("setns: the joiner failed");
		goto out;
	}
	err = stress_want("setns, all reaped", ids, n, INACTIVE);
out:
	close_fd(&go_a[1]);
	close_fd(&go_b[1]);
	if (a > 0)
		wait_ok(a);
	if (b > 0)
		wait_ok(b);
	close_fd(&pidfd);
	close_fd(&from_a[0]);
	close_fd(&from_a[1]);
	close_fd(&go_a[0]);
	close_fd(&from_b[0]);
	close_fd(&from_b[1]);
	close_fd(&go_b[0]);
	return err;
}

/* An orphaned socket of `levels` user namespaces: inactive, active while SIOCGSKNS's fd lives. */
static int stress_socket(int levels)
{
	__u64 ids[1 + MAX_LEVELS];
	struct orphan o;
	int fd, err;

	if (!ns_present("net"))
		return 0;
	if (orphan_start(&o, levels))
		return stress_fail("socket: the child failed");
	if (orphan_reap(&o)) {
		close(o.sock);
		return stress_fail("socket: the child failed");
	}
	ids[0] = o.ids.net_id;
	for (int i = 0; i < levels; i++)
		ids[1 + i] = o.ids.user_id[i];
	err = stress_want("socket, its task reaped", ids, 1 + levels, INACTIVE);
	fd = ioctl(o.sock, SIOCGSKNS);
	if (!err && fd < 0)
		err = stress_fail("socket: SIOCGSKNS: errno %d", errno);
	if (!err)
		err = stress_want("socket, SIOCGSKNS fd open", ids, 1 + levels, ACTIVE);
	if (fd >= 0)
		close(fd);
	if (!err)
		err = stress_want("socket, SIOCGSKNS fd closed", ids, 1 + levels, INACTIVE);
	close(o.sock);
	return err;
}

/* Namespaces held by fds after their tasks are reaped: active, inactive once closed. */
static int stress_fds(void)
{
	static const char *const names[] = { "uts", "ipc", "pid", "mnt" };
	int fds[ARRAY_SIZE(names)], nfds = 0, n = 0, err = 0;
	__u64 ids[1 + ARRAY_SIZE(names)];
	struct holder h;

	if (holder_start(&h, (CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID |
			      CLONE_NEWNS) & ~ns_absent_flags()))
		return stress_fail("fds: the child failed");
	ids[n++] = ns_id_of(h.grandchild, "user");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[64];

		if (!ns_present(names[i]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", h.grandchild, names[i]);
		fds[nfds] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[nfds] < 0) {
			err = stress_fail("fds: %s: errno %d", path, errno);
			break;
		}
		ids[n++] = ns_id_of_fd(fds[nfds++]);
	}
	if (holder_end(&h) && !err)
		err = stress_fail("fds: the child failed");
	if (!err)
		err = stress_want("fds, held", ids, n, ACTIVE);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	if (!err)
		err = stress_want("fds, closed", ids, n, INACTIVE);
	return err;
}

static int stress_round(int kind, int r)
{
	switch (kind) {
	case NEST:
		return stress_nest(1 + r % MAX_LEVELS);
	case THREADS:
		return stress_threads();
	case SETNS:
		return stress_setns();
	case SOCKET:
		return stress_socket(1 + r % 2);
	case FDS:
		return stress_fds();
	}
	return 1;
}

static int stress_worker(int w, long deadline, struct stress_shared *sh)
{
	for (int r = 0; now_ms() < deadline; r++) {
		int kind = (r + w) % STRESS_KINDS;

		if (stress_round(kind, r)) {
			fprintf(stderr, "# stress: worker %d, round %d (%s) failed\n", w, r,
				stress_names[kind]);
			return 1;
		}
		__atomic_add_fetch(&sh->rounds[kind], 1, __ATOMIC_RELAXED);
	}
	return 0;
}

/*
 * STRESS_WORKERS processes do rounds of every kind above until STRESS_MS
 * have passed, each checking its own namespaces' states.  Then the listing
 * of all namespaces is what it was before, id for id, and the kernel log has
 * no new report (WARNING, BUG, KASAN...).
 */
TEST(stress_ends_where_it_started)
{
	static __u64 before[MAX_IDS], after[MAX_IDS];
	long start = now_ms(), nb, na, total = 0;
	struct stress_shared *sh;
	pid_t workers[STRESS_WORKERS];
	int extra = 0, missing = 0;
	struct klog_counts grown;
	struct klog_mark mark;
	char counts[128], *excerpt = NULL;

	if (no_nsid(_metadata))
		return;
	klog_begin(&mark, "active_refs stress");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	nb = listns_all(0, 0, before, MAX_IDS);
	ASSERT_GT(nb, 0) TH_LOG("errno %d", errno);
	for (int w = 0; w < STRESS_WORKERS; w++) {
		workers[w] = fork();
		ASSERT_GE(workers[w], 0);
		if (workers[w] == 0)
			_exit(stress_worker(w, start + STRESS_MS, sh));
	}
	for (int w = 0; w < STRESS_WORKERS; w++) {
		int status = wait_by(workers[w], start + STRESS_MS + STRESS_JOIN_MS);

		EXPECT_EQ(0, status) TH_LOG("worker %d: status %d%s", w, status,
					    status == STUCK ? " (stuck, killed)" : "");
	}
	na = listns_all(0, 0, after, MAX_IDS);
	ASSERT_GT(na, 0) TH_LOG("errno %d", errno);
	for (long i = 0; i < na; i++)
		if (!has_id(before, nb, after[i]) && ++extra <= 10)
			TH_LOG("listed after, not before: %llu", (unsigned long long)after[i]);
	for (long i = 0; i < nb; i++)
		if (!has_id(after, na, before[i]) && ++missing <= 10)
			TH_LOG("listed before, not after: %llu", (unsigned long long)before[i]);
	EXPECT_EQ(nb, na);
	EXPECT_EQ(0, extra);
	EXPECT_EQ(0, missing);
	for (int k = 0; k < STRESS_KINDS; k++)
		total += sh->rounds[k];
	TH_LOG("%ld rounds in %ld ms (nest %ld, threads %ld, setns %ld, socket %ld, fds %ld); "
	       "%ld namespaces listed before and after", total, now_ms() - start,
	       sh->rounds[NEST], sh->rounds[THREADS], sh->rounds[SETNS], sh->rounds[SOCKET],
	       sh->rounds[FDS], na);
	EXPECT_GT(total, 0);
	if (klog_end(&mark, &grown, &excerpt)) {
		TH_LOG("cannot read the kernel log: %s", strerror(errno));
	} else {
		klog_describe(&grown, counts, sizeof(counts));
		EXPECT_EQ(0, klog_total(&grown))
			TH_LOG("kernel log: %s, from: %.3000s", counts, excerpt ? excerpt : "?");
	}
	free(excerpt);
	munmap(sh, sizeof(*sh));
}

static void __attribute__((constructor)) stress_timeout(void)
{
	_stress_ends_where_it_started_object.timeout = STRESS_TIMEOUT_S;
}

TEST_HARNESS_MAIN
