/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What stress.c and fault_inject.c check once they are done, on a debug
 * kernel (KASAN, lockdep, kmemleak) as on any other:
 *
 * - the live namespaces are back to those there were before: the listing of
 *   /proc/namespaces where the kernel has it, else (a weaker check) the
 *   namespaces the links of /proc/<pid>/task/<tid>/ns/ name;
 * - kmemleak, when the kernel has it, reports nothing new;
 * - the kernel log has no new report: KASAN, WARNING, lockdep, BUG, Oops,
 *   UBSAN, kmemleak's "new suspected memory leaks".
 *
 * And a few helpers both use.  Everything is static inline, so that a test
 * using part of it builds without warnings.  The helpers return errors; the
 * tests judge.
 */
#ifndef NSRS_DEBUG_CHECKS_H
#define NSRS_DEBUG_CHECKS_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/types.h>

#include "../kselftest.h"
#include "deadline.h"

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

#define MAX_PID_NS_LEVEL 32	/* include/linux/pid_namespace.h */

#define PROC_NS "/proc/namespaces"
#define DEBUGFS_DIR "/sys/kernel/debug"
#define KMEMLEAK DEBUGFS_DIR "/kmemleak"

#define CHECK_POLL_MS 10
/* The listing is settled once unchanged for this many polls. */
#define CHECK_SETTLED_POLLS 10

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* struct clone_args up to tls (CLONE_ARGS_SIZE_VER0). */
struct clone_args_v0 {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* The child's exit status, 128 + the signal that killed it, or -1. */
static inline int wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The level of our pid namespace: how many parents NS_GET_PARENT finds; -1 on error. */
static inline int pid_ns_level(void)
{
	int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), parent, level = 0;

	if (fd < 0)
		return -1;
	while ((parent = ioctl(fd, NS_GET_PARENT)) >= 0 && level <= MAX_PID_NS_LEVEL) {
		close(fd);
		fd = parent;
		level++;
	}
	close(fd);
	return errno == EPERM ? level : -1;
}

static inline int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text), ret;
	int err;

	if (fd < 0)
		return -1;
	ret = write(fd, text, len);
	err = errno;
	close(fd);
	errno = err;
	return ret == len ? 0 : -1;
}

/* The first line of path, without its newline; -1 if unreadable. */
static inline int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Mounts the test makes go away with it: the harness runs each test in a
 * process of its own, and its mount namespace dies with that process.
 */
static inline int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/*
 * 1 if debugfs is at /sys/kernel/debug, mounting it there (in the caller's
 * mount namespace) if it is not yet; 0 if the kernel has no debugfs.
 */
static inline int debugfs_ready(void)
{
	struct stat st;

	if (!access(DEBUGFS_DIR "/failslab", F_OK) || !access(KMEMLEAK, F_OK))
		return 1;
	/* The mount point exists exactly when the kernel has debugfs. */
	if (stat(DEBUGFS_DIR, &st) || !S_ISDIR(st.st_mode))
		return 0;
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL) && errno != EBUSY)
		return 0;
	return 1;
}

/* A set of namespace inode numbers. */
struct inums {
	unsigned long *v;
	size_t n, cap;
};

static inline bool inums_has(const struct inums *s, unsigned long ino)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == ino)
			return true;
	return false;
}

/* 0, or -1 without memory. */
static inline int inums_add(struct inums *s, unsigned long ino)
{
	unsigned long *v;

	if (inums_has(s, ino))
		return 0;
	if (s->n == s->cap) {
		v = realloc(s->v, (s->cap * 2 + 64) * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = s->cap * 2 + 64;
	}
	s->v[s->n++] = ino;
	return 0;
}

static inline bool inums_subset(const struct inums *a, const struct inums *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!inums_has(b, a->v[i]))
			return false;
	return true;
}

static inline bool inums_equal(const struct inums *a, const struct inums *b)
{
	return a->n == b->n && inums_subset(a, b);
}

static inline int inums_copy(struct inums *to, const struct inums *from)
{
	size_t i;

	to->n = 0;
	for (i = 0; i < from->n; i++)
		if (inums_add(to, from->v[i]))
			return -1;
	return 0;
}

static inline void inums_free(struct inums *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The inode number in "type:[N]", or 0 if name is not of that form. */
static inline unsigned long ns_name_inum(const char *name)
{
	const char *open = strstr(name, ":[");
	unsigned long ino;
	char *end;

	if (!open || open == name)
		return 0;
	ino = strtoul(open + 2, &end, 10);
	if (end == open + 2 || strcmp(end, "]"))
		return 0;
	return ino;
}

/* The listing of /proc/namespaces; -1 with errno (ENOENT: the kernel has none). */
static inline int list_registry(struct inums *s)
{
	struct dirent *e;
	unsigned long ino;
	DIR *d;
	int err;

	s->n = 0;
	d = opendir(PROC_NS);
	if (!d)
		return -1;
	for (errno = 0; (e = readdir(d)); errno = 0) {
		ino = ns_name_inum(e->d_name);
		if (ino && inums_add(s, ino)) {
			closedir(d);
			errno = ENOMEM;
			return -1;
		}
	}
	err = errno;
	closedir(d);
	errno = err;
	return err ? -1 : 0;
}

static inline bool is_number(const char *s)
{
	return *s >= '1' && *s <= '9' && strspn(s, "0123456789") == strlen(s);
}

/*
 * The namespaces the ns links of every task under /proc name.  Weaker than
 * /proc/namespaces: it misses those only an fd, a mount or a child
 * namespace keeps, but it sees any task left behind in a namespace.
 */
static inline int walk_ns_links(struct inums *s)
{
	static const char *const links[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
		"time", "time_for_children", "user", "uts",
	};
	char path[PATH_MAX], link[64];
	struct dirent *p, *t;
	unsigned long ino;
	DIR *procs, *tasks;
	ssize_t len;
	size_t i;

	s->n = 0;
	procs = opendir("/proc");
	if (!procs)
		return -1;
	while ((p = readdir(procs))) {
		if (!is_number(p->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		tasks = opendir(path);
		if (!tasks)
			continue;	/* gone meanwhile */
		while ((t = readdir(tasks))) {
			if (!is_number(t->d_name))
				continue;
			for (i = 0; i < ARRAY_SIZE(links); i++) {
				snprintf(path, sizeof(path), "/proc/%s/task/%s/ns/%s",
					 p->d_name, t->d_name, links[i]);
				len = readlink(path, link, sizeof(link) - 1);
				if (len <= 0)
					continue;
				link[len] = '\0';
				ino = ns_name_inum(link);
				if (ino && inums_add(s, ino)) {
					closedir(tasks);
					closedir(procs);
					errno = ENOMEM;
					return -1;
				}
			}
		}
		closedir(tasks);
	}
	closedir(procs);
	return 0;
}

static inline int live_namespaces(struct inums *s, bool registry)
{
	return registry ? list_registry(s) : walk_ns_links(s);
}

/*
 * The live namespaces once they have not changed for CHECK_SETTLED_POLLS
 * polls, or after max_ms: what an earlier test left is released
 * asynchronously (pid namespaces after an RCU grace period, net and user
 * namespaces from a workqueue) and must not count as ours.  0, or -1.
 */
static inline int settled_namespaces(struct inums *s, bool registry, int max_ms)
{
	struct inums prev = { 0 };
	long end = now_ms() + max_ms;
	int same = 0, ret = 0;

	while (same < CHECK_SETTLED_POLLS && now_ms() < end) {
		usleep(CHECK_POLL_MS * 1000);
		if (live_namespaces(s, registry)) {
			ret = -1;
			break;
		}
		same = inums_equal(s, &prev) ? same + 1 : 0;
		if (inums_copy(&prev, s)) {
			ret = -1;
			break;
		}
	}
	inums_free(&prev);
	if (!ret && !s->n)
		ret = live_namespaces(s, registry);
	return ret;
}

/*
 * Polls, for up to max_ms, until every live namespace was live at the start:
 * 0 once so, 1 if not by then (now holds the last listing), -1 on error.
 */
static inline int wait_back_to(const struct inums *start, struct inums *now, bool registry,
			       int max_ms)
{
	long end = now_ms() + max_ms;

	for (;;) {
		if (live_namespaces(now, registry))
			return -1;
		if (inums_subset(now, start))
			return 0;
		if (now_ms() >= end)
			return 1;
		usleep(CHECK_POLL_MS * 1000);
	}
}

/* Formats up to 10 members of a that b lacks into buf. */
static inline void inums_missing(const struct inums *a, const struct inums *b, char *buf,
				 size_t size)
{
	size_t i, shown = 0, len = 0;

	buf[0] = '\0';
	for (i = 0; i < a->n && shown < 10 && len < size; i++) {
		if (inums_has(b, a->v[i]))
			continue;
		len += snprintf(buf + len, size - len, "%s%lu", shown ? " " : "", a->v[i]);
		shown++;
	}
}

/*
 * Kernel reports.  "BUG: KASAN" lines are also "BUG:" lines: each kind is
 * counted on its own and any growth fails.  Lines of the page allocator's
 * "page allocation failure" warning are not counted: fault injection makes
 * them on purpose, and they are not "WARNING:" reports.
 */
enum klog_kind {
	KLOG_KASAN, KLOG_WARNING, KLOG_LOCKDEP, KLOG_BUG, KLOG_OOPS, KLOG_UBSAN,
	KLOG_KMEMLEAK, KLOG_KINDS
};

static const struct {
	enum klog_kind kind;
	const char *text;
} klog_marks[] = {
	{ KLOG_KASAN, "BUG: KASAN" },
	{ KLOG_KASAN, "KASAN: " },
	{ KLOG_WARNING, "WARNING:" },
	{ KLOG_LOCKDEP, "possible circular locking" },
	{ KLOG_LOCKDEP, "possible recursive locking" },
	{ KLOG_LOCKDEP, "inconsistent lock state" },
	{ KLOG_BUG, "BUG:" },
	{ KLOG_OOPS, "Oops" },
	{ KLOG_UBSAN, "UBSAN:" },
	{ KLOG_KMEMLEAK, "new suspected memory leaks" },
};

static const char *const klog_kind_names[KLOG_KINDS] = {
	"KASAN", "WARNING", "lockdep", "BUG", "Oops", "UBSAN", "kmemleak",
};

struct klog_counts {
	int n[KLOG_KINDS];
};

/* The kernel log, NUL-terminated; NULL if it cannot be read. */
static inline char *klog_read(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), len;
	char *buf;

	if (size <= 0)
		return NULL;
	buf = calloc(1, size + 1);
	if (!buf)
		return NULL;
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (len < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* A mark at p: not the tail of a longer word ("DEBUG:" is no "BUG:"). */
static inline bool klog_word_at(const char *line, const char *p)
{
	return p == line || !isalnum((unsigned char)p[-1]);
}

/* Counts the reports in text, line by line; the first one found goes to *first. */
static inline void klog_count(const char *text, struct klog_counts *c, const char **first)
{
	const char *line, *end, *p;
	bool seen[KLOG_KINDS];
	char buf[1024];
	size_t i, len;

	memset(c, 0, sizeof(*c));
	if (first)
		*first = NULL;
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		len = end - line < (long)sizeof(buf) - 1 ? (size_t)(end - line) : sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, "page allocation failure"))
			continue;
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < ARRAY_SIZE(klog_marks); i++) {
			if (seen[klog_marks[i].kind])
				continue;
			for (p = buf; (p = strstr(p, klog_marks[i].text)); p++)
				if (klog_word_at(buf, p))
					break;
			if (!p)
				continue;
			seen[klog_marks[i].kind] = true;
			c->n[klog_marks[i].kind]++;
			if (first && !*first)
				*first = line;
		}
	}
}

/*
 * Where a test starts in the kernel log: a line of its own (through
 * /dev/kmsg) after which every report is the test's, and the counts before
 * it, for when the log has wrapped past that line by the end.
 */
struct klog_mark {
	char text[96];
	struct klog_counts before;
	bool readable;
};

static inline void klog_begin(struct klog_mark *m, const char *who)
{
	char *log = klog_read();
	int fd;

	snprintf(m->text, sizeof(m->text), "nsrs-selftest %s %d %ld begins", who, getpid(),
		 now_ms());
	m->readable = !!log;
	if (log)
		klog_count(log, &m->before, NULL);
	free(log);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, m->text, strlen(m->text)) < 0)
			m->text[0] = '\0';
		close(fd);
	} else {
		m->text[0] = '\0';
	}
}

/*
 * The reports since klog_begin(), per kind, and the log from the first of
 * them (excerpt, to be freed; NULL if none).  -1 if the log is unreadable.
 */
static inline int klog_end(const struct klog_mark *m, struct klog_counts *grown, char **excerpt)
{
	char *log = klog_read(), *from = NULL, *p;
	struct klog_counts now;
	const char *first;
	int k;

	*excerpt = NULL;
	memset(grown, 0, sizeof(*grown));
	if (!log || !m->readable) {
		free(log);
		return -1;
	}
	if (m->text[0])
		for (p = log; (p = strstr(p, m->text)); p++)
			from = p;
	if (from) {
		klog_count(from, grown, &first);
	} else {
		/* Our line is gone (the log wrapped): compare the counts. */
		klog_count(log, &now, &first);
		for (k = 0; k < KLOG_KINDS; k++)
			grown->n[k] = now.n[k] > m->before.n[k] ? now.n[k] - m->before.n[k] : 0;
	}
	for (k = 0; k < KLOG_KINDS; k++)
		if (grown->n[k] && first) {
			*excerpt = strndup(first, 3000);
			break;
		}
	free(log);
	return 0;
}

static inline int klog_total(const struct klog_counts *c)
{
	int k, total = 0;

	for (k = 0; k < KLOG_KINDS; k++)
		total += c->n[k];
	return total;
}

static inline void klog_describe(const struct klog_counts *c, char *buf, size_t size)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < KLOG_KINDS && len < size; k++)
		if (c->n[k])
			len += snprintf(buf + len, size - len, "%s%s %d", len ? ", " : "",
					klog_kind_names[k], c->n[k]);
}

/* kmemleak: 1 if the kernel has it (debugfs mounted as needed), 0 if not. */
static inline int kmemleak_present(void)
{
	return debugfs_ready() && !access(KMEMLEAK, R_OK | W_OK);
}

/* Writes a command ("scan", "clear") to kmemleak: 0, or -1 with errno. */
static inline int kmemleak_cmd(const char *cmd)
{
	return write_text(KMEMLEAK, cmd);
}

/* What kmemleak reports (to be freed), or NULL with errno. */
static inline char *kmemleak_report(void)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *more;
	int fd = open(KMEMLEAK, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (cap - len < 1024) {
			more = realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got <= 0)
			break;
		len += got;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * Makes kmemleak forget what it found so far: "clear" only greys objects a
 * scan already reported, so scan first.  Anything leaked from here on and
 * older than kmemleak's minimum age (5 s) at the final scan is reported.
 */
static inline int kmemleak_forget(void)
{
	if (kmemleak_cmd("scan"))
		return -1;
	return kmemleak_cmd("clear");
}

/*
 * After waiting for what was freed last to pass kmemleak's minimum age
 * (since_ms: when the work ended), two scans a second apart, as
 * Documentation/dev-tools/kmemleak.rst advises against transient false
 * positives; then the report, to be freed ("" if none).  NULL with errno.
 */
static inline char *kmemleak_check(long since_ms, int age_s)
{
	long wait = since_ms + age_s * 1000L - now_ms();

	if (wait > 0)
		usleep(wait * 1000);
	if (kmemleak_cmd("scan"))
		return NULL;
	sleep(1);
	if (kmemleak_cmd("scan"))
		return NULL;
	return kmemleak_report();
}

#endif /* NSRS_DEBUG_CHECKS_H */
