// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace churn for a debug kernel (KASAN, lockdep, kmemleak, debugobjects),
 * that runs as well on any other.
 *
 * WORKERS processes run up to ROUNDS_DEFAULT rounds each (NSRS_STRESS_ROUNDS
 * overrides), as many as fit in ROUNDS_PCT of the test's timeout, every round
 * one of:
 *
 *   churn  a forked child makes namespaces, of one type or several, with
 *          unshare() or clone3(), and exits;
 *   nest   a chain of unshare(CLONE_NEWPID) + fork() down to the deepest
 *          level (32), where one more unshare must fail with ENOSPC, then
 *          torn down from the bottom;
 *   bind   a child makes namespaces of every type and exits while we hold
 *          them by open ns files and a bind mount of one of them onto a
 *          file, released in varying orders, some fds kept for later rounds;
 *   storm  50 children at once in a new pid namespace, reaped by its init,
 *          or killed by its exit;
 *
 * while READERS processes list /proc/namespaces (the ns links of /proc/<pid>
 * on a kernel without it), open what they find, run NS_GET_NSTYPE,
 * NS_GET_USERNS, NS_GET_PARENT and NS_GET_OWNER_UID on it and setns() into
 * uts, net and ipc namespaces from forked children.  A namespace that
 * vanished before it was opened (ENOENT, ESRCH; EACCES from the ns link of a
 * process that is gone) is fine; any other failure is not.  On a kernel
 * without some namespace types (make test-configs), the rounds make only
 * those it has (ns_present.h).
 *
 * Then: every worker did at least one round; every namespace made is
 * released (some go asynchronously: by RELEASE_PCT of the timeout); kmemleak,
 * where the kernel has it, reports nothing; the kernel log has no new KASAN,
 * WARNING, lockdep, BUG, Oops, UBSAN or kmemleak report.  The rounds are
 * bounded in number and in time: a fast kernel does all of them, a debug one
 * under QEMU TCG, many times slower, as many as fit, and is not cut off by the
 * harness's timeout before the checks.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "../kselftest_harness.h"
#include "debug_checks.h"
#include "deadline.h"
#include "ns_present.h"

#define WORKERS 4
#define ROUNDS_DEFAULT 150
#define READERS 2
#define READ_ROUNDS_MAX 20000
/* In each worker's sequence of rounds, one in NEST_EVERY nests, one in STORM_EVERY storms. */
#define NEST_EVERY 50
#define STORM_EVERY 40
#define STORM_CHILDREN 50
/* Fds of ns files a bind worker keeps across rounds. */
#define KEPT_FDS 8

#define SETTLE_MS 5000
/* kmemleak reports objects older than 5 s (MSECS_MIN_AGE): wait a bit more. */
#define KMEMLEAK_AGE_S 6
/*
 * Above the harness's 30 s; below the guest runner's default of 300 s per
 * binary, which the suite's settings file raises, for a runner that does not.
 */
#define TIMEOUT_S 280
/*
 * The test's budget, in percent of TIMEOUT_S from its start: no round is
 * started after ROUNDS_PCT; a worker still in its round at JOIN_PCT, or a
 * reader still going at READERS_PCT, is stuck (a round takes seconds on a
 * debug kernel, the margin is tens of them) and is killed; what the churn
 * made is released by RELEASE_PCT.  The rest is for kmemleak's scans and the
 * kernel log.
 */
#define ROUNDS_PCT 40
#define JOIN_PCT 50
#define READERS_PCT 55
#define RELEASE_PCT 70

static_assert(ROUNDS_PCT < JOIN_PCT && JOIN_PCT < READERS_PCT && READERS_PCT < RELEASE_PCT &&
	      RELEASE_PCT < 100, "the test's phases in order, within its timeout");

enum kind { CHURN, NEST, BIND, STORM, KINDS };

static const char *const kind_names[KINDS] = { "churn", "nest", "bind", "storm" };

/* What the workers and readers did, shared with the test. */
struct shared {
	int stop;
	long rounds[KINDS];
	long worker_rounds[WORKERS];
	long levels;		/* pid namespaces nest made */
	long storm_children;
	long bound;		/* namespaces held by a bind mount */
	long reads, opened, vanished, ioctls, joined;
};

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};

#define NS_TYPES ARRAY_SIZE(ns_types)

#define ALL_NS (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | \
		CLONE_NEWTIME | CLONE_NEWUSER | CLONE_NEWUTS)

/* The namespaces a churn round makes, one set per round in turn. */
static const int churn_sets[] = {
	CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWCGROUP,
	CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER,
	CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET,
	CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWPID,
	ALL_NS & ~CLONE_NEWUSER,
	ALL_NS,
};

static long add(long *counter, long n)
{
	return __atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* The type named by "type:[inum]", -1 if none. */
static int type_of_name(const char *name)
{
	size_t i, len = strcspn(name, ":");

	for (i = 0; i < NS_TYPES; i++)
		if (strlen(ns_types[i].name) == len && !strncmp(ns_types[i].name, name, len))
			return i;
	return -1;
}

/* ---- churn: namespaces made in a child that exits ---- */

static int churn(int w, int r)
{
	int turn = r / 2 + w, flags = churn_sets[turn % ARRAY_SIZE(churn_sets)];
	/* Every set in turn with unshare(), then every set with clone3(). */
	bool use_clone3 = turn / ARRAY_SIZE(churn_sets) % 2;
	pid_t pid, gc;

	/* Of the set, the types the kernel has (none: a plain fork). */
	flags &= ~ns_absent_flags();

	if (use_clone3) {
		struct clone_args_v0 args = { .flags = flags, .exit_signal = SIGCHLD };

		pid = syscall(__NR_clone3, &args, sizeof(args));
		if (pid < 0) {
			fprintf(stderr, "# %s: clone3(%#x): %s\n", __func__, flags,
				strerror(errno));
			return 1;
		}
		/* The child is init of its new pid namespace, if it has one. */
		if (pid == 0)
			_exit((flags & CLONE_NEWPID) && getpid() != 1 ? 1 : 0);
	} else {
		pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			if (unshare(flags))
				_exit(10);
			/* Pid and time namespaces come to life in a child. */
			if (flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
				gc = fork();
				if (gc < 0)
					_exit(11);
				if (gc == 0)
					_exit((flags & CLONE_NEWPID) && getpid() != 1 ? 1 : 0);
				_exit(wait_status(gc) ? 12 : 0);
			}
			_exit(0);
		}
	}
	if (wait_status(pid)) {
		fprintf(stderr, "# %s: %s(%#x): child status %d\n", __func__,
			use_clone3 ? "clone3" : "unshare", flags, wait_status(pid));
		return 3;
	}
	return 0;
}

/* ---- nest: pid namespaces down to the deepest level ---- */

/*
 * In a child: unshare(CLONE_NEWPID) and fork, each child doing the same,
 * until `avail` levels are made; there one more unshare must fail with
 * ENOSPC.  Each process returns what its child exited with.
 */
static int nest_chain(int avail, struct shared *sh)
{
	int made = 0;
	pid_t pid;

	for (;;) {
		if (unshare(CLONE_NEWPID)) {
			if (errno == ENOSPC && made == avail) {
				add(&sh->levels, made);
				return 0;
			}
			fprintf(stderr, "# nest: unshare(CLONE_NEWPID) %d levels down: %s\n", made,
				strerror(errno));
			return 1;
		}
		if (made == avail) {
			fprintf(stderr, "# nest: a pid namespace beyond level %d\n",
				MAX_PID_NS_LEVEL);
			return 2;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "# nest: fork %d levels down: %s\n", made, strerror(errno));
			return 3;
		}
		if (pid > 0)
			return wait_status(pid);
		made++;
		if (getpid() != 1)
			return 4;
	}
}

static int nest(int avail, struct shared *sh)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(nest_chain(avail, sh));
	status = wait_status(pid);
	if (status)
		fprintf(stderr, "# %s: chain status %d\n", __func__, status);
	return status;
}

/* ---- bind: namespaces held by fds and bind mounts only ---- */

static const struct {
	const char *link;
	int flag;
} bind_links[] = {
	{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS }, { "cgroup", CLONE_NEWCGROUP },
	{ "pid_for_children", CLONE_NEWPID }, { "time_for_children", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },
};

#define BIND_LINKS ARRAY_SIZE(bind_links)

struct keeper {
	int fds[KEPT_FDS];
	int next;
};

static void keep_fd(struct keeper *k, int fd)
{
	if (k->fds[k->next] >= 0)
		close(k->fds[k->next]);
	k->fds[k->next] = fd;
	k->next = (k->next + 1) % KEPT_FDS;
}

static void close_kept(struct keeper *k)
{
	int i;

	for (i = 0; i < KEPT_FDS; i++) {
		if (k->fds[i] >= 0)
			close(k->fds[i]);
		k->fds[i] = -1;
	}
}

/*
 * The child of a bind round: make the namespaces and an init for the new pid
 * namespace (pid_for_children is ENOENT until it has one), say so, wait to
 * be let go (EOF on done).
 */
static void bind_child(int flags, int ready, int done)
{
	pid_t init;
	char c;

	if (unshare(flags))
		_exit(1);
	init = fork();
	if (init < 0)
		_exit(2);
	if (init == 0) {
		close(ready);
		_exit(read(done, &c, 1) != 0 ? 3 : 0);
	}
	if (write(ready, "x", 1) != 1)
		_exit(4);
	if (read(done, &c, 1) != 0)
		_exit(5);
	_exit(wait_status(init) ? 6 : 0);
}

static int bind_round(int w, int r, const char *target, struct keeper *k, struct shared *sh)
{
	/* Every type the kernel has; mnt, pid and user are always there to bind. */
	int flags = ((ALL_NS & ~CLONE_NEWUSER) | (r % 3 == 0 ? CLONE_NEWUSER : 0)) &
		    ~ns_absent_flags();
	int pick = (r / 2 + w) % BIND_LINKS, fds[BIND_LINKS], ready[2], done[2];
	int i, fd, ret = 0, status, order = r % 3;
	struct stat bound, held;
	char path[64], c;
	bool mounted = false;
	pid_t pid;

	for (i = 0; i < (int)BIND_LINKS; i++)
		fds[i] = -1;
	if (pipe2(ready, O_CLOEXEC))
		return 1;
	if (pipe2(done, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(done[1]);
		bind_child(flags, ready[1], done[0]);
	}
	close(ready[1]);
	close(done[0]);
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "# bind: child did not make namespaces %#x\n", flags);
		ret = 2;
		goto out;
	}
	while (ns_absent_flags() & bind_links[pick].flag)
		pick = (pick + 1) % BIND_LINKS;
	for (i = 0; i < (int)BIND_LINKS; i++) {
		if (ns_absent_flags() & bind_links[i].flag)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, bind_links[i].link);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			fprintf(stderr, "# bind: open %s: %s\n", path, strerror(errno));
			ret = 3;
			goto out;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, bind_links[pick].link);
	if (mount(path, target, NULL, MS_BIND, NULL)) {
		fprintf(stderr, "# bind: mount %s on %s: %s\n", path, target, strerror(errno));
		ret = 4;
		goto out;
	}
	mounted = true;
	add(&sh->bound, 1);
out:
	/* The child goes: fds and the mount are all that hold its namespaces. */
	close(done[1]);
	close(ready[0]);
	if (pid > 0) {
		status = wait_status(pid);
		if (status && !ret) {
			fprintf(stderr, "# bind: child status %d\n", status);
			ret = 5;
		}
	}
	if (mounted && !ret) {
		fd = open(target, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, NS_GET_NSTYPE) != bind_links[pick].flag ||
		    fstat(fd, &bound) || fstat(fds[pick], &held) || bound.st_ino != held.st_ino) {
			fprintf(stderr, "# bind: %s bound on %s is not the namespace held\n",
				bind_links[pick].link, target);
			ret = 6;
		}
		if (fd >= 0)
			close(fd);
	}
	/* Release in one of three orders. */
	if (mounted && order == 0 && umount2(target, 0)) {
		fprintf(stderr, "# bind: umount %s: %s\n", target, strerror(errno));
		ret = 7;
	}
	for (i = 0; i < (int)BIND_LINKS; i++) {
		if (fds[i] < 0)
			continue;
		if (order == 2 && i == (r / 3) % (int)BIND_LINKS)
			keep_fd(k, fds[i]);
		else
			close(fds[i]);
	}
	if (mounted && order != 0 && umount2(target, 0)) {
		fprintf(stderr, "# bind: umount %s: %s\n", target, strerror(errno));
		ret = 7;
	}
	return ret;
}

/* ---- storm: many children at once in a new pid namespace ---- */

/* Init of the new namespace: STORM_CHILDREN children, reaped, or killed by our exit. */
static int storm_init(bool reap, struct shared *sh)
{
	int gate[2], i, status, bad = 0;
	pid_t pid;
	char c;

	if (getpid() != 1)
		return 1;
	if (pipe(gate))
		return 2;
	for (i = 0; i < STORM_CHILDREN; i++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "# storm: fork %d: %s\n", i, strerror(errno));
			return 3;
		}
		if (pid == 0) {
			close(gate[1]);
			/* Blocks until init closes the gate, or is killed with the namespace. */
			if (read(gate[0], &c, 1) != 0)
				_exit(4);
			_exit(getppid() == 1 ? 0 : 5);
		}
	}
	add(&sh->storm_children, STORM_CHILDREN);
	if (!reap)
		return 0;
	close(gate[1]);
	for (i = 0; i < STORM_CHILDREN; i++) {
		pid = wait(&status);
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	if (bad)
		fprintf(stderr, "# storm: %d of %d children failed\n", bad, STORM_CHILDREN);
	return bad ? 6 : 0;
}

static int storm(int r, struct shared *sh)
{
	pid_t pid = fork(), init;
	int status;

	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (unshare(CLONE_NEWPID))
			_exit(2);
		init = fork();
		if (init < 0)
			_exit(3);
		if (init == 0)
			_exit(storm_init(r % 2 == 0, sh));
		_exit(wait_status(init));
	}
	status = wait_status(pid);
	if (status)
		fprintf(stderr, "# %s: status %d\n", __func__, status);
	return status;
}

/* ---- workers ---- */

static enum kind kind_of(int w, int r)
{
	int s = r + w * 7;

	if (s % NEST_EVERY == NEST_EVERY - 1)
		return NEST;
	if (s % STORM_EVERY == STORM_EVERY / 2)
		return STORM;
	return s % 2 ? BIND : CHURN;
}

/* Rounds, up to @rounds of them, none started after @deadline (now_ms()). */
static int worker(int w, int rounds, long deadline, int avail, const char *target,
		  struct shared *sh)
{
	struct keeper k = { .next = 0 };
	enum kind kind;
	int r, ret = 0;

	for (r = 0; r < KEPT_FDS; r++)
		k.fds[r] = -1;
	for (r = 0; !ret && r < rounds && now_ms() < deadline; r++) {
		kind = kind_of(w, r);
		if (kind == NEST && avail < 1)
			kind = CHURN;
		switch (kind) {
		case CHURN:
			ret = churn(w, r);
			break;
		case NEST:
			ret = nest(avail, sh);
			break;
		case BIND:
			ret = bind_round(w, r, target, &k, sh);
			break;
		case STORM:
			ret = storm(r, sh);
			break;
		default:
			ret = -1;
		}
		if (ret) {
			fprintf(stderr, "# %s %d, round %d (%s): failed (%d)\n", __func__, w, r,
				kind_names[kind], ret);
		} else {
			add(&sh->rounds[kind], 1);
			add(&sh->worker_rounds[w], 1);
		}
	}
	close_kept(&k);
	return ret;
}

/* ---- readers ---- */

/* In a child: setns to fd, and /proc/self/ns says we are in name. */
static int setns_in_child(int fd, int type, const char *name)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char path[64], link[64];
		ssize_t len;

		if (setns(fd, ns_types[type].flag))
			_exit(1);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[type].name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			_exit(2);
		link[len] = '\0';
		_exit(strcmp(link, name) ? 3 : 0);
	}
	return wait_status(pid);
}

/* What an nsfs ioctl may answer for a namespace of this type, while we hold it. */
static int check_ioctls(int fd, int type, const char *name, struct shared *sh)
{
	bool hierarchical = ns_types[type].flag == CLONE_NEWPID ||
			    ns_types[type].flag == CLONE_NEWUSER;
	bool user = ns_types[type].flag == CLONE_NEWUSER;
	int rel, ret;
	uid_t uid;

	/* The owner: EPERM only for the initial user namespace, which has none. */
	rel = ioctl(fd, NS_GET_USERNS);
	if (rel >= 0) {
		ret = ioctl(rel, NS_GET_NSTYPE);
		close(rel);
		if (ret != CLONE_NEWUSER) {
			fprintf(stderr, "# reader: owner of %s is no user namespace\n", name);
			return 1;
		}
	} else if (!(user && errno == EPERM)) {
		fprintf(stderr, "# reader: NS_GET_USERNS of %s: %s\n", name, strerror(errno));
		return 2;
	}
	/* The parent: pid and user namespaces only, EPERM at the top. */
	rel = ioctl(fd, NS_GET_PARENT);
	if (rel >= 0) {
		ret = ioctl(rel, NS_GET_NSTYPE);
		close(rel);
		if (!hierarchical || ret != ns_types[type].flag) {
			fprintf(stderr, "# reader: parent of %s is of type %#x\n", name, ret);
			return 3;
		}
	} else if (errno != (hierarchical ? EPERM : EINVAL)) {
		fprintf(stderr, "# reader: NS_GET_PARENT of %s: %s\n", name, strerror(errno));
		return 4;
	}
	/* The owner's uid: user namespaces only. */
	ret = ioctl(fd, NS_GET_OWNER_UID, &uid);
	if (user ? ret != 0 : ret != -1 || errno != EINVAL) {
		fprintf(stderr, "# reader: NS_GET_OWNER_UID of %s: %d (%s)\n", name, ret,
			strerror(errno));
		return 5;
	}
	add(&sh->ioctls, 4);
	return 0;
}

/* A /proc/namespaces entry, picked at random: 0 with path and name, -1 with errno. */
static int pick_entry(unsigned int *seed, char *path, size_t size, char *name)
{
	char names[64][64];
	struct dirent *e;
	int n = 0, seen = 0;
	DIR *d;

	d = opendir(PROC_NS);
	if (!d)
		return -1;
	/* Reservoir sampling: one entry, uniformly, in one pass. */
	while ((e = readdir(d))) {
		if (!ns_name_inum(e->d_name))
			continue;
		if (strlen(e->d_name) >= sizeof(names[0]))
			continue;
		seen++;
		if (n < 64)
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
		else if (rand_r(seed) % seen < 64)
			snprintf(names[rand_r(seed) % 64], sizeof(names[0]), "%s", e->d_name);
	}
	closedir(d);
	if (!n) {
		errno = ENODATA;
		return -1;
	}
	snprintf(name, 64, "%s", names[rand_r(seed) % n]);
	snprintf(path, size, PROC_NS "/%s", name);
	return 0;
}

/* Without /proc/namespaces: an ns link of a process picked at random. */
static int pick_link(unsigned int *seed, char *path, size_t size)
{
	static const char *const links[] = { "cgroup", "ipc", "mnt", "net", "pid", "time",
					     "user", "uts" };
	char pids[256][16];
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((e = readdir(d)) && n < 256)
		if (is_number(e->d_name) && strlen(e->d_name) < sizeof(pids[0]))
			snprintf(pids[n++], sizeof(pids[0]), "%s", e->d_name);
	closedir(d);
	if (!n) {
		errno = ENODATA;
		return -1;
	}
	snprintf(path, size, "/proc/%s/ns/%s", pids[rand_r(seed) % n],
		 links[rand_r(seed) % ARRAY_SIZE(links)]);
	return 0;
}

/* Errors for a namespace or a process that is gone between listing and use. */
static bool vanished(int err, bool registry)
{
	/* A process's ns link gives EACCES once the process is gone (proc_ns_get_link). */
	return err == ENOENT || err == ESRCH || (!registry && err == EACCES);
}

static int reader(int id, bool registry, struct shared *sh)
{
	unsigned int seed = id * 7919 + getpid();
	char path[PATH_MAX], name[64], link[64];
	struct stat st;
	int r, fd, type, ret = 0;
	ssize_t len;

	for (r = 0; !ret && r < READ_ROUNDS_MAX && !__atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
	     r++) {
		add(&sh->reads, 1);
		if (registry ? pick_entry(&seed, path, sizeof(path), name) :
			       pick_link(&seed, path, sizeof(path))) {
			fprintf(stderr, "# %s %d: listing: %s\n", __func__, id, strerror(errno));
			ret = 1;
			break;
		}
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0) {
			if (vanished(errno, registry)) {
				add(&sh->vanished, 1);
				continue;
			}
			fprintf(stderr, "# %s %d: readlink %s: %s\n", __func__, id, path,
				strerror(errno));
			ret = 2;
			break;
		}
		link[len] = '\0';
		if (registry && strcmp(link, name)) {
			fprintf(stderr, "# %s %d: %s reads %s\n", __func__, id, path, link);
			ret = 3;
			break;
		}
		type = type_of_name(link);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (vanished(errno, registry)) {
				add(&sh->vanished, 1);
				continue;
			}
			fprintf(stderr, "# %s %d: open %s: %s\n", __func__, id, path,
				strerror(errno));
			ret = 4;
			break;
		}
		add(&sh->opened, 1);
		/*
		 * What is opened is the namespace named, held by us from now on.  A
		 * process's link may have moved on (unshare, setns) between readlink
		 * and open: only /proc/namespaces names are fixed.
		 */
		if (type < 0 || ioctl(fd, NS_GET_NSTYPE) != ns_types[type].flag || fstat(fd, &st) ||
		    st.st_ino != ns_name_inum(link)) {
			if (registry || type < 0) {
				fprintf(stderr, "# %s %d: %s opens something else\n", __func__, id,
					path);
				ret = 5;
			} else {
				add(&sh->vanished, 1);
			}
		} else if (check_ioctls(fd, type, link, sh)) {
			ret = 6;
		} else if ((ns_types[type].flag & (CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC)) &&
			   r % 4 == 0) {
			if (setns_in_child(fd, type, link)) {
				fprintf(stderr, "# %s %d: cannot join %s\n", __func__, id, link);
				ret = 7;
			} else {
				add(&sh->joined, 1);
			}
		}
		close(fd);
	}
	return ret;
}

/* ---- the test ---- */

/* The time pct percent of TIMEOUT_S after start (now_ms()). */
static long budget(long start, int pct)
{
	return start + TIMEOUT_S * 1000L * pct / 100;
}

static int env_rounds(void)
{
	const char *s = getenv("NSRS_STRESS_ROUNDS");
	char *end;
	long v;

	if (!s || !*s)
		return ROUNDS_DEFAULT;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 1000000 ? ROUNDS_DEFAULT : v;
}

TEST(namespace_churn_is_clean)
{
	/* The harness's alarm started as we were forked: measure from here. */
	long test_start = now_ms(), rounds_end = budget(test_start, ROUNDS_PCT);
	char targets[WORKERS][32], missing[256], counts[256], *report, *excerpt;
	char done[WORKERS * 24];
	pid_t workers[WORKERS], readers[READERS], pid;
	struct inums start = { 0 }, now = { 0 };
	int rounds = env_rounds(), level, avail, i, go[2], ret, len;
	long began, churned, ended, released, release_ms, total = 0;
	bool registry, leaks, cut_short = false;
	struct klog_counts grown;
	struct klog_mark mark;
	struct shared *sh;
	char c;

	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, private_mounts()) TH_LOG("%s", strerror(errno));
	registry = !access(PROC_NS, F_OK);
	leaks = kmemleak_present();
	level = pid_ns_level();
	ASSERT_GE(level, 0) TH_LOG("cannot tell our pid namespace's level");
	avail = MAX_PID_NS_LEVEL - level;

	/* What lives before: what earlier tests left must have been released. */
	ASSERT_EQ(0, settled_namespaces(&start, registry, SETTLE_MS)) TH_LOG("%s", strerror(errno));
	if (leaks && kmemleak_forget()) {
		TH_LOG("kmemleak does not scan (%s): leaks not checked", strerror(errno));
		leaks = false;
	}
	klog_begin(&mark, "stress");

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	for (i = 0; i < WORKERS; i++) {
		snprintf(targets[i], sizeof(targets[i]), "/tmp/nsrs-stress-XXXXXX");
		ret = mkstemp(targets[i]);
		ASSERT_GE(ret, 0) TH_LOG("mkstemp: %s", strerror(errno));
		close(ret);
	}

	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	began = now_ms();
	for (i = 0; i < WORKERS + READERS; i++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			close(go[1]);
			/* All start together, when the gate closes. */
			if (read(go[0], &c, 1) != 0)
				_exit(100);
			close(go[0]);
			_exit(i < WORKERS ? worker(i, rounds, rounds_end, avail, targets[i], sh) :
					    reader(i - WORKERS, registry, sh));
		}
		if (i < WORKERS)
			workers[i] = pid;
		else
			readers[i - WORKERS] = pid;
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < WORKERS; i++) {
		ret = wait_by(workers[i], budget(test_start, JOIN_PCT));
		EXPECT_EQ(0, ret) TH_LOG("worker %d%s", i, ret == STUCK ?
					 ": still in a round at the deadline, killed" : "");
	}
	churned = now_ms();
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < READERS; i++) {
		ret = wait_by(readers[i], budget(test_start, READERS_PCT));
		EXPECT_EQ(0, ret) TH_LOG("reader %d%s", i, ret == STUCK ?
					 ": still going at the deadline, killed" : "");
	}
	ended = now_ms();
	for (i = 0; i < WORKERS; i++)
		unlink(targets[i]);

	/*
	 * How much was done: as much as fitted, on a slow kernel fewer than
	 * rounds, which is no fault; but a worker without one round done did
	 * not run, and there is nothing to check.
	 */
	for (i = 0, len = 0; i < WORKERS; i++) {
		total += sh->worker_rounds[i];
		cut_short |= sh->worker_rounds[i] < rounds;
		len += snprintf(done + len, sizeof(done) - len, " %ld", sh->worker_rounds[i]);
	}
	printf("# %s: %ld rounds by %d workers in %ld ms (deadline %d s)\n", _metadata->name,
	       total, WORKERS, churned - began, TIMEOUT_S * ROUNDS_PCT / 100);
	fprintf(stdout,
		"# stress: churn %ld, nest %ld (%ld pid namespaces), bind %ld (%ld bound), storm %ld (%ld children); %d readers: %ld reads, %ld opened, %ld vanished, %ld ioctls, %ld setns; %s\n",
		sh->rounds[CHURN], sh->rounds[NEST], sh->levels, sh->rounds[BIND], sh->bound,
		sh->rounds[STORM], sh->storm_children, READERS, sh->reads, sh->opened,
		sh->vanished, sh->ioctls, sh->joined,
		registry ? PROC_NS : "no " PROC_NS ": /proc/*/ns links");
	fflush(stdout);
	if (cut_short)
		TH_LOG("rounds by worker:%s (at most %d), from %ld to %ld ms into the test", done,
		       rounds, began - test_start, churned - test_start);
	for (i = 0; i < WORKERS; i++)
		EXPECT_GE(sh->worker_rounds[i], 1) TH_LOG("worker %d did no round", i);

	/* Every namespace made is released, some asynchronously. */
	release_ms = budget(test_start, RELEASE_PCT) - now_ms();
	ret = wait_back_to(&start, &now, registry, release_ms > 0 ? release_ms : 0);
	released = now_ms();
	inums_missing(&now, &start, missing, sizeof(missing));
	EXPECT_EQ(0, ret) TH_LOG("%zu namespaces live %ld ms after the churn (%zu before), new: %s",
				 now.n, released - ended, start.n, missing);

	if (leaks) {
		report = kmemleak_check(ended, KMEMLEAK_AGE_S);
		if (!report)
			TH_LOG("cannot read kmemleak: %s", strerror(errno));
		else
			EXPECT_EQ(0, strlen(report)) TH_LOG("kmemleak: %.3000s", report);
		free(report);
	}

	if (klog_end(&mark, &grown, &excerpt)) {
		TH_LOG("cannot read the kernel log: %s", strerror(errno));
	} else {
		klog_describe(&grown, counts, sizeof(counts));
		EXPECT_EQ(0, klog_total(&grown))
			TH_LOG("kernel log: %s, from: %.3000s", counts, excerpt ? excerpt : "?");
	}
	free(excerpt);
	munmap(sh, sizeof(*sh));
	inums_free(&start);
	inums_free(&now);
}

/*
 * TEST() runs under the harness's default timeout, 30 s: this one needs
 * longer on a debug kernel, and every phase of it has a share of this one
 * (*_PCT).
 */
static void __attribute__((constructor)) namespace_churn_is_clean_timeout(void)
{
	_namespace_churn_is_clean_object.timeout = TIMEOUT_S;
}

TEST_HARNESS_MAIN
