/* test_embed.c: a monitor session driven through the library, as an
 * embedder drives it, with the control program of sections 4-6 changed
 * through its own interface behind the session's back.
 *
 * A VM destroyed with vmm_vm_destroy while the session has it selected
 * leaves the focus on nothing: every command must then fail with one line
 * saying so and put the focus on the bare machine, never read the dead VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#define EXAMPLES_DIR "examples"

struct sess {
    struct mon *m;
    FILE *out, *err;
};

static struct sess open_sess(void)
{
    struct sess s = {NULL, tmpfile(), tmpfile()};
    assert_non_null(s.out);
    assert_non_null(s.err);
    s.m = mon_create(s.out, s.err);
    assert_non_null(s.m);
    return s;
}

static void close_sess(struct sess *s)
{
    mon_destroy(s->m);
    fclose(s->out);
    fclose(s->err);
}

/* What F holds now (malloc'd), and F emptied. */
static char *drain(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    assert_true(n >= 0);
    char *b = calloc((size_t)n + 1, 1);
    assert_non_null(b);
    rewind(f);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    rewind(f);
    assert_int_equal(ftruncate(fileno(f), 0), 0);
    return b;
}

/* LINE fails with exactly one error line, containing WANT. */
static void fails_once(struct sess *s, const char *line, const char *want)
{
    free(drain(s->err));
    assert_int_equal(mon_exec_line(s->m, line), -1);
    char *e = drain(s->err);
    if (!strstr(e, want) || strchr(e, '\n') != e + strlen(e) - 1)
        fail_msg("'%s': want one line with '%s', got '%s'", line, want, e);
    free(e);
}

static void vm_destroyed_through_the_library_is_not_read(void **state)
{
    (void)state;
    /* each command that reads the focused VM */
    static const char *const cmds[] = {"regs", "translate 5", "step", "go for 3",
                                       "x 0", "info registers"};
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        struct sess s = open_sess();
        ms_cmd(s.m, "vm create a 1024 %s/sum.s", EXAMPLES_DIR);
        ms_cmd(s.m, "vm create b 1024 %s/sum.s", EXAMPLES_DIR);
        ms_cmd(s.m, "break 4");
        ms_cmd(s.m, "step 2");
        struct vmm *v = mon_vmm(s.m);
        assert_int_equal(vmm_vm_destroy(v, 1), 0); /* b, selected */
        fails_once(&s, cmds[k], "VM 1 no longer exists; the bare machine is selected");
        /* the focus is the bare machine's now, b's breakpoint is gone, a is as it was */
        ms_cmd(s.m, "assert $steps == 0"); /* the bare machine never ran */
        ms_cmd(s.m, "vm select a");
        free(drain(s.out));
        ms_cmd(s.m, "info break");
        char *o = drain(s.out);
        assert_null(strstr(o, "0x00004"));
        free(o);
        ms_cmd(s.m, "regs");
        ms_cmd(s.m, "translate 5");
        close_sess(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vm_destroyed_through_the_library_is_not_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
