// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures injected into the namespace paths, on a kernel with
 * failslab and fail_page_alloc in debugfs (CONFIG_FAILSLAB,
 * CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS, as in
 * configs/debug.config).  On any other kernel every test skips.
 *
 * Only our tasks fail: both are set to task-filter=Y, probability=100, and a
 * task opts in around a single syscall, one of two ways in turn:
 *
 *   make-it-fail  /proc/thread-self/make-it-fail = 1 (one attempt in four):
 *                 with an interval of 1, 2, 3, 5, 8 or 13, every interval-th
 *                 allocation fails from there on, those of the error path
 *                 unwinding included;
 *   fail-nth      /proc/thread-self/fail-nth = N: the Nth allocation fails,
 *                 and no other.  N goes 1, 2, 3 ... 32, then up by 1/8 steps,
 *                 until a call makes fewer than N allocations; from then on
 *                 N is drawn at random below that count.  This reaches every
 *                 allocation of a path, the deep ones included.
 *
 * GFP_KERNEL allocations fail too (ignore-gfp-wait=N), and order-0 pages
 * (min-order=0), but not highmem ones (ignore-gfp-highmem=Y): on x86_64 those
 * are user pages, and a user page fault whose allocation fails is retried
 * forever.  For the same reason the failing tasks mlockall() first, and a
 * child forked with make-it-fail set (which it inherits and cannot clear)
 * exits without touching memory.  verbose=0: no line per failure.
 *
 * The paths, NSRS_FAULT_ATTEMPTS times each (default 150):
 *
 *   create           unshare() of each namespace type; clone3(CLONE_NEWPID)
 *                    (a test each);
 *   pid              fork() in a process 1, 4 and 16 pid namespaces deep;
 *   nsfs             open("/proc/self/ns/net") and NS_GET_USERNS on it, with
 *                    dentries and inodes dropped first;
 *   proc_namespaces  lstat(), open() of an entry and a listing, likewise.
 *
 * Each injected call either succeeds or fails with an errno from its path's
 * list (see there for why each), and the same call made right after with
 * nothing injected succeeds: the failure left nothing behind.  A failed
 * unshare() also leaves every /proc/self/ns link as it was; a successful one
 * changes exactly the one asked for.  Per path, a line
 * "NSRS-FAULTS <path> injected=<n> attempts=<m>" gives the failures the
 * kernel injected (the debugfs "times" counters going down: failures the
 * kernel absorbed, a failed kmemleak or debugobjects bookkeeping allocation
 * for one, count too) and the attempts.  After each test: the debugfs
 * settings as they were, the live namespaces as before the test, no new
 * KASAN, WARNING, lockdep, BUG, Oops, UBSAN or kmemleak line in the kernel
 * log.  The last test, on a kernel with kmemleak, wants nothing reported.
 * On a kernel without some namespace types (make test-configs), the paths
 * of those types skip, and the others leave them out (ns_present.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "../kselftest_harness.h"
#include "debug_checks.h"
#include "ns_present.h"

#define FAILSLAB DEBUGFS_DIR "/failslab"
#define FAIL_PAGE_ALLOC DEBUGFS_DIR "/fail_page_alloc"

#define ATTEMPTS_DEFAULT 150
/* "times": failures left to inject; counts down by one per failure. */
#define TIMES_BUDGET "1000000000"
/* fail-nth goes up by one to here, then by an eighth. */
#define SWEEP_LINEAR 32
#define SETTLE_MS 5000
#define RELEASE_MS 20000
/* kmemleak reports objects older than 5 s (MSECS_MIN_AGE): wait a bit more. */
#define KMEMLEAK_AGE_S 6
#define MAX_STATS 3
#define ERRNO_KINDS 6

/* ---- failslab and fail_page_alloc settings ---- */

static const char *const fi_dirs[] = { FAILSLAB, FAIL_PAGE_ALLOC };
#define FI_ATTRS ARRAY_SIZE(fi_dirs)

static const char *const fi_files[] = {
	"probability", "interval", "times", "space", "verbose", "task-filter",
	"ignore-gfp-wait", "ignore-gfp-highmem", "min-order", "cache-filter",
};

#define FI_FILES ARRAY_SIZE(fi_files)

/*
 * What we set, in this order: off while the rest changes, our tasks only,
 * then on.  The files one capability lacks (cache-filter is failslab's,
 * ignore-gfp-highmem and min-order fail_page_alloc's) are skipped.
 */
static const struct {
	const char *file, *value;
} fi_config[] = {
	{ "probability", "0" },
	{ "task-filter", "Y" },
	{ "verbose", "0" },
	{ "space", "0" },
	{ "times", TIMES_BUDGET },
	{ "interval", "1" },
	{ "ignore-gfp-wait", "N" },	/* GFP_KERNEL allocations fail too */
	{ "cache-filter", "N" },	/* every slab cache */
	{ "ignore-gfp-highmem", "Y" },	/* not user pages */
	{ "min-order", "0" },		/* single pages too */
	{ "probability", "100" },
};

struct fi_saved {
	bool present[FI_ATTRS];
	bool have[FI_ATTRS][FI_FILES];
	char value[FI_ATTRS][FI_FILES][32];
};

static void fi_path(char *buf, size_t size, int attr, const char *file)
{
	snprintf(buf, size, "%s/%s", fi_dirs[attr], file);
}

static void fi_save(struct fi_saved *s)
{
	char path[PATH_MAX];
	size_t a, f;

	memset(s, 0, sizeof(*s));
	for (a = 0; a < FI_ATTRS; a++) {
		s->present[a] = !access(fi_dirs[a], F_OK);
		for (f = 0; s->present[a] && f < FI_FILES; f++) {
			fi_path(path, sizeof(path), a, fi_files[f]);
			s->have[a][f] = !read_text(path, s->value[a][f], sizeof(s->value[a][f]));
		}
	}
}

/* Writes file of every capability that has it: 0, or -1 with errno. */
static int fi_write_all(const struct fi_saved *s, const char *file, const char *value)
{
	char path[PATH_MAX];
	size_t a;

	for (a = 0; a < FI_ATTRS; a++) {
		if (!s->present[a])
			continue;
		fi_path(path, sizeof(path), a, file);
		if (access(path, F_OK))
			continue;
		if (write_text(path, value))
			return -1;
	}
	return 0;
}

static void fi_restore(const struct fi_saved *s)
{
	char path[PATH_MAX];
	size_t a, f;

	fi_write_all(s, "probability", "0");
	for (a = 0; a < FI_ATTRS; a++)
		for (f = FI_FILES; f-- > 0;) {
			if (!s->have[a][f])
				continue;
			fi_path(path, sizeof(path), a, fi_files[f]);
			write_text(path, s->value[a][f]);
		}
}

/* 0, or -1 with errno and the file that could not be written in what. */
static int fi_enable(const struct fi_saved *s, char *what, size_t size)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(fi_config); i++) {
		if (fi_write_all(s, fi_config[i].file, fi_config[i].value)) {
			err = errno;
			snprintf(what, size, "%s=%s", fi_config[i].file, fi_config[i].value);
			fi_restore(s);
			errno = err;
			return -1;
		}
	}
	return 0;
}

static int fi_interval(unsigned int interval)
{
	char text[16], path[PATH_MAX];
	size_t a;

	snprintf(text, sizeof(text), "%u", interval);
	for (a = 0; a < FI_ATTRS; a++) {
		fi_path(path, sizeof(path), a, "interval");
		if (!access(path, F_OK) && write_text(path, text))
			return -1;
	}
	return 0;
}

/* ---- injecting into one syscall of this task ---- */

enum mode { BY_TASK, BY_NTH };

struct injector {
	int mif, nth;		/* this task's make-it-fail and fail-nth */
	int times[FI_ATTRS];	/* the "times" counters */
	enum mode mode;
	unsigned int n;
	char text[16];
	bool armed;		/* the injection was set */
	bool stuck;		/* ... and could not be cleared */
	bool consumed;		/* BY_NTH: the Nth allocation came, and failed */
	unsigned int calls;	/* BY_NTH, not consumed: allocations the call made */
};

/* Opens this task's files: before any injection, as opening allocates. */
static int injector_open(struct injector *inj)
{
	char path[PATH_MAX];
	size_t a;

	memset(inj, 0, sizeof(*inj));
	inj->mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	inj->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	for (a = 0; a < FI_ATTRS; a++) {
		fi_path(path, sizeof(path), a, "times");
		inj->times[a] = open(path, O_RDONLY | O_CLOEXEC);
	}
	return inj->mif < 0 || inj->nth < 0 ? -1 : 0;
}

/* The sum of the "times" counters, -1 if unreadable. */
static long times_left(const struct injector *inj)
{
	char buf[32];
	long sum = 0;
	ssize_t len;
	size_t a;
	bool any = false;

	for (a = 0; a < FI_ATTRS; a++) {
		if (inj->times[a] < 0)
			continue;
		len = pread(inj->times[a], buf, sizeof(buf) - 1, 0);
		if (len <= 0)
			return -1;
		buf[len] = '\0';
		sum += strtol(buf, NULL, 10);
		any = true;
	}
	return any ? sum : -1;
}

static void inject_arm(struct injector *inj, enum mode mode, unsigned int n)
{
	inj->mode = mode;
	inj->n = n;
	snprintf(inj->text, sizeof(inj->text), "%u", n);
	inj->armed = false;
	inj->stuck = false;
	inj->consumed = false;
	inj->calls = 0;
}

/* Nothing between these and the syscall may allocate: plain writes and reads. */
static inline void inject_begin(struct injector *inj)
{
	const char *text = inj->mode == BY_NTH ? inj->text : "1";
	ssize_t len = strlen(text);

	inj->armed = write(inj->mode == BY_NTH ? inj->nth : inj->mif, text, len) == len;
}

static inline void inject_end(struct injector *inj)
{
	unsigned long left;
	char buf[16];
	ssize_t len;

	if (inj->mode == BY_TASK) {
		/* Needs CAP_SYS_RESOURCE: a task that just left for a new user namespace cannot. */
		inj->stuck = write(inj->mif, "0", 1) != 1;
		return;
	}
	/* fail-nth reads 0 once the Nth allocation came; else how many are left to it. */
	len = pread(inj->nth, buf, sizeof(buf) - 1, 0);
	inj->stuck = write(inj->nth, "0", 1) != 1;
	buf[len > 0 ? len : 0] = '\0';
	left = strtoul(buf, NULL, 10);
	inj->consumed = len > 0 && left == 0;
	inj->calls = inj->consumed || left > inj->n ? 0 : inj->n - left;
}

/* expr with the injection inj is armed for; errno is expr's. */
#define INJECTED(inj, expr) ({			\
	struct injector *__inj = (inj);		\
	long __ret;				\
	int __err;				\
	inject_begin(__inj);			\
	__ret = (long)(expr);			\
	__err = errno;				\
	inject_end(__inj);			\
	errno = __err;				\
	__ret;					\
})

/* Which injection comes next, per path. */
struct sweep {
	unsigned int next;	/* the next N, until a call made fewer allocations */
	unsigned int total;	/* then: the most allocations a call was seen to make */
	unsigned int seed;
	int round;
};

static enum mode sweep_next(struct sweep *s, unsigned int *n, unsigned int *interval)
{
	static const unsigned int intervals[] = { 1, 2, 3, 5, 8, 13 };
	int r = s->round++;

	if (r % 4 == 3) {
		*interval = intervals[(r / 4) % ARRAY_SIZE(intervals)];
		*n = 0;
		return BY_TASK;
	}
	*n = s->total ? 1 + rand_r(&s->seed) % s->total : s->next;
	return BY_NTH;
}

static void sweep_done(struct sweep *s, const struct injector *inj)
{
	if (inj->mode != BY_NTH)
		return;
	if (!inj->consumed) {
		if (inj->calls > s->total)
			s->total = inj->calls;
		if (!s->total)
			s->total = 1;
		return;
	}
	if (!s->total)
		s->next = s->next < SWEEP_LINEAR ? s->next + 1 : s->next + s->next / 8;
}

/* ---- what each path did, in memory shared with the test ---- */

struct stats {
	const char *path;
	int attempts, by_task, by_nth, consumed, failed, bad;
	unsigned int max_calls;
	long injected;		/* -1 once unknown */
	int errnos[ERRNO_KINDS][2];
	char first_bad[320];
};

struct shared {
	struct stats stats[MAX_STATS];
	struct injector outcome;	/* of the last attempt, for the sweep */
};

static __printf(2, 3) void stats_bad(struct stats *st, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st->bad++ < 5)
		fprintf(stderr, "# %s: %s\n", st->path, msg);
	if (st->bad == 1)
		snprintf(st->first_bad, sizeof(st->first_bad), "%s", msg);
}

static const char *errno_name(int err, char *buf, size_t size)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ ENOMEM, "ENOMEM" }, { ENOSPC, "ENOSPC" }, { EAGAIN, "EAGAIN" },
		{ ENOENT, "ENOENT" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ EFAULT, "EFAULT" }, { EPERM, "EPERM" },   { EEXIST, "EEXIST" },
		{ EBUSY, "EBUSY" },   { EINTR, "EINTR" },   { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { ENOBUFS, "ENOBUFS" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, size, "errno %d", err);
	return buf;
}

static bool accepted(const int *list, int err)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

/* Accounts one injected call, which returned ret with errno err. */
static void stats_record(struct stats *st, const struct injector *inj, long ret, int err,
			 long injected, const int *accept, const char *what)
{
	char name[32];
	int i;

	st->attempts++;
	if (inj->mode == BY_NTH) {
		st->by_nth++;
		st->consumed += inj->consumed;
		if (inj->calls > st->max_calls)
			st->max_calls = inj->calls;
	} else {
		st->by_task++;
	}
	st->injected = injected < 0 || st->injected < 0 ? -1 : st->injected + injected;
	if (!inj->armed) {
		stats_bad(st, "cannot set the injection for %s: %s", what, strerror(errno));
		return;
	}
	if (ret >= 0)
		return;
	st->failed++;
	for (i = 0; i < ERRNO_KINDS; i++) {
		if (!st->errnos[i][1] || st->errnos[i][0] == err) {
			st->errnos[i][0] = err;
			st->errnos[i][1]++;
			break;
		}
	}
	if (!accepted(accept, err))
		stats_bad(st, "%s failed with %s (%s): not a clean failure of this path", what,
			  errno_name(err, name, sizeof(name)), strerror(err));
}

static long times_delta(long before, long after)
{
	return before < 0 || after < 0 ? -1 : before - after;
}

/*
 * clone3() whose child exits at once without touching memory.  A child forked
 * with make-it-fail set inherits it, and cannot clear it (make-it-fail is per
 * task, and opening our own file allocates): if it so much as faulted a page
 * table in, the fault would fail and be retried forever.  With CLONE_VM and
 * CLONE_VFORK it has no page table of its own to fault in.  Returns the pid,
 * or -1 with errno.
 */
static pid_t clone3_exit_at_once(__u64 flags)
{
	struct clone_args_v0 args = { .flags = flags, .exit_signal = SIGCHLD };
#ifdef __x86_64__
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "mov %[nr_exit], %%eax\n\t"
		     "xor %%edi, %%edi\n\t"
		     "syscall\n\t"
		     "1:"
		     : "=a"(ret)
		     : "0"((long)__NR_clone3), "D"(&args), "S"(sizeof(args)),
		       [nr_exit] "i"(__NR_exit)
		     : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
#else
	pid_t pid = syscall(__NR_clone3, &args, sizeof(args));

	if (pid == 0)
		syscall(__NR_exit, 0);
	return pid;
#endif
}

/* ---- create: unshare() of each type, clone3(CLONE_NEWPID) ---- */

/*
 * ENOMEM for a failed allocation, ENOSPC where it was the ucounts one:
 * inc_ucount() returns NULL without memory as over the limit, and every
 * create_*_ns() reports that as ENOSPC (as nsrs's pid namespace does).
 */
static const int create_errnos[] = { ENOMEM, ENOSPC, 0 };
/*
 * EEXIST and EINVAL too for a network namespace: the C netdev and sysfs code
 * (register_netdevice() of loopback, kobject_add_internal() of its queues)
 * returns them when an allocation of an earlier, failed setup left a name
 * behind; the debug run saw both, with the stock C code on that path.
 * And ENODEV for a network namespace: uevent_net_init() (lib/kobject_uevent.c)
 * fails with it when its netlink socket cannot be made.  With CONFIG_INET,
 * ENFILE and ENOBUFS too: __sock_create() (net/socket.c) returns ENFILE when
 * sock_alloc() cannot make the inode of a control socket IPv4 and IPv6 make
 * in each namespace (inet_ctl_sock_create(): "socket: no more sockets"), and
 * IPv6's per-namespace set-up (net/ipv6/ndisc.c, addrconf.c) reports failed
 * allocations as ENOBUFS; the debug run saw both.
 */
static const int net_errnos[] = { ENOMEM, ENOSPC, ENODEV, EEXIST, EINVAL, ENFILE, ENOBUFS, 0 };
/*
 * And EAGAIN for a user namespace: the new credentials' ucounts
 * (set_cred_ucounts() in kernel/cred.c) report a failed allocation so; the
 * debug run saw it, with the stock C code on that path.
 */
static const int user_errnos[] = { ENOMEM, ENOSPC, EAGAIN, 0 };
/*
 * clone3(): ENOMEM, ENOSPC of the pid namespace, and EAGAIN, fork()'s
 * "try again" (alloc_pid() turns a full IDR into it).
 */
static const int clone_errnos[] = { ENOMEM, ENOSPC, EAGAIN, 0 };

static const struct create_variant {
	const char *path, *link;
	int flag;
	bool clone;
	const int *accept;
} creates[] = {
	{ "create/unshare-cgroup", "cgroup", CLONE_NEWCGROUP, false, create_errnos },
	{ "create/unshare-ipc", "ipc", CLONE_NEWIPC, false, create_errnos },
	{ "create/unshare-mnt", "mnt", CLONE_NEWNS, false, create_errnos },
	{ "create/unshare-net", "net", CLONE_NEWNET, false, net_errnos },
	{ "create/unshare-pid", "pid_for_children", CLONE_NEWPID, false, create_errnos },
	{ "create/unshare-time", "time_for_children", CLONE_NEWTIME, false, create_errnos },
	{ "create/unshare-user", "user", CLONE_NEWUSER, false, user_errnos },
	{ "create/unshare-uts", "uts", CLONE_NEWUTS, false, create_errnos },
	{ "create/clone3-newpid", NULL, CLONE_NEWPID, true, clone_errnos },
};

static const char *const ns_links[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
	"time", "time_for_children", "user", "uts",
};

#define NS_LINKS ARRAY_SIZE(ns_links)

/*
 * The inode numbers /proc/self/ns shows; 0 for pid_for_children while the
 * new pid namespace has no init (the link is ENOENT until then), and for the
 * links of a type the kernel lacks (there is none).
 */
static int read_links(unsigned long *inums)
{
	char path[64], link[64];
	ssize_t len;
	size_t i;

	for (i = 0; i < NS_LINKS; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_links[i]);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0 && errno == ENOENT &&
		    (!strcmp(ns_links[i], "pid_for_children") || !ns_present(ns_links[i]))) {
			inums[i] = 0;
			continue;
		}
		if (len <= 0)
			return -1;
		link[len] = '\0';
		inums[i] = ns_name_inum(link);
	}
	return 0;
}

static void unshare_verify(const struct create_variant *v, struct stats *st, long ret,
			   const unsigned long *before)
{
	unsigned long after[NS_LINKS];
	bool changed, asked;
	size_t i;
	pid_t pid;

	if (read_links(after)) {
		stats_bad(st, "cannot read /proc/self/ns: %s", strerror(errno));
		return;
	}
	if (ret < 0) {
		for (i = 0; i < NS_LINKS; i++)
			if (after[i] != before[i])
				stats_bad(st, "a failed unshare() changed /proc/self/ns/%s",
					  ns_links[i]);
		/* The same, with nothing injected. */
		if (unshare(v->flag)) {
			stats_bad(st, "unshare() fails again with nothing injected: %s",
				  strerror(errno));
			return;
		}
		if (read_links(after)) {
			stats_bad(st, "cannot read /proc/self/ns: %s", strerror(errno));
			return;
		}
	}
	/* The namespace asked for is a new one, the others are those we had. */
	for (i = 0; i < NS_LINKS; i++) {
		changed = after[i] != before[i];
		asked = !strcmp(ns_links[i], v->link);
		if (changed != asked)
			stats_bad(st, "after unshare(), /proc/self/ns/%s %s", ns_links[i],
				  changed ? "changed" : "did not change");
	}
	/* Pid and time namespaces come to life with a first child. */
	if (v->flag & (CLONE_NEWPID | CLONE_NEWTIME)) {
		pid = fork();
		if (pid == 0)
			_exit(v->flag == CLONE_NEWPID && getpid() != 1);
		if (pid < 0 || wait_status(pid))
			stats_bad(st, "the first child in the new namespace failed: %s",
				  pid < 0 ? strerror(errno) : "its status");
	}
}

static void clone_verify(struct stats *st, long ret)
{
	struct clone_args_v0 args = { .flags = CLONE_NEWPID, .exit_signal = SIGCHLD };
	int status;
	pid_t pid;

	if (ret > 0) {
		status = wait_status(ret);
		if (status)
			stats_bad(st, "the child of clone3() exited with %d", status);
		return;
	}
	/* The same, with nothing injected: its child is init of a new namespace. */
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(getpid() == 1 ? 0 : 1);
	if (pid < 0)
		stats_bad(st, "clone3() fails again with nothing injected: %s", strerror(errno));
	else if (wait_status(pid))
		stats_bad(st, "clone3() with nothing injected: its child failed");
}

/* One attempt, in a child of its own (an unshare() changes the task). */
static int create_attempt(const struct create_variant *v, struct stats *st,
			  enum mode mode, unsigned int n, struct injector *outcome)
{
	unsigned long before[NS_LINKS];
	struct injector inj;
	long ret, t0, t1;
	__u64 flags;
	int err;

	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (injector_open(&inj)) {
		stats_bad(st, "cannot open make-it-fail and fail-nth: %s", strerror(errno));
		return 1;
	}
	if (read_links(before)) {
		stats_bad(st, "cannot read /proc/self/ns: %s", strerror(errno));
		return 1;
	}
	inject_arm(&inj, mode, n);
	t0 = times_left(&inj);
	if (v->clone) {
		flags = CLONE_NEWPID | (mode == BY_TASK ? CLONE_VM | CLONE_VFORK : 0);
		ret = INJECTED(&inj, clone3_exit_at_once(flags));
	} else {
		ret = INJECTED(&inj, unshare(v->flag));
	}
	err = errno;
	/* Still failing every allocation: leave without another syscall. */
	if (inj.stuck)
		_exit(2);
	t1 = times_left(&inj);
	*outcome = inj;
	stats_record(st, &inj, ret, err, times_delta(t0, t1), v->accept, v->path);
	if (v->clone)
		clone_verify(st, ret);
	else
		unshare_verify(v, st, ret, before);
	return 0;
}

/* ---- pid: fork() deep down ---- */

/* fork(): its "try again" (EAGAIN) as well as ENOMEM. */
static const int fork_errnos[] = { ENOMEM, EAGAIN, 0 };

static void fork_verify(struct stats *st, long ret)
{
	pid_t pid;
	int status;

	if (ret > 0) {
		status = wait_status(ret);
		if (status)
			stats_bad(st, "a forked child exited with %d", status);
		return;
	}
	/* The same, with nothing injected: a child whose parent is our init. */
	pid = fork();
	if (pid == 0)
		_exit(getppid() == 1 ? 0 : 3);
	if (pid < 0) {
		stats_bad(st, "fork() fails again with nothing injected: %s", strerror(errno));
		return;
	}
	status = wait_status(pid);
	if (status)
		stats_bad(st, "fork() with nothing injected: the child exited with %d", status);
}

/* In init of a pid namespace some levels down: attempts forks with injections. */
static int fork_attempts(struct stats *st, int attempts, unsigned int seed)
{
	struct sweep sw = { .next = 1, .seed = seed };
	unsigned int n, interval;
	struct injector inj;
	long ret, t0, t1;
	enum mode mode;
	int i, err;

	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (injector_open(&inj)) {
		stats_bad(st, "cannot open make-it-fail and fail-nth: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < attempts; i++) {
		mode = sweep_next(&sw, &n, &interval);
		if (mode == BY_TASK && fi_interval(interval)) {
			stats_bad(st, "cannot set the interval: %s", strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		if (mode == BY_TASK) {
			ret = INJECTED(&inj, clone3_exit_at_once(CLONE_VM | CLONE_VFORK));
		} else {
			/* fail-nth is not inherited: the child is free to check its parent. */
			inject_begin(&inj);
			ret = fork();
			if (ret == 0)
				_exit(getppid() == 1 ? 0 : 3);
			err = errno;
			inject_end(&inj);
			errno = err;
		}
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(st, &inj, ret, err, times_delta(t0, t1), fork_errnos, "fork()");
		sweep_done(&sw, &inj);
		fork_verify(st, ret);
	}
	return 0;
}

/* A chain of depth pid namespaces, made before anything is injected, then the attempts. */
static int depth_chain(int depth, struct stats *st, int attempts)
{
	pid_t pid;
	int made;

	for (made = 0; made < depth; made++) {
		if (unshare(CLONE_NEWPID)) {
			stats_bad(st, "setup: unshare(CLONE_NEWPID) %d levels down: %s", made,
				  strerror(errno));
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			stats_bad(st, "setup: fork %d levels down: %s", made, strerror(errno));
			return 1;
		}
		if (pid > 0)
			_exit(wait_status(pid));
		if (getpid() != 1) {
			stats_bad(st, "setup: not init %d levels down", made + 1);
			return 1;
		}
	}
	return fork_attempts(st, attempts, depth);
}

/* ---- nsfs: an ns file opened, and NS_GET_USERNS, with caches dropped ---- */

/*
 * ENOMEM, and ENOENT: procfs reports a failed inode allocation under
 * /proc/<pid> as ENOENT (proc_pid_instantiate(), proc_pident_instantiate(),
 * proc_ns_instantiate()).
 */
static const int nsfs_open_errnos[] = { ENOMEM, ENOENT, 0 };
/* NS_GET_USERNS makes an nsfs file and an fd: ENOMEM only. */
static const int nsfs_ioctl_errnos[] = { ENOMEM, 0 };

/*
 * "2" drops dentries and inodes; the 4 bit only silences the line the kernel
 * logs for every write.  pwrite(): a sysctl ignores writes past offset 0.
 */
/* Slab caches (dentries, inodes): 2; vm.drop_caches takes 1 to 4 only. */
static int drop_caches(int fd)
{
	return pwrite(fd, "2", 1, 0) == 1 ? 0 : -1;
}

static int nsfs_worker(struct stats *so, struct stats *su, int attempts)
{
	struct sweep s_open = { .next = 1, .seed = 1 }, s_ioctl = { .next = 1, .seed = 2 };
	struct stat net, user, st;
	unsigned int n, interval;
	struct injector inj;
	int i, fd, uns, drop, err;
	long t0, t1;
	enum mode mode;

	/* A network namespace of our own: nobody else holds its nsfs dentry. */
	if (unshare(CLONE_NEWNET) || stat("/proc/self/ns/net", &net) ||
	    stat("/proc/self/ns/user", &user)) {
		stats_bad(so, "setup: %s", strerror(errno));
		return 1;
	}
	drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (drop < 0 || injector_open(&inj)) {
		stats_bad(so, "setup: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < attempts; i++) {
		mode = sweep_next(&s_open, &n, &interval);
		if (drop_caches(drop) || (mode == BY_TASK && fi_interval(interval))) {
			stats_bad(so, "cannot drop caches or set the interval: %s",
				  strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		fd = INJECTED(&inj, open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(so, &inj, fd, err, times_delta(t0, t1), nsfs_open_errnos,
			     "open(/proc/self/ns/net)");
		sweep_done(&s_open, &inj);
		if (fd < 0) {
			fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				stats_bad(so, "open() fails again with nothing injected: %s",
					  strerror(errno));
				continue;
			}
		}
		if (fstat(fd, &st) || st.st_ino != net.st_ino ||
		    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
			stats_bad(so, "/proc/self/ns/net opens something else");

		mode = sweep_next(&s_ioctl, &n, &interval);
		if (drop_caches(drop) || (mode == BY_TASK && fi_interval(interval))) {
			stats_bad(su, "cannot drop caches or set the interval: %s",
				  strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		uns = INJECTED(&inj, ioctl(fd, NS_GET_USERNS));
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(su, &inj, uns, err, times_delta(t0, t1), nsfs_ioctl_errnos,
			     "NS_GET_USERNS");
		sweep_done(&s_ioctl, &inj);
		if (uns < 0) {
			uns = ioctl(fd, NS_GET_USERNS);
			if (uns < 0)
				stats_bad(su, "NS_GET_USERNS fails again with nothing injected: %s",
					  strerror(errno));
		}
		if (uns >= 0) {
			if (fstat(uns, &st) || st.st_ino != user.st_ino ||
			    ioctl(uns, NS_GET_NSTYPE) != CLONE_NEWUSER)
				stats_bad(su, "NS_GET_USERNS gives another namespace");
			close(uns);
		}
		close(fd);
	}
	return 0;
}

/* ---- proc_namespaces: lookups and listings of /proc/namespaces ---- */

/*
 * Lookup, follow and listing of /proc/namespaces: ENOMEM only.  The procfs
 * lookup of "namespaces" (proc_lookup_de()) and of an entry (nsrs's
 * link_dir) report a failed inode allocation as ENOMEM; ENOENT is for names
 * that are no entry, and these are of namespaces we hold.
 */
static const int registry_errnos[] = { ENOMEM, 0 };

struct dirent64_raw {
	__u64 d_ino;
	__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Static: in memory mlockall() made present before anything is injected. */
static char dents[8192];

/* How many of names a listing of /proc/namespaces has, or -1 with errno. */
static int list_raw(char (*names)[64], int count)
{
	int fd = open(PROC_NS, O_RDONLY | O_DIRECTORY | O_CLOEXEC), found = 0, err, k;
	struct dirent64_raw *d;
	long len, off;

	if (fd < 0)
		return -1;
	while ((len = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0)
		for (off = 0; off < len; off += d->d_reclen) {
			d = (struct dirent64_raw *)(dents + off);
			for (k = 0; k < count; k++)
				found += !strcmp(d->d_name, names[k]);
		}
	err = errno;
	close(fd);
	errno = err;
	return len < 0 ? -1 : found;
}

/* The types of the namespaces registry_worker() makes, those of them the kernel has. */
static const struct {
	const char *link;
	int flag;
} registry_types[] = {
	{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
};

#define REGISTRY_TYPES ARRAY_SIZE(registry_types)

static int registry_worker(struct stats *sl, struct stats *so, struct stats *sr, int attempts)
{
	struct sweep s_lstat = { .next = 1, .seed = 1 }, s_open = { .next = 1, .seed = 2 };
	struct sweep s_list = { .next = 1, .seed = 3 };
	char names[REGISTRY_TYPES][64], paths[REGISTRY_TYPES][PATH_MAX], link[64];
	const char *links[REGISTRY_TYPES];
	unsigned long inums[REGISTRY_TYPES];
	unsigned int n, interval;
	struct injector inj;
	int i, k, fd, drop, err, flags = 0, count = 0;
	long ret, t0, t1;
	struct stat st;
	enum mode mode;
	ssize_t len;

	for (k = 0; k < (int)REGISTRY_TYPES; k++) {
		if (!ns_present(registry_types[k].link))
			continue;
		links[count++] = registry_types[k].link;
		flags |= registry_types[k].flag;
	}
	/* Namespaces of our own, which nothing else holds or looks up. */
	if (unshare(flags)) {
		stats_bad(sl, "setup: unshare: %s", strerror(errno));
		return 1;
	}
	for (k = 0; k < count; k++) {
		snprintf(paths[k], sizeof(paths[k]), "/proc/self/ns/%s", links[k]);
		len = readlink(paths[k], link, sizeof(link) - 1);
		if (len <= 0) {
			stats_bad(sl, "setup: readlink %s: %s", paths[k], strerror(errno));
			return 1;
		}
		link[len] = '\0';
		snprintf(names[k], sizeof(names[k]), "%s", link);
		inums[k] = ns_name_inum(link);
		snprintf(paths[k], sizeof(paths[k]), PROC_NS "/%s", link);
	}
	drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (drop < 0 || injector_open(&inj)) {
		stats_bad(sl, "setup: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < attempts; i++) {
		k = i % count;

		mode = sweep_next(&s_lstat, &n, &interval);
		if (drop_caches(drop) || (mode == BY_TASK && fi_interval(interval))) {
			stats_bad(sl, "cannot drop caches or set the interval: %s",
				  strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		ret = INJECTED(&inj, lstat(paths[k], &st));
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(sl, &inj, ret, err, times_delta(t0, t1), registry_errnos, "lstat()");
		sweep_done(&s_lstat, &inj);
		if (ret < 0 && lstat(paths[k], &st))
			stats_bad(sl, "lstat(%s) fails again with nothing injected: %s", paths[k],
				  strerror(errno));
		else if (!S_ISLNK(st.st_mode))
			stats_bad(sl, "%s is no symbolic link", paths[k]);

		mode = sweep_next(&s_open, &n, &interval);
		if (drop_caches(drop) || (mode == BY_TASK && fi_interval(interval))) {
			stats_bad(so, "cannot drop caches or set the interval: %s",
				  strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		fd = INJECTED(&inj, open(paths[k], O_RDONLY | O_CLOEXEC));
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(so, &inj, fd, err, times_delta(t0, t1), registry_errnos, "open()");
		sweep_done(&s_open, &inj);
		if (fd < 0)
			fd = open(paths[k], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			stats_bad(so, "open(%s) fails again with nothing injected: %s", paths[k],
				  strerror(errno));
		} else {
			if (fstat(fd, &st) || st.st_ino != inums[k])
				stats_bad(so, "%s opens another namespace", paths[k]);
			close(fd);
		}

		mode = sweep_next(&s_list, &n, &interval);
		if (drop_caches(drop) || (mode == BY_TASK && fi_interval(interval))) {
			stats_bad(sr, "cannot drop caches or set the interval: %s",
				  strerror(errno));
			return 1;
		}
		inject_arm(&inj, mode, n);
		t0 = times_left(&inj);
		ret = INJECTED(&inj, list_raw(names, count));
		err = errno;
		if (inj.stuck)
			_exit(2);
		t1 = times_left(&inj);
		stats_record(sr, &inj, ret, err, times_delta(t0, t1), registry_errnos,
			     "listing " PROC_NS);
		sweep_done(&s_list, &inj);
		if (ret < 0)
			ret = list_raw(names, count);
		if (ret != count)
			stats_bad(sr, "listing " PROC_NS ": %ld of our %d namespaces (%s)", ret,
				  count, ret < 0 ? strerror(errno) : "missing");
	}
	return 0;
}

/* ---- the tests ---- */

FIXTURE(faults) {
	struct fi_saved saved;
	bool enabled;
	bool registry;
	int attempts, level;
	struct inums start;
	struct klog_mark mark;
	struct shared *sh;
};

static int env_attempts(void)
{
	const char *s = getenv("NSRS_FAULT_ATTEMPTS");
	char *end;
	long v;

	if (!s || !*s)
		return ATTEMPTS_DEFAULT;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 1000000 ? ATTEMPTS_DEFAULT : v;
}

FIXTURE_SETUP(faults)
{
	char what[64];

	self->sh = MAP_FAILED;
	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, private_mounts()) TH_LOG("%s", strerror(errno));
	debugfs_ready();
	if (access(FAILSLAB, F_OK))
		SKIP(return,
		     "no failslab: kernel without CONFIG_FAILSLAB/FAULT_INJECTION_DEBUG_FS");
	ASSERT_EQ(0, access("/proc/thread-self/make-it-fail", W_OK));
	ASSERT_EQ(0, access("/proc/thread-self/fail-nth", W_OK));
	self->attempts = env_attempts();
	self->level = pid_ns_level();
	ASSERT_GE(self->level, 0) TH_LOG("cannot tell our pid namespace's level");
	self->registry = !access(PROC_NS, F_OK);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	ASSERT_EQ(0, settled_namespaces(&self->start, self->registry, SETTLE_MS))
		TH_LOG("%s", strerror(errno));
	/*
	 * The first test makes kmemleak forget what it found before (what the
	 * last test then finds is ours), before our mark in the log: a scan logs
	 * "new suspected memory leaks" when it finds some.
	 */
	if (!strcmp(_metadata->name, "create_cgroup") && kmemleak_present() &&
	    kmemleak_forget())
		TH_LOG("kmemleak does not scan: %s", strerror(errno));
	klog_begin(&self->mark, "fault_inject");
	fi_save(&self->saved);
	ASSERT_EQ(0, fi_enable(&self->saved, what, sizeof(what)))
		TH_LOG("cannot write %s: %s", what, strerror(errno));
	self->enabled = true;
}

FIXTURE_TEARDOWN(faults)
{
	if (self->enabled)
		fi_restore(&self->saved);
	if (self->sh != MAP_FAILED)
		munmap(self->sh, sizeof(*self->sh));
	inums_free(&self->start);
}

static void print_stats(const struct stats *st)
{
	char errs[160], name[32];
	size_t len = 0;
	int i;

	errs[0] = '\0';
	for (i = 0; i < ERRNO_KINDS && st->errnos[i][1]; i++)
		len += snprintf(errs + len, sizeof(errs) - len, "%s%s %d", i ? ", " : "",
				errno_name(st->errnos[i][0], name, sizeof(name)), st->errnos[i][1]);
	/*
	 * The runner collects these lines: the count the kernel injected, else
	 * the failures seen.
	 */
	printf("NSRS-FAULTS %s injected=%ld attempts=%d\n", st->path,
	       st->injected >= 0 ? st->injected : (long)st->failed, st->attempts);
	printf("# %s: %d of %d calls failed (%s); "
	       "fail-nth reached %d of %d, up to %u allocations per call; "
	       "make-it-fail %d%s\n",
	       st->path, st->failed, st->attempts, st->failed ? errs : "none", st->consumed,
	       st->by_nth, st->max_calls, st->by_task,
	       st->injected < 0 ? "; debugfs times unreadable" : "");
	fflush(stdout);
}

/*
 * After the paths: settings back, a line per path, and the kernel as we
 * found it: the same live namespaces (within RELEASE_MS), no report in its
 * log.  (struct _test_data_faults is FIXTURE_DATA(faults), the type of self.)
 */
static void finish(struct __test_metadata *_metadata, struct _test_data_faults *self, int nstats)
{
	char missing[256], counts[256], *excerpt;
	struct inums now = { 0 };
	struct klog_counts grown;
	int i, ret;

	fi_restore(&self->saved);
	self->enabled = false;
	for (i = 0; i < nstats; i++) {
		const struct stats *st = &self->sh->stats[i];

		print_stats(st);
		EXPECT_EQ(0, st->bad) TH_LOG("%s: %d faults, the first: %s", st->path, st->bad,
					     st->first_bad);
	}
	ret = wait_back_to(&self->start, &now, self->registry, RELEASE_MS);
	inums_missing(&now, &self->start, missing, sizeof(missing));
	EXPECT_EQ(0, ret) TH_LOG("%zu namespaces live %d s after (%zu before), new: %s", now.n,
				 RELEASE_MS / 1000, self->start.n, missing);
	inums_free(&now);
	if (klog_end(&self->mark, &grown, &excerpt)) {
		TH_LOG("cannot read the kernel log: %s", strerror(errno));
		return;
	}
	klog_describe(&grown, counts, sizeof(counts));
	EXPECT_EQ(0, klog_total(&grown))
		TH_LOG("kernel log: %s, from: %.3000s", counts, excerpt ? excerpt : "?");
	free(excerpt);
}

/* A child for each path, so that nothing injected can reach the test itself. */
static int run_worker(struct stats *st, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	status = wait_status(pid);
	if (status == 2)
		stats_bad(st, "a task could not clear its injection");
	else if (status)
		stats_bad(st, "worker exited with %d", status);
	return 0;
}

/*
 * One path of creates[]: NSRS_FAULT_ATTEMPTS calls, each in a child of its
 * own, sweeping fail-nth over the call's allocations and make-it-fail at
 * growing intervals.
 */
static void create_path(struct __test_metadata *_metadata, struct _test_data_faults *self,
			const struct create_variant *cv)
{
	struct injector *outcome = &self->sh->outcome;
	struct sweep sw = { .next = 1, .seed = cv - creates + 1 };
	struct stats *st = &self->sh->stats[0];
	unsigned int n, interval;
	enum mode mode;
	pid_t pid;
	int i, status;

	if (cv->link && !ns_present(cv->link))
		SKIP(return, "no /proc/self/ns/%s: kernel without %s", cv->link,
		     ns_config(cv->link));
	st->path = cv->path;
	for (i = 0; i < self->attempts; i++) {
		mode = sweep_next(&sw, &n, &interval);
		/*
		 * A task that made a user namespace cannot clear make-it-fail
		 * (CAP_SYS_RESOURCE): fail the first allocation, so that it never
		 * gets there with make-it-fail set.
		 */
		if (cv->flag == CLONE_NEWUSER)
			interval = 1;
		if (mode == BY_TASK)
			ASSERT_EQ(0, fi_interval(interval)) TH_LOG("%s", strerror(errno));
		memset(outcome, 0, sizeof(*outcome));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0)
			_exit(create_attempt(cv, st, mode, n, outcome));
		status = wait_status(pid);
		if (status == 2)
			stats_bad(st, "attempt %d could not clear its injection", i);
		else if (status)
			stats_bad(st, "attempt %d: child exited with %d", i, status);
		sweep_done(&sw, outcome);
	}
	finish(_metadata, self, 1);
}

/*
 * A test per path, each with its own budget: under KASAN and TCG the nine
 * paths together take longer than one test's timeout.
 */
TEST_F_TIMEOUT(faults, create_cgroup, 150)
{
	create_path(_metadata, self, &creates[0]);
}

TEST_F_TIMEOUT(faults, create_ipc, 150)
{
	create_path(_metadata, self, &creates[1]);
}

TEST_F_TIMEOUT(faults, create_mnt, 150)
{
	create_path(_metadata, self, &creates[2]);
}

TEST_F_TIMEOUT(faults, create_net, 150)
{
	create_path(_metadata, self, &creates[3]);
}

TEST_F_TIMEOUT(faults, create_pid, 150)
{
	create_path(_metadata, self, &creates[4]);
}

TEST_F_TIMEOUT(faults, create_time, 150)
{
	create_path(_metadata, self, &creates[5]);
}

TEST_F_TIMEOUT(faults, create_user, 150)
{
	create_path(_metadata, self, &creates[6]);
}

TEST_F_TIMEOUT(faults, create_uts, 150)
{
	create_path(_metadata, self, &creates[7]);
}

TEST_F_TIMEOUT(faults, create_clone3_newpid, 150)
{
	create_path(_metadata, self, &creates[8]);
}

struct depth_arg {
	int depth, attempts;
	struct stats *st;
};

static int depth_worker(void *arg)
{
	struct depth_arg *a = arg;

	return depth_chain(a->depth, a->st, a->attempts);
}

TEST_F_TIMEOUT(faults, alloc_pid_at_depth, 180)
{
	static const int depths[] = { 1, 4, 16 };
	static const char *const paths[] = { "pid/fork-depth-1", "pid/fork-depth-4",
					     "pid/fork-depth-16" };
	struct depth_arg a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(depths); i++) {
		a.st = &self->sh->stats[i];
		a.st->path = paths[i];
		a.depth = depths[i];
		a.attempts = self->attempts;
		if (self->level + depths[i] > MAX_PID_NS_LEVEL) {
			TH_LOG("%s: we are %d levels down already, no room", paths[i], self->level);
			continue;
		}
		ASSERT_EQ(0, run_worker(a.st, depth_worker, &a));
	}
	finish(_metadata, self, ARRAY_SIZE(depths));
}

struct nsfs_arg {
	struct stats *open, *ioctl;
	int attempts;
};

static int nsfs_run(void *arg)
{
	struct nsfs_arg *a = arg;

	return nsfs_worker(a->open, a->ioctl, a->attempts);
}

TEST_F_TIMEOUT(faults, nsfs_open_and_ioctl, 150)
{
	struct nsfs_arg a = {
		.open = &self->sh->stats[0],
		.ioctl = &self->sh->stats[1],
		.attempts = self->attempts,
	};

	if (no_ns_type(_metadata, "net"))
		return;
	a.open->path = "nsfs/open-proc-self-ns-net";
	a.ioctl->path = "nsfs/ns-get-userns";
	ASSERT_EQ(0, run_worker(a.open, nsfs_run, &a));
	finish(_metadata, self, 2);
}

struct registry_arg {
	struct stats *lstat, *open, *list;
	int attempts;
};

static int registry_run(void *arg)
{
	struct registry_arg *a = arg;

	return registry_worker(a->lstat, a->open, a->list, a->attempts);
}

TEST_F_TIMEOUT(faults, proc_namespaces_lookups, 150)
{
	struct registry_arg a = {
		.lstat = &self->sh->stats[0],
		.open = &self->sh->stats[1],
		.list = &self->sh->stats[2],
		.attempts = self->attempts,
	};

	if (!self->registry)
		SKIP(return, "no " PROC_NS ": kernel without CONFIG_NSRS");
	if (!ns_first_present("uts", "ipc", "net", NULL))
		SKIP(return, "no uts, ipc or net namespaces on this kernel");
	a.lstat->path = "proc_namespaces/lstat";
	a.open->path = "proc_namespaces/open";
	a.list->path = "proc_namespaces/readdir";
	ASSERT_EQ(0, run_worker(a.lstat, registry_run, &a));
	finish(_metadata, self, 3);
}

/* Last: what the error paths above leaked, once older than kmemleak's minimum age. */
TEST_F_TIMEOUT(faults, kmemleak_reports_nothing, 120)
{
	char *report;

	if (!kmemleak_present())
		SKIP(return, "no kmemleak: kernel without CONFIG_DEBUG_KMEMLEAK");
	fi_restore(&self->saved);
	self->enabled = false;
	report = kmemleak_check(now_ms(), KMEMLEAK_AGE_S);
	ASSERT_NE(NULL, report) TH_LOG("cannot use kmemleak: %s", strerror(errno));
	EXPECT_EQ(0, strlen(report)) TH_LOG("kmemleak: %.3000s", report);
	free(report);
	finish(_metadata, self, 0);
}

TEST_HARNESS_MAIN
