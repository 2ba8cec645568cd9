/* mon_impl.h: the monitor's private state and the helpers its command
 * groups share.
 *
 * One struct mon holds the bare machine of section 2, the control program
 * of sections 4-6 (created with the first VM), the breakpoint list, the
 * trace and history ring, and the script state.  Only src/monitor uses it.
 */
#ifndef TGM_MON_IMPL_H
#define TGM_MON_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/timeline.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

#define MON_FOCUS_BARE (-1)
#define MON_CHUNK UINT64_C(1000000)     /* steps between Ctrl-C checks */
#define MON_SCRIPT_LIMIT UINT64_C(1000000000)
#define MON_RING_DEFAULT 256
#define MON_MAX_DEPTH 16                /* nested 'do' scripts */
#define MON_MAX_DISPLAY 16              /* 'display' expressions */
#define MON_COND_MAX 1023               /* bytes of a breakpoint's 'if EXPR' */
#define MON_REV_EVERY UINT64_C(100000)  /* steps between reverse checkpoints */
/* console input a machine holds, read or not: the CLI's --input-file limit */
#define MON_INPUT_LIMIT ((size_t)64 << 20)
/* Words for trap causes (trap_cause_name order) and instruction classes. */
#define MON_CAUSE_WORDS "none privileged memory svc illegal timer"
#define MON_CLASS_WORDS "privileged sensitive control location mode"

/* ---- the command table (cmdtab.c) ---- */

enum mon_group { G_EXEC, G_INSPECT, G_ALTER, G_BREAK, G_TRACE, G_VM, G_SNAP,
                 G_SCRIPT, G_COUNT };

enum {
    CMD_RAW = 1,  /* the handler gets the rest of the line as argv[1] */
    /* changes no machine, in a breakpoint's commands ('continue' there only
     * resumes): a list of only these leaves the reverse history going ('vm'
     * and 'console' clear bp_cmds_kept for their subcommands that change) */
    CMD_KEEPS = 2,
    /* runs the machine: in a breakpoint's commands it ends the list and
     * runs once the run that stopped there has ended (gdb's rule) */
    CMD_RUNS = 4,
};

struct mon_cmd {
    const char *name;
    int (*fn)(struct mon *m, int argc, char **argv);
    int min_args, max_args; /* counts after the name; max -1: no limit */
    const char *usage;
    const char *help;       /* first line: the summary */
    enum mon_group group;
    const char *abbrev;     /* extra short names, space separated */
    const char *complete;   /* completion spec, see complete.c */
    unsigned flags;
};

extern const struct mon_cmd mon_cmds[];
extern const size_t mon_ncmds;
extern const char *const mon_group_names[G_COUNT];

/* Find a command by name, abbreviation or unique prefix.  On failure writes
 * a one-line reason ("unknown ... (did you mean ...)" or "ambiguous ...")
 * to WHY and returns NULL. */
const struct mon_cmd *mon_cmd_find(const char *word, char *why, size_t len);
/* Match WORD against a space-separated list of keywords (exact or unique
 * prefix).  Returns the index, -1 if none, -2 if ambiguous. */
int mon_keyword(const char *word, const char *list);
/* Are the N characters of WORD, in any case, one of the space-separated
 * names of LIST (may be NULL)? */
bool mon_in_list(const char *word, size_t n, const char *list);
/* The same where a file name may stand instead (the files after 'check
 * ... with'): a word that names an existing file and is not a keyword in
 * full is the file, -1, not the keyword it begins ('with v' and a file v). */
int mon_keyword_or_file(const char *word, const char *list);
/* Option K of LIST (mon_keyword's index) is being given: 0, or -1 after
 * "'NAME' given twice" if bit K of *SEEN says it was already.  Options of
 * commands are not repeated: a second value would silently win. */
int mon_option_once(struct mon *m, const char *list, int k, unsigned *seen);

/* ---- breakpoints (cmd_break.c) ---- */

/* BP_NONE: a deleted breakpoint's place, until mon_bp_compact */
enum mon_bp_kind { BP_EXEC, BP_WATCH, BP_TRAP, BP_CLASS, BP_NONE };

struct mon_bp {
    int id;
    enum mon_bp_kind kind;
    int vm;           /* MON_FOCUS_BARE or the VM whose memory addr is in */
    uint32_t addr;    /* EXEC/WATCH: address in that machine's E */
    uint32_t len;     /* WATCH: words */
    int rw;           /* WATCH: WATCH_READ | WATCH_WRITE */
    unsigned mask;    /* TRAP: 1u << cause; CLASS: class bits */
    uint64_t hits, ignore;
    char *cmds;       /* commands run when it stops, or NULL */
    uint64_t *old;    /* WATCH: values at the start of the run */
    const char *cond; /* stop only when this expression is true, or NULL;
                         it lives in old's block, so freeing old frees it */
    bool temp;        /* deleted at its first stop ('until') */
};

/* ---- the session ---- */

struct mon_ring_ent {
    struct machine_trace t;
    bool real;        /* from the control program's real machine */
};

struct mon {
    FILE *out, *err;

    /* the bare machine and its loaded symbols */
    struct machine *bare;
    struct machine_config bare_cfg;
    struct tgm_image bare_img;
    enum exit_reason bare_last;
    bool bare_ran;

    /* the control program, once a VM exists */
    struct vmm *vmm;
    struct vmm_config vmm_cfg;
    struct tgm_image vm_img[VMM_MAX_VMS];
    struct mon_symix *symix; /* their indexes by value (labels.c), or NULL */
    /* the files each program came from (slot 0 the bare machine, 1 + id a
     * VM): a command that writes a file must not destroy them */
    char **prog_files[VMM_MAX_VMS + 1];
    int focus;        /* MON_FOCUS_BARE or a VM id */

    /* breakpoints */
    struct mon_bp *bps;
    size_t nbps, capbps;
    size_t bp_dead;       /* places of BP_NONE in bps */
    bool bp_stale;        /* a 'delete' could not count its change */
    struct mon_bpix *bpix; /* what the machines' stops were set from (bp_index.c) */
    int next_bp;

    /* history ring and tracing */
    struct mon_ring_ent *ring;
    size_t ring_size, ring_head, ring_count;
    bool ring_lost;           /* steps the ring could not get (out of memory) */
    bool ring_fast;           /* a run in the fast loop with the ring on: its */
    uint64_t ring_fast_from;  /* steps from here (bare: steps; VMs: guest steps
                                 of all) go into the ring after it, by replay */
    bool trace_insns, trace_traps, trace_cp;
    FILE *trace_file;     /* NULL: trace to out */
    struct tgm_wfile trace_w; /* the file behind it, renamed into place at close */
    char *trace_path;
    uint64_t trace_cap, trace_bytes;
    uint64_t trace_lines; /* records written to trace_file, for 'trace off' */
    bool trace_capped;

    /* control-program events seen during one 'step' of a VM */
    struct vmm_event ev[8];
    size_t nev, ev_lost;
    /* the last timer trap the CP took in a run (its VM then at TIMER_STEPS
     * steps): a watchpoint stop at that step names it, as 'step' does */
    struct vmm_event timer_ev;
    uint64_t timer_steps;
    bool timer_seen;

    /* settings */
    enum { ONERR_STOP, ONERR_CONTINUE, ONERR_FINISH } on_error;
    uint64_t limit;       /* steps per run command; 0: none */
    char *histfile;
    bool interactive;

    /* script state */
    const char *src_name; /* NULL at the terminal */
    const char *err_prefix; /* NULL, or what begins every error line */
    int src_line;
    int depth;
    /* the script files being read, outermost first (-f or standard
     * input, then each 'do'): no writer replaces one (mon_path_free) */
    const char *scripts[MON_MAX_DEPTH + 1];
    int nscripts;
    bool finished;
    int status;
    int out_errno;        /* why the output first failed (mon_output_errno) */
    bool failed;          /* a command failed (ONERR_FINISH) */
    /* what the last line's failures count for: the on-error in force when
     * each failed (a later 'set on-error' on the line changes none of
     * them): -1 none, else the strictest, ONERR_STOP > _FINISH > _CONTINUE */
    int line_onerr;
    const struct mon_cmd *cur;

    /* breakpoint command lists */
    bool in_bp_cmds, resume;
    bool cut_at_semicolon; /* the command running ended at a ';' of its line */
    bool bp_cmds_kept;    /* every command of the list ran was CMD_KEEPS */
    bool bp_cmds_failed;  /* a breakpoint's commands failed: the run command fails */
    unsigned long errs_said; /* mon_err lines so far: did a step below say why? */
    char *pending;        /* a CMD_RUNS command of the list, run after the stop */
    bool chaining;        /* the pending commands are being run, one after another */

    void *edit;           /* libedit state while interactive (reader.c) */

    /* a stack of machine-code control programs in the bare machine (cmd_nest.c) */
    struct nest_layout nest;
    bool nested;
    /* where the last 'stack step' left level 1's counts: as of the guest's
     * last step shown (SEEN), and the bare machine's mark at its end (any
     * run or change since makes another), so that the next one, starting
     * where it stopped inside the levels' handling of a step, still shows
     * that step */
    struct nest_level nest_seen;
    uint64_t nest_at_mark;
    bool nest_seen_ok;

    /* around a run (run_io.c): console bytes already shown (slot 0 the
     * bare machine, 1 + id a VM), steps at the run's start, typed bytes */
    bool live_console;
    size_t con_seen[VMM_MAX_VMS + 1];
    bool con_lost_said[VMM_MAX_VMS + 1]; /* machine_console_lost reported */
    bool con_full_said[VMM_MAX_VMS + 1]; /* output past 16 MiB dropped, said live */
    /* the console's length and dropped count when lost_check last saw the
     * machine's lost mark (0 dropped: none), for mon_console_short */
    size_t con_short_len[VMM_MAX_VMS + 1];
    uint64_t con_short_dropped[VMM_MAX_VMS + 1];
    bool con_midline;
    bool in_run;      /* between mon_run_begin and mon_run_end */
    /* the last expression evaluated used '.': an address of examine or
     * deposit that does is developed through R unless -p or -r says */
    bool expr_dot;
    int con_last;
    uint64_t run_steps0[VMM_MAX_VMS + 1];
    bool run_limit0[VMM_MAX_VMS + 1]; /* the VM was at its 'vm limit' then */
    size_t typed;
    size_t typed_dropped; /* ... and those past MON_INPUT_LIMIT */

    /* gdb-style words (cmd_gdb.c): the /FMT of the command being run,
     * expressions shown at every stop, the session log */
    const char *slash;
    struct mon_display {
        int id;
        char fmt;
        char *expr;
    } display[MON_MAX_DISPLAY];
    int ndisplay, display_next;
    FILE *log, *log_out0, *log_err0; /* the log; the screen's streams */
    struct tgm_wfile log_w; /* the file behind the log, renamed into place at close */
    char *log_path;

    struct mon_rev *rev;  /* the bare machine's history (reverse.c) */
    struct mon_vrev *vrev; /* the VMs' history (reverse_vm.c) */
    struct tgm_timeline *timeline; /* 'timeline on': the CP's events recorded */
    uint64_t rev_every;   /* steps between its checkpoints, at the start */
};

/* ---- core (mon.c) ---- */

/* ITEMS (N of SIZE bytes, room for *CAP) with room for one more, perhaps
 * moved; NULL if it cannot grow (ITEMS is then left as it was).  Every
 * growing array of the monitor goes through it. */
void *mon_room(void *items, size_t n, size_t *cap, size_t size);
/* In a breakpoint's commands the run that stopped is still under way: its
 * history is not yet recorded, and it goes on with the machines and the
 * focus it has.  -1 after saying so there, for the commands that would go
 * back or replace them (rstep, vm select, set memory, restore, ...). */
int mon_not_mid_run(struct mon *m);
/* One error line, prefixed by the script position and the command name.
 * Always returns -1 so handlers can 'return mon_err(...)'. */
int mon_err(struct mon *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* What the user typed, quoted in an error as '%.*s%s' with MON_QUOTE(S):
 * at most ASM_QUOTE_MAX bytes (not cutting a UTF-8 character), then "..."
 * where it is cut, as the assembler quotes a token, so that a word of a
 * megabyte does not make a line of a megabyte.  MON_QUOTE_CUT takes the
 * N bytes at S and the most, MON_PATH_QUOTE a file's name (whole up to
 * ASM_PATH_QUOTE_MAX: a real path is never cut).  MON_PATH_ERR is room for
 * an error that quotes a file's name. */
#define MON_QUOTE_CUT(s, n, max) asm_quote_cut((s), (n), (max)), (s), ((n) > (max) ? "..." : "")
#define MON_QUOTE(s) MON_QUOTE_CUT((s), strlen(s), ASM_QUOTE_MAX)
#define MON_PATH_QUOTE(s) MON_QUOTE_CUT((s), strlen(s), ASM_PATH_QUOTE_MAX)
#define MON_PATH_ERR (ASM_PATH_QUOTE_MAX + 512)
/* "usage: ..." of the command being run, with a hint when ARGV holds an
 * expression typed with spaces ('0x300 + x', 'psw(u, 5, 0, 9)'). */
int mon_usage(struct mon *m, int argc, char **argv);
/* The index in ARGV of a word of nothing but operators after a word that
 * is not one, before another (an expression typed with spaces), or 0. */
int mon_spaced_expr(int argc, char **argv);
/* One line to the error stream as it is, a control character in it (a
 * file's name) shown escaped: for what no command says (a warning, the
 * end of the session). */
void mon_err_line(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mon_out(struct mon *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One line of output that names a user's file ('loaded F', a check's
 * verdict, 'saved F'), ended here: as mon_out, but a control character in
 * it shown escaped as in an error, so that the report keeps its lines and
 * a name cannot drive the terminal (the command line's cli_line). */
void mon_out_line(struct mon *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Run commands from a reader (reader.c) until it ends; see mon_run_*. */
struct mon_reader;
int mon_loop(struct mon *m, struct mon_reader *r);
/* Split LINE into words (double quotes group, \" escapes), at most MAX;
 * returns the count or -1 with ERR.  Words point into BUF. */
int mon_split(const char *line, char *buf, size_t buflen, char **argv, int max,
              char *err, size_t errlen);
/* The double-quoted word at the start of S, as mon_split reads one: its
 * text, unquoted in place at S, NUL-ended; returns how many bytes of S it
 * took, quotes included, or 0 (S unchanged) when S does not begin with '"'
 * or, if WHOLE, when the word is not all of S, and -1 when the quote is
 * not closed.  For the commands that take the rest of the line, where an
 * expression may still be quoted as one word. */
long mon_quoted_word(char *s, bool whole);
bool mon_stop_requested(void);
void mon_clear_interrupt(void);
/* A Ctrl-C about to be said (or its wait ended): its ^C's line is ended on
 * the terminal, the ^C drawn if the terminal's echo was off, and it is
 * cleared. */
void mon_take_interrupt(struct mon *m);
/* At the terminal: Ctrl-C came since the last prompt, so the rest of the
 * line and any script under way are not run.  Cleared at the prompt. */
bool mon_abandoned(const struct mon *m);
void mon_clear_abandoned(void);
/* After Ctrl-Z and 'fg': should the prompt be drawn again?  (Clears it.) */
bool mon_take_redraw(void);
/* Has the terminal's window changed size since the last call?  (Clears it.) */
bool mon_take_resize(void);
/* Whether FD, the session's terminal, hung up (its SIGHUP then taken as
 * come, when caught): the prompt's input ended by a hang-up, not Ctrl-D. */
bool mon_hung_up(int fd);
/* Readable after Ctrl-C while interactive (a self-pipe), or -1. */
int mon_wakeup_fd(void);

/* The machine the focus names (bare machine or the selected VM's view),
 * its symbols (may be NULL), and a label for messages. */
struct machine *mon_target(struct mon *m);
const struct tgm_image *mon_symbols(const struct mon *m);
/* Does WORD name a symbol of the focused machine's program?  Such a label
 * is an address where a keyword of that name could also stand. */
bool mon_is_symbol(const struct mon *m, const char *word);
const char *mon_target_name(const struct mon *m, char *buf, size_t len);
/* The VM named or numbered by S, or -1 with an error printed; mon_vm_id
 * the same, silently. */
int mon_vm_lookup(struct mon *m, const char *s);
int mon_vm_id(const struct mon *m, const char *s);
/* The selected VM's information (the focus is a VM's); -1 with an error
 * printed if the VM is gone, the focus then on the bare machine. */
int mon_focus_info(struct mon *m, struct vm_info *vi);
/* Load FILE (image or assembly source) into IMG; -1 with error printed
 * (program.c, as are the next two). */
int mon_read_program(struct mon *m, const char *path, struct tgm_image *img);
/* The same, with the files read (PATH, and a source's .include files;
 * NULL-terminated, free with asm_sources_free) in *FILES: NULL for a pipe. */
int mon_read_program_files(struct mon *m, const char *path, struct tgm_image *img,
                           char ***files);
/* The files the program in SLOT (MON_FOCUS_BARE or a VM id) was loaded
 * from, taking FILES (NULL: none); mon_path_free refuses to write them. */
void mon_set_program_files(struct mon *m, int slot, char **files);
/* Replace the bare machine with one of Q words and profile P, in the
 * power-on state (cmd_session.c); -1 with the error printed. */
int mon_new_bare(struct mon *m, uint32_t q, const struct isa_profile *p);
/* The profile named S, else NULL after an error that lists the known ones. */
const struct isa_profile *mon_profile(struct mon *m, const char *s);
/* On the terminal, make the history list the history file's lines (now
 * 'set histfile''s) followed by this session's (reader.c). */
void mon_history_load(struct mon *m);
/* 0 if PATH may become the history file: on the terminal, missing, empty
 * or one libedit wrote; else -1 after an error (the history would replace
 * it).  A script writes no history: any PATH. */
int mon_history_check(struct mon *m, const char *path);
/* The file the session writes its command history to (on the terminal,
 * after each line has run), in BUF if it needs room: 'set histfile''s in
 * any session, so that a script and the terminal refuse the same files,
 * else on the terminal $TGM_HISTORY (empty: none) or ~/.tgm_history.
 * NULL: none. */
const char *mon_history_file(const struct mon *m, char *buf, size_t len);
/* Describe why address A fails section 2's development under machine X
 * ("a + l >= q" or "a >= b"), or NULL if it develops. */
const char *mon_why_trap(const struct machine *x, uint64_t a);

/* ---- expressions (expr.c) ---- */

/* Evaluate S against the focused machine: numbers, symbols, P M I l b q,
 * cause, cycles, steps, insns, halted, E[x] (physical), V[x] (through R),
 * user/sup, trap cause names; C operators.  -1 with ERR on error. */
int mon_eval(struct mon *m, const char *s, uint64_t *out, char *err,
             size_t errlen);
/* Read S as mon_eval does, evaluating none of it: its syntax, names and
 * numbers, not the words it reads (a condition, evaluated at each hit). */
int mon_parse(struct mon *m, const char *s, char *err, size_t errlen);
/* S opens more brackets than it closes (character constants aside): an
 * expression such as psw(sup, 9, 0, q) cut into words at its spaces. */
bool mon_unclosed(const char *s);
/* Evaluate an argument, printing the error; -1 on failure. */
int mon_arg(struct mon *m, const char *s, uint64_t *out);
/* A count (steps, words, bytes): an argument that is not negative (a
 * number past 2^63 - 1 is out of range, not a negative one). */
int mon_count(struct mon *m, const char *s, uint64_t *out);
/* The same for a count whose least value is LO (1: a slice, a checkpoint
 * interval): the range named past 2^63 - 1 starts there.  A count below
 * LO is the caller's to refuse, with the reason 0 is not taken. */
int mon_count_from(struct mon *m, const char *s, uint64_t lo, uint64_t *out);
/* A count in LO..2^63-1 refused as mon_ranged refuses it, PRE and UNIT
 * alike for 0 and for a number past 2^63 - 1 ('set slice', 'check ...
 * steps'), as the command line's 'tgm run --slice' does; a negative one is
 * "PREcount -5 is negative". */
int mon_count_in(struct mon *m, const char *s, const char *pre, const char *unit, uint64_t lo,
                 uint64_t *out);
/* A count of 0 for what runs or goes back (steps, cycles): nothing is
 * run, and one line says so, "CMD: WHAT 0 runs nothing"; 0, as gdb's
 * 'stepi 0' succeeds, so that a script's computed count may be 0. */
int mon_zero_count(struct mon *m, const char *what);
/* Decode the assembler's string escapes in S in place: the length, or -1
 * after saying which escape is bad ('console input', 'check ... input'). */
long mon_unescape(struct mon *m, char *s);
/* Were two arguments given in the wrong order: NUM, where a number goes, no
 * expression, and OTHER (a file name, say) one?  'nest hello.s 2'. */
bool mon_swapped(struct mon *m, const char *num, const char *other);
/* An argument in LO..HI, else "PRE V UNITs is out of range (LO..HI)" with V
 * as written (-5 as -5), in the command line's words (tgm_range_words: UNIT
 * singular, NULL for none). */
int mon_ranged(struct mon *m, const char *s, const char *pre, const char *unit, uint64_t lo,
               uint64_t hi, uint64_t *out);
/* An address argument: < LIMIT, else an out-of-range error. */
int mon_addr(struct mon *m, const char *s, uint32_t limit, uint32_t *out);
/* An address of E of the focused machine (break, watch, until), as
 * mon_addr; one written with '.' is developed through R: the word P
 * points at (docs/monitor.md). */
int mon_e_addr(struct mon *m, const char *s, uint32_t *out);
/* A word as an address in a message, in the base it was TYPED in (the
 * argument's text, or NULL): decimal after a decimal number ('deposit
 * 70000' says 70000, not 0x11170), octal or binary after a 0o or 0b one,
 * else hex; an expression's value signed when negative (-1, not
 * 0xffffffffffffffff), a number typed as it was.  Returns BUF. */
const char *mon_addr_text(const char *typed, uint64_t a, char *buf, size_t len);
#define MON_ADDR_TEXT 72 /* room for any word as mon_addr_text writes it: 0b and 64 bits */

/* ---- formatting (cmd_inspect.c) ---- */

/* "s I=0 P=0x00010 l=0x00000 b=0x10000" */
char *mon_fmt_psw(const struct psw *p, char *buf, size_t len);
/* One disassembled line of WORD at ADDR, with its label if any. */
void mon_print_insn(struct mon *m, FILE *f, const struct machine *x,
                    const struct tgm_image *syms, uint32_t addr, uint64_t word);
/* The same for WORD at virtual address VADDR of X under PSW P: the label
 * is that of the physical address VADDR develops to (relocated code). */
void mon_print_vinsn(struct mon *m, const struct machine *x, const struct psw *p,
                     const struct tgm_image *syms, uint32_t vaddr, uint64_t word);
/* The label of ADDR in SYMS, or NULL. */
const char *mon_label(const struct mon *m, const struct tgm_image *syms, uint32_t addr);
/* image_symbol, with M's index of SYMS when it is one of M's tables. */
const struct tgm_symbol *mon_symbol(const struct mon *m, const struct tgm_image *syms,
                                    const char *name);
/* dis_word, with M's index of SYMS when it is one of M's tables; a word
 * whose opcode X's profile lacks is ".word 0x...", as X executes it. */
bool mon_dis_word(const struct mon *m, const struct machine *x, uint64_t word, uint32_t addr,
                  const struct tgm_image *syms, char *buf, size_t len);
/* Drop the indexes of M's symbol tables (labels.c): after any of them is
 * replaced; mon_symix_free at the end. */
void mon_symix_forget(struct mon *m);
void mon_symix_free(struct mon *m);
/* The label of the word P develops to under PS (P + l, less BASE, a VM's
 * region in the real machine when PS is the real one), in VM's symbols
 * (MON_FOCUS_BARE: the bare machine's), or NULL if P is outside it. */
const char *mon_psw_label(const struct mon *m, int vm, const struct psw *ps, uint32_t base);

/* ---- running (cmd_exec.c) ---- */

enum mon_run_mode { RUN_FREE, RUN_STEPS, RUN_CYCLES };
int mon_run(struct mon *m, enum mon_run_mode mode, uint64_t n);
/* One line saying where the focused machine (or VM VM) stands, WHAT
 * first, and the instruction at P - BACK (1 after HALT: the HALT). */
void mon_where(struct mon *m, int vm, const char *what, uint32_t back);
/* Is the bare machine (VM not MON_FOCUS_BARE: every runnable VM) in a trap
 * loop, DONE steps into a run?  Then it says so, and where. */
bool mon_trap_storm(struct mon *m, int vm, uint64_t done);
/* Cycles of the machine a run counts: the bare one's, or the VMs'. */
uint64_t mon_counted(struct mon *m);
static inline const char *mon_plural(uint64_t n) { return n == 1 ? "" : "s"; }
/* Before each step of a command that steps one at a time ('next',
 * 'finish', 'stack step'; cmd_step.c), DONE steps in: stop it, as 'go' is stopped, at
 * Ctrl-C, the step limit or (looked for every 65536 steps) a trap loop of
 * the bare machine (VM MON_FOCUS_BARE) or of every runnable VM.  True
 * when it must stop: the run (if one is begun) is ended and the stop
 * said, with where VM is. */
bool mon_step_guard(struct mon *m, int vm, uint64_t done);
/* Would X's next step stop at a breakpoint (asked where a run is cut into
 * chunks, as machine_run never stops at its first step)?  Fills EX. */
bool mon_break_here(struct machine *x, struct machine_exit *ex);
/* Does a timer trap come before X's next instruction (I = 1 and the timer
 * pending or run out), so that its next step does not run E[P]? */
bool mon_timer_first(const struct machine *x);

/* ---- around a run (run_io.c) ---- */

/* Note where the consoles and step counts stand and hand the terminal's
 * keys to the guest; show new console output and queue typed keys (between
 * chunks); finish the output line, give the terminal back. */
void mon_run_begin(struct mon *m);
/* The same when a breakpoint's commands continue the run: the step counts
 * stay the command's, so that its stop names every VM that ran in it. */
void mon_run_resume(struct mon *m);
void mon_run_poll(struct mon *m);
/* At a breakpoint, watchpoint or trap stop that its condition or ignore
 * count may yet pass: show the guest's output so far but leave its line
 * open; the monitor's first message ends it (mon_out), so hits that pass
 * in silence do not break the guest's lines. */
void mon_run_pause(struct mon *m);
void mon_run_end(struct mon *m);
/* A command that steps ('step', 'next'), which is no run of chunks and
 * shows no live console: before each step, the terminal's keys handed to
 * the guest and those typed queued, as a run's are; at its end the rest
 * queued and the terminal given back. */
void mon_step_keys(struct mon *m);
void mon_step_keys_end(struct mon *m);
/* After the stop is reported: how many typed bytes went to the guest. */
void mon_run_typed_note(struct mon *m);
/* Queue N bytes as console input of the focused machine: 0; -1 when
 * memory runs out; -2, nothing queued, when they would take its input
 * past MON_INPUT_LIMIT (*HELD then says how much it holds). */
int mon_queue_input(struct mon *m, const uint8_t *b, size_t n, size_t *held);
/* Say that a byte of SLOT's console output (0: the bare machine's, ID + 1:
 * VM ID's) was lost for want of memory, as a run says it. */
void mon_console_lost_line(struct mon *m, int slot);
/* Show console output written since the last look (if 'set live-console'). */
void mon_console_live(struct mon *m);
/* Is the console output of X (the bare machine or a VM's; NULL: any) short
 * of a byte lost for want of memory, though putting the session back from
 * a saved state (filling the history ring) cleared the machine's mark?
 * Then -1 after saying so, as 'go' does, or with FILE as 'save FILE'
 * refuses; else 0. */
int mon_console_short(struct mon *m, const struct machine *x, const char *file);
/* Show the guest's output so far and end its line (before a message that
 * a run prints: a stop, a breakpoint's report). */
void mon_console_settle(struct mon *m);
/* Did VM ID take a step since mon_run_begin? */
bool mon_vm_ran(const struct mon *m, int id);
/* What a step wrote to X's console since it had LEN0 bytes, as a C
 * string; WHO names another VM, which ran meanwhile ("": the one stepped). */
void mon_step_console(struct mon *m, struct machine *x, size_t len0, const char *who);
/* After a step of the focused VM: what VM ID, which ran meanwhile, wrote
 * since it had LEN0 bytes, and whether it ended (HALT, its 'vm limit')
 * having had STEPS0 steps. */
void mon_step_other(struct mon *m, int id, size_t len0, uint64_t steps0);

/* ---- gdb, QEMU and SIMH words (cmd_gdb.c) ---- */

/* V in format FMT: x d u o b/t c, or w (a PSW decoded); BUF returned. */
const char *mon_fmt_value(uint64_t v, char fmt, char *buf, size_t len);
/* V as a character between QUOTEs, as 'examine -c' shows it: itself, \n,
 * \QUOTE, \\, \xHH, or \x{H...} for a word that is not a byte (cmd_inspect.c). */
const char *mon_fmt_char(uint64_t v, char quote, char *buf, size_t len);
/* The /FMT suffix of the current command ("4x", "o"): COUNT (if COUNT is
 * not NULL) and the letter, one of FORMATS (0 if none).  -1 with error. */
int mon_slash(struct mon *m, const char *formats, uint64_t *count, char *fmt);
void mon_display_show(struct mon *m);
void mon_display_free(struct mon *m);
/* Copy a command line to the log, with its prompt; close the log (-1 if
 * it could not be written, after saying why). */
void mon_log_command(struct mon *m, const char *line);
int mon_log_close(struct mon *m);
/* What to type instead of another tool's command WORD, or NULL. */
const char *mon_foreign(const char *word);
/* For a file that cannot be opened (ERR, an errno): PATH typed in single
 * quotes, as a shell would take them, gets a note that only double quotes
 * group words here; otherwise "". */
const char *mon_quote_hint(const char *path, int err);

/* ---- reverse execution (reverse.c) ---- */

/* Around every execution command of the bare machine: begin checks the
 * history still leads to the present state (else starts a new one), note
 * takes a checkpoint when one is due, end records where the command left
 * the machine.  rebase starts a new history (the state changed otherwise). */
void mon_rev_begin(struct mon *m);
void mon_rev_note(struct mon *m);
void mon_rev_end(struct mon *m);
void mon_rev_rebase(struct mon *m);
/* 'set checkpoint': rebase with the new interval; as after a change, the
 * new history has nothing to go back to until the machine runs. */
void mon_rev_restart(struct mon *m);
void mon_rev_free(struct mon *m);
/* Free the machine the ring's replay keeps between runs (a new bare
 * machine or 'set ring 0' has no use for it). */
void mon_rev_scratch_free(struct mon *m);
/* After 'restore' put new machines in place of OLD_BARE and OLD_VMM (which
 * still exist): their marks are their own, so the histories go on only
 * where the old ones were as the last command left them and the new state
 * is the very same (docs/monitor.md). */
void mon_rev_swapped(struct mon *m, const struct machine *old_bare, struct vmm *old_vmm);
/* Put into the ring the steps the bare machine took since ring_fast_from
 * in the fast loop, as the trace hook would have: the last ring_size of
 * them replayed on a copy from the history's checkpoints (a copy kept
 * between runs, which goes on from where the last fill left it when that
 * is on the way). */
void mon_rev_ring_fill(struct mon *m);
/* Replay the bare machine's history up to the present with FN (LOOK as
 * its context) as the trace hook, the last stretch first (from the last
 * checkpoint), then the one before it, until FN sets look->found; FN reads
 * the replaying machine, look->x.  False if the history does not lead to
 * the present state or a replay could not be made. */
struct mon_rev_look {
    const struct machine *x;
    bool found;
};
bool mon_rev_look_back(struct mon *m, machine_trace_fn fn, struct mon_rev_look *look);
/* Steps a run may take between two looks at the history: checkpoints
 * fall between them (0 if there is no history). */
uint64_t mon_rev_interval(const struct mon *m);
/* Keep every other one of N items of SIZE bytes (the first always),
 * DROP the rest; returns how many are left. */
size_t mon_thin(void *items, size_t n, size_t size, void (*drop)(void *));

/* ---- reverse execution under the control program (reverse_vm.c) ---- */

/* The same five for the session's VMs, used by reverse.c when a VM is
 * focused; mon_vrev_run is vmm_run, recorded for replay. */
void mon_vrev_begin(struct mon *m);
void mon_vrev_note(struct mon *m);
void mon_vrev_end(struct mon *m);
void mon_vrev_rebase(struct mon *m);
/* After mon_vrev_rebase for 'set checkpoint' (mon_rev_restart). */
void mon_vrev_restarted(struct mon *m);
void mon_vrev_free(struct mon *m);
void mon_vrev_swapped(struct mon *m, struct vmm *old_vmm);
uint64_t mon_vrev_interval(const struct mon *m);
enum vmm_stop mon_vrev_run(struct mon *m, uint64_t budget, struct vmm_exit *ex);
/* Steps of every VM's virtual machine: what vmm_run's budget counts;
 * and their cycles, the guests' virtual time. */
uint64_t mon_guest_steps(struct vmm *v);
uint64_t mon_guest_cycles(struct vmm *v);
/* Traps X has taken, all causes together. */
uint64_t mon_traps_taken(const struct machine *x);
int mon_vrev_rstep(struct mon *m, uint64_t n);
int mon_vrev_rcontinue(struct mon *m);
/* mon_rev_ring_fill for the VMs: the real machine's steps since the guest
 * steps ring_fast_from, replayed on the session itself, which ends as it was. */
void mon_vrev_ring_fill(struct mon *m);

/* ---- breakpoints and tracing (cmd_break.c, bp_index.c, cmd_trace.c) ---- */

/* Reinstall every debug setting on the bare and real machines from the
 * breakpoint list and trace settings (after any change of either). */
void mon_debug_apply(struct mon *m);
/* Add (D 1) or take away (D -1) B's stops alone, as mon_debug_apply would
 * set them with B in m->bps or without it; false if it could not (then
 * the caller calls mon_debug_apply once B is in or out). */
bool mon_debug_change(struct mon *m, const struct mon_bp *b, int d);
/* How many of the user's execution breakpoints are at B's address on B's
 * machine, B counted if it is one; -1 if not known. */
long mon_bp_same_count(const struct mon *m, const struct mon_bp *b);
/* Region base of B's machine in the machine that runs it; -1 if the VM
 * no longer exists. */
int64_t mon_bp_base(const struct mon *m, const struct mon_bp *b);
void mon_bpix_free(struct mon *m);
/* Give back the places deleted breakpoints left (BP_NONE) in m->bps. */
void mon_bp_compact(struct mon *m);
/* Report a debug stop (VM: the VM that was running, or MON_FOCUS_BARE),
 * count the hit and run the breakpoint's commands; true if the run should
 * go on (an ignore count, a 'continue' in the commands, a CP-internal stop).
 * A stop says where, after STEPS steps and CYCLES cycles of the run. */
bool mon_debug_stop(struct mon *m, int vm, const struct machine_exit *ex, uint64_t steps,
                    uint64_t cycles);
/* "stopped at ADDR [LABEL] after N steps, M cycles: PSW" and the
 * instruction at P, VM's name first when VM is not MON_FOCUS_BARE. */
void mon_stop_line(struct mon *m, int vm, uint64_t steps, uint64_t cycles);
void mon_bp_free_all(struct mon *m);
/* A new breakpoint, zeroed but for its id and the focus, at the end of the
 * list; NULL when out of memory. */
struct mon_bp *mon_bp_new(struct mon *m);
/* A one-shot breakpoint ('until'), numbered MON_BP_TEMP_ID, which no user
 * breakpoint is; NULL when out of memory. */
#define MON_BP_TEMP_ID 0
struct mon_bp *mon_bp_new_temp(struct mon *m);
/* Delete breakpoint ID if it is still there (a one-shot one goes at its
 * stop) and reinstall the debug settings. */
void mon_bp_delete(struct mon *m, int id);
/* After 'break TYPED' or 'until TYPED' stopping at A: if TYPED is a label
 * inside .phase, a note that A is where its code runs, not its word of E. */
void mon_phased_note(struct mon *m, const char *typed, uint32_t a);
/* Delete each breakpoint GONE(m, b, ARG) is true of, saying so and WHY (the
 * caller reinstalls the debug settings). */
typedef bool mon_bp_pred(const struct mon *m, const struct mon_bp *b, int arg);
void mon_bp_prune(struct mon *m, mon_bp_pred *gone, int arg, const char *why);
/* Is B, in a machine of Q words, one 'break' or 'watch' could have set:
 * its address (and words) inside the machine, its kind of access, causes
 * or classes ones they take?  (A snapshot's breakpoints are checked so.) */
bool mon_bp_valid(const struct mon_bp *b, uint32_t q);
/* Is S a name 'vm create' takes (a snapshot's VMs are checked so)? */
bool mon_vm_name_ok(const char *s);
/* 'break list', or (WATCH_ONLY) only the watchpoints, as gdb's 'info
 * watchpoints' shows them. */
void mon_bp_list(struct mon *m, bool watch_only);
int mon_ring_resize(struct mon *m, size_t n);
/* Install the trace hooks the ring and 'trace' need (or none). */
void mon_trace_apply(struct mon *m);
/* The bare and the real machine's trace hooks (CTX is the session): the
 * ring, 'trace'. */
void mon_trace_hook(void *ctx, const struct machine_trace *t);
void mon_trace_hook_real(void *ctx, const struct machine_trace *t);
void mon_ring_hook(void *ctx, const struct machine_trace *t);
/* A fast run's steps could not be put into the ring (out of memory): the
 * ring is emptied (what it held came before them) and 'history' says so
 * until it fills again. */
void mon_ring_lost(struct mon *m);
/* End the trace file (it appears under its name now); -1 if it could not
 * be written, after saying why. */
int mon_trace_close(struct mon *m);
/* A stream onto the one writer's temporary file for PATH (tgm_wopen), so
 * that the file appears under its name only at mon_wstream_close, complete.
 * NULL with ERR. */
FILE *mon_wstream_open(struct tgm_wfile *w, const char *path, char *err, size_t errlen);
/* Close F and rename its file into place; -1 with ERR, the old file kept. */
int mon_wstream_close(FILE *f, struct tgm_wfile *w, const char *path, char *err,
                      size_t errlen);
/* Say that the file of WHAT (trace, log) was not written: as the current
 * command's error, or with WHAT when the session ends.  Returns -1. */
int mon_file_lost(struct mon *m, const char *what, const char *err);
/* The commands that write a file later, which may name their own again. */
enum mon_writer { MON_W_NONE, MON_W_TRACE, MON_W_LOG, MON_W_HISTORY };
/* -1 with a message if writing PATH would replace a file the session writes
 * later (the open trace or log when it ends, the history file: one of the
 * two would be lost; SELF's own file excepted), a file a loaded program
 * was read from, or a script being run. */
int mon_path_free(struct mon *m, const char *path, enum mon_writer self);
/* -1 with a message if a program read from FILES (NULL-terminated; NULL:
 * none) would be written over as the session goes on: one is the trace's,
 * the log's or the history's file (mon_path_free the other way round). */
int mon_program_free(struct mon *m, char *const *files);
void mon_vmm_event(void *ctx, const struct vmm_event *e);
/* "CAUSE trap -> DISPOSITION[ as CAUSE]", as 'step' shows E, in BUF. */
const char *mon_event_text(const struct vmm_event *e, char *buf, size_t len);
/* Note the values of watched words so a hit can show old -> new. */
void mon_watch_snapshot(struct mon *m);

/* ---- VMs (cmd_vm.c) ---- */

/* Create the control program if it does not exist; -1 with error. */
int mon_vmm_ensure(struct mon *m);
void mon_vm_forget(struct mon *m, int id);

/* ---- snapshots (snapshot.c) ---- */

int mon_snapshot_save(struct mon *m, const char *path, bool breaks, char *err,
                      size_t errlen);
int mon_snapshot_load(struct mon *m, const char *path, char *err,
                      size_t errlen);

/* ---- command handlers, by group ---- */

#define MON_HANDLER(n) int n(struct mon *m, int argc, char **argv)
MON_HANDLER(mon_cmd_load);
MON_HANDLER(mon_cmd_reset);
MON_HANDLER(mon_cmd_go);
MON_HANDLER(mon_cmd_continue);
MON_HANDLER(mon_cmd_step);
MON_HANDLER(mon_cmd_until);
MON_HANDLER(mon_cmd_stop);
MON_HANDLER(mon_cmd_regs);
MON_HANDLER(mon_cmd_examine);
MON_HANDLER(mon_cmd_translate);
MON_HANDLER(mon_cmd_symbols);
MON_HANDLER(mon_cmd_print);
MON_HANDLER(mon_cmd_console);
MON_HANDLER(mon_cmd_deposit);
MON_HANDLER(mon_cmd_assemble);
MON_HANDLER(mon_cmd_break);
MON_HANDLER(mon_cmd_watch);
MON_HANDLER(mon_cmd_delete);
MON_HANDLER(mon_cmd_ignore);
MON_HANDLER(mon_cmd_trace);
MON_HANDLER(mon_cmd_history);
MON_HANDLER(mon_cmd_vm);
MON_HANDLER(mon_cmd_nest);
MON_HANDLER(mon_cmd_stack);
MON_HANDLER(mon_cmd_check);
MON_HANDLER(mon_cmd_save);
MON_HANDLER(mon_cmd_restore);
MON_HANDLER(mon_cmd_do);
MON_HANDLER(mon_cmd_assert);
MON_HANDLER(mon_cmd_echo);
MON_HANDLER(mon_cmd_set);
MON_HANDLER(mon_cmd_show);
MON_HANDLER(mon_cmd_help);
MON_HANDLER(mon_cmd_exit);
MON_HANDLER(mon_cmd_quit);
MON_HANDLER(mon_cmd_next);
MON_HANDLER(mon_cmd_finish);
MON_HANDLER(mon_cmd_info);
MON_HANDLER(mon_cmd_display);
MON_HANDLER(mon_cmd_log);
MON_HANDLER(mon_cmd_rstep);
MON_HANDLER(mon_cmd_timeline);
MON_HANDLER(mon_cmd_rcontinue);

#endif
