/* report.c: a machine's final state as text or as one JSON object.
 *
 * Section 2's state <E, M, P, R> as a person or a script sees it after a
 * run: the PSW unpacked, the trap counts by cause, the cycle counters, the
 * timer and console extensions and a digest standing for E.  Everything is
 * printed from a struct of plain values, never from the machine itself.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "tgm/bytes.h"

static const struct {
    const char *key;  /* JSON */
    const char *text; /* header line */
} stop_names[STOP_COUNT] = {
    [STOP_NONE] = {"none", "state"},
    [STOP_HALT] = {"halt", "halted"},
    [STOP_STEP_LIMIT] = {"step_limit", "step limit reached before HALT"},
    [STOP_TRAP] = {"trap", "stopped on a trap"},
    [STOP_BREAK] = {"break", "breakpoint"},
    [STOP_WATCH] = {"watch", "watchpoint"},
    [STOP_HOST] = {"host", "host call"},
    [STOP_INTERRUPT] = {"interrupted", "interrupted"},
};

const char *report_stop_key(enum report_stop s)
{
    return s < STOP_COUNT ? stop_names[s].key : "unknown";
}

const char *report_stop_text(enum report_stop s)
{
    return s < STOP_COUNT ? stop_names[s].text : "stopped";
}

enum report_stop report_stop_of(const struct machine_exit *ex, uint32_t *detail)
{
    *detail = 0;
    if (!ex)
        return STOP_NONE;
    switch (ex->reason) {
    case EXIT_HALT: return STOP_HALT;
    case EXIT_BUDGET: return STOP_STEP_LIMIT;
    case EXIT_TRAP: *detail = ex->cause; return STOP_TRAP;
    case EXIT_BREAK: *detail = ex->addr; return STOP_BREAK;
    case EXIT_WATCH: *detail = ex->addr; return STOP_WATCH;
    case EXIT_HOST: *detail = ex->code; return STOP_HOST;
    }
    return STOP_NONE;
}

void report_capture(struct report_state *st, const struct machine *m,
                    const struct machine_exit *ex)
{
    memset(st, 0, sizeof *st);
    st->profile = machine_profile(m)->name;
    st->stop = report_stop_of(ex, &st->stop_detail);
    st->psw = machine_get_psw(m);
    st->last_trap = machine_last_trap(m);
    st->ctr = machine_get_counters(m);
    st->timer = machine_get_timer(m);
    st->q = machine_q(m);
    st->digest = machine_digest(m);
    st->console = machine_console_output(m, &st->console_len);
    st->console_bytes = st->console_len + machine_console_dropped(m);
}

/* "halted", "stopped on a memory trap", "breakpoint at 12", ... */
static void stop_line(FILE *f, const struct report_state *st)
{
    fputs("-- ", f);
    if (st->name)
        fprintf(f, "%s: ", st->name);
    switch (st->stop) {
    case STOP_TRAP:
        fprintf(f, "stopped on a %s trap\n", trap_cause_name(st->stop_detail));
        break;
    case STOP_BREAK:
    case STOP_WATCH:
        fprintf(f, "%s at %" PRIu32 "\n", report_stop_text(st->stop), st->stop_detail);
        break;
    case STOP_HOST:
        fprintf(f, "host call %" PRIu32 "\n", st->stop_detail);
        break;
    default:
        fprintf(f, "%s\n", report_stop_text(st->stop));
        break;
    }
}

static uint64_t console_bytes(const struct report_state *st)
{
    return st->console_bytes > st->console_len ? st->console_bytes : st->console_len;
}

void report_text(FILE *f, const struct report_state *st)
{
    struct psw p = psw_unpack(st->psw);
    stop_line(f, st);
    if (st->not_started)
        fprintf(f, "%-12s not started (the control programs have not booted the guest)\n",
                "psw");
    else
        fprintf(f, "%-12s 0x%016" PRIx64 "  %s  I=%d  P=%" PRIu32 "  l=%" PRIu32
                   "  b=%" PRIu32 "\n",
                "psw", st->psw & ~((uint64_t)0xF << PSW_CAUSE_SHIFT),
                p.sup ? "supervisor" : "user", p.ie, p.p, p.l, p.b);
    fprintf(f, "%-12s %s\n", "last trap", trap_cause_name(st->last_trap));
    fprintf(f, "%-12s", "traps");
    for (unsigned c = 1; c < TRAP_NCAUSES; c++)
        fprintf(f, " %s %" PRIu64 "%s", trap_cause_name(c), st->ctr.traps[c],
                c + 1 < TRAP_NCAUSES ? "," : "\n");
    if (st->counters_unknown) {
        for (int i = 0; i < 3; i++)
            fprintf(f, "%-12s not counted by the control programs (see the levels)\n",
                    (const char *[]){"cycles", "instructions", "steps"}[i]);
    } else {
        fprintf(f, "%-12s %" PRIu64 "\n", "cycles", st->ctr.cycles);
        fprintf(f, "%-12s %" PRIu64 "\n", "instructions", st->ctr.instret);
        fprintf(f, "%-12s %" PRIu64 "\n", "steps", st->ctr.steps);
    }
    if (st->timer.armed)
        fprintf(f, "%-12s armed, %" PRId64 " cycle%s left\n", "timer", st->timer.remaining,
                cli_plural((uint64_t)st->timer.remaining));
    else if (st->timer.pending) /* with I=1 the trap comes before the next instruction */
        fprintf(f, "%-12s expired, trap pending %s\n", "timer",
                p.ie ? "before the next instruction" : "until I=1");
    else
        fprintf(f, "%-12s disarmed\n", "timer");
    fprintf(f, "%-12s %" PRIu64 " byte%s\n", "console", console_bytes(st),
            cli_plural(console_bytes(st)));
    fprintf(f, "%-12s 0x%016" PRIx64 "  (FNV-1a of E, %" PRIu32 " words)\n", "digest",
            st->digest, st->q);
    if (st->profile && strcmp(st->profile, isa_profile_default()->name) != 0)
        fprintf(f, "%-12s %s\n", "profile", st->profile);
}

bool report_console(FILE *f, const struct report_state *st)
{
    if (st->console_len == 0)
        return false;
    fwrite(st->console, 1, st->console_len, f);
    return st->console[st->console_len - 1] != '\n';
}

/* One byte of a JSON string: printable ASCII as itself, the usual escapes,
 * any other byte as the code point of its value. */
static void json_byte(FILE *f, uint8_t c)
{
    switch (c) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
        if (c < 0x20 || c >= 0x7F)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

void report_json_string(FILE *f, const uint8_t *s, size_t n)
{
    /* Bytes are code points U+0000..U+00FF, so the string is valid UTF-8
     * JSON and every byte survives the round trip. */
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        json_byte(f, s[i]);
    fputc('"', f);
}

void report_json_name(FILE *f, const char *name)
{
    /* A name is text: its UTF-8 characters stand for themselves (a file
     * "\xc3\xa9.s" is "é.s" to a JSON reader, not two Latin-1 letters);
     * only bytes that are no UTF-8 character's fall back to their value. */
    const uint8_t *s = (const uint8_t *)name;
    size_t n = strlen(name);
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        size_t k = s[i] >= 0x80 ? tgm_utf8_char(s + i, n - i) : 0;
        if (k == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) /* C1: escaped, as in text */
            fprintf(f, "\\u%04x", s[i + 1]);
        else if (k >= 2)
            fwrite(s + i, 1, k, f);
        else
            json_byte(f, s[i]);
        i += k >= 2 ? k : 1;
    }
    fputc('"', f);
}

void report_json(FILE *f, const struct report_state *st)
{
    struct psw p = psw_unpack(st->psw);
    fputc('{', f);
    if (st->name) {
        fputs("\"name\":", f);
        report_json_string(f, (const uint8_t *)st->name, strlen(st->name));
        fputc(',', f);
    }
    fprintf(f, "\"stop\":\"%s\"", report_stop_key(st->stop));
    if (st->stop == STOP_TRAP)
        fprintf(f, ",\"stop_cause\":\"%s\"", trap_cause_name(st->stop_detail));
    else if (st->stop == STOP_BREAK || st->stop == STOP_WATCH)
        fprintf(f, ",\"stop_addr\":%" PRIu32, st->stop_detail);
    else if (st->stop == STOP_HOST)
        fprintf(f, ",\"stop_code\":%" PRIu32, st->stop_detail);
    if (st->profile)
        fprintf(f, ",\"profile\":\"%s\"", st->profile);
    fprintf(f, ",\"psw\":{\"word\":\"0x%016" PRIx64 "\",\"mode\":\"%s\",\"i\":%d,"
               "\"p\":%" PRIu32 ",\"l\":%" PRIu32 ",\"b\":%" PRIu32 "}",
            st->psw & ~((uint64_t)0xF << PSW_CAUSE_SHIFT),
            p.sup ? "supervisor" : "user", p.ie, p.p, p.l, p.b);
    fprintf(f, ",\"last_trap\":\"%s\"", trap_cause_name(st->last_trap));
    fputs(",\"traps\":{", f);
    for (unsigned c = 1; c < TRAP_NCAUSES; c++)
        fprintf(f, "%s\"%s\":%" PRIu64, c > 1 ? "," : "", trap_cause_name(c),
                st->ctr.traps[c]);
    if (st->counters_unknown)
        fputs("},\"cycles\":null,\"instructions\":null,\"steps\":null", f);
    else
        fprintf(f, "},\"cycles\":%" PRIu64 ",\"instructions\":%" PRIu64
                   ",\"steps\":%" PRIu64,
                st->ctr.cycles, st->ctr.instret, st->ctr.steps);
    fprintf(f, ",\"timer\":{\"armed\":%s,\"pending\":%s,\"remaining\":%" PRId64 "}",
            st->timer.armed ? "true" : "false", st->timer.pending ? "true" : "false",
            st->timer.remaining);
    fputs(",\"console\":", f);
    report_json_string(f, st->console, st->console_len);
    fprintf(f, ",\"console_bytes\":%" PRIu64 ",\"q\":%" PRIu32 ",\"digest\":\"0x%016" PRIx64
               "\"}",
            console_bytes(st), st->q, st->digest);
}
