/* cli_sigint.c: Ctrl-C during `tgm run` and `tgm check`.
 *
 * A run of the machine of section 2 (or of the control program's VMs)
 * stops at a chunk boundary with its report; before the run, Ctrl-C is
 * held from the command's start until the run begins, except while an
 * --input-file is read, when it ends the command at once (docs/run.md).
 * After the run it is held again while the report and a --dump or
 * --timeline are written, so none is left half-written (docs/robustness.md),
 * and then it is the command's status, 130.
 * A SIGINT that was ignored when tgm started (nohup, a background job of a
 * non-interactive shell) stays ignored, as a shell leaves it.
 */
#include <signal.h>
#include <stdio.h>

#include "run.h"

static volatile sig_atomic_t interrupted;
static struct sigaction old_sigint, read_old;
static sigset_t old_mask;
static bool held, caught, reading; /* the hold, run's handler, the read's handler */
static bool ran;                    /* the run began: a Ctrl-C since is its status */

static sigset_t sigint_set(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    return s;
}

/* Put HANDLER on SIGINT with FLAGS, the old action in OLD; false, nothing
 * changed, when SIGINT is ignored: whoever started tgm asked for that. */
static bool catch_unless_ignored(void (*handler)(int), int flags, struct sigaction *old)
{
    if (sigaction(SIGINT, NULL, old) != 0 || old->sa_handler == SIG_IGN)
        return false;
    struct sigaction sa = {.sa_handler = handler, .sa_flags = flags};
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGINT, &sa, NULL) == 0;
}

void run_hold_sigint(void)
{
    if (held) /* from the command's start: one hold, one old mask */
        return;
    sigset_t s = sigint_set();
    held = sigprocmask(SIG_BLOCK, &s, &old_mask) == 0;
}

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

void run_catch_sigint(void)
{
    interrupted = 0;
    ran = true;
    /* SA_RESTART: the guest's output, waiting for room in a pipe, goes on
     * (else the write failed with EINTR and the run's status was 2); the
     * run reads nothing that Ctrl-C must cut short */
    caught = catch_unless_ignored(on_sigint, SA_RESTART, &old_sigint);
    if (held) /* a Ctrl-C held back is delivered here, to on_sigint (or dropped) */
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    held = false;
}

bool run_interrupted(void) { return interrupted; }

void run_release_sigint(void)
{
    if (held) { /* the command failed before its run: a Ctrl-C held is dropped */
        struct sigaction ign = {.sa_handler = SIG_IGN}, old;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGINT, &ign, &old);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        sigaction(SIGINT, &old, NULL);
        held = false;
    }
    if (caught) {
        sigaction(SIGINT, &old_sigint, NULL);
        caught = false;
    }
}

int run_end_sigint(const char *cmd, int status)
{
    status = cli_finish(cmd, status); /* the report in full before a Ctrl-C can end tgm */
    sigset_t pending;
    bool late = ran && caught &&
                (interrupted || (held && sigpending(&pending) == 0 && sigismember(&pending, SIGINT)));
    run_release_sigint();
    ran = false;
    return late && status != EXIT_USAGE ? EXIT_INTERRUPTED : status;
}

void run_read_sigint(void (*handler)(int))
{
    reading = catch_unless_ignored(handler, 0, &read_old); /* the read returns */
    sigset_t s = sigint_set();
    if (held) /* a Ctrl-C held since the start ends the command now */
        sigprocmask(SIG_UNBLOCK, &s, NULL);
}

void run_read_done(void)
{
    sigset_t s = sigint_set();
    if (held) /* held again before the handler goes: no gap */
        sigprocmask(SIG_BLOCK, &s, NULL);
    if (reading)
        sigaction(SIGINT, &read_old, NULL);
    reading = false;
}
