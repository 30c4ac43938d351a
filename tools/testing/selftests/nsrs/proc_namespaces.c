// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/namespaces, after Kirill Tkhai's series: one magic link per live
 * namespace a procfs instance may see, named and reading "type:[inum]",
 * leading to the namespace's nsfs file.
 *
 * What is checked: the listing is exactly what the processes, their open
 * files and mounts hold; an entry lives as long as its namespace does, held
 * by tasks, an fd, a bind mount or a child namespace, and is gone once the
 * last holder is; entries work with setns(2) and bind mounts; every name but
 * the exact one listed is ENOENT; a procfs mounted in a new user and pid
 * namespace sees only what that user namespace owns; subset=pid has no
 * directory and hidepid changes nothing; and concurrent churn leaves nothing
 * listed that was not there before, drops no namespace something still
 * reaches, and puts nothing in the kernel log.
 *
 * Namespaces are released some time after their last holder goes (pid
 * namespaces after an RCU grace period, net and user namespaces from a
 * workqueue): disappearance is polled for, with a bound.
 *
 * A kernel without CONFIG_NSRS has no /proc/namespaces: every test skips.
 * On a kernel without some namespace types (CONFIG_UTS_NS, IPC_NS, NET_NS,
 * TIME_NS or CGROUPS off: make test-configs), a test of such a type skips,
 * and one over every type leaves those out (ns_present.h); none of them may
 * be listed.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "../kselftest_harness.h"
#include "deadline.h"
#include "ns_present.h"
#include "scm_fd.h"

#define PROC_NS "/proc/namespaces"
/* Longer than any "type:[inum]", shorter than NAME_MAX. */
#define NAME_LEN 64

/* Asynchronous releases: poll for them this long, this often. */
#define GONE_TIMEOUT_MS 5000
#define POLL_MS 10

/* How long a racing listing may take to settle, in attempts POLL_MS apart. */
#define SETTLE_ATTEMPTS 300
/*
 * Unchanged for this many polls: settled.  A second of quiet: on a debug
 * kernel under TCG an RCU grace period or a namespace cleanup worker can
 * take longer than a tenth of one, and what earlier tests left would still
 * be going away during the test.
 */
#define SETTLED_POLLS 100
/* A full walk of /proc is slower: fewer attempts. */
#define WALK_ATTEMPTS 50

#define UNPRIVILEGED 65534
#define HOSTNAME "nsrs-pn-uts"

/*
 * The churn test: CHURNERS processes of up to CHURN_ROUNDS rounds each, fewer
 * where they do not fit in a share of the test's timeout.  A debug kernel
 * under emulation is many times slower than a plain one, and the rounds it
 * gets through must leave time for the checks after them rather than be cut
 * off by the harness.  In percent of CHURN_TIMEOUT_S from the test's start:
 * the listing settles for up to CHURN_SETTLE_PCT; no round is started after
 * CHURN_ROUNDS_PCT; a churner still in its round at CHURN_JOIN_PCT, or a
 * lister still going at CHURN_LISTERS_PCT, is stuck (a round takes seconds
 * there, the margin is tens of them) and is killed; what the churn made is
 * released by CHURN_RELEASE_PCT.  The rest is for the walk of /proc and the
 * kernel log.
 */
#define CHURN_TIMEOUT_S 300
#define CHURN_SETTLE_PCT 10
#define CHURN_ROUNDS_PCT 40
#define CHURN_JOIN_PCT 50
#define CHURN_LISTERS_PCT 55
#define CHURN_RELEASE_PCT 70
#define CHURNERS 4
#define CHURN_ROUNDS 300
#define LISTERS 2
#define LIST_ROUNDS_MAX 100000

static_assert(CHURN_SETTLE_PCT < CHURN_ROUNDS_PCT && CHURN_ROUNDS_PCT < CHURN_JOIN_PCT &&
	      CHURN_JOIN_PCT < CHURN_LISTERS_PCT && CHURN_LISTERS_PCT < CHURN_RELEASE_PCT &&
	      CHURN_RELEASE_PCT < 100, "the churn test's phases in order, within its timeout");

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS },        { "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },       { "time", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};

enum { CGROUP, IPC, MNT, NET, PID, TIME, USER, UTS, NS_TYPES };

/* Every link of /proc/<pid>/ns: the ones "for children" name namespaces too. */
static const char *const ns_links[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
	"time", "time_for_children", "user", "uts",
};

struct ns_id {
	unsigned long ino;
	int type;
};

struct ns_set {
	struct ns_id *v;
	size_t n, cap;
};

static int type_index(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NS_TYPES; i++)
		if (strlen(ns_types[i].name) == len && !strncmp(ns_types[i].name, name, len))
			return i;
	return -1;
}

static int type_of_flag(int flag)
{
	int i;

	for (i = 0; i < NS_TYPES; i++)
		if (ns_types[i].flag == flag)
			return i;
	return -1;
}

static const char *type_name(int type)
{
	return type >= 0 && type < NS_TYPES ? ns_types[type].name : "?";
}

static void ns_name(struct ns_id id, char *buf, size_t size)
{
	snprintf(buf, size, "%s:[%lu]", ns_types[id.type].name, id.ino);
}

/* An entry name exactly as the kernel writes it; -1 for anything else. */
static int parse_name(const char *s, struct ns_id *id)
{
	const char *colon = strchr(s, ':'), *p;
	unsigned long long v = 0;

	if (!colon)
		return -1;
	id->type = type_index(s, colon - s);
	if (id->type < 0 || colon[1] != '[')
		return -1;
	p = colon + 2;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	if (strcmp(p, "]"))
		return -1;
	id->ino = v;
	return 0;
}

static bool set_has(const struct ns_set *s, struct ns_id id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].ino == id.ino && s->v[i].type == id.type)
			return true;
	return false;
}

/* 1 if added, 0 if already there, -1 without memory. */
static int set_add(struct ns_set *s, struct ns_id id)
{
	struct ns_id *v;

	if (set_has(s, id))
		return 0;
	if (s->n == s->cap) {
		v = realloc(s->v, (s->cap * 2 + 64) * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = s->cap * 2 + 64;
	}
	s->v[s->n++] = id;
	return 1;
}

static void set_free(struct ns_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static bool set_subset(const struct ns_set *a, const struct ns_set *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!set_has(b, a->v[i]))
			return false;
	return true;
}

static bool set_equal(const struct ns_set *a, const struct ns_set *b)
{
	return a->n == b->n && set_subset(a, b);
}

/* Logs up to 20 members of a that b lacks, as "what: name". */
static void log_missing(struct __test_metadata *_metadata, const char *what,
			const struct ns_set *a, const struct ns_set *b)
{
	char name[NAME_LEN];
	size_t i, shown = 0;

	for (i = 0; i < a->n && shown < 20; i++) {
		if (set_has(b, a->v[i]))
			continue;
		ns_name(a->v[i], name, sizeof(name));
		TH_LOG("%s: %s", what, name);
		shown++;
	}
}

/* What is wrong in a listing besides which names it has. */
struct faults {
	int bad_name;		/* not "type:[inum]" exactly */
	int bad_dirent;		/* d_ino is not the inum, or d_type not DT_LNK */
	int unordered;		/* not in strictly increasing inum order */
	char first[NAME_MAX + 1];
};

static void fault(struct faults *f, int *count, const char *name)
{
	if (!f->bad_name && !f->bad_dirent && !f->unordered)
		snprintf(f->first, sizeof(f->first), "%s", name);
	(*count)++;
}

static int faults_total(const struct faults *f)
{
	return f->bad_name + f->bad_dirent + f->unordered;
}

/* Reads directory dir (a /proc/namespaces) into s; 0, or -1 with errno. */
static int list_dir(const char *dir, struct ns_set *s, struct faults *f)
{
	unsigned long last = 0;
	struct dirent *e;
	struct ns_id id;
	DIR *d;
	int err;

	s->n = 0;
	memset(f, 0, sizeof(*f));
	d = opendir(dir);
	if (!d)
		return -1;
	for (errno = 0; (e = readdir(d)); errno = 0) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (parse_name(e->d_name, &id)) {
			fault(f, &f->bad_name, e->d_name);
			continue;
		}
		if (e->d_ino != id.ino || e->d_type != DT_LNK)
			fault(f, &f->bad_dirent, e->d_name);
		if (id.ino <= last)
			fault(f, &f->unordered, e->d_name);
		last = id.ino;
		if (set_add(s, id) < 0) {
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

/* 1 if name is in the listing of dir, 0 if not, -1 if it cannot be read. */
static int listed_in(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while (!found && (e = readdir(d)))
		found = !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

static int listed(const char *name)
{
	return listed_in(PROC_NS, name);
}

/* 0 once name is no longer listed, -1 if it still is after GONE_TIMEOUT_MS. */
static int wait_unlisted(const char *name)
{
	int waited;

	for (waited = 0; waited < GONE_TIMEOUT_MS; waited += POLL_MS) {
		if (listed(name) == 0)
			return 0;
		usleep(POLL_MS * 1000);
	}
	return listed(name) == 0 ? 0 : -1;
}

/* lstat() or open() of an entry: 0 or the errno. */
static int entry_errno(const char *dir, const char *name, bool follow)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!follow)
		return lstat(path, &st) ? errno : 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int open_entry(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PROC_NS "/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The namespace of an nsfs file. */
static int id_of_fd(int fd, struct ns_id *id)
{
	struct stat st;

	id->type = type_of_flag(ioctl(fd, NS_GET_NSTYPE));
	if (id->type < 0 || fstat(fd, &st))
		return -1;
	id->ino = st.st_ino;
	return 0;
}

static int open_ns(pid_t pid, const char *link)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, link);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* The namespace /proc/<pid>/ns/<link> shows, and its name. */
static int id_of(pid_t pid, const char *link, struct ns_id *id, char *name)
{
	int fd = open_ns(pid, link), ret;

	if (fd < 0)
		return -1;
	ret = id_of_fd(fd, id);
	close(fd);
	if (!ret && name)
		ns_name(*id, name, NAME_LEN);
	return ret;
}

static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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

/* An empty file to bind mount over; removed by the caller. */
static int make_target(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/*
 * In a child: close every inherited fd but stdio and keep (-1: none). Another
 * child's end of a pipe would keep it from ever reading EOF, and another
 * test's nsfs file would hold a namespace expected to be released.
 */
static void keep_only(int keep)
{
	if (keep > 3)
		close_range(3, keep - 1, 0);
	close_range(keep >= 3 ? keep + 1 : 3, ~0U, 0);
}

/* As keep_only(), for two fds. */
static void keep_two(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo < 3) {
		keep_only(hi);
		return;
	}
	if (lo > 3)
		close_range(3, lo - 1, 0);
	if (hi > lo + 1)
		close_range(lo + 1, hi - 1, 0);
	close_range(hi + 1, ~0U, 0);
}

/*
 * Mounts the test makes die with it: the harness runs each test in a process
 * of its own, and its mount namespace goes when that process exits.
 */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static int config_has(const char *line)
{
	char buf[256];
	FILE *f = fopen("/boot/config", "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(buf, sizeof(buf), f))
		found = strcmp(buf, line) == 0;
	fclose(f);
	return found;
}

/*
 * Skip on a kernel without /proc/namespaces, but fail where the kernel's
 * config (the guest has it at /boot/config) says it was built with it.
 */
static bool no_proc_namespaces(struct __test_metadata *_metadata)
{
	if (!access(PROC_NS, F_OK) || errno != ENOENT)
		return false;
	ASSERT_NE(1, config_has("CONFIG_NSRS=y\n")) TH_LOG("CONFIG_NSRS=y, but no " PROC_NS);
	SKIP(return true, "no " PROC_NS ": kernel without CONFIG_NSRS");
}

/* Gone from the listing within the bound, and not found by name either. */
static void expect_released(struct __test_metadata *_metadata, const char *name,
			    const char *after)
{
	EXPECT_EQ(0, wait_unlisted(name))
		TH_LOG("%s still listed %d ms after %s", name, GONE_TIMEOUT_MS, after);
	EXPECT_EQ(ENOENT, entry_errno(PROC_NS, name, false)) TH_LOG("lstat %s", name);
	EXPECT_EQ(ENOENT, entry_errno(PROC_NS, name, true)) TH_LOG("open %s", name);
}

/* Opening the entry gives the namespace's nsfs file. */
static void expect_opens(struct __test_metadata *_metadata, struct ns_id id)
{
	char name[NAME_LEN];
	struct ns_id got;
	int fd;

	ns_name(id, name, sizeof(name));
	fd = open_entry(name);
	ASSERT_GE(fd, 0) TH_LOG("open %s: %s", name, strerror(errno));
	EXPECT_EQ(0, id_of_fd(fd, &got)) TH_LOG("%s", name);
	EXPECT_EQ(id.ino, got.ino) TH_LOG("%s", name);
	EXPECT_EQ(id.type, got.type) TH_LOG("%s", name);
	close(fd);
}

/*
 * The namespaces a full walk of /proc finds: every task's ns links, the
 * nsfs files processes have open, the nsfs files bind mounted in every
 * mount namespace, and, through NS_GET_USERNS and NS_GET_PARENT, the owners
 * and parents of all of those, which their children keep alive. What it
 * cannot see (a net namespace held only by a socket in another one, a pid
 * namespace whose init never ran) does not exist in an idle guest.
 */
static void add_fd(struct ns_set *s, int fd, int depth)
{
	struct ns_id id;
	int up;

	/* Known namespaces were expanded when they were added. */
	if (depth > 64 || id_of_fd(fd, &id) || set_add(s, id) != 1)
		return;
	up = ioctl(fd, NS_GET_USERNS);
	if (up >= 0) {
		add_fd(s, up, depth + 1);
		close(up);
	}
	if (id.type == PID) {
		up = ioctl(fd, NS_GET_PARENT);
		if (up >= 0) {
			add_fd(s, up, depth + 1);
			close(up);
		}
	}
}

/* A path that may lead to an nsfs file, and the name it should have. */
static void add_path(struct ns_set *s, const char *path, const char *name)
{
	struct ns_id id;
	int fd;

	if (parse_name(name, &id) || set_has(s, id))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* Gone meanwhile: the caller compares again. */
		set_add(s, id);
		return;
	}
	add_fd(s, fd, 0);
	close(fd);
}

static void add_link(struct ns_set *s, const char *path)
{
	char link[PATH_MAX];

	if (!read_link(path, link, sizeof(link)))
		add_path(s, path, link);
}

static bool is_pid(const char *name)
{
	return name[0] >= '1' && name[0] <= '9' && strspn(name, "0123456789") == strlen(name);
}

static void walk_tasks(struct ns_set *s, const char *pid)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t i;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!is_pid(e->d_name))
			continue;
		for (i = 0; i < ARRAY_SIZE(ns_links); i++) {
			snprintf(path, sizeof(path), "/proc/%s/task/%s/ns/%s",
				 pid, e->d_name, ns_links[i]);
			add_link(s, path);
		}
	}
	closedir(d);
}

static void walk_fds(struct ns_set *s, const char *pid)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!is_pid(e->d_name) && strcmp(e->d_name, "0"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, e->d_name);
		/* nsfs names its files "type:[inum]"; anything else does not parse. */
		add_link(s, path);
	}
	closedir(d);
}

/* The nsfs mounts of a process's mount namespace: their root is "type:[inum]". */
static void walk_mounts(struct ns_set *s, const char *pid)
{
	char path[PATH_MAX + 64], line[2 * PATH_MAX], root[PATH_MAX], mnt[PATH_MAX];
	char fstype[64], *dash;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %*s %4095s %4095s", root, mnt) != 2)
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash, " - %63s", fstype) != 1 || strcmp(fstype, "nsfs"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root%s", pid, mnt);
		add_path(s, path, root);
	}
	fclose(f);
}

static int walk_proc(struct ns_set *s)
{
	struct ns_set mnt_seen = { 0 };
	char path[PATH_MAX], link[NAME_LEN];
	struct dirent *e;
	struct ns_id mnt;
	DIR *d;

	s->n = 0;
	d = opendir("/proc");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!is_pid(e->d_name))
			continue;
		walk_tasks(s, e->d_name);
		walk_fds(s, e->d_name);
		/* One mountinfo per mount namespace is enough. */
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", e->d_name);
		if (read_link(path, link, sizeof(link)) || parse_name(link, &mnt) ||
		    set_add(&mnt_seen, mnt) != 1)
			continue;
		walk_mounts(s, e->d_name);
	}
	closedir(d);
	set_free(&mnt_seen);
	return 0;
}

/* The nsfs device, which every entry leads to (the mount namespace's: always there). */
static dev_t nsfs_dev(void)
{
	struct stat st;

	return stat("/proc/self/ns/mnt", &st) ? 0 : st.st_dev;
}

/* One entry as it should be: a link to itself by name, to its namespace by target. */
static void check_entry(struct __test_metadata *_metadata, struct ns_id id, dev_t dev,
			int *vanished)
{
	char name[NAME_LEN], path[PATH_MAX], link[NAME_LEN];
	struct stat st;
	int fd;

	ns_name(id, name, sizeof(name));
	snprintf(path, sizeof(path), PROC_NS "/%s", name);
	if (lstat(path, &st)) {
		/* Released since it was listed: only if it is no longer listed. */
		EXPECT_EQ(ENOENT, errno) TH_LOG("lstat %s", name);
		EXPECT_EQ(0, listed(name)) TH_LOG("%s listed, but lstat fails", name);
		(*vanished)++;
		return;
	}
	EXPECT_TRUE(S_ISLNK(st.st_mode)) TH_LOG("%s: mode %o", name, st.st_mode);
	EXPECT_EQ(id.ino, st.st_ino) TH_LOG("%s: link inode", name);
	if (read_link(path, link, sizeof(link)))
		link[0] = '\0';
	EXPECT_STREQ(name, link);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		(*vanished)++;
		return;
	}
	ASSERT_GE(fd, 0) TH_LOG("open %s: %s", name, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(id.ino, st.st_ino) TH_LOG("%s: target inode", name);
	EXPECT_EQ(dev, st.st_dev) TH_LOG("%s: not on nsfs", name);
	EXPECT_EQ(ns_types[id.type].flag, ioctl(fd, NS_GET_NSTYPE)) TH_LOG("%s", name);
	close(fd);
	/* stat() follows the link to the same file. */
	if (!stat(path, &st))
		EXPECT_EQ(id.ino, st.st_ino) TH_LOG("stat %s", name);
}

TEST(listing_matches_proc_walk)
{
	struct ns_set listing = { 0 }, walk = { 0 };
	int attempt, vanished = 0, seen[NS_TYPES] = { 0 }, t;
	dev_t dev = nsfs_dev();
	struct faults f;
	size_t i;

	if (no_proc_namespaces(_metadata))
		return;
	ASSERT_NE(0, dev);
	/*
	 * The test runner and the harness come and go around us, and what they
	 * leave is released asynchronously: compare until both views agree.
	 */
	for (attempt = 0; attempt < WALK_ATTEMPTS; attempt++) {
		ASSERT_EQ(0, list_dir(PROC_NS, &listing, &f)) TH_LOG("%s", strerror(errno));
		ASSERT_EQ(0, walk_proc(&walk));
		if (set_equal(&listing, &walk))
			break;
		usleep(POLL_MS * 1000);
	}
	log_missing(_metadata, "listed, not found by the walk", &listing, &walk);
	log_missing(_metadata, "found by the walk, not listed", &walk, &listing);
	EXPECT_TRUE(set_equal(&listing, &walk))
		TH_LOG("%zu listed, %zu found, after %d attempts", listing.n, walk.n, attempt);

	EXPECT_EQ(0, f.bad_name) TH_LOG("not type:[inum]: \"%s\"", f.first);
	EXPECT_EQ(0, f.bad_dirent) TH_LOG("d_ino or d_type wrong: %s", f.first);
	EXPECT_EQ(0, f.unordered) TH_LOG("not sorted by inum at %s", f.first);
	for (i = 0; i < listing.n; i++) {
		check_entry(_metadata, listing.v[i], dev, &vanished);
		seen[listing.v[i].type]++;
	}
	/* The initial namespaces of every type the kernel has at least; none of another. */
	for (t = 0; t < NS_TYPES; t++) {
		if (ns_present(type_name(t))) {
			EXPECT_NE(0, seen[t]) TH_LOG("no %s namespace listed", type_name(t));
		} else {
			EXPECT_EQ(0, seen[t])
				TH_LOG("%d %s namespaces listed, but no /proc/self/ns/%s",
				       seen[t], type_name(t), type_name(t));
		}
	}
	EXPECT_LT((size_t)vanished, listing.n) TH_LOG("every entry vanished");
	set_free(&listing);
	set_free(&walk);
}

/*
 * The inode numbers of the initial namespaces: PROC_*_INIT_INO, fixed, and
 * from the allocator, which hands out PROC_DYNAMIC_FIRST and up (the initial
 * net namespace takes one of the first, with or without CONFIG_NET_NS).
 */
static const unsigned long initial_inos[] = {
	0xEFFFFFFFUL, 0xEFFFFFFEUL, 0xEFFFFFFDUL, 0xEFFFFFFCUL, 0xEFFFFFFBUL, 0xEFFFFFFAUL,
};

#define DYNAMIC_FIRST_INO 0xF0000000UL
#define DYNAMIC_PROBED 64

/*
 * A name that was not listed: ENOENT to lstat() and open().  Unless strict, it
 * may have come to name a namespace since the listing, and then be listed.
 */
static void expect_unlisted(struct __test_metadata *_metadata, const char *name, bool strict)
{
	int by_lstat = entry_errno(PROC_NS, name, false);
	int by_open = entry_errno(PROC_NS, name, true);

	if ((by_lstat != ENOENT || by_open != ENOENT) && !strict && listed(name) == 1)
		return;
	EXPECT_EQ(ENOENT, by_lstat) TH_LOG("lstat %s: %s", name, strerror(by_lstat));
	EXPECT_EQ(ENOENT, by_open) TH_LOG("open %s: %s", name, strerror(by_open));
}

/*
 * Regression: with CONFIG_NSRS=y and UTS_NS, IPC_NS or NET_NS off, the
 * initial namespace of that type, which exists without the option but has
 * no operations (ns.ops == NULL), was entered into the registry, and a
 * listing of /proc/namespaces dereferenced them.  Every entry must be of a
 * type the kernel has (/proc/self/ns/<type> exists), and lstat, readlink,
 * open and stat as the namespace it names; no type the kernel lacks is
 * listed.  Nor is any name found that was not listed, of a type the kernel
 * lacks or not: under the initial namespaces' numbers, the first the
 * allocator hands out, and those of the entries; a lookup must not reach an
 * unlisted namespace either.  On a kernel with every type built in, all of
 * it holds as well.
 */
TEST(lists_only_types_the_kernel_has)
{
	struct ns_set listing = { 0 }, probes = { 0 };
	int vanished = 0, err, t;
	bool present[NS_TYPES];
	dev_t dev = nsfs_dev();
	char name[NAME_MAX + 1];
	struct dirent *e;
	struct ns_id id;
	size_t i, len;
	DIR *d;

	if (no_proc_namespaces(_metadata))
		return;
	ASSERT_NE(0, dev);
	for (t = 0; t < NS_TYPES; t++) {
		present[t] = ns_present(ns_types[t].name);
		if (!present[t])
			TH_LOG("no /proc/self/ns/%s: kernel without %s", ns_types[t].name,
			       ns_config(ns_types[t].name));
	}

	/* The listing, each name's type judged before anything else is. */
	d = opendir(PROC_NS);
	ASSERT_NE(NULL, d) TH_LOG("%s", strerror(errno));
	for (errno = 0; (e = readdir(d)); errno = 0) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		len = strcspn(e->d_name, ":");
		t = type_index(e->d_name, len);
		EXPECT_LE(0, t) TH_LOG("%s: no namespace type", e->d_name);
		if (t < 0)
			continue;
		EXPECT_TRUE(present[t]) TH_LOG("%s listed, but no /proc/self/ns/%s", e->d_name,
					       ns_types[t].name);
		EXPECT_EQ(0, parse_name(e->d_name, &id)) TH_LOG("not type:[inum]: %s", e->d_name);
		if (parse_name(e->d_name, &id))
			continue;
		ASSERT_LE(0, set_add(&listing, id));
	}
	err = errno;
	closedir(d);
	ASSERT_EQ(0, err) TH_LOG("readdir: %s", strerror(err));
	ASSERT_NE(0, listing.n);

	/* Each entry: a link named by itself to the namespace it names. */
	for (i = 0; i < listing.n; i++)
		check_entry(_metadata, listing.v[i], dev, &vanished);
	EXPECT_LT((size_t)vanished, listing.n) TH_LOG("every entry vanished");

	/* The numbers to look up under every type's name. */
	for (i = 0; i < ARRAY_SIZE(initial_inos); i++)
		ASSERT_LE(0, set_add(&probes, (struct ns_id){ initial_inos[i], 0 }));
	for (i = 0; i < DYNAMIC_PROBED; i++)
		ASSERT_LE(0, set_add(&probes, (struct ns_id){ DYNAMIC_FIRST_INO + i, 0 }));
	for (i = 0; i < listing.n; i++)
		ASSERT_LE(0, set_add(&probes, (struct ns_id){ listing.v[i].ino, 0 }));
	for (t = 0; t < NS_TYPES; t++) {
		for (i = 0; i < probes.n; i++) {
			id.ino = probes.v[i].ino;
			id.type = t;
			if (set_has(&listing, id))
				continue;
			ns_name(id, name, sizeof(name));
			expect_unlisted(_metadata, name, !present[t]);
		}
	}
	set_free(&listing);
	set_free(&probes);
}

/* What the exit status of the child below says, for its log line. */
#define MISSING_TYPE_STATUSES \
	"1 succeeded, 2 failed but not with EINVAL, 3 made the type appear, over 128 killed (by an oops?)"

/*
 * unshare() of a type the kernel lacks: EINVAL, as on the stock kernel, but
 * for cgroup namespaces, which succeed and make nothing (without
 * CONFIG_CGROUPS, copy_cgroup_ns() hands back the task's, absent, one).
 * Either way the type stays absent, and nothing of it is entered into the
 * registry: none is listed after.  Runs on a kernel without
 * /proc/namespaces too; skips on one with every type built in.
 */
TEST(unshare_of_a_missing_type_makes_nothing)
{
	int absent = ns_absent_flags(), t, ret, seen;
	bool registry = !access(PROC_NS, F_OK);
	struct ns_set listing = { 0 };
	struct faults f;
	size_t i;
	pid_t pid;

	if (!absent)
		SKIP(return, "every namespace type is built in: none to be missing");
	for (t = 0; t < NS_TYPES; t++) {
		if (!(absent & ns_types[t].flag))
			continue;
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			ret = unshare(ns_types[t].flag);
			if (!ret && ns_types[t].flag != CLONE_NEWCGROUP)
				_exit(1);
			if (ret && errno != EINVAL)
				_exit(2);
			_exit(ns_present(ns_types[t].name) ? 3 : 0);
		}
		EXPECT_EQ(0, wait_ok(pid))
			TH_LOG("unshare(%s): " MISSING_TYPE_STATUSES, ns_types[t].name);
		if (!registry)
			continue;
		ASSERT_EQ(0, list_dir(PROC_NS, &listing, &f)) TH_LOG("%s", strerror(errno));
		for (i = 0, seen = 0; i < listing.n; i++)
			seen += listing.v[i].type == t;
		EXPECT_EQ(0, seen)
			TH_LOG("%d %s namespaces listed after unshare(), which the kernel lacks",
			       seen, ns_types[t].name);
	}
	set_free(&listing);
}

/*
 * A child that makes new namespaces (flags) and keeps them until done is
 * closed. New pid and time namespaces are for children only: the child then
 * forks one that lives in them. holder is the process whose /proc/<pid>/ns
 * shows the new namespaces.
 */
struct maker {
	pid_t child;
	pid_t holder;
	int done;
	struct ns_id id;
	char name[NAME_LEN];
};

static int spawn(struct maker *m, int flags, const char *hostname)
{
	int ready[2], done[2];
	pid_t holder;
	char c;

	if (pipe2(ready, O_CLOEXEC))
		return -1;
	if (pipe2(done, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	m->child = fork();
	if (m->child < 0)
		return -1;
	if (m->child == 0) {
		keep_two(ready[1], done[0]);
		if (unshare(flags))
			_exit(1);
		if (hostname && sethostname(hostname, strlen(hostname)))
			_exit(2);
		holder = getpid();
		if (flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
			holder = fork();
			if (holder < 0)
				_exit(3);
			if (holder == 0) {
				close(ready[1]);
				_exit(read(done[0], &c, 1) == 0 ? 0 : 4);
			}
		}
		if (write(ready[1], &holder, sizeof(holder)) != sizeof(holder))
			_exit(5);
		if (read(done[0], &c, 1) != 0)
			_exit(6);
		_exit(holder == getpid() ? 0 : wait_ok(holder));
	}
	close(ready[1]);
	close(done[0]);
	m->done = done[1];
	if (read(ready[0], &m->holder, sizeof(m->holder)) == sizeof(m->holder)) {
		close(ready[0]);
		return 0;
	}
	close(ready[0]);
	close(m->done);
	wait_ok(m->child);
	return -1;
}

/* Lets the child, and what it forked, exit; reaps it. */
static int release(struct maker *m)
{
	close(m->done);
	return wait_ok(m->child);
}

/* A new namespace of type, not ours; m->id and m->name say which. */
static int make_ns(struct maker *m, int type)
{
	struct ns_id mine;

	if (id_of(getpid(), ns_types[type].name, &mine, NULL))
		return -1;
	if (spawn(m, ns_types[type].flag, NULL))
		return -1;
	if (id_of(m->holder, ns_types[type].name, &m->id, m->name) ||
	    m->id.type != type || m->id.ino == mine.ino) {
		release(m);
		return -1;
	}
	return 0;
}

TEST(for_each_type_held_by_task_fd_bind)
{
	struct maker task, file, bind;
	char target[64], path[64];
	struct stat st;
	int i, fd;

	if (no_proc_namespaces(_metadata))
		return;
	ASSERT_EQ(0, private_mounts());
	for (i = 0; i < NS_TYPES; i++) {
		const char *type = ns_types[i].name;

		if (!ns_present(type)) {
			LOG_NS_ABSENT(type);
			continue;
		}
		/*
		 * Three alike, held by their tasks only, by an fd, by a bind
		 * mount. All made before the bind mount, so that no copy of
		 * our mounts (CLONE_NEWNS) holds one.
		 */
		ASSERT_EQ(0, make_ns(&task, i)) TH_LOG("%s", type);
		ASSERT_EQ(0, make_ns(&file, i)) TH_LOG("%s", type);
		ASSERT_EQ(0, make_ns(&bind, i)) TH_LOG("%s", type);
		EXPECT_EQ(1, listed(task.name)) TH_LOG("%s", task.name);
		EXPECT_EQ(1, listed(file.name)) TH_LOG("%s", file.name);
		EXPECT_EQ(1, listed(bind.name)) TH_LOG("%s", bind.name);

		fd = open_ns(file.holder, type);
		ASSERT_GE(fd, 0) TH_LOG("%s", file.name);
		snprintf(target, sizeof(target), "/tmp/nsrs-pn-%s", type);
		ASSERT_EQ(0, make_target(target));
		/* For mnt, a newer namespace into our older one: no loop. */
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", bind.holder, type);
		ASSERT_EQ(0, mount(path, target, NULL, MS_BIND, NULL))
			TH_LOG("bind %s: %s", bind.name, strerror(errno));

		EXPECT_EQ(0, release(&task)) TH_LOG("%s", type);
		EXPECT_EQ(0, release(&file)) TH_LOG("%s", type);
		EXPECT_EQ(0, release(&bind)) TH_LOG("%s", type);

		expect_released(_metadata, task.name, "its tasks exited");
		/* The same release went by for the other two; they are held. */
		EXPECT_EQ(1, listed(file.name)) TH_LOG("%s: open, but not listed", file.name);
		EXPECT_EQ(1, listed(bind.name)) TH_LOG("%s: mounted, but not listed", bind.name);
		expect_opens(_metadata, bind.id);
		ASSERT_EQ(0, stat(target, &st));
		EXPECT_EQ(bind.id.ino, st.st_ino);

		close(fd);
		expect_released(_metadata, file.name, "its last fd was closed");
		EXPECT_EQ(0, umount2(target, MNT_DETACH)) TH_LOG("%s", strerror(errno));
		expect_released(_metadata, bind.name, "its bind mount was unmounted");
		unlink(target);
	}
}

/*
 * Two namespaces of a hierarchical type, the inner a child of the outer,
 * whose tasks stay until done is closed; fd is the inner one, open.
 */
struct chain {
	pid_t child;
	int done;
	int fd;
	char outer[NAME_LEN], inner[NAME_LEN];
};

/* Names both from the inner namespace's fd; NS_GET_PARENT gives the outer one. */
static int name_chain(struct chain *c)
{
	struct ns_id id;
	int parent;

	if (id_of_fd(c->fd, &id))
		return -1;
	ns_name(id, c->inner, sizeof(c->inner));
	parent = ioctl(c->fd, NS_GET_PARENT);
	if (parent < 0)
		return -1;
	if (id_of_fd(parent, &id)) {
		close(parent);
		return -1;
	}
	close(parent);
	ns_name(id, c->outer, sizeof(c->outer));
	return 0;
}

static int release_chain(struct chain *c)
{
	close(c->done);
	return wait_ok(c->child);
}

/* Two pid namespaces deep; the inner init sends its namespace and waits. */
static int pid_chain_child(int sock, int done)
{
	int depth, fd;
	pid_t pid;
	char c;

	for (depth = 0; depth < 2; depth++) {
		if (unshare(CLONE_NEWPID))
			return 1;
		pid = fork();
		if (pid < 0)
			return 2;
		if (pid > 0)
			return wait_ok(pid);
	}
	/* Our /proc is our parent's: self is our number there. */
	fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || send_fd(sock, fd))
		return 3;
	close(fd);
	return read(done, &c, 1) == 0 ? 0 : 4;
}

static int make_pid_chain(struct chain *c)
{
	int sv[2], done[2];

	/* Connected: if the child fails, we read EOF instead of waiting forever. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) || pipe2(done, O_CLOEXEC))
		return -1;
	c->child = fork();
	if (c->child < 0)
		return -1;
	if (c->child == 0) {
		keep_two(sv[1], done[0]);
		_exit(pid_chain_child(sv[1], done[0]));
	}
	close(sv[1]);
	close(done[0]);
	c->done = done[1];
	c->fd = recv_fd(sv[0]);
	close(sv[0]);
	if (c->fd >= 0 && !name_chain(c))
		return 0;
	release_chain(c);
	return -1;
}

/* Two user namespaces deep, as the caller's tasks sees them. */
static int user_chain_child(int ready, int done)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char c;

	/* An unmapped creator may not make a user namespace of its own. */
	if (unshare(CLONE_NEWUSER) || map_root(uid, gid) || unshare(CLONE_NEWUSER))
		return 1;
	if (write(ready, "r", 1) != 1)
		return 2;
	return read(done, &c, 1) == 0 ? 0 : 3;
}

static int make_user_chain(struct chain *c)
{
	int ready[2], done[2];
	char r;

	if (pipe2(ready, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return -1;
	c->child = fork();
	if (c->child < 0)
		return -1;
	if (c->child == 0) {
		keep_two(ready[1], done[0]);
		_exit(user_chain_child(ready[1], done[0]));
	}
	close(ready[1]);
	close(done[0]);
	c->done = done[1];
	c->fd = -1;
	if (read(ready[0], &r, 1) == 1)
		c->fd = open_ns(c->child, "user");
	close(ready[0]);
	if (c->fd >= 0 && !name_chain(c))
		return 0;
	release_chain(c);
	return -1;
}

static void held_by_child_only(struct __test_metadata *_metadata,
			       int (*make)(struct chain *c))
{
	struct chain a, b;

	ASSERT_EQ(0, make(&a));
	ASSERT_EQ(0, make(&b));
	EXPECT_EQ(1, listed(a.outer)) TH_LOG("%s", a.outer);
	EXPECT_EQ(1, listed(a.inner)) TH_LOG("%s", a.inner);
	EXPECT_EQ(1, listed(b.outer)) TH_LOG("%s", b.outer);
	EXPECT_EQ(1, listed(b.inner)) TH_LOG("%s", b.inner);

	/* Nothing but a's tasks holds a; b's inner namespace stays open. */
	close(a.fd);
	EXPECT_EQ(0, release_chain(&a));
	EXPECT_EQ(0, release_chain(&b));
	expect_released(_metadata, a.inner, "its tasks exited");
	expect_released(_metadata, a.outer, "its tasks and child exited");
	/* The same release went by for b's outer namespace: its child holds it. */
	EXPECT_EQ(1, listed(b.outer)) TH_LOG("%s: parent of an open namespace", b.outer);
	EXPECT_EQ(1, listed(b.inner)) TH_LOG("%s: open", b.inner);

	close(b.fd);
	expect_released(_metadata, b.inner, "its last fd was closed");
	expect_released(_metadata, b.outer, "its child was released");
}

TEST(held_by_child_namespace_only)
{
	if (no_proc_namespaces(_metadata))
		return;
	held_by_child_only(_metadata, make_pid_chain);
	held_by_child_only(_metadata, make_user_chain);
}

/* In a child: join the UTS namespace of fd and compare the hostname. */
static int hostname_via_fd(int fd, int nstype, const char *want)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct utsname u;

		if (setns(fd, nstype) || uname(&u))
			_exit(1);
		_exit(strcmp(u.nodename, want) ? 2 : 0);
	}
	return wait_ok(pid);
}

/* In a child: join the namespace at path and check that we are in name. */
static int join_via_path(const char *path, int nstype, const char *name)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char self[64], link[NAME_LEN];
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct ns_id id;

		if (fd < 0 || setns(fd, nstype))
			_exit(1);
		if (parse_name(name, &id))
			_exit(2);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_types[id.type].name);
		if (read_link(self, link, sizeof(link)))
			_exit(3);
		_exit(strcmp(link, name) ? 4 : 0);
	}
	return wait_ok(pid);
}

TEST(setns_and_bind_through_proc_namespaces)
{
	const char *target = "/tmp/nsrs-pn-bound-net";
	char uts[NAME_LEN], net[NAME_LEN], path[PATH_MAX], link[NAME_LEN];
	struct ns_id uts_id, net_id;
	struct maker m;
	struct stat st;
	int fd;

	if (no_proc_namespaces(_metadata))
		return;
	if (no_ns_type(_metadata, "uts"))
		return;
	if (no_ns_type(_metadata, "net"))
		return;
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, spawn(&m, CLONE_NEWUTS | CLONE_NEWNET, HOSTNAME));
	ASSERT_EQ(0, id_of(m.holder, "uts", &uts_id, uts));
	ASSERT_EQ(0, id_of(m.holder, "net", &net_id, net));

	fd = open_entry(uts);
	ASSERT_GE(fd, 0) TH_LOG("open %s: %s", uts, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(uts_id.ino, st.st_ino);
	EXPECT_EQ(CLONE_NEWUTS, ioctl(fd, NS_GET_NSTYPE));
	/* What was opened is the nsfs file, named by nsfs. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ASSERT_EQ(0, read_link(path, link, sizeof(link)));
	EXPECT_STREQ(uts, link);
	EXPECT_EQ(0, hostname_via_fd(fd, CLONE_NEWUTS, HOSTNAME));
	EXPECT_EQ(0, hostname_via_fd(fd, 0, HOSTNAME));
	EXPECT_EQ(-1, setns(fd, CLONE_NEWNET));
	EXPECT_EQ(EINVAL, errno);
	snprintf(path, sizeof(path), PROC_NS "/%s", uts);
	EXPECT_EQ(0, join_via_path(path, CLONE_NEWUTS, uts));

	ASSERT_EQ(0, make_target(target));
	snprintf(path, sizeof(path), PROC_NS "/%s", net);
	ASSERT_EQ(0, mount(path, target, NULL, MS_BIND, NULL)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, stat(target, &st));
	EXPECT_EQ(net_id.ino, st.st_ino);

	EXPECT_EQ(0, release(&m));
	/* The uts namespace: held by the fd opened through /proc/namespaces. */
	EXPECT_EQ(1, listed(uts));
	EXPECT_EQ(0, hostname_via_fd(fd, CLONE_NEWUTS, HOSTNAME));
	close(fd);
	expect_released(_metadata, uts, "its last fd was closed");

	/* The net namespace: held by the bind mount of its entry. */
	EXPECT_EQ(1, listed(net)) TH_LOG("%s: mounted, but not listed", net);
	EXPECT_EQ(0, join_via_path(target, CLONE_NEWNET, net));
	EXPECT_EQ(0, join_via_path(path, CLONE_NEWNET, net));
	EXPECT_EQ(0, umount(target)) TH_LOG("%s", strerror(errno));
	expect_released(_metadata, net, "its bind mount was unmounted");
	EXPECT_EQ(0, unlink(target));
}

/* Misspellings of the name of a real net namespace, given its inode number. */
static const char *const misspellings[] = {
	"net:[0%lu]", "net:[%lu] ", "net:[%lu]x", "net:[%lu]]", "net:[%lu",
	"net:%lu", "net[%lu]", "net:%lu]", ":[%lu]", "Net:[%lu]", "NET:[%lu]",
	"net :[%lu]", " net:[%lu]", "net:[ %lu]", "net:[%lu ]", "net:[[%lu]]",
	"net::[%lu]", "bogus:[%lu]", "netx:[%lu]", "ne:[%lu]",
};

/* name must be ENOENT to lstat() and to open() alike. */
static void expect_enoent(struct __test_metadata *_metadata, const char *name)
{
	EXPECT_EQ(ENOENT, entry_errno(PROC_NS, name, false)) TH_LOG("lstat \"%s\"", name);
	EXPECT_EQ(ENOENT, entry_errno(PROC_NS, name, true)) TH_LOG("open \"%s\"", name);
}

TEST(malformed_and_missing_names_are_enoent)
{
	char name[512], good[NAME_LEN], link[NAME_LEN], path[PATH_MAX];
	struct ns_id own[NS_TYPES], pid_id, time_id;
	unsigned long n;
	struct maker m;
	int i, j, err;

	if (no_proc_namespaces(_metadata))
		return;
	/* The names below are misspellings of a net namespace's. */
	if (no_ns_type(_metadata, "net"))
		return;
	for (i = 0; i < NS_TYPES; i++) {
		/* A type the kernel lacks: no namespace of ours, number 0. */
		own[i].ino = 0;
		own[i].type = i;
		if (!ns_present(ns_types[i].name)) {
			LOG_NS_ABSENT(ns_types[i].name);
			continue;
		}
		ASSERT_EQ(0, id_of(getpid(), ns_types[i].name, &own[i], NULL));
	}
	n = own[NET].ino;
	/* The exact name works: what follows fails for its spelling alone. */
	ns_name(own[NET], good, sizeof(good));
	ASSERT_EQ(0, entry_errno(PROC_NS, good, false)) TH_LOG("%s", good);
	ASSERT_EQ(0, entry_errno(PROC_NS, good, true)) TH_LOG("%s", good);

	expect_enoent(_metadata, "net");
	expect_enoent(_metadata, "net:");
	expect_enoent(_metadata, "net:[]");
	expect_enoent(_metadata, "net:[abc]");
	expect_enoent(_metadata, "net:[-1]");
	expect_enoent(_metadata, "net:[+5]");
	expect_enoent(_metadata, "net:[0]");
	expect_enoent(_metadata, "net:[4294967296]");
	expect_enoent(_metadata, "net:[99999999999999999999999]");
	expect_enoent(_metadata, "bogus:[1]");

	for (i = 0; i < (int)ARRAY_SIZE(misspellings); i++) {
		snprintf(name, sizeof(name), misspellings[i], n);
		expect_enoent(_metadata, name);
	}
	/* The inode number must fit in 32 bits, not wrap to the real one. */
	snprintf(name, sizeof(name), "net:[%llu]", n + (1ULL << 32));
	expect_enoent(_metadata, name);
	/* The link names of /proc/<pid>/ns are not namespace types. */
	ASSERT_EQ(0, id_of(getpid(), "pid_for_children", &pid_id, NULL));
	snprintf(name, sizeof(name), "pid_for_children:[%lu]", pid_id.ino);
	expect_enoent(_metadata, name);
	if (ns_present("time_for_children")) {
		ASSERT_EQ(0, id_of(getpid(), "time_for_children", &time_id, NULL));
		snprintf(name, sizeof(name), "time_for_children:[%lu]", time_id.ino);
		expect_enoent(_metadata, name);
	}

	/* Every namespace under its own type only (a type the kernel lacks: none). */
	for (i = 0; i < NS_TYPES; i++) {
		if (!own[i].ino)
			continue;
		for (j = 0; j < NS_TYPES; j++) {
			snprintf(name, sizeof(name), "%s:[%lu]", ns_types[j].name, own[i].ino);
			if (i != j) {
				expect_enoent(_metadata, name);
				continue;
			}
			EXPECT_EQ(0, entry_errno(PROC_NS, name, true)) TH_LOG("%s", name);
		}
	}

	/* Long names: 200 bytes reach the lookup, which refuses them. */
	memset(name, 'n', 200);
	name[200] = '\0';
	expect_enoent(_metadata, name);
	memcpy(name, "net:[", 5);
	memset(name + 5, '1', 194);
	name[199] = ']';
	name[200] = '\0';
	expect_enoent(_metadata, name);
	/* Beyond NAME_MAX the VFS may refuse first. */
	memset(name, 'n', 300);
	name[300] = '\0';
	err = entry_errno(PROC_NS, name, false);
	EXPECT_TRUE(err == ENOENT || err == ENAMETOOLONG) TH_LOG("300 bytes: %s", strerror(err));

	/* A namespace that was just released, looked up before and after. */
	ASSERT_EQ(0, make_ns(&m, NET));
	snprintf(path, sizeof(path), PROC_NS "/%s", m.name);
	ASSERT_EQ(0, read_link(path, link, sizeof(link))) TH_LOG("%s", m.name);
	EXPECT_STREQ(m.name, link);
	EXPECT_EQ(0, release(&m));
	ASSERT_EQ(0, wait_unlisted(m.name)) TH_LOG("%s still listed", m.name);
	/* The dentry of the earlier lookup must not survive its namespace. */
	expect_enoent(_metadata, m.name);
	EXPECT_EQ(-1, readlink(path, link, sizeof(link)));
	EXPECT_EQ(ENOENT, errno);
}

/* Whether the user namespace of fd is root or one of its descendants. */
static bool user_ns_within(int fd, unsigned long root)
{
	struct ns_id id;
	int depth, up;

	fd = dup(fd);
	for (depth = 0; fd >= 0 && depth < 40; depth++) {
		if (id_of_fd(fd, &id) || id.type != USER)
			break;
		if (id.ino == root) {
			close(fd);
			return true;
		}
		/* Past root, NS_GET_PARENT is EPERM: out of our reach. */
		up = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = up;
	}
	if (fd >= 0)
		close(fd);
	return false;
}

/* The namespace <procfs>/self/ns/<link> shows. */
static int id_at(const char *procfs, const char *link, struct ns_id *id)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/self/ns/%s", procfs, link);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = id_of_fd(fd, id);
	close(fd);
	return ret;
}

/* What the init of the new namespaces reports to the test. */
struct view_report {
	int status;
	struct ns_id user, mnt, pid, uts;
};

static void print_set(const char *what, const struct ns_set *s)
{
	char name[NAME_LEN];
	size_t i;

	for (i = 0; i < s->n; i++) {
		ns_name(s->v[i], name, sizeof(name));
		fprintf(stderr, "# %s: %s\n", what, name);
	}
}

/*
 * In the init of a new user, mount and pid namespace, uid 65534 outside:
 * a procfs of our own, and what its /proc/namespaces shows.
 */
static int unprivileged_view(const char *dir, const struct ns_id *outside,
			     struct view_report *r)
{
	struct ns_set want = { 0 }, got = { 0 };
	char path[PATH_MAX], name[NAME_LEN];
	struct faults f;
	int i, fd, owner;
	/* A uts namespace of our own, where the kernel has them (outside: number 0 if not). */
	bool uts = outside[UTS].ino != 0;
	bool within;
	size_t k;

	if (getpid() != 1)
		return 10;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 11;
	if (uts && (unshare(CLONE_NEWUTS) || sethostname(HOSTNAME, strlen(HOSTNAME))))
		return 12;
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return 13;
	/* Through our procfs, where we are 1: in /proc, 1 is the real init. */
	if (id_at(dir, "user", &r->user) || id_at(dir, "mnt", &r->mnt) ||
	    id_at(dir, "pid", &r->pid) || (uts && id_at(dir, "uts", &r->uts)))
		return 14;

	/* Exactly what our user namespace owns, and the namespace itself. */
	if (set_add(&want, r->user) < 0 || set_add(&want, r->mnt) < 0 ||
	    set_add(&want, r->pid) < 0 || (uts && set_add(&want, r->uts) < 0))
		return 16;
	snprintf(path, sizeof(path), "%s/namespaces", dir);
	if (list_dir(path, &got, &f) || faults_total(&f))
		return 17;
	if (!set_equal(&want, &got)) {
		print_set("expected", &want);
		print_set("listed", &got);
		return 18;
	}
	for (k = 0; k < got.n; k++) {
		ns_name(got.v[k], name, sizeof(name));
		snprintf(path, sizeof(path), "%s/namespaces/%s", dir, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 19;
		if (ioctl(fd, NS_GET_NSTYPE) != ns_types[got.v[k].type].flag)
			return 20;
		/* The owner, or for a user namespace the namespace itself, is within ours. */
		owner = got.v[k].type == USER ? dup(fd) : ioctl(fd, NS_GET_USERNS);
		within = owner >= 0 && user_ns_within(owner, r->user.ino);
		if (owner >= 0)
			close(owner);
		close(fd);
		if (!within) {
			fprintf(stderr, "# %s: owned outside our user namespace\n", name);
			return 21;
		}
	}
	/* Namespaces the initial user namespace owns are not there by name either. */
	snprintf(path, sizeof(path), "%s/namespaces", dir);
	for (i = 0; i < NS_TYPES; i++) {
		if (!outside[i].ino)
			continue;
		ns_name(outside[i], name, sizeof(name));
		if (entry_errno(path, name, false) != ENOENT ||
		    entry_errno(path, name, true) != ENOENT) {
			fprintf(stderr, "# %s: found from inside\n", name);
			return 22;
		}
	}
	set_free(&want);
	set_free(&got);
	return 0;
}

static int unprivileged_child(const char *dir, const struct ns_id *outside, int report,
			      int done)
{
	struct view_report r = { 0 };
	pid_t init;
	char c;

	if (setgroups(0, NULL) ||
	    setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED))
		return 1;
	/* The uid change made us undumpable: our /proc/self would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 2;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID))
		return 3;
	if (map_root(UNPRIVILEGED, UNPRIVILEGED))
		return 4;
	init = fork();
	if (init < 0)
		return 5;
	if (init == 0) {
		r.status = unprivileged_view(dir, outside, &r);
		if (write(report, &r, sizeof(r)) != sizeof(r))
			_exit(6);
		_exit(read(done, &c, 1) == 0 ? r.status : 7);
	}
	return wait_ok(init);
}

TEST(unprivileged_view_in_a_new_user_namespace)
{
	char dir[] = "/tmp/nsrs-pn-proc-XXXXXX", path[PATH_MAX];
	struct ns_id outside[NS_TYPES], *ids[4];
	struct ns_set got = { 0 }, want = { 0 };
	int report[2], done[2], i, fd, nids;
	struct view_report r;
	pid_t pid, init;
	char name[NAME_LEN];
	struct faults f;

	if (no_proc_namespaces(_metadata))
		return;
	for (i = 0; i < NS_TYPES; i++) {
		/* A type the kernel lacks: number 0, left out here and inside. */
		outside[i].ino = 0;
		outside[i].type = i;
		if (!ns_present(ns_types[i].name)) {
			LOG_NS_ABSENT(ns_types[i].name);
			continue;
		}
		ASSERT_EQ(0, id_of(getpid(), ns_types[i].name, &outside[i], NULL));
	}
	ASSERT_NE(NULL, mkdtemp(dir));
	/* Searchable by uid 65534, which mounts on it. */
	ASSERT_EQ(0, chmod(dir, 0755));
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		keep_two(report[1], done[0]);
		_exit(unprivileged_child(dir, outside, report[1], done[0]));
	}
	close(report[1]);
	close(done[0]);
	ASSERT_EQ(sizeof(r), read(report[0], &r, sizeof(r))) TH_LOG("child: %d", wait_ok(pid));
	ASSERT_EQ(0, r.status) TH_LOG("view from inside: step %d", r.status);

	/* The initial procfs lists the new namespaces. */
	ids[0] = &r.user;
	ids[1] = &r.mnt;
	ids[2] = &r.pid;
	ids[3] = &r.uts;
	nids = outside[UTS].ino ? 4 : 3;
	for (i = 0; i < nids; i++) {
		ns_name(*ids[i], name, sizeof(name));
		EXPECT_EQ(1, listed(name)) TH_LOG("%s, made inside, not listed outside", name);
		ASSERT_EQ(1, set_add(&want, *ids[i]));
	}

	/*
	 * Their procfs, seen by us: what is listed depends on the instance,
	 * not on who reads. Its pid namespace finds its init for us.
	 */
	ns_name(r.pid, name, sizeof(name));
	fd = open_entry(name);
	ASSERT_GE(fd, 0) TH_LOG("%s", name);
	init = ioctl(fd, NS_GET_PID_FROM_PIDNS, 1);
	close(fd);
	ASSERT_GT(init, 0) TH_LOG("%s", strerror(errno));
	snprintf(path, sizeof(path), "/proc/%d/root%s/namespaces", init, dir);
	ASSERT_EQ(0, list_dir(path, &got, &f)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_EQ(0, faults_total(&f));
	log_missing(_metadata, "expected inside, not listed", &want, &got);
	log_missing(_metadata, "listed inside, not expected", &got, &want);
	EXPECT_TRUE(set_equal(&want, &got));
	if (outside[NET].ino) {
		ns_name(outside[NET], name, sizeof(name));
		snprintf(path, sizeof(path), "/proc/%d/root%s/namespaces", init, dir);
		EXPECT_EQ(ENOENT, entry_errno(path, name, false)) TH_LOG("%s in %s", name, path);
	}

	close(done[1]);
	close(report[0]);
	EXPECT_EQ(0, wait_ok(pid));
	EXPECT_EQ(0, rmdir(dir));
	set_free(&got);
	set_free(&want);
}

/*
 * The listings of /proc/namespaces (a) and of dir (b), taken again until they
 * agree, as namespaces may come and go between the two: 0 once they do.
 */
static int list_stable(struct ns_set *a, struct ns_set *b, const char *dir)
{
	struct faults f;
	int attempt;

	for (attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
		if (list_dir(PROC_NS, a, &f) || list_dir(dir, b, &f) || faults_total(&f))
			return -1;
		if (set_equal(a, b))
			return 0;
		usleep(POLL_MS * 1000);
	}
	return 1;
}

static int read_full(int fd, void *buf, size_t len)
{
	ssize_t got;

	while (len) {
		got = read(fd, buf, len);
		if (got <= 0)
			return -1;
		buf = (char *)buf + got;
		len -= got;
	}
	return 0;
}

/* As uid 65534: the listing of dir, written to fd as a count and the entries. */
static int unprivileged_listing(const char *dir, int fd)
{
	struct ns_set s = { 0 };
	struct faults f;
	char path[PATH_MAX];
	struct stat st;

	if (setgroups(0, NULL) || setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED))
		return 1;
	/* hidepid=2 is in force: init's directory is invisible to us. */
	snprintf(path, sizeof(path), "%s/1", dir);
	if (!lstat(path, &st) || errno != ENOENT)
		return 2;
	snprintf(path, sizeof(path), "%s/namespaces", dir);
	if (list_dir(path, &s, &f) || faults_total(&f))
		return 3;
	if (write(fd, &s.n, sizeof(s.n)) != sizeof(s.n) ||
	    write(fd, s.v, s.n * sizeof(*s.v)) != (ssize_t)(s.n * sizeof(*s.v)))
		return 4;
	return 0;
}

TEST(subset_pid_has_no_namespaces_dir)
{
	char subset[] = "/tmp/nsrs-pn-subset-XXXXXX", hidepid[] = "/tmp/nsrs-pn-hide-XXXXXX";
	struct ns_set mine = { 0 }, theirs = { 0 }, before = { 0 }, after = { 0 };
	char path[PATH_MAX], name[NAME_LEN];
	/*
	 * A namespace the initial procfs lists for everyone: the initial net
	 * namespace, or on a kernel without net namespaces another initial one
	 * the initial user namespace owns.
	 */
	const char *type = ns_first_present("net", "uts", "ipc", "cgroup", "time", NULL);
	struct ns_id net;
	struct faults f;
	struct stat st;
	int pipefd[2];
	size_t n;
	pid_t pid;

	if (no_proc_namespaces(_metadata))
		return;
	if (!type)
		SKIP(return, "no net, uts, ipc, cgroup or time namespaces on this kernel");
	ASSERT_EQ(0, id_of(getpid(), type, &net, name));
	ASSERT_EQ(0, private_mounts());
	ASSERT_NE(NULL, mkdtemp(subset));
	ASSERT_NE(NULL, mkdtemp(hidepid));
	ASSERT_EQ(0, chmod(hidepid, 0755));

	ASSERT_EQ(0, mount("proc", subset, "proc", 0, "subset=pid")) TH_LOG("%s", strerror(errno));
	/* The process directories are there, the others are not. */
	snprintf(path, sizeof(path), "%s/self", subset);
	EXPECT_EQ(0, lstat(path, &st));
	snprintf(path, sizeof(path), "%s/namespaces", subset);
	EXPECT_EQ(-1, lstat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, listed_in(subset, "namespaces"));
	snprintf(path, sizeof(path), "%s/namespaces/%s", subset, name);
	EXPECT_EQ(-1, lstat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, umount(subset));

	ASSERT_EQ(0, mount("proc", hidepid, "proc", 0, "hidepid=2")) TH_LOG("%s", strerror(errno));
	snprintf(path, sizeof(path), "%s/namespaces", hidepid);
	/* Root is not hidden from: the same set as the initial instance. */
	EXPECT_EQ(0, list_stable(&before, &mine, path));
	log_missing(_metadata, "in " PROC_NS " only", &before, &mine);
	log_missing(_metadata, "with hidepid=2 only", &mine, &before);

	/* Nor does hiding processes add namespaces for anyone else. */
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		keep_only(pipefd[1]);
		_exit(unprivileged_listing(hidepid, pipefd[1]));
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(n), read(pipefd[0], &n, sizeof(n))) TH_LOG("child: %d", wait_ok(pid));
	ASSERT_LT(n, 1 << 20);
	theirs.v = calloc(n + 1, sizeof(*theirs.v));
	ASSERT_NE(NULL, theirs.v);
	theirs.n = n;
	theirs.cap = n + 1;
	ASSERT_EQ(0, read_full(pipefd[0], theirs.v, n * sizeof(*theirs.v)));
	close(pipefd[0]);
	EXPECT_EQ(0, wait_ok(pid));
	/* What is listed depends on the instance, not on who reads. */
	EXPECT_TRUE(set_has(&theirs, net)) TH_LOG("%s not listed for uid 65534", name);
	ASSERT_EQ(0, list_dir(PROC_NS, &after, &f));
	/* Against root's listings before and after it, for anything made meanwhile. */
	for (n = 0; n < before.n; n++)
		ASSERT_LE(0, set_add(&after, before.v[n]));
	log_missing(_metadata, "listed for uid 65534 only", &theirs, &after);
	EXPECT_TRUE(set_subset(&theirs, &after));

	EXPECT_EQ(0, umount(hidepid));
	EXPECT_EQ(0, rmdir(subset));
	EXPECT_EQ(0, rmdir(hidepid));
	set_free(&mine);
	set_free(&theirs);
	set_free(&before);
	set_free(&after);
}

/* The kernel log, NUL-terminated; NULL if it cannot be read. */
static char *read_klog(void)
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

/* Kernel reports in text: "WARNING:", "BUG:", "Oops", as words ("DEBUG:" is none). */
static int count_problems(const char *text)
{
	static const char *const marks[] = { "WARNING:", "BUG:", "Oops" };
	const char *p;
	int count = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(marks); i++)
		for (p = text; (p = strstr(p, marks[i])); p += strlen(marks[i]))
			if (p == text || !isalnum((unsigned char)p[-1]))
				count++;
	return count;
}

static const int churn_sets[] = {
	CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWCGROUP,
	CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWUSER,
	CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET,
	CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWPID,
	CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID |
		CLONE_NEWTIME | CLONE_NEWUTS,
	CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET |
		CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWUTS,
};

/*
 * Up to rounds children, each making a set of namespaces and exiting, none
 * started after deadline; *done counts the rounds done, for the test to
 * read even if we are killed.
 */
static int churner(int id, int rounds, long deadline, long *done)
{
	int r, flags, status;
	pid_t pid, gc;

	for (r = 0; r < rounds && now_ms() < deadline; r++) {
		/* Of a set, the types the kernel has (none: a plain fork and exit). */
		flags = churn_sets[(id + r) % ARRAY_SIZE(churn_sets)] & ~ns_absent_flags();
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			if (unshare(flags))
				_exit(1);
			/* Pid and time namespaces come to life in a child. */
			if (flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
				gc = fork();
				if (gc < 0)
					_exit(2);
				if (gc == 0)
					_exit(0);
				_exit(wait_ok(gc) ? 3 : 0);
			}
			_exit(0);
		}
		status = wait_ok(pid);
		if (status) {
			fprintf(stderr, "# churn %d, round %d, flags %#x: status %d\n",
				id, r, flags, status);
			return 2;
		}
		__atomic_store_n(done, r + 1, __ATOMIC_RELAXED);
	}
	return 0;
}

/* In a child: setns to fd, and /proc/self/ns says we are in name. */
static int setns_in_child(int fd, int type, const char *name)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char path[64], link[NAME_LEN];

		if (setns(fd, ns_types[type].flag))
			_exit(1);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[type].name);
		if (read_link(path, link, sizeof(link)))
			_exit(2);
		_exit(strcmp(link, name) ? 3 : 0);
	}
	return wait_ok(pid);
}

/*
 * List, then look at a random entry, until stop: an entry may vanish between
 * listing and use (ENOENT), but what opens must be what it is named.
 */
static int lister(int id, const int *stop)
{
	unsigned int seed = id * 7919 + getpid();
	char name[NAME_LEN], path[PATH_MAX], link[NAME_LEN];
	struct ns_set s = { 0 };
	struct ns_id pick, got;
	struct faults f;
	int r, fd, ret = 0;

	for (r = 0; !ret && r < LIST_ROUNDS_MAX && !__atomic_load_n(stop, __ATOMIC_RELAXED); r++) {
		if (list_dir(PROC_NS, &s, &f)) {
			fprintf(stderr, "# reader %d: %s\n", id, strerror(errno));
			ret = 1;
			break;
		}
		if (faults_total(&f) || !s.n) {
			fprintf(stderr, "# reader %d: %zu entries, bad %d/%d/%d at \"%s\"\n", id,
				s.n, f.bad_name, f.bad_dirent, f.unordered, f.first);
			ret = 2;
			break;
		}
		pick = s.v[rand_r(&seed) % s.n];
		ns_name(pick, name, sizeof(name));
		snprintf(path, sizeof(path), PROC_NS "/%s", name);
		if (read_link(path, link, sizeof(link))) {
			if (errno != ENOENT) {
				fprintf(stderr, "# reader %d: readlink %s: %s\n", id, name,
					strerror(errno));
				ret = 3;
			}
			continue;
		}
		if (strcmp(link, name)) {
			fprintf(stderr, "# reader %d: %s reads %s\n", id, name, link);
			ret = 4;
			continue;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT) {
				fprintf(stderr, "# reader %d: open %s: %s\n", id, name,
					strerror(errno));
				ret = 5;
			}
			continue;
		}
		if (id_of_fd(fd, &got) || got.ino != pick.ino || got.type != pick.type) {
			fprintf(stderr, "# reader %d: %s opens something else\n", id, name);
			ret = 6;
		} else if ((pick.type == UTS || pick.type == NET) && r % 4 == 0 &&
			   setns_in_child(fd, pick.type, name)) {
			fprintf(stderr, "# reader %d: cannot join %s\n", id, name);
			ret = 7;
		}
		close(fd);
	}
	set_free(&s);
	return ret;
}

/*
 * The listing once it has not changed for SETTLED_POLLS polls: what earlier
 * tests left is released asynchronously, and must not count as the churn's.
 * 0 once settled, 1 if not by deadline (s holds the last listing), -1 if
 * the listing cannot be read or is malformed.
 */
static int settled_listing(struct ns_set *s, long deadline)
{
	struct ns_set prev = { 0 };
	int same = 0, ret = 0;
	struct faults f;
	size_t i;

	/* At least one listing, however late. */
	do {
		usleep(POLL_MS * 1000);
		if (list_dir(PROC_NS, s, &f) || faults_total(&f)) {
			ret = -1;
			break;
		}
		same = set_equal(s, &prev) ? same + 1 : 0;
		prev.n = 0;
		for (i = 0; !ret && i < s->n; i++)
			ret = set_add(&prev, s->v[i]) < 0 ? -1 : 0;
	} while (!ret && same < SETTLED_POLLS && now_ms() < deadline);
	set_free(&prev);
	return ret ? ret : same < SETTLED_POLLS;
}

/* The time pct percent of the churn test's timeout after start (now_ms()). */
static long churn_budget(long start, int pct)
{
	return start + CHURN_TIMEOUT_S * 1000L * pct / 100;
}

/* What the churn test's processes share: the listers' stop, the rounds done. */
struct churn_shared {
	int stop;
	long rounds[CHURNERS];
};

TEST(concurrent_churn_returns_to_start)
{
	/* The harness's alarm started as we were forked: measure from here. */
	long test_start = now_ms(), churn_end = churn_budget(test_start, CHURN_ROUNDS_PCT);
	long began, churned, joined, released, rounds[CHURNERS], total = 0;
	pid_t churners[CHURNERS], listers[LISTERS];
	struct ns_set start = { 0 }, now = { 0 }, reached = { 0 };
	char *before, *after, *mark_at = NULL, *p;
	char mark[64], name[NAME_LEN], counts[CHURNERS * 24];
	int i, go[2], kmsg, ret, len;
	struct churn_shared *sh;
	bool cut_short = false;
	struct faults f;
	size_t n;
	char c;

	if (no_proc_namespaces(_metadata))
		return;
	ret = settled_listing(&start, churn_budget(test_start, CHURN_SETTLE_PCT));
	ASSERT_GE(ret, 0) TH_LOG("cannot list " PROC_NS ", or it lists a bad entry");
	if (ret)
		TH_LOG("the listing did not settle in %ld ms: the last one is the start",
		       now_ms() - test_start);
	before = read_klog();
	/* A line of our own in the log: problems after it are ours. */
	snprintf(mark, sizeof(mark), "nsrs proc_namespaces churn %d", getpid());
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (kmsg >= 0) {
		if (write(kmsg, mark, strlen(mark)) < 0)
			TH_LOG("cannot write /dev/kmsg: %s", strerror(errno));
		close(kmsg);
	}

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	for (i = 0; i < CHURNERS + LISTERS; i++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(100);
			_exit(i < CHURNERS ? churner(i, CHURN_ROUNDS, churn_end, &sh->rounds[i]) :
					     lister(i, &sh->stop));
		}
		if (i < CHURNERS)
			churners[i] = pid;
		else
			listers[i - CHURNERS] = pid;
	}
	close(go[0]);
	began = now_ms();
	close(go[1]);
	for (i = 0; i < CHURNERS; i++) {
		ret = wait_by(churners[i], churn_budget(test_start, CHURN_JOIN_PCT));
		EXPECT_EQ(0, ret) TH_LOG("churner %d%s", i, ret == STUCK ?
					 ": still in a round at the deadline, killed" : "");
	}
	churned = now_ms();
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < LISTERS; i++) {
		ret = wait_by(listers[i], churn_budget(test_start, CHURN_LISTERS_PCT));
		EXPECT_EQ(0, ret) TH_LOG("lister %d%s", i, ret == STUCK ?
					 ": still going at the deadline, killed" : "");
	}
	joined = now_ms();

	/*
	 * How much was done: as much as fitted, on a slow kernel less than
	 * CHURN_ROUNDS, which is no fault; but not one round means the churn
	 * did not run, and there is nothing to check.
	 */
	for (i = 0, len = 0; i < CHURNERS; i++) {
		rounds[i] = __atomic_load_n(&sh->rounds[i], __ATOMIC_RELAXED);
		total += rounds[i];
		cut_short |= rounds[i] < CHURN_ROUNDS;
		len += snprintf(counts + len, sizeof(counts) - len, " %ld", rounds[i]);
	}
	printf("# %s: %ld rounds by %d workers in %ld ms (deadline %d s)\n", _metadata->name,
	       total, CHURNERS, churned - began, CHURN_TIMEOUT_S * CHURN_ROUNDS_PCT / 100);
	fflush(stdout);
	if (cut_short)
		TH_LOG("rounds by churner:%s (at most %d), from %ld to %ld ms into the test",
		       counts, CHURN_ROUNDS, began - test_start, churned - test_start);
	for (i = 0; i < CHURNERS; i++)
		EXPECT_GE(rounds[i], 1) TH_LOG("churner %d did no round", i);

	/* Every namespace the churn made is released, some asynchronously. */
	for (;;) {
		ASSERT_EQ(0, list_dir(PROC_NS, &now, &f));
		if (set_subset(&now, &start) ||
		    now_ms() >= churn_budget(test_start, CHURN_RELEASE_PCT))
			break;
		usleep(POLL_MS * 1000);
	}
	released = now_ms();
	log_missing(_metadata, "still listed after the churn", &now, &start);
	EXPECT_TRUE(set_subset(&now, &start))
		TH_LOG("%zu entries %ld ms after the churn, %zu at the start", now.n,
		       released - joined, start.n);
	EXPECT_EQ(0, faults_total(&f)) TH_LOG("at \"%s\"", f.first);
	/*
	 * What earlier tests left may still be released meanwhile (on a slow debug
	 * kernel, after a second of quiet): an entry gone since the start is fine
	 * if nothing reaches its namespace any more, and the registry's loss of a
	 * live namespace if a task, fd or mount still does.
	 */
	ASSERT_EQ(0, walk_proc(&reached));
	for (n = 0; n < start.n; n++) {
		if (set_has(&now, start.v[n]))
			continue;
		ns_name(start.v[n], name, sizeof(name));
		TH_LOG("listed at the start, released during the churn: %s", name);
		EXPECT_FALSE(set_has(&reached, start.v[n]))
			TH_LOG("%s is still reached but no longer listed", name);
	}

	after = read_klog();
	if (!before || !after) {
		TH_LOG("cannot read the kernel log: %s", strerror(errno));
	} else {
		for (p = after; (p = strstr(p, mark)); p++)
			mark_at = p;
		if (mark_at) {
			EXPECT_EQ(0, count_problems(mark_at))
				TH_LOG("kernel log: %.1024s", mark_at);
		} else {
			/* Our line is gone (the log wrapped): compare the counts. */
			EXPECT_GE(count_problems(before), count_problems(after));
		}
	}
	free(before);
	free(after);
	munmap(sh, sizeof(*sh));
	set_free(&start);
	set_free(&now);
	set_free(&reached);
}

/*
 * TEST() runs under the harness's default timeout, 30 s; the churn takes
 * several times longer on a debug kernel (KASAN, lockdep), and every phase
 * of the test has a share of this one (CHURN_*_PCT).
 */
static void __attribute__((constructor)) concurrent_churn_timeout(void)
{
	_concurrent_churn_returns_to_start_object.timeout = CHURN_TIMEOUT_S;
}

/*
 * Following an entry needs CAP_SYS_ADMIN over the namespace's user namespace:
 * a reader without it sees the entries and their names but cannot open one
 * (and so cannot keep a namespace alive through it).  Root inside a new user
 * namespace opens its own (unprivileged_view_in_a_new_user_namespace).
 */
TEST(unprivileged_reader_cannot_open_entries)
{
	/* The initial net namespace, or where the kernel has none another type's. */
	const char *type = ns_first_present("net", "uts", "ipc", "cgroup", "time", NULL);
	char name[64], path[128], link[64];
	struct ns_id id;
	pid_t pid;

	if (no_proc_namespaces(_metadata))
		return;
	if (!type)
		SKIP(return, "no net, uts, ipc, cgroup or time namespaces on this kernel");
	ASSERT_EQ(0, id_of(getpid(), type, &id, name));
	snprintf(path, sizeof(path), PROC_NS "/%s", name);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct stat st;

		if (setgid(65534) || setuid(65534))
			_exit(1);
		if (!listed(name))
			_exit(2);
		if (read_link(path, link, sizeof(link)) < 0 || strcmp(link, name))
			_exit(3);
		if (open(path, O_RDONLY | O_CLOEXEC) != -1 || errno != EACCES)
			_exit(4);
		if (stat(path, &st) != -1 || errno != EACCES)
			_exit(5);
		if (lstat(path, &st) || !S_ISLNK(st.st_mode))
			_exit(6);
		_exit(0);
	}
	EXPECT_EQ(0, wait_ok(pid))
		TH_LOG("1 setuid, 2 not listed, 3 readlink, 4 open, 5 stat, 6 lstat");
	/* Root in the initial user namespace opens it. */
	EXPECT_EQ(0, entry_errno(PROC_NS, name, true));
}

TEST_HARNESS_MAIN
