/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deadlines the tests measure themselves, so that a slower machine does
 * fewer rounds rather than being killed by the harness's timeout.
 */
#ifndef NSRS_DEADLINE_H
#define NSRS_DEADLINE_H

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How often wait_by() looks at the child. */
#define DEADLINE_POLL_MS 10

/* wait_by(): the child was still running at the deadline, and was killed. */
#define STUCK (-2)

/* CLOCK_MONOTONIC, in ms: what deadlines are measured on. */
static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * The exit status of child pid (128 + the signal if one killed it), waited
 * for no later than deadline (now_ms()): a child still running then is
 * killed and STUCK returned, so that a hang fails the test naming the
 * child instead of the harness's timeout killing it, unnamed, with us.  It
 * is not reaped: a task stuck in the kernel may never die.  -1 if pid is
 * not a child.
 */
static inline int wait_by(pid_t pid, long deadline)
{
	int status;
	pid_t got;

	while ((got = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		usleep(DEADLINE_POLL_MS * 1000);
	if (got == pid)
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (got < 0)
		return -1;
	kill(pid, SIGKILL);
	return STUCK;
}

#endif /* NSRS_DEADLINE_H */
