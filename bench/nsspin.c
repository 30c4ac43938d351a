// SPDX-License-Identifier: GPL-2.0
/*
 * nsspin: one namespace operation in an endless loop, for
 * scripts/trace-op.sh to single-step through.  Prints SPIN-START once the
 * loop is reached.
 *
 *   nsspin uts|cgroup|time|ipc|net   unshare(CLONE_NEW<type>) in a loop
 *   nsspin setns_pid|setns_net       setns() back and forth between two
 *   nsspin fork<depth>               fork + exit + wait, <depth> pid
 *                                    namespaces down
 *   nsspin newpid                    clone(CLONE_NEWPID) + exit + wait
 *   nsspin open                      open + close of /proc/self/ns/net, held
 *   nsspin opendrop                  the same after dropping the dentry cache
 *   nsspin listns                    listns() of every namespace, 100 uts
 *                                    namespaces held, in one call
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "uts";
	int flag = CLONE_NEWUTS, fd[2] = {-1, -1};
	if (!strcmp(w, "cgroup")) flag = CLONE_NEWCGROUP;
	if (!strcmp(w, "time")) flag = CLONE_NEWTIME;
	if (!strcmp(w, "ipc")) flag = CLONE_NEWIPC;
	if (!strcmp(w, "net")) flag = CLONE_NEWNET;
	if (!strncmp(w, "setns", 5)) {
		int t = !strcmp(w, "setns_pid") ? CLONE_NEWPID : CLONE_NEWNET;
		fd[0] = open(t == CLONE_NEWPID ? "/proc/self/ns/pid" : "/proc/self/ns/net", O_RDONLY);
		if (unshare(CLONE_NEWPID | CLONE_NEWNET)) { perror("unshare"); return 1; }
		pid_t init = fork();
		if (init == 0) { pause(); _exit(0); }
		char p[64];
		snprintf(p, sizeof p, t == CLONE_NEWPID ? "/proc/%d/ns/pid" : "/proc/self/ns/net", init);
		fd[1] = open(p, O_RDONLY);
		printf("SPIN-START %s\n", w); fflush(stdout);
		for (unsigned long i = 0;; i++)
			if (setns(fd[i & 1], t)) { perror("setns"); return 1; }
	}
	if (!strcmp(w, "open") || !strcmp(w, "opendrop")) {
		int held = open("/proc/self/ns/net", O_RDONLY);
		int drop = open("/proc/sys/vm/drop_caches", O_WRONLY);
		if (held < 0 || drop < 0) { perror("open"); return 1; }
		if (!strcmp(w, "opendrop")) close(held);
		printf("SPIN-START %s\n", w); fflush(stdout);
		for (;;) {
			if (!strcmp(w, "opendrop") && pwrite(drop, "2", 1, 0) != 1) { perror("drop"); return 1; }
			int fd = open("/proc/self/ns/net", O_RDONLY);
			if (fd < 0) { perror("open"); return 1; }
			close(fd);
		}
	}
	if (!strcmp(w, "listns")) {
		static unsigned long long ids[1024];
		struct { unsigned int size, spare; unsigned long long ns_id;
			 unsigned int ns_type, spare2; unsigned long long user_ns_id; } req = { .size = 32 };
		for (int i = 0; i < 100; i++)
			if (unshare(CLONE_NEWUTS) || open("/proc/self/ns/uts", O_RDONLY) < 0) {
				perror("unshare"); return 1;
			}
		printf("SPIN-START %s\n", w); fflush(stdout);
		for (;;)
			if (syscall(470, &req, ids, 1024, 0) < 100) { perror("listns"); return 1; }
	}
	if (!strcmp(w, "newpid")) {
		printf("SPIN-START %s\n", w); fflush(stdout);
		for (;;) {
			pid_t c = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
			if (c < 0) { perror("clone"); return 1; }
			if (c == 0) _exit(0);
			int st;
			waitpid(c, &st, 0);
		}
	}
	if (!strncmp(w, "fork", 4)) {
		int depth = atoi(w + 4);
		for (int d = 0; d < depth; d++) {
			if (unshare(CLONE_NEWPID)) { perror("unshare"); return 1; }
			pid_t c = fork();
			if (c < 0) { perror("fork"); return 1; }
			if (c > 0) { int st; waitpid(c, &st, 0); _exit(0); }
		}
		printf("SPIN-START %s\n", w); fflush(stdout);
		for (;;) {
			pid_t c = fork();
			if (c == 0) _exit(0);
			int st;
			waitpid(c, &st, 0);
		}
	}
	printf("SPIN-START %s\n", w); fflush(stdout);
	for (;;)
		if (unshare(flag)) { perror("unshare"); return 1; }
}
