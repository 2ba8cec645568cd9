/* test_audit_msgvmm.c: the texts docs/vmm.md, docs/recursion.md,
 * docs/os.md and docs/isa.md show tgm printing, checked literally.
 *
 * One table row per quoted text: the command that produces it, the stream
 * and exit status the page implies, and the text itself.  A change to any
 * of them fails here, and the row names the page and line it came from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* Guests the rows run, written into the temporary directory; a row names
 * one as "@NAME". */
static const struct {
    const char *name, *src;
} guests[] = {
    /* never halts: a one-instruction loop */
    {"loop.s", "loop: JMP loop\n"},
    /* no trap handler: the fetch at 2^19-1 traps, E[1] = 0 loads a PSW
     * whose every fetch traps again */
    {"tl.s", ".org 2\nstart: JMP 0x7ffff\n.entry start\n"},
    /* x86: the LPSW to user mode leaves the VM in virtual supervisor mode,
     * where TGET is no trap, so the loop never reaches the handler */
    {"x86.s", CS_X86_STUCK_SRC},
    /* pdp10: JRSTU leaves the VM in virtual supervisor mode, so its HALT
     * halts at once where the bare machine traps into E[0] */
    {"p10.s", ".org 1\n"
              "       .word psw(SUP, h, 0, 0x80000)\n"
              "start: JRSTU u\n"
              "u:     HALT\n"
              "h:     HALT\n"
              ".entry start\n"},
    /* JRSTU, a zero word and a word with an unused field set */
    {"dis.s", "JRSTU 5\n.word 0\n.word 0x0400000000000001\nNOP\n"},
    /* user mode: TSET, privileged, with an operand outside R */
    {"po.s", ".org 1\n"
             "       .word psw(SUP, h, 0, 0x80000)\n"
             "start: LPSW p\n"
             "h:     HALT\n"
             "p:     .word psw(USER, 0, 0x100, 16)\n"
             ".org 0x100\n"
             "       TSET 0x7ffff\n"
             ".entry start\n"},
    /* no image at all */
    {"bad.img", "not an image\n"},
};

enum stream { OUT, ERR };

struct row {
    const char *where;   /* the page and line that quotes the text */
    const char *argv[12];
    int status;
    enum stream stream;
    const char *want;    /* a substring of that stream */
};

#define SUP_STATS "examples/supervisor.s"
#define OS "examples/os/os.s"

static const struct row rows[] = {
    {"vmm.md:211", {"run", "--vmm", "--stats", SUP_STATS}, 0, OUT,
     "traps        privileged 0, memory 1, svc 22, illegal 0, timer 0\n"
     "cycles       4647\n"
     "instructions 1912\n"
     "steps        1935\n"},
    {"vmm.md:216", {"run", "--vmm", "--stats", SUP_STATS}, 0, OUT,
     "efficiency     1681 instructions executed directly, 231 interpreted (87.9184% direct)\n"
     "cycles         3657 in the guest, 1270 in the control program's trap sequences and "
     "HCALLs\n"
     "cp entries     254\n"
     "  privileged   interpreted 208 allocator 23\n"
     "  memory       reflected 1\n"
     "  svc          reflected 22\n"},
    {"vmm.md:104", {"run", "--vmm", "--stats", "--max-steps", "100", "@loop.s"}, 3, OUT,
     "cp entries     0\n  (no trap)    scheduler 1\n"},
    {"vmm.md:105", {"run", "--vmm", "--hybrid", "--stats", "--mem", "1024", OS}, 0, OUT,
     "  (no trap)    hybrid 175\n"},
    {"vmm.md:104 JSON", {"run", "--vmm", "--stats", "--json", "--max-steps", "100", "@loop.s"},
     3, OUT, "\"none\":{\"interpreted\":0,\"reflected\":0,\"allocator\":0,\"scheduler\":1,"},
    {"vmm.md:253", {"run", "--vmm", "--slice", "9223372036854775807", "examples/hello.s"}, 0,
     OUT, "hello, world\n"},
    {"vmm.md:253", {"run", "--vmm", "--slice", "9223372036854775808", "examples/hello.s"}, 2,
     ERR, "--slice"},
    {"vmm.md:253", {"check", "--slice", "0", "examples/hello.s"}, 2, ERR, "--slice"},
    {"vmm.md:278", {"monitor", "-c", "vm create a 4096 examples/hello.s; go for 69"}, 0, OUT,
     "no VM is runnable after 69 steps\n"},
    {"vmm.md:278", {"monitor", "-c", "vm create a 4096 examples/hello.s; go"}, 0, OUT,
     "no VM is runnable after 69 steps\n"},
    {"vmm.md:354", {"check", "--profile", "pdp10", "@p10.s"}, 1, OUT,
     "  alone: E[0] (real E[8]): bare 0x0400018000080000, vm 0x0000000000000000\n"},
    {"vmm.md:357", {"check", "--max-steps", "1000", "@loop.s"}, 1, OUT,
     ": NOT equivalent\n  alone: the bare machine did not halt within 1000 steps\n"},
    {"vmm.md:358", {"check", "--profile", "x86", "--max-steps", "1000", "@x86.s"}, 1, OUT,
     "  alone: the VM did not halt within 1000 steps\n"},
    {"vmm.md:361", {"check", "--max-steps", "0", "examples/sum.s"}, 2, ERR, "--max-steps"},
    {"vmm.md:361", {"monitor", "-c", "check examples/sum.s steps 0"}, 1, ERR, "steps"},
    {"vmm.md:366", {"check", "--max-steps", "1000", "@tl.s"}, 1, OUT,
     "  alone: the bare machine did not halt within 1000 steps: it is in a trap loop (each "
     "step takes a memory trap and E[1] loads the same PSW: a disabled wait)\n"},
    {"recursion.md:144", {"check", "--nest", "1", "examples/hello.s"}, 0, OUT,
     "examples/hello.s: equivalent at depth 1 (E, PSW, R, timer, console; no traps); "},
    {"recursion.md:143", {"check", "--nest", "1", SUP_STATS}, 0, OUT,
     "; 23 traps in the same order, 0 of them timer traps); "},
    {"recursion.md:141", {"check", "--nest", "1", "--json", OS}, 0, OUT,
     "\"traps\":174,\"timer_traps\":42,"},
    {"recursion.md:154", {"check", "--nest", "1", "--max-steps", "10", "examples/sum.s"}, 1,
     OUT, "examples/sum.s: NOT equivalent at depth 1: the bare run did not halt within 10 "
          "steps\n"},
    {"recursion.md:157", {"check", "--nest", "1", "--max-steps", "1000", "@tl.s"}, 1, OUT,
     ": NOT equivalent at depth 1: the bare run did not halt within 1000 steps: it is in a "
     "trap loop (each step takes a memory trap and E[1] loads the same PSW: a disabled "
     "wait)\n"},
    {"recursion.md:169", {"check", "--nest", "4", OS}, 0, OUT,
     "examples/os/os.s: equivalent at depth 4 (E, PSW, R, timer, console; 174 traps in the "
     "same order, 42 of them timer traps); real steps 3746851, bare 9171 (reported, not "
     "compared: the paper excludes timing)\n"},
    {"recursion.md:269",
     {"check", "--nest", "6", "--max-steps", "9171", "--mem", "1024", OS}, 1, OUT,
     ": NOT equivalent at depth 6: the nested run did not halt within 9171000 steps\n"},
    {"recursion.md:264", {"check", "--nest", "17", "examples/hello.s"}, 2, ERR, "--nest"},
    {"os.md:40", {"run", OS}, 0, OUT,
     "os: 4 processes, quantum 300 cycles\n"
     "2 3 tickTO\n"
     "os: process 4 killed: memory trap at P=4 after 92 cycles\n"
     "5 tickCKT7 tickOC11 tickKTO13 tickCK17 tickTOC19 \n"
     "os: process 2 exited, status 0 after 1859 cycles\n"
     "KT23OCK TO29 CK\n"
     "os: process 3 exited, status 3 after 3000 cycles\n"
     "31 37 41 43 47 53 59 61 67 71 73 79 83 89 97 \n"
     "os: process 1 exited, status 25 after 10104 cycles\n"
     "os: all processes done: 3 exited, 1 killed\n"
     "-- halted\n"
     "psw          0x8000418000080000  supervisor  I=0  P=131  l=0  b=524288\n"
     "last trap    svc\n"
     "traps        privileged 0, memory 1, svc 131, illegal 0, timer 42\n"
     "cycles       23738\n"
     "instructions 8997\n"
     "steps        9171\n"
     "timer        disarmed\n"
     "console      408 bytes\n"
     "digest       0x114b915c8c16ac22  (FNV-1a of E, 65536 words)\n"},
    {"os.md:73", {"run", "--vmm", "--mem", "1024", OS}, 0, OUT,
     "KT23OCK TO29 CK\nos: process 3 exited, status 3 after 3000 cycles\n"},
    {"os.md:70", {"check", "--mem", "1024", OS}, 0, OUT,
     ": equivalent (alone); 8997 instructions, 92.8087% executed directly\n"},
    {"os.md:80", {"check", "--hybrid", "--mem", "1024", OS}, 0, OUT,
     ": equivalent (alone); 8997 instructions, 30.3434% executed directly\n"},
    {"os.md:88", {"check", "--nest", "4", "--mem", "1024", OS}, 0, OUT,
     ": equivalent at depth 4 (E, PSW, R, timer, console; 174 traps in the same order, 42 of "
     "them timer traps); real steps 3746843, bare 9171 (reported, not compared: the paper "
     "excludes timing)\n"},
    {"isa.md:204", {"isa", "--profiles"}, 0, OUT, "virtualizable\n"},
    {"isa.md:83", {"dis", "@dis.img"}, 0, OUT, "        JRSTU  0x5 "},
    {"isa.md:83", {"dis", "@dis.img"}, 0, OUT,
     "        .word 0x0000000000000000                 ; 00001: 0000000000000000\n"
     "        .word 0x0400000000000001                 ; 00002: 0400000000000001\n"},
    {"isa.md:139", {"run", "@po.s"}, 0, OUT, "last trap    privileged\n"},
    {"isa.md:141", {"run", "--vmm", "@po.s"}, 0, OUT, "last trap    privileged\n"},
    {"isa.md:297", {"dis", "@bad.img"}, 2, ERR, "offset 0: bad magic"},
    {"isa.md:16", {"run", "--mem", "1", "examples/hello.s"}, 2, ERR, "--mem"},
    {"isa.md:305", {"run", "--mem", "16", "examples/hello.s"}, 2, ERR,
     "but the machine has 16 words"},
};

/* "@NAME": the temporary directory's NAME. */
static const char *arg_of(const char *a)
{
    return a[0] == '@' ? cs_tmp(a + 1) : a;
}

static void quoted__texts_hold(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        const char *args[12] = {0};
        for (size_t k = 1; k < 12 && r->argv[k]; k++)
            args[k - 1] = arg_of(r->argv[k]);
        struct cs_outcome o = cs_run_tgm_argv(r->argv[0], args);
        const char *text = r->stream == OUT ? o.out : o.err;
        if (o.status != r->status || !strstr(text, r->want))
            fail_msg("%s: tgm %s %s ...: status %d (want %d), %s does not hold\n%s\n--- it "
                     "printed:\n%s\n--- stderr:\n%s",
                     r->where, r->argv[0], r->argv[1] ? r->argv[1] : "", o.status, r->status,
                     r->stream == OUT ? "stdout" : "stderr", r->want, o.out, o.err);
        cs_outcome_free(&o);
    }
}

static int group_setup(void **state)
{
    (void)state;
    if (cs_setup("test_audit_msgvmm") != 0)
        return -1;
    char path[CS_PATH];
    for (size_t i = 0; i < sizeof guests / sizeof guests[0]; i++)
        cs_write_text(path, sizeof path, guests[i].name, guests[i].src);
    const char *args[] = {cs_tmp("dis.s"), "-o", cs_tmp("dis.img"), NULL};
    struct cs_outcome o = cs_run_tgm_argv("as", args);
    int rc = o.status;
    cs_outcome_free(&o);
    return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoted__texts_hold),
    };
    return cmocka_run_group_tests_name("audit_msgvmm", tests, group_setup, group_teardown);
}
