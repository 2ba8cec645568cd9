/* snapshot.c: saving and restoring the whole system: the bare machine, the
 * real machine, the control program with every VM (sections 2 and 4-6),
 * symbols and breakpoints.
 *
 *   offset  size  field (little-endian)
 *   0       8     magic "TGMSNAP\0"
 *   8       4     version (5)
 *   12      4     section count n
 *   16      ...   n sections: tag (4 chars), 4 zero bytes, u64 length, data
 *   end-8   8     FNV-1a 64 of every byte before it
 *
 * Sections: SESS (configuration and focus), BARE and REAL (machine states),
 * CPST (control program), CPTR (what its dispatcher keeps between runs),
 * BSYM and VSYM (symbols), BRKS (breakpoints), NEST (a stack of control
 * programs in the bare machine: its depth).
 * Restore parses and validates everything into new objects first; only then
 * are they swapped in, so a bad file changes nothing.  Writes are atomic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mon_impl.h"
#include "tgm/bytes.h"

#define SNAP_MAGIC TGM_SNAPSHOT_MAGIC
/* 2: breakpoints keep their conditions; 3: symbols their kinds (a label
 * inside .phase one of them); 4: a stack its layout; 5: the control
 * program's transient run state (CPTR), so that a restored run goes on as
 * the saved one would have.  Always written as 5; 1 to 4 are read too. */
#define SNAP_VERSION 5u
#define SNAP_MAX_BYTES ((size_t)256 << 20) /* far above any real session */

static void put_str(struct bytes_out *w, const char *s)
{
    size_t n = strlen(s);
    bytes_put_le(w, n, 4);
    bytes_put(w, s, n);
}

static void section(struct bytes_out *w, const char *tag, const uint8_t *data, size_t len)
{
    bytes_put(w, tag, 4);
    bytes_put_le(w, 0, 4);
    bytes_put_le(w, len, 8);
    bytes_put(w, data, len);
}

static void put_syms(struct bytes_out *w, const struct tgm_image *img)
{
    bytes_put_le(w, img->nsyms, 4);
    for (uint32_t i = 0; i < img->nsyms; i++) {
        bytes_put_le(w, img->syms[i].value, 8);
        put_str(w, img->syms[i].name);
        bytes_put_le(w, img->syms[i].kind, 1);
    }
}

static void put_bps(struct bytes_out *w, const struct mon *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nbps; i++)
        n += !m->bps[i].temp;
    bytes_put_le(w, n, 4);
    for (size_t i = 0; i < m->nbps; i++) {
        const struct mon_bp *b = &m->bps[i];
        if (b->temp) /* 'until': the run's, not a breakpoint to keep */
            continue;
        bytes_put_le(w, (uint32_t)b->id, 4);
        bytes_put_le(w, b->kind, 4);
        bytes_put_le(w, (uint32_t)b->vm, 4);
        bytes_put_le(w, b->addr, 4);
        bytes_put_le(w, b->len, 4);
        bytes_put_le(w, (uint32_t)b->rw, 4);
        bytes_put_le(w, b->mask, 4);
        bytes_put_le(w, b->hits, 8);
        bytes_put_le(w, b->ignore, 8);
        put_str(w, b->cmds ? b->cmds : "");
        put_str(w, b->cond ? b->cond : "");
    }
}

int mon_snapshot_save(struct mon *m, const char *path, bool breaks, char *err, size_t errlen)
{
    struct bytes_out w = {0}, s = {0};
    uint8_t *st = NULL;
    size_t stlen;
    bool nested = m->nested && nest_intact(&m->nest, m->bare);
    int nsec = 3 + (m->vmm ? 4 : 0) + (breaks ? 1 : 0) + nested;
    bytes_put(&w, SNAP_MAGIC "", 8);
    bytes_put_le(&w, SNAP_VERSION, 4);
    bytes_put_le(&w, (uint64_t)nsec, 4);

    bytes_put_le(&s, machine_q(m->bare), 4);
    put_str(&s, machine_profile(m->bare)->name);
    bytes_put_le(&s, (uint32_t)m->focus, 4);
    bytes_put_le(&s, m->vmm != NULL, 4);
    /* the control program's configuration, or with none yet the one 'set'
     * chose for it (0 and "": the default) */
    struct vmm_config c = m->vmm_cfg;
    if (m->vmm)
        c = (struct vmm_config){machine_q(vmm_machine(m->vmm)),
                                machine_profile(vmm_machine(m->vmm)), vmm_slice(m->vmm),
                                vmm_hybrid(m->vmm)};
    bytes_put_le(&s, c.q, 4);
    put_str(&s, c.profile ? c.profile->name : "");
    bytes_put_le(&s, c.slice, 8);
    bytes_put_le(&s, c.hybrid, 4);
    section(&w, "SESS", s.p, s.len);
    s.len = 0;
    int rc = machine_state_save(m->bare, true, &st, &stlen);
    if (rc == 0)
        section(&w, "BARE", st, stlen);
    free(st);
    st = NULL; /* a save that fails below leaves st as it is: not freed twice */
    put_syms(&s, &m->bare_img);
    section(&w, "BSYM", s.p, s.len);
    s.len = 0;
    if (rc == 0 && m->vmm) {
        rc = machine_state_save(vmm_machine(m->vmm), true, &st, &stlen);
        if (rc == 0)
            section(&w, "REAL", st, stlen);
        free(st);
        st = NULL;
        if (rc == 0 && (rc = vmm_state_save(m->vmm, &st, &stlen)) == 0)
            section(&w, "CPST", st, stlen);
        if (rc == 0)
            free(st);
        struct vmm_transient tr;
        vmm_transient_get(m->vmm, &tr);
        bytes_put_le(&s, tr.real_timer, 4);
        bytes_put_le(&s, (uint64_t)tr.skip_break, 8);
        section(&w, "CPTR", s.p, s.len);
        s.len = 0;
        int n = 0;
        for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
            n++;
        bytes_put_le(&s, (uint64_t)n, 4);
        for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id)) {
            bytes_put_le(&s, (uint64_t)id, 4);
            put_syms(&s, &m->vm_img[id]);
        }
        section(&w, "VSYM", s.p, s.len);
        s.len = 0;
    }
    if (breaks) {
        put_bps(&s, m);
        section(&w, "BRKS", s.p, s.len);
        s.len = 0;
    }
    if (nested) { /* the rest of the layout follows from the depth */
        bytes_put_le(&s, m->nest.depth, 4);
        section(&w, "NEST", s.p, s.len);
    }
    free(s.p);
    bool whole = rc == 0 && !w.oom && !s.oom;
    /* with its checksum's 8 bytes, not computed for a snapshot refused (a
     * pass over hundreds of megabytes) */
    if (whole && w.len + 8 > SNAP_MAX_BYTES) { /* 'restore' would refuse it: keep what is there */
        free(w.p);
        snprintf(err, errlen, "%s: the snapshot would be %zu bytes, larger than %zu, the limit "
                 "for a snapshot (the consoles' queued input and kept output take the most: "
                 "'console clear' forgets output); nothing written", path, w.len + 8,
                 SNAP_MAX_BYTES);
        return -1;
    }
    if (whole)
        bytes_put_le(&w, tgm_fnv1a(w.p, w.len, TGM_FNV_SEED), 8);
    if (!whole || w.oom) {
        free(w.p);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = tgm_write_atomic(path, w.p, w.len, err, errlen);
    free(w.p);
    return rc;
}

/* ---- restore ---- */

static bool get_str(struct bytes_in *r, char *buf, size_t len)
{
    uint64_t n = bytes_get_le(r, 4);
    const uint8_t *s = n < len ? bytes_take(r, n) : NULL;
    if (!s) {
        r->bad = true;
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return strlen(buf) == n;
}

/* A string of any length (a breakpoint's command list, which 'break'
 * does not cap) into *OUT, malloc'd; NULL when empty.  False if it is cut
 * short, holds a NUL or memory runs out (then R is bad or *OUT NULL). */
static bool get_str_dup(struct bytes_in *r, char **out)
{
    uint64_t n = bytes_get_le(r, 4);
    const uint8_t *s = n <= r->len ? bytes_take(r, n) : NULL;
    *out = NULL;
    if (!s || memchr(s, '\0', n)) {
        r->bad = true;
        return false;
    }
    if (!n)
        return true;
    if (!(*out = malloc(n + 1)))
        return false;
    memcpy(*out, s, n);
    (*out)[n] = '\0';
    return true;
}

/* 0, -1 if the section is bad, -2 if memory ran out (not the file's fault). */
static int get_syms(struct bytes_in *r, struct tgm_image *img, uint64_t version)
{
    uint64_t n = bytes_get_le(r, 4);
    if (r->bad || n > r->len)
        return -1;
    img->syms = n ? calloc(n, sizeof *img->syms) : NULL;
    if (n && !img->syms)
        return -2;
    for (uint64_t i = 0; i < n; i++) {
        char name[TGM_SYM_MAX + 1];
        uint64_t v = bytes_get_le(r, 8);
        if (!get_str(r, name, sizeof name) || !name[0])
            return -1;
        if (!(img->syms[i].name = strdup(name)))
            return -2;
        img->syms[i].value = v;
        img->nsyms = (uint32_t)i + 1;
        uint64_t kind = version > 2 ? bytes_get_le(r, 1) : TGM_SYM_UNKNOWN;
        if (kind > TGM_SYM_PHASED)
            return -1;
        img->syms[i].kind = (uint8_t)kind;
    }
    /* as a loaded image's: no name an assembler could not have written
     * (its check for a name twice needs memory, and may have none) */
    if (r->bad)
        return -1;
    bool oom;
    return image_symbols_canonical(img, &oom) ? 0 : oom ? -2 : -1;
}

/* Everything a snapshot restores, built aside. */
struct snap {
    struct machine *bare;
    struct tgm_image bare_img;
    struct vmm *vmm;
    struct tgm_image vm_img[VMM_MAX_VMS];
    struct mon_bp *bps;
    size_t nbps;
    bool has_bps;
    int focus;
    bool nested;
    struct nest_layout nest;
    struct vmm_transient tr;
    bool has_cfg;          /* no control program: the one 'set' chose */
    struct vmm_config cfg; /* ... for it */
};

static void snap_free(struct snap *s)
{
    machine_destroy(s->bare);
    image_free(&s->bare_img);
    if (s->vmm)
        vmm_destroy(s->vmm);
    for (int i = 0; i < VMM_MAX_VMS; i++)
        image_free(&s->vm_img[i]);
    for (size_t i = 0; i < s->nbps; i++) {
        free(s->bps[i].cmds);
        free(s->bps[i].old);
    }
    free(s->bps);
}

static bool vm_live(struct vmm *v, int64_t id)
{
    struct vm_info vi;
    return v && id >= 0 && id < VMM_MAX_VMS && vmm_vm_info(v, (int)id, &vi) == 0;
}

/* Is B set on a VM the session (restored) does not have? */
static bool vm_gone(const struct mon *m, const struct mon_bp *b, int arg)
{
    (void)arg;
    return b->vm != MON_FOCUS_BARE && !vm_live(m->vmm, b->vm);
}

/* The session's breakpoints on VMs of OLD go with their VMs, which a
 * snapshot knows by name, as the user does: to the restored VM of that
 * name, whatever its number, or to none (then vm_gone), never to
 * another VM that happens to have the number. */
static void bps_follow_vms(struct mon *m, struct vmm *old)
{
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        if (b->vm == MON_FOCUS_BARE)
            continue;
        struct vm_info oi, ni;
        int to = VMM_MAX_VMS; /* no VM's number */
        if (vm_live(old, b->vm) && vmm_vm_info(old, b->vm, &oi) == 0)
            for (int id = 0; id < VMM_MAX_VMS; id++)
                if (vm_live(m->vmm, id) && vmm_vm_info(m->vmm, id, &ni) == 0 &&
                    strcmp(ni.name, oi.name) == 0)
                    to = id;
        b->vm = to;
    }
}

/* Words of the machine B's address is in (BARE's or a VM's of V), or 0
 * if that VM is not there. */
static uint32_t bp_q(const struct machine *bare, struct vmm *v, const struct mon_bp *b)
{
    struct vm_info vi;
    if (b->vm == MON_FOCUS_BARE)
        return machine_q(bare);
    return vm_live(v, b->vm) && vmm_vm_info(v, b->vm, &vi) == 0 ? vi.w : 0;
}

/* Is B outside the machine it is set on (restored, smaller)? */
static bool bp_outside(const struct mon *m, const struct mon_bp *b, int arg)
{
    (void)arg;
    return !mon_bp_valid(b, bp_q(m->bare, m->vmm, b));
}

/* VERSION 1 records have no condition. */
static int parse_bps(struct bytes_in *r, struct snap *s, uint64_t version, char *err,
                     size_t errlen)
{
    uint64_t n = bytes_get_le(r, 4);
    if (r->bad || n > r->len)
        return tgm_err(err, errlen, "bad breakpoint section");
    s->has_bps = true;
    s->bps = n ? calloc(n, sizeof *s->bps) : NULL;
    if (n && !s->bps)
        return tgm_err(err, errlen, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
        struct mon_bp *b = &s->bps[i];
        char cond[MON_COND_MAX + 1] = "";
        b->id = (int)(int32_t)bytes_get_le(r, 4);
        b->kind = (enum mon_bp_kind)bytes_get_le(r, 4);
        b->vm = (int)(int32_t)bytes_get_le(r, 4);
        b->addr = (uint32_t)bytes_get_le(r, 4);
        b->len = (uint32_t)bytes_get_le(r, 4);
        b->rw = (int)bytes_get_le(r, 4);
        b->mask = (unsigned)bytes_get_le(r, 4);
        b->hits = bytes_get_le(r, 8);
        b->ignore = bytes_get_le(r, 8);
        s->nbps = i + 1;
        bool cmds_ok = get_str_dup(r, &b->cmds);
        if (!r->bad && !cmds_ok)
            return tgm_err(err, errlen, "out of memory");
        bool twice = false;
        for (uint64_t k = 0; k < i; k++)
            twice |= s->bps[k].id == b->id;
        if (!cmds_ok || (version > 1 && !get_str(r, cond, sizeof cond)) ||
            (cond[0] && b->kind != BP_EXEC && b->kind != BP_WATCH) || b->kind > BP_CLASS ||
            b->id <= 0 || twice || (b->vm != MON_FOCUS_BARE && !vm_live(s->vmm, b->vm)) ||
            !mon_bp_valid(b, bp_q(s->bare, s->vmm, b)))
            return tgm_err(err, errlen, "bad breakpoint record %llu", (unsigned long long)i);
        /* as 'break' and 'watch' keep them: the condition after the old values */
        size_t words = b->kind == BP_WATCH ? b->len : 0, clen = cond[0] ? strlen(cond) + 1 : 0;
        if ((words || clen) && !(b->old = calloc(1, words * sizeof *b->old + clen)))
            return tgm_err(err, errlen, "out of memory");
        if (clen)
            b->cond = memcpy((char *)(b->old + words), cond, clen);
    }
    return 0;
}

static int parse_vsyms(struct bytes_in *r, struct snap *s, uint64_t version, char *err,
                       size_t errlen)
{
    uint64_t n = bytes_get_le(r, 4);
    for (uint64_t i = 0; !r->bad && i < n; i++) {
        uint64_t id = bytes_get_le(r, 4);
        if (!vm_live(s->vmm, (int64_t)id) || s->vm_img[id].nsyms)
            return tgm_err(err, errlen, "symbols for a VM that is not in the snapshot");
        int rc = get_syms(r, &s->vm_img[id], version);
        if (rc != 0)
            return tgm_err(err, errlen, rc == -2 ? "out of memory" : "bad VM symbol section");
    }
    return r->bad ? tgm_err(err, errlen, "bad VM symbol section") : 0;
}

/* Build S from the sections; ERR says what is wrong. */
/* The sections DATA (LENS bytes) of the snapshot FILE, parsed into S.
 * Offsets in errors are FILE's. */
static int build(const uint8_t *file, const uint8_t *const *data, const size_t *lens,
                 uint64_t version, struct snap *s, char *err, size_t errlen)
{
    enum { SESS, BARE, BSYM, REAL, CPST, VSYM, BRKS, NEST, CPTR };
    struct bytes_in r = {data[SESS], lens[SESS], 0, false};
    char prof[64], cprof[64];
    uint32_t q = (uint32_t)bytes_get_le(&r, 4);
    /* a name with a NUL inside is no profile's, whatever comes before it */
    bool names_ok = get_str(&r, prof, sizeof prof);
    s->focus = (int)(int32_t)bytes_get_le(&r, 4);
    uint32_t has_cp = (uint32_t)bytes_get_le(&r, 4);
    struct vmm_config vc = {0};
    uint64_t hybrid = 0;
    bool has_cfg = has_cp || r.off < r.len; /* (older files: none without a CP) */
    if (has_cfg) {
        vc.q = (uint32_t)bytes_get_le(&r, 4);
        names_ok &= get_str(&r, cprof, sizeof cprof);
        vc.slice = bytes_get_le(&r, 8);
        hybrid = bytes_get_le(&r, 4);
        vc.hybrid = hybrid != 0;
        vc.profile = isa_profile_find(cprof);
    }
    struct machine_config mc = {.q = q, .profile = isa_profile_find(prof)};
    if (r.bad || !names_ok || r.off != r.len || !mc.profile || has_cp > 1 || hybrid > 1 ||
        (has_cfg && !vc.profile && (has_cp || cprof[0])) ||
        (!has_cp && ((vc.q && (vc.q <= VMM_K || vc.q > TGM_Q_MAX)) || vc.slice > VMM_SLICE_MAX)))
        return tgm_err(err, errlen, "bad session section");
    s->has_cfg = has_cfg && !has_cp;
    s->cfg = vc;
    if (has_cp != (data[REAL] != NULL) || has_cp != (data[CPST] != NULL) ||
        (version > 4 && has_cp != (data[CPTR] != NULL)) || (version < 5 && data[CPTR]))
        return tgm_err(err, errlen, "control program sections missing or unexpected");
    if (q < TGM_Q_MIN || q > TGM_Q_MAX)
        return tgm_err(err, errlen, "bad bare machine size %u", q);
    if (!(s->bare = machine_create(&mc))) /* a size it takes: the file is not at fault */
        return tgm_err(err, errlen, "out of memory");
    char e2[200];
    if (machine_state_load(s->bare, data[BARE], lens[BARE], e2, sizeof e2) != 0) {
        tgm_err_rebase(e2, sizeof e2, (size_t)(data[BARE] - file));
        return tgm_err(err, errlen, "bare machine: %s", e2);
    }
    r = (struct bytes_in){data[BSYM], lens[BSYM], 0, false};
    int srs = data[BSYM] ? get_syms(&r, &s->bare_img, version) : -1;
    if (srs == -2)
        return tgm_err(err, errlen, "out of memory");
    if (srs != 0 || r.off != r.len)
        return tgm_err(err, errlen, "bad symbol section");
    if (has_cp) {
        if (!(s->vmm = vmm_create(&vc, e2, sizeof e2)))
            return tgm_err(err, errlen, "control program: %s", e2);
        /* the section an error's offset is in */
        const uint8_t *in = vmm_state_load(s->vmm, data[CPST], lens[CPST], e2, sizeof e2) != 0
                                ? data[CPST]
                            : machine_state_load(vmm_machine(s->vmm), data[REAL], lens[REAL], e2,
                                                 sizeof e2) != 0
                                ? data[REAL]
                                : NULL;
        if (in)
            tgm_err_rebase(e2, sizeof e2, (size_t)(in - file));
        if (in || vmm_state_check(s->vmm, e2, sizeof e2) != 0)
            return tgm_err(err, errlen, "control program: %s", e2);
        struct vm_info vi; /* names 'vm select' and the prompt can take */
        for (int id = vmm_vm_next(s->vmm, -1); id >= 0; id = vmm_vm_next(s->vmm, id))
            if (vmm_vm_info(s->vmm, id, &vi) == 0 && !mon_vm_name_ok(vi.name))
                return tgm_err(err, errlen,
                               "control program: VM %d has a name 'vm create' refuses", id);
        /* before version 5: as a CP that has not run since it was loaded */
        vmm_transient_get(s->vmm, &s->tr);
        if (data[CPTR]) {
            r = (struct bytes_in){data[CPTR], lens[CPTR], 0, false};
            uint64_t timer = bytes_get_le(&r, 4);
            int64_t skip = (int64_t)bytes_get_le(&r, 8);
            if (r.bad || r.off != r.len || timer > 1 || skip < -1 || skip >= (int64_t)vc.q)
                return tgm_err(err, errlen, "bad control program run state section");
            s->tr = (struct vmm_transient){timer != 0, skip};
        }
        if (!data[VSYM])
            return tgm_err(err, errlen, "VM symbol section missing");
        r = (struct bytes_in){data[VSYM], lens[VSYM], 0, false};
        if (parse_vsyms(&r, s, version, err, errlen) != 0)
            return -1;
        if (r.off != r.len)
            return tgm_err(err, errlen, "bad VM symbol section");
    }
    if (s->focus != MON_FOCUS_BARE && !vm_live(s->vmm, s->focus))
        return tgm_err(err, errlen, "the selected VM is not in the snapshot");
    if (data[BRKS]) {
        r = (struct bytes_in){data[BRKS], lens[BRKS], 0, false};
        if (parse_bps(&r, s, version, err, errlen) != 0)
            return -1;
        if (r.off != r.len)
            return tgm_err(err, errlen, "bad breakpoint section");
    }
    if (data[NEST]) {
        r = (struct bytes_in){data[NEST], lens[NEST], 0, false};
        uint64_t depth = bytes_get_le(&r, 4);
        if (version < 4 || r.bad || r.off != r.len || depth > NEST_MAX_DEPTH ||
            nest_layout_of((unsigned)depth, q, &s->nest, e2, sizeof e2) != 0 ||
            !nest_intact(&s->nest, s->bare))
            return tgm_err(err, errlen, "bad stack section");
        s->nested = true;
    }
    return 0;
}

int mon_snapshot_load(struct mon *m, const char *path, char *err, size_t errlen)
{
    static const char *const tags[] = {"SESS", "BARE", "BSYM", "REAL", "CPST",
                                       "VSYM", "BRKS", "NEST", "CPTR"};
    enum { NTAGS = sizeof tags / sizeof tags[0] };
    size_t len;
    uint8_t *buf;
    if (!*path)
        return tgm_err(err, errlen, "expected a file name, got ''");
    /* worded as load, vm create, nest and check word it (docs/monitor.md) */
    FILE *f = tgm_fopen_read(path);
    if (!f)
        return tgm_err(err, errlen, "cannot open '%.*s%s': %s", MON_PATH_QUOTE(path),
                       errno == ENOMEM ? "out of memory" : strerror(errno));
    if (tgm_read_stream(f, path, SNAP_MAX_BYTES, "a snapshot", &buf, &len, err, errlen) != 0)
        return -1;
    const uint8_t *data[NTAGS] = {0};
    size_t lens[NTAGS] = {0};
    struct snap s = {0};
    int rc = -1;
    struct bytes_in r = {buf, len, 0, false};
    bytes_take(&r, 8);
    uint64_t ver = bytes_get_le(&r, 4), nsec = bytes_get_le(&r, 4);
    /* the magic or its start, then the end, is a snapshot cut short: a
     * version read past the end said "unsupported snapshot version 0" */
    if (len && memcmp(buf, SNAP_MAGIC "", len < 8 ? len : 8)) { /* empty: the start, 0 bytes */
        tgm_err(err, errlen, "%s: not a tgm snapshot%s", path,
                image_has_magic(buf, len) ? " but a guest image ('load' reads it)" : "");
        goto out;
    }
    if (r.bad) {
        tgm_err(err, errlen, "%s: offset %zu: truncated header (%zu byte%s, need 16)", path,
                len, len, len == 1 ? "" : "s");
        goto out;
    }
    if (ver < 1 || ver > SNAP_VERSION) {
        tgm_err(err, errlen,
                "%s: offset 8: unsupported snapshot version %llu (this tgm reads 1 to %u)",
                path, (unsigned long long)ver, SNAP_VERSION);
        goto out;
    }
    if (len < 24 || tgm_fnv1a(buf, len - 8, TGM_FNV_SEED) !=
                        (bytes_get_le(&(struct bytes_in){buf + len - 8, 8, 0, false}, 8))) {
        tgm_err(err, errlen, "%s: checksum mismatch (the file is damaged or truncated)", path);
        goto out;
    }
    r.len = len - 8;
    for (uint64_t i = 0; i < nsec; i++) {
        size_t at = r.off; /* an error names where the section begins, and why */
        if (at == r.len) {
            tgm_err(err, errlen,
                    "%s: offset %zu: section %llu of the %llu the header counts is missing "
                    "(the checksum is there)",
                    path, at, (unsigned long long)i, (unsigned long long)nsec);
            goto out;
        }
        const uint8_t *tag = bytes_take(&r, 4);
        uint64_t zero = bytes_get_le(&r, 4);
        uint64_t sl = bytes_get_le(&r, 8);
        const uint8_t *d = sl <= r.len ? bytes_take(&r, sl) : NULL;
        int k = 0;
        while (tag && k < NTAGS && memcmp(tag, tags[k], 4))
            k++;
        const char *why = !d                 ? "it runs past the end of the file"
                          : k == NTAGS       ? "an unknown tag"
                          : data[k] != NULL  ? "its tag given twice"
                          : zero != 0        ? "the 4 bytes after its tag are not zero"
                                             : NULL;
        if (why) {
            tgm_err(err, errlen, "%s: offset %zu: bad section %llu: %s", path, at,
                    (unsigned long long)i, why);
            goto out;
        }
        data[k] = d;
        lens[k] = sl;
    }
    if (r.off != r.len) {
        tgm_err(err, errlen,
                "%s: offset %zu: the %llu %s there, not at the checksum (offset %zu)", path,
                r.off, (unsigned long long)nsec, nsec == 1 ? "section ends" : "sections end",
                r.len);
        goto out;
    }
    if (!data[0] || !data[1]) {
        tgm_err(err, errlen, "%s: no %s section", path, tags[data[0] ? 1 : 0]);
        goto out;
    }
    char why[256];
    if (build(buf, data, lens, ver, &s, why, sizeof why) != 0) {
        tgm_err(err, errlen, "%s: %s", path, why);
        goto out;
    }
    /* the very state back: 'halted' still says how the last run ended, as
     * the history goes on (docs/monitor.md, "Reverse execution") */
    char diff[160];
    bool same = machine_q(m->bare) == machine_q(s.bare) &&
                machine_compare(m->bare, s.bare, CMP_COUNTERS, "now", "saved", diff,
                                sizeof diff) == 0;
    /* commit: swap the new system in */
    struct machine *ob = m->bare;
    struct vmm *ov = m->vmm;
    m->bare = s.bare;
    m->bare_cfg.q = machine_q(s.bare);
    m->bare_cfg.profile = machine_profile(s.bare);
    s.bare = ob;
    m->vmm = s.vmm;
    s.vmm = ov;
    if (m->vmm)
        vmm_transient_set(m->vmm, &s.tr);
    struct tgm_image t = m->bare_img;
    m->bare_img = s.bare_img;
    s.bare_img = t;
    for (int i = 0; i < VMM_MAX_VMS; i++) {
        t = m->vm_img[i];
        m->vm_img[i] = s.vm_img[i];
        s.vm_img[i] = t;
    }
    mon_symix_forget(m);
    if (m->vmm) {
        vmm_set_event_hook(m->vmm, mon_vmm_event, m);
        m->vmm_cfg.q = machine_q(vmm_machine(m->vmm));
        m->vmm_cfg.profile = machine_profile(vmm_machine(m->vmm));
        m->vmm_cfg.hybrid = vmm_hybrid(m->vmm);
        m->vmm_cfg.slice = vmm_slice(m->vmm); /* a CP made after 'reset all' takes it */
    } else if (s.has_cfg) {
        m->vmm_cfg = s.cfg;
    }
    if (s.has_bps) {
        mon_bp_compact(m); /* none of the session's places left empty */
        struct mon_bp *ob2 = m->bps;
        size_t on = m->nbps;
        m->bps = s.bps;
        m->nbps = m->capbps = s.nbps;
        s.bps = ob2;
        s.nbps = on;
        for (size_t i = 0; i < m->nbps; i++)
            if (m->bps[i].id >= m->next_bp)
                m->next_bp = m->bps[i].id + 1;
    } else {
        bps_follow_vms(m, s.vmm); /* the session's, swapped out */
        mon_bp_prune(m, vm_gone, 0, "its VM is not in the snapshot");
        /* as 'set memory' does: the address is in no word of it */
        mon_bp_prune(m, bp_outside, 0, "outside the snapshot's memory");
    }
    mon_rev_swapped(m, s.bare, s.vmm); /* the old ones, swapped out */
    m->focus = s.focus;
    m->nested = s.nested; /* the stack is the snapshot's, or none */
    m->nest = s.nest;
    m->nest_seen_ok = false; /* another machine: its last 'stack step' is not known */
    m->bare_ran = same && m->bare_ran;
    m->ring_head = m->ring_count = 0;
    m->ring_lost = false;
    memset(m->con_short_dropped, 0, sizeof m->con_short_dropped); /* others' consoles */
    mon_debug_apply(m);
    rc = 0;
out:
    snap_free(&s);
    free(buf);
    return rc;
}

int mon_cmd_save(struct mon *m, int argc, char **argv)
{
    bool breaks = true;
    char err[512];
    if (argc == 3) {
        if (mon_keyword(argv[2], "nobreaks") != 0)
            return mon_usage(m, argc, argv);
        breaks = false;
    }
    if (mon_path_free(m, argv[1], MON_W_NONE) != 0)
        return -1;
    if (mon_console_short(m, NULL, argv[1]) != 0)
        return -1;
    if (mon_snapshot_save(m, argv[1], breaks, err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    mon_out_line(m, "saved %s", argv[1]);
    return 0;
}

int mon_cmd_restore(struct mon *m, int argc, char **argv)
{
    (void)argc;
    char err[MON_PATH_ERR];
    if (mon_not_mid_run(m) != 0) /* it replaces the machines a run is on */
        return -1;
    if (mon_snapshot_load(m, argv[1], err, sizeof err) != 0)
        return mon_err(m, "%s%s", err, mon_quote_hint(argv[1], access(argv[1], F_OK) ? errno : 0));
    if (m->timeline) /* back to an earlier point: as 'rstep' does */
        timeline_rewind(m->timeline, m->vmm);
    mon_out_line(m, "restored %s", argv[1]);
    return 0;
}
