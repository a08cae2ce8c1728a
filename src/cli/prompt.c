/* The terminal prompt: /dev/tty, not stdin/stdout, so that it works with
 * output redirected; echo off for secrets, restored on SIGINT and the like. */
#include "cli/prompt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define ANSWER_MAX 4096

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define N_STOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

static int echo_fd = -1;
static struct termios echo_saved;

/* A signal while echo is off: the user's terminal must not stay silent. */
static void restore_then_raise(int sig)
{
	tcsetattr(echo_fd, TCSAFLUSH, &echo_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool echo_off(int fd, struct sigaction *old)
{
	struct termios t;
	if (tcgetattr(fd, &echo_saved) != 0)
		return false;
	echo_fd = fd;
	struct sigaction sa = {0};
	sa.sa_handler = restore_then_raise;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_STOP; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
	t = echo_saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	return tcsetattr(fd, TCSAFLUSH, &t) == 0;
}

static void echo_on(int fd, const struct sigaction *old)
{
	tcsetattr(fd, TCSAFLUSH, &echo_saved);
	for (size_t i = 0; i < N_STOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
	echo_fd = -1;
	/* The newline the user typed was not echoed. */
	(void)!write(fd, "\n", 1);
}

char *cli_prompt(const char *question, bool secret)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	char line[ANSWER_MAX + 1];
	size_t n = 0;
	bool done = false;
	struct sigaction old[N_STOP];
	bool hidden = false;
	/* Echo off before the question shows (TCSAFLUSH drops what was typed
	 * ahead): an answer typed after it is never lost. */
	hidden = secret && echo_off(fd, old);
	if (secret && !hidden)
		goto out; /* never read a secret with echo on */
	if (write(fd, question, strlen(question)) < 0)
		goto out;
	while (n < ANSWER_MAX) {
		ssize_t r = read(fd, line + n, ANSWER_MAX - n);
		if (r <= 0)
			break;
		char *nl = memchr(line + n, '\n', (size_t)r);
		n += (size_t)r;
		if (nl) {
			n = (size_t)(nl - line);
			done = true;
			break;
		}
	}
out:
	if (hidden)
		echo_on(fd, old);
	close(fd);
	if (done && n && line[n - 1] == '\r')
		n--;
	char *answer = done && n ? strndup(line, n) : NULL;
	explicit_bzero(line, sizeof(line));
	return answer;
}
