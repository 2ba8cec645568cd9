/* run_io.c: what the monitor does around a run of the machine of section 2
 * or of the control program of sections 4-6: guest console output shown as
 * it appears (and as a step's 'console <-' lines) and keys typed during
 * the run sent to the guest's console input; the output stream whose
 * writes Ctrl-C does not cut short.  (The trap loop a run stops at, a
 * disabled wait, is the machine library's machine_trap_loop.)
 *
 * All of it happens between the run's chunks, never inside the CPU.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mon_impl.h"

/* ---- output that Ctrl-C does not cut short ---- */

/* The error of the last write a steady stream failed: stdio keeps only
 * that one failed, and errno is long gone by the time someone asks why
 * (a run's live output fails, the command's final flush has nothing to
 * write). */
static int steady_errno;

int mon_write_error(int e) { return e ? e : steady_errno ? steady_errno : EIO; }

static ssize_t steady_write(void *c, const char *buf, size_t len)
{
    int fd = (int)(intptr_t)c;
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done;
        if (mon_termination_signal()) {
            /* the session is ending: write what there is room for now, in
             * pieces a pipe takes whole, and drop the rest, or a reader
             * that never reads would hold the end back for ever */
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
                errno = steady_errno = EINTR;
                break;
            }
            if (chunk > PIPE_BUF)
                chunk = PIPE_BUF;
        }
        ssize_t n = write(fd, buf + done, chunk);
        if (n > 0) {
            done += (size_t)n;
        } else if (n == 0) { /* (no device should) */
            errno = EIO;
            steady_errno = EIO;
            break;
        } else if (errno != EINTR || mon_termination_signal()) { /* a real error, or the end */
            steady_errno = errno;
            break;
        }
    }
    return (ssize_t)done; /* short: an error, errno says which */
}

FILE *mon_steady_stream(int fd)
{
    cookie_io_functions_t io = {.write = steady_write};
    FILE *f = fopencookie((void *)(intptr_t)fd, "w", io);
    if (f && isatty(fd))
        setvbuf(f, NULL, _IOLBF, BUFSIZ);
    return f;
}

/* Slot of the console offsets: 0 the bare machine, 1 + id a VM. */
static struct machine *slot_machine(struct mon *m, int slot)
{
    if (slot == 0)
        return m->bare;
    return m->vmm ? vmm_vm_view(m->vmm, slot - 1) : NULL;
}

static int vm_count(const struct mon *m)
{
    int n = 0;
    for (int id = m->vmm ? vmm_vm_next(m->vmm, -1) : -1; id >= 0; id = vmm_vm_next(m->vmm, id))
        n++;
    return n;
}

/* Whose console SLOT is, for a message: "VM NAME" or "the machine". */
static const char *slot_who(struct mon *m, int slot, char *buf, size_t len)
{
    struct vm_info vi;
    if (slot > 0 && m->vmm && vmm_vm_info(m->vmm, slot - 1, &vi) == 0)
        snprintf(buf, len, "VM %s", vi.name);
    else
        snprintf(buf, len, "the machine");
    return buf;
}

void mon_console_lost_line(struct mon *m, int slot)
{
    char who[64];
    mon_err_line(m, "console: out of memory: a byte of %s's output was lost",
                 slot_who(m, slot, who, sizeof who));
}

/* A byte SLOT's machine could not keep: the console is then not what the
 * guest wrote, shown or not ('set console off').  Said once; the run fails. */
static void lost_check(struct mon *m, int slot)
{
    struct machine *x = slot_machine(m, slot);
    if (x && machine_console_lost(x) && !m->con_lost_said[slot]) {
        mon_console_lost_line(m, slot);
        m->bp_cmds_failed = true; /* as a breakpoint's failed commands: the run fails */
    }
    m->con_lost_said[slot] = x && machine_console_lost(x);
    if (m->con_lost_said[slot]) {
        machine_console_output(x, &m->con_short_len[slot]);
        m->con_short_dropped[slot] = machine_console_dropped(x);
    }
}

/* SLOT's console lost a byte: its mark says so, or it holds at least what
 * it held when lost_check saw the mark (the mark goes with a state put
 * back, the bytes stay).  One emptied or gone back before forgets it. */
static bool slot_short(struct mon *m, int slot)
{
    struct machine *x = slot_machine(m, slot);
    size_t len = 0;
    if (x && machine_console_lost(x))
        return true;
    if (x)
        machine_console_output(x, &len);
    if (x && m->con_short_dropped[slot] &&
        machine_console_dropped(x) >= m->con_short_dropped[slot] &&
        len >= m->con_short_len[slot])
        return true;
    m->con_short_dropped[slot] = 0;
    return false;
}

int mon_console_short(struct mon *m, const struct machine *x, const char *file)
{
    for (int slot = 0; slot <= VMM_MAX_VMS; slot++) {
        if ((x && slot_machine(m, slot) != x) || !slot_short(m, slot))
            continue;
        char who[64];
        slot_who(m, slot, who, sizeof who);
        if (file)
            return mon_err(m, "%s: a byte of %s's console output was lost for want of "
                           "memory, and the snapshot would keep it short ('console "
                           "clear' empties it); nothing written", file, who);
        return mon_err(m, "out of memory: a byte of %s's output was lost", who);
    }
    return 0;
}

/* Print what SLOT's console wrote since the last look, prefixing each line
 * with the VM's name when several VMs share the screen (with 'set console
 * off', only lost_check). */
static void console_flush(struct mon *m, int slot, bool prefix)
{
    struct machine *x = slot_machine(m, slot);
    size_t len;
    if (!x)
        return;
    lost_check(m, slot);
    if (!m->live_console)
        return;
    const uint8_t *o = machine_console_output(x, &len);
    if (len < m->con_seen[slot]) /* cleared meanwhile */
        m->con_seen[slot] = 0;
    char name[64] = "";
    struct vm_info vi;
    if (prefix && slot > 0 && vmm_vm_info(m->vmm, slot - 1, &vi) == 0)
        snprintf(name, sizeof name, "%s| ", vi.name);
    for (size_t i = m->con_seen[slot]; i < len; i++) {
        if (m->con_midline && name[0] && m->con_last != slot) { /* another VM's line */
            fputc('\n', m->out);
            m->con_midline = false;
        }
        if (!m->con_midline && name[0])
            fputs(name, m->out);
        fputc(o[i], m->out);
        m->con_midline = o[i] != '\n';
        m->con_last = slot;
    }
    m->con_seen[slot] = len;
    /* the machine keeps 16 MiB (docs/isa.md): the live copy stops there,
     * so say so once, not fall silent (lost bytes are said above) */
    bool full = machine_console_dropped(x) && !machine_console_lost(x);
    if (full && !m->con_full_said[slot]) { /* written as the bytes are: mon_out comes here */
        char who[64];
        if (m->con_midline)
            fputc('\n', m->out);
        m->con_midline = false;
        fprintf(m->out, "(console full: %s's output past 16777216 bytes is dropped and "
                        "counted; 'console' says how many)\n", slot_who(m, slot, who, sizeof who));
    }
    m->con_full_said[slot] = full;
}

void mon_console_live(struct mon *m)
{
    bool several = vm_count(m) > 1;
    if (m->focus == MON_FOCUS_BARE || !m->vmm) {
        console_flush(m, 0, false);
    } else {
        for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
            console_flush(m, id + 1, several);
    }
    if (m->live_console)
        fflush(m->out);
}

/* ---- keys typed during a run ---- */

static struct termios saved_tio;
static bool tio_changed;

int mon_queue_input(struct mon *m, const uint8_t *b, size_t n, size_t *held)
{
    bool bare = m->focus == MON_FOCUS_BARE || !m->vmm;
    struct machine *x = bare ? m->bare : vmm_vm_view(m->vmm, m->focus);
    if (!x)
        return -1;
    /* the queue keeps what CIN has read (a snapshot and the history hold
     * it all), so it is the whole queue that is capped, as output is */
    *held = machine_console_input_len(x);
    if (n > MON_INPUT_LIMIT - *held)
        return -2;
    int rc = bare ? machine_console_input(x, b, n) : vmm_vm_input(m->vmm, m->focus, b, n);
    return rc == 0 ? 0 : -1;
}

/* Queue typed bytes for the focused machine's console input. */
static void feed(struct mon *m, const uint8_t *b, size_t n)
{
    size_t held, queued = m->typed;
    int rc = mon_queue_input(m, b, n, &held);
    if (rc == 0) {
        m->typed += n;
    } else if (rc == -2) {
        /* each key counts: those that still fit are queued, and only the
         * ones past the limit are dropped, however the reads cut them */
        size_t room = MON_INPUT_LIMIT - held;
        if (room && mon_queue_input(m, b, room, &held) == 0) {
            m->typed += room;
            n -= room;
        }
        m->typed_dropped += n;
    }
    /* input from outside: the history cannot replay it; keys dropped
     * changed nothing, and the history stays */
    if (m->typed != queued)
        mon_rev_rebase(m);
}

static void typed_poll(struct mon *m)
{
    if (!tio_changed)
        return;
    uint8_t buf[256];
    for (;;) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
            return;
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0)
            return;
        feed(m, buf, (size_t)n);
    }
}

/* While the guest runs, keys go to it: no echo, no line buffering.
 * ISIG stays, so Ctrl-C still stops the run. */
static void keys_to_guest(struct mon *m)
{
    if (m->interactive && !tio_changed && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
        struct termios t = saved_tio;
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL);
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        tio_changed = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    }
}

/* The terminal given back, as the prompt had it. */
static void keys_to_prompt(void)
{
    if (tio_changed) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_changed = false;
    }
}

void mon_step_keys(struct mon *m)
{
    keys_to_guest(m);
    typed_poll(m);
}

void mon_step_keys_end(struct mon *m)
{
    typed_poll(m);
    if (!m->in_run)
        keys_to_prompt();
}

/* STEPS: note the step counts too (a command's start, not a resumption). */
static void run_mark(struct mon *m, bool steps)
{
    for (int s = 0; s <= VMM_MAX_VMS; s++) {
        struct machine *x = slot_machine(m, s);
        size_t len = 0;
        if (x)
            machine_console_output(x, &len);
        m->con_seen[s] = len;
        if (steps) {
            struct vm_info vi;
            m->run_steps0[s] = x ? machine_get_counters(x).steps : 0;
            m->run_limit0[s] = x && s > 0 && vmm_vm_info(m->vmm, s - 1, &vi) == 0 &&
                               vi.state == VM_LIMIT;
        }
    }
    if (steps || !m->in_run) { /* after mon_run_pause the guest's line goes on */
        m->con_midline = false;
        m->con_last = -1;
    }
    m->in_run = true;
    keys_to_guest(m);
}

void mon_run_begin(struct mon *m) { run_mark(m, true); }

void mon_run_resume(struct mon *m) { run_mark(m, false); }

void mon_run_poll(struct mon *m)
{
    mon_console_live(m);
    typed_poll(m);
}

/* The guest's output so far, ended with a newline, so that a message of
 * the monitor starts a line of its own after it. */
void mon_console_settle(struct mon *m)
{
    mon_console_live(m);
    if (m->con_midline) {
        fputc('\n', m->out);
        m->con_midline = false;
    }
}

void mon_run_pause(struct mon *m)
{
    typed_poll(m);
    mon_console_live(m);
}

void mon_run_end(struct mon *m)
{
    typed_poll(m);
    mon_console_settle(m);
    m->in_run = false;
    keys_to_prompt();
}

void mon_run_typed_note(struct mon *m)
{
    if (m->typed) {
        char name[64];
        mon_out(m, "(%zu typed byte%s queued as console input of %s)\n", m->typed,
                m->typed == 1 ? "" : "s", mon_target_name(m, name, sizeof name));
        m->typed = 0;
    }
    if (m->typed_dropped) {
        mon_out(m, "(%zu typed byte%s dropped: the console input would pass %zu bytes, its "
                "limit)\n", m->typed_dropped, m->typed_dropped == 1 ? "" : "s",
                MON_INPUT_LIMIT);
        m->typed_dropped = 0;
    }
}

/* A VM that took a step during the run, or met its 'vm limit' in it
 * without one (the limit lowered to the steps it had taken): its state
 * changed, and the stop says it. */
bool mon_vm_ran(const struct mon *m, int id)
{
    struct machine *x = m->vmm ? vmm_vm_view(m->vmm, id) : NULL;
    struct vm_info vi;
    if (!x)
        return false;
    if (machine_get_counters(x).steps != m->run_steps0[id + 1])
        return true;
    return !m->run_limit0[id + 1] && vmm_vm_info(m->vmm, id, &vi) == 0 &&
           vi.state == VM_LIMIT;
}

void mon_step_console(struct mon *m, struct machine *x, size_t len0, const char *who)
{
    size_t len;
    const uint8_t *o = machine_console_output(x, &len);
    if (len <= len0)
        return;
    char cb[32];
    mon_out(m, "    %s%sconsole <- \"", who, *who ? ": " : "");
    for (size_t i = len0; i < len; i++)
        mon_out(m, "%s", mon_fmt_char(o[i], '"', cb, sizeof cb));
    mon_out(m, "\"\n");
}

void mon_step_other(struct mon *m, int id, size_t len0, uint64_t steps0)
{
    struct machine *x = vmm_vm_view(m->vmm, id);
    struct vm_info vi;
    if (!x || vmm_vm_info(m->vmm, id, &vi) != 0)
        return;
    mon_step_console(m, x, len0, vi.name); /* not left for 'vm console' alone */
    if (machine_steps(x) != steps0 && vi.state != VM_RUNNABLE) {
        char b[96];
        struct psw p = machine_psw(x);
        /* docs/monitor.md: a VM that met its vm limit says "halted" too */
        mon_out(m, "    %s: %s meanwhile: %s\n", vi.name,
                vm_state_name(vi.state == VM_LIMIT ? VM_HALTED : vi.state),
                mon_fmt_psw(&p, b, sizeof b));
    }
}
