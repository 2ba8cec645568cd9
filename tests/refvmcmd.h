/* refvmcmd.h: an independent model of the monitor's virtual-machine
 * commands, written from docs/monitor.md ("Bare machine, VMs and the
 * focus", the command reference's `vm`, `regs`, `examine`, `translate`,
 * `go` and `step`) and docs/vmm.md, for test_audit_refvmcmd.c to run
 * against the monitor.  The control program underneath is refvmm.h's
 * model; this one adds the session around it: names and ids, the
 * allocator's regions in the real machine, the focus, the refusals, and
 * what each command prints.  Where the docs leave a format open it
 * follows the monitor's.
 */
#ifndef TGM_TESTS_REFVMCMD_H
#define TGM_TESTS_REFVMCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refvmm.h"

#define VC_MAXVM 64     /* "At most 64 VMs exist at once" */
#define VC_WMAX 524280u /* 2^19 less the control program's 8 words */

struct vc_vm {
    bool live;
    char name[40];
    uint32_t w, base;
    uint8_t last; /* the view's last trap, TRAP_* */
};

struct vc {
    bool cp; /* the control program exists (the first `vm create`) */
    uint32_t cpmem;
    bool hybrid;
    uint64_t slice;
    int focus; /* -1: the bare machine */
    struct vc_vm vm[VC_MAXVM];
    struct cpm c; /* VMs of ids below CPM_MAXVM, which alone may run */
};

/* Output of a command: lines appended to OUT; a refusal's message (the
 * command's name and its words, as the monitor writes them) to ERR. */
struct vc_out {
    char out[16384], err[512];
    size_t n;
};

void vc_init(struct vc *s);
void vc_free(struct vc *s);
void vc_printf(struct vc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int vc_find(const struct vc *s, const char *name);
bool vc_name_ok(const char *name);
/* vm create NAME W, with the image's words (N at AT) and entry PSW when
 * IMG_N is not UINT32_MAX; FILE as the command named it.  False: refused. */
bool vc_create(struct vc *s, struct vc_out *o, const char *name, long long w, const char *file,
               const uint64_t *words, uint32_t at, uint32_t n, uint64_t psw, uint32_t nsyms);
/* The refusal of a name that is no VM's. */
void vc_no_vm(const struct vc *s, struct vc_out *o, const char *cmd, const char *name);
bool vc_load(struct vc *s, struct vc_out *o, const char *name, const char *file,
             const uint64_t *words, uint32_t at, uint32_t n, uint64_t psw, uint32_t nsyms);
void vc_destroy(struct vc *s, struct vc_out *o, int id);
void vc_list(const struct vc *s, struct vc_out *o);
void vc_stats(const struct vc *s, struct vc_out *o, int id);
void vc_console(const struct vc *s, struct vc_out *o, int id);
const char *vc_state_name(enum vm_state st);
/* regs with a VM focused: the virtual column of the side-by-side table
 * (label, value) and the VM's own block, as lines. */
void vc_regs(const struct vc *s, struct vc_out *o, int id);
void vc_regs_columns(const char *in, char *out, size_t cap);
void vc_examine(const struct vc *s, struct vc_out *o, int id, uint32_t a, uint32_t n);
uint64_t vc_real(const struct vc *s, uint32_t a, bool *known);
void vc_translate(const struct vc *s, struct vc_out *o, int id, uint32_t a);
/* One guest step of the control program (cpm_run with a budget of 1),
 * keeping each view's last trap.  Returns cpm_run's answer. */
enum vmm_stop vc_step1(struct vc *s);
const char *vc_pick_name(uint64_t *rng);
void vc_guest_source(uint64_t *rng, char *src, size_t cap, uint32_t *words);
/* A stop's line: VM ID's name, WHAT and its virtual PSW. */
void vc_where(const struct vc *s, struct vc_out *o, int id, const char *what);
/* Keep only T's lines that do not begin with a space. */
void vc_unindented(char *t);
void vc_copy(struct vc *to, const struct vc *from, uint8_t (*to_in)[512],
             const uint8_t (*from_in)[512]);
bool vc_can_run(const struct vc *s);

#endif
