// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: per-operation cost of the namespace paths, run in the guest.
 *
 * Each workload runs in rounds of OPS operations, timed with
 * CLOCK_MONOTONIC.  Under QEMU's -icount shift=0 guest time advances one
 * nanosecond per instruction, so a round's time is its instruction count.
 * Rounds repeat until the last three agree within 1% (at most 12 rounds),
 * and the figure is the median of all the rounds run.
 *
 * unshare_ipc is the exception.  An ipc namespace is freed by a worker,
 * after an RCU grace period, in batches of every namespace dropped
 * meanwhile: each round's figure depends on how many batches fell in it,
 * and rounds swing by 5% either way (alternately, as a batch a round
 * leaves behind falls in the next).  It runs a fixed 48 rounds, and the
 * figure is the mean over all of them: the cost of that many contiguous
 * operations, in which only the batches at the two ends are cut.  (Net
 * namespaces are also freed in batches, but one costs 290,000
 * instructions: there a batch is small beside a round, and rounds settle.)
 *
 * The output is one line per workload:
 *
 *   BENCH <workload> <ops per round> <rounds> <ns per op>
 *
 * and, with NSBENCH_ROUNDS set in the environment, a line per round before
 * it ("ROUND <workload> <round> <ns per op>"), printed once all have run so
 * that the console does not come between them.
 *
 * Enumeration workloads (enum_<method>_N<tasks>_M<namespaces>) list every
 * namespace with N tasks alive and M extra namespaces held by fds: one
 * operation is one whole listing, ENUM_OPS of them per round.
 *
 * Usage: nsbench [WORKLOAD...]   (all of them by default; "ops" names every
 *                                 workload but the enumeration ones, "enum"
 *                                 every enumeration one)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OPS 1000
#define MAX_ROUNDS 12
#define BATCHED_ROUNDS 48
_Static_assert(BATCHED_ROUNDS >= MAX_ROUNDS, "measure() sizes its arrays for both");

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "nsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Go one pid namespace deeper: the caller continues as the new init. */
static void descend(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		die("unshare(CLONE_NEWPID)");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0)
		exit(reap(pid));
}

/* One round of a workload: OPS operations; returns the time they took. */
typedef long long (*round_fn)(void *arg);

static long long round_fork_exit_wait(void *arg)
{
	long long start = now_ns();
	int i;

	(void)arg;
	for (i = 0; i < OPS; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	return now_ns() - start;
}

static long long round_clone_newpid(void *arg)
{
	long long start = now_ns();
	int i;

	(void)arg;
	for (i = 0; i < OPS; i++) {
		/* clone(2) without a new stack: the child runs on a copy of ours. */
		pid_t pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);

		if (pid < 0)
			die("clone(CLONE_NEWPID)");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	return now_ns() - start;
}

/* unshare() of a type creates a namespace and drops the one it replaces. */
static long long round_unshare(void *arg)
{
	int flag = *(int *)arg;
	long long start = now_ns();
	int i;

	for (i = 0; i < OPS; i++)
		if (unshare(flag))
			die("unshare");
	return now_ns() - start;
}

/*
 * The fast path: an fd held across the round keeps the namespace's dentry,
 * so each open finds it stashed.
 */
static long long round_open_close(void *arg)
{
	int held = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	long long start = now_ns(), end;
	int i;

	(void)arg;
	if (held < 0)
		die("open");
	for (i = 0; i < OPS; i++) {
		int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open");
		close(fd);
	}
	end = now_ns();
	close(held);
	return end - start;
}

/*
 * The slow path: nothing holds the dentry (nsfs dentries are deleted on
 * their last put) and the caches were just dropped, so each open makes a new
 * inode and dentry.
 */
static long long round_open_after_drop(void *arg)
{
	long long total = 0;
	int i, drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	(void)arg;
	if (drop < 0)
		die("open drop_caches");
	for (i = 0; i < OPS / 10; i++) {
		long long start;
		int fd;

		if (pwrite(drop, "2", 1, 0) != 1)
			die("drop_caches");
		start = now_ns();
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open");
		close(fd);
		total += now_ns() - start;
	}
	close(drop);
	return total * 10;
}

/* setns() back and forth between two namespaces of one type. */
struct setns_pair {
	int fd[2];
	int type;
};

static long long round_setns(void *arg)
{
	struct setns_pair *pair = arg;
	long long start = now_ns();
	int i;

	for (i = 0; i < OPS; i++)
		if (setns(pair->fd[i & 1], pair->type))
			die("setns");
	return now_ns() - start;
}

static int wanted(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name) ||
		    (!strcmp(argv[i], "ops") && strncmp(name, "enum", 4)))
			return 1;
	return 0;
}

static void measure(const char *name, round_fn fn, void *arg, int batched);

/* Enumeration: N tasks alive, M namespaces held by fds, listed by a method. */
#define ENUM_OPS 5

/* The listing /proc/namespaces gives: one readdir of one directory. */
static long long list_proc_namespaces(void)
{
	DIR *dir = opendir("/proc/namespaces");
	struct dirent *d;
	long long n = 0;

	if (!dir)
		die("opendir /proc/namespaces");
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* What lsns does without it: every process's every ns link, read. */
static long long list_proc_walk(void)
{
	static const char *const links[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
		"time", "time_for_children", "user", "uts",
	};
	DIR *proc = opendir("/proc");
	char path[300], target[64];
	struct dirent *d;
	long long n = 0;
	size_t i;

	if (!proc)
		die("opendir /proc");
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s", d->d_name, links[i]);
			n += readlink(path, target, sizeof(target)) > 0;
		}
	}
	closedir(proc);
	return n;
}

/* Mainline's namespace ABI (nsrs has it; stock 6.12 does not). */
#define NS_GET_ID _IOR(0xb7, 13, unsigned long long)
#define NR_LISTNS 470
#define FD_NSFS_ROOT -10003
#define FILEID_NSFS 0xf1

struct listns_req {
	unsigned int size, spare;
	unsigned long long ns_id;
	unsigned int ns_type, spare2;
	unsigned long long user_ns_id;
};

static unsigned long long listed[20000];

/* Every namespace's id by listns(), in pages of page ids. */
static long long list_listns(size_t page)
{
	struct listns_req req = { .size = sizeof(req) };
	long long n = 0;
	long got;

	do {
		got = syscall(NR_LISTNS, &req, listed, page, 0);
		if (got < 0)
			break;	/* ENOENT: nothing after the last page */
		n += got;
		if (got)
			req.ns_id = listed[got - 1];
	} while ((size_t)got == page);
	return n;
}

static long long list_listns64(void)
{
	return list_listns(64);
}

static long long list_listns_all(void)
{
	return list_listns(sizeof(listed) / sizeof(listed[0]));
}

static int have_listns(void)
{
	struct listns_req req = { .size = sizeof(req) };

	return syscall(NR_LISTNS, &req, listed, 1, 0) >= 0;
}

/* The samples tool, without process counts: cost in the namespaces only. */
static long long list_lsns(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("nsrs-lsns", "nsrs-lsns", "--no-procs", (char *)NULL);
		_exit(127);
	}
	return reap(pid) == 0;
}

static long long round_enumerate(void *arg)
{
	long long (*list)(void) = arg;
	long long start = now_ns();
	int i;

	for (i = 0; i < ENUM_OPS; i++)
		list();
	return (now_ns() - start) * (OPS / ENUM_OPS);
}

/* N tasks that wait, in a process group of their own; returns the group. */
static pid_t spawn_tasks(int n)
{
	pid_t group = 0;

	while (n-- > 0) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			setpgid(0, group);
			pause();
			_exit(0);
		}
		/* Both sides set it: whichever runs first, the group exists. */
		setpgid(pid, group);
		if (!group)
			group = pid;
	}
	return group;
}

/* Up to m extra uts namespaces, each held by an fd of this process. */
static void hold_namespaces(int *held, int m)
{
	while (*held < m) {
		if (unshare(CLONE_NEWUTS))
			die("unshare(CLONE_NEWUTS)");
		if (open("/proc/self/ns/uts", O_RDONLY) < 0)
			die("open /proc/self/ns/uts");
		(*held)++;
	}
}

/* Whether a listing method's kernel interface (or file) is there. */
static int available(const char *needs)
{
	if (!needs)
		return 1;
	if (!strcmp(needs, "listns"))
		return have_listns();
	return !access(needs, F_OK);
}

static void enumeration_workloads(int argc, char **argv)
{
	static const int tasks[] = { 100, 1000 }, spaces[] = { 100, 1000, 10000 };
	static const struct {
		const char *name;
		long long (*list)(void);
		const char *needs;
	} methods[] = {
		{ "procns", list_proc_namespaces, "/proc/namespaces" },
		{ "walk", list_proc_walk, NULL },
		{ "lsns", list_lsns, "/bin/nsrs-lsns" },
		{ "listns64", list_listns64, "listns" },
		{ "listnsall", list_listns_all, "listns" },
	};
	struct rlimit nofile = { 20000, 20000 };
	size_t t, s, k;
	char name[64];
	int limit = open("/proc/sys/user/max_uts_namespaces", O_WRONLY);

	/* The default limit scales with memory: below 10,000 in the guest. */
	if (limit >= 0) {
		if (write(limit, "50000", 5) != 5)
			die("max_uts_namespaces");
		close(limit);
	}

	for (t = 0; t < sizeof(tasks) / sizeof(tasks[0]); t++) {
		pid_t pid = fork(), group;
		int held = 0;

		if (pid < 0)
			die("fork");
		if (pid > 0) {
			if (reap(pid))
				exit(1);
			continue;
		}
		if (setrlimit(RLIMIT_NOFILE, &nofile))
			die("setrlimit");
		group = spawn_tasks(tasks[t]);
		for (s = 0; s < sizeof(spaces) / sizeof(spaces[0]); s++) {
			hold_namespaces(&held, spaces[s]);
			for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
				snprintf(name, sizeof(name), "enum_%s_N%d_M%d", methods[k].name,
					 tasks[t], spaces[s]);
				if (!wanted(argc, argv, name) && !wanted(argc, argv, "enum"))
					continue;
				if (!available(methods[k].needs))
					continue;
				measure(name, round_enumerate, (void *)methods[k].list, 0);
			}
		}
		kill(-group, SIGKILL);
		while (wait(NULL) > 0)
			;
		exit(0);
	}
}

static int compare(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int stable(const long long *t, int n)
{
	long long lo = t[n - 1], hi = t[n - 1];
	int i;

	if (n < 3)
		return 0;
	for (i = n - 3; i < n; i++) {
		lo = t[i] < lo ? t[i] : lo;
		hi = t[i] > hi ? t[i] : hi;
	}
	return (hi - lo) * 100 <= lo;
}

/*
 * Runs rounds of a workload after a warm-up round and prints its figure:
 * the median of rounds that settle or, for a batched one, the mean of
 * BATCHED_ROUNDS rounds.
 */
static void measure(const char *name, round_fn fn, void *arg, int batched)
{
	long long t[BATCHED_ROUNDS], sorted[BATCHED_ROUNDS], total = 0;
	int i, n = 0, rounds = batched ? BATCHED_ROUNDS : MAX_ROUNDS;

	fn(arg);	/* warm-up round, not counted */
	while (n < rounds) {
		t[n] = fn(arg);
		n++;
		if (!batched && stable(t, n))
			break;
	}
	for (i = 0; getenv("NSBENCH_ROUNDS") && i < n; i++)
		printf("ROUND %s %d %lld\n", name, i, t[i] / OPS);
	if (batched) {
		for (i = 0; i < n; i++)
			total += t[i];
		printf("BENCH %s %d %d %lld\n", name, OPS, n, total / n / OPS);
	} else {
		memcpy(sorted, t, n * sizeof(t[0]));
		qsort(sorted, n, sizeof(sorted[0]), compare);
		printf("BENCH %s %d %d %lld\n", name, OPS, n, sorted[n / 2] / OPS);
	}
	fflush(stdout);
}

/* Run a workload in a child that first descends depth pid namespaces. */
static void measure_at_depth(const char *name, int depth, round_fn fn, void *arg,
			     int batched)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		while (depth-- > 0)
			descend();
		measure(name, fn, arg, batched);
		exit(0);
	}
	if (reap(pid))
		exit(1);
}

static int open_or_die(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(path);
	return fd;
}

/*
 * A pid and a net namespace other than ours, held by fds, for setns().  A
 * pid namespace can be opened once it has an init: a child that waits.
 */
/* An ns file's id, by NS_GET_ID: OPS ioctls. */
static long long round_ns_get_id(void *arg)
{
	int fd = *(int *)arg;
	unsigned long long id;
	long long start = now_ns();
	int i;

	for (i = 0; i < OPS; i++)
		if (ioctl(fd, NS_GET_ID, &id))
			die("NS_GET_ID");
	return now_ns() - start;
}

struct ns_handle {
	unsigned int handle_bytes;
	int handle_type;
	unsigned char f_handle[16];
};

/* A namespace reopened from its file handle, then closed: OPS times. */
static long long round_handle_open_close(void *arg)
{
	struct ns_handle *h = arg;
	long long start = now_ns();
	int i;

	for (i = 0; i < OPS; i++) {
		int fd = open_by_handle_at(FD_NSFS_ROOT, (struct file_handle *)h, O_RDONLY);

		if (fd < 0)
			die("open_by_handle_at");
		close(fd);
	}
	return now_ns() - start;
}

/* The same namespace opened by its name in /proc/namespaces, then closed. */
static long long round_procns_open_close(void *arg)
{
	const char *path = arg;
	long long start = now_ns();
	int i;

	for (i = 0; i < OPS; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			die(path);
		close(fd);
	}
	return now_ns() - start;
}

/*
 * The mainline ABI's paths, where the kernel has them: NS_GET_ID, and
 * reopening the network namespace by file handle against by its name in
 * /proc/namespaces.
 */
static void nsid_workloads(int argc, char **argv)
{
	static struct ns_handle handle;
	static char path[96];
	char target[64];
	int fd = open_or_die("/proc/self/ns/net"), mnt_id;
	unsigned long long id;
	ssize_t len;

	if (ioctl(fd, NS_GET_ID, &id))
		goto out;	/* stock: no namespace ids */
	if (wanted(argc, argv, "ns_get_id"))
		measure("ns_get_id", round_ns_get_id, &fd, 0);
	handle.handle_bytes = sizeof(handle.f_handle);
	if (name_to_handle_at(fd, "", (struct file_handle *)&handle, &mnt_id, AT_EMPTY_PATH))
		die("name_to_handle_at");
	if (wanted(argc, argv, "handle_open_close_net"))
		measure("handle_open_close_net", round_handle_open_close, &handle, 0);
	len = readlink("/proc/self/ns/net", target, sizeof(target) - 1);
	if (len < 0)
		die("readlink");
	target[len] = 0;
	snprintf(path, sizeof(path), "/proc/namespaces/%s", target);
	if (wanted(argc, argv, "procns_open_close_net") && !access(path, F_OK))
		measure("procns_open_close_net", round_procns_open_close, path, 0);
out:
	close(fd);
}

static void setns_workloads(void)
{
	struct setns_pair pid_pair = { .type = CLONE_NEWPID };
	struct setns_pair net_pair = { .type = CLONE_NEWNET };
	char path[64];
	pid_t pid = fork(), init;

	if (pid < 0)
		die("fork");
	if (pid > 0) {
		if (reap(pid))
			exit(1);
		return;
	}
	pid_pair.fd[0] = open_or_die("/proc/self/ns/pid");
	net_pair.fd[0] = open_or_die("/proc/self/ns/net");
	if (unshare(CLONE_NEWPID | CLONE_NEWNET))
		die("unshare");
	init = fork();
	if (init < 0)
		die("fork");
	if (init == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
	pid_pair.fd[1] = open_or_die(path);
	net_pair.fd[1] = open_or_die("/proc/self/ns/net");
	measure("setns_pid", round_setns, &pid_pair, 0);
	measure("setns_net", round_setns, &net_pair, 0);
	kill(init, SIGKILL);
	reap(init);
	exit(0);
}


int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int flag;
		int batched;	/* freed in batches by a worker: see the top */
	} unshares[] = {
		{ "unshare_net", CLONE_NEWNET, 0 }, { "unshare_uts", CLONE_NEWUTS, 0 },
		{ "unshare_ipc", CLONE_NEWIPC, 1 }, { "unshare_cgroup", CLONE_NEWCGROUP, 0 },
		{ "unshare_time", CLONE_NEWTIME, 0 },
	};
	static const int depths[] = { 1, 8, 32 };
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		snprintf(name, sizeof(name), "fork_exit_wait_depth%d", depths[i]);
		if (wanted(argc, argv, name))
			measure_at_depth(name, depths[i], round_fork_exit_wait, NULL, 0);
	}
	if (wanted(argc, argv, "clone_newpid_reap"))
		measure_at_depth("clone_newpid_reap", 0, round_clone_newpid, NULL, 0);
	for (i = 0; i < sizeof(unshares) / sizeof(unshares[0]); i++)
		if (wanted(argc, argv, unshares[i].name))
			measure_at_depth(unshares[i].name, 0, round_unshare,
					 (void *)&unshares[i].flag, unshares[i].batched);
	if (wanted(argc, argv, "open_close_ns_net_stashed"))
		measure("open_close_ns_net_stashed", round_open_close, NULL, 0);
	if (wanted(argc, argv, "open_ns_net_after_drop_caches"))
		measure("open_ns_net_after_drop_caches", round_open_after_drop, NULL, 0);
	if (wanted(argc, argv, "setns_pid") || wanted(argc, argv, "setns_net"))
		setns_workloads();
	nsid_workloads(argc, argv);
	enumeration_workloads(argc, argv);
	return 0;
}
