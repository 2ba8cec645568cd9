/* vmmap.c: the standard VM map f of section 6 and its inverse g.
 *
 *   real E:  0      1       2 ..... K-1   base ........ base+w-1
 *          +------+-------+-------------+-----------------------+--
 *          | old  | CP's  |  dispatcher |  the VM: E'[base+i]   |
 *          | PSW  | PSW   |  (HCALL 0)  |        = E[i]         |
 *          +------+-------+-------------+-----------------------+--
 *
 * M' = u, P' = p, R' = (l + base, b') with b' = min(b, w - l), or 0 when
 * l >= w: the paper assumes b < w; clamping makes any R the guest loads
 * behave exactly as on a real machine of w words.  Because the clamp loses
 * b, the CP records the virtual M, I and R (as Lemma 2 says it must).
 */
#include "vmm_impl.h"

/* -DTGM_VMMAP_CLAMP_BUG (make fuzz-selftest): the bound reaches one word
 * past the region, which the CP's fuzz harness must report */
#ifdef TGM_VMMAP_CLAMP_BUG
#define CLAMP_BUG 1u
#else
#define CLAMP_BUG 0u
#endif

void vmmap_compose_r(const struct vm_map *map, uint32_t l, uint32_t b,
                     uint32_t *real_l, uint32_t *real_b)
{
    /* b' is the bound a bare machine of w words effectively has; when l >= w
     * it is 0 and every access traps, wherever l' points */
    *real_b = address_limit(map->w + CLAMP_BUG, l, b);
    *real_l = l < map->w ? l + map->base : map->base;
}

/* The CP's fixed words: E'[1] its PSW, E'[ENTRY] the dispatcher's HCALL,
 * E'[ENTRY + 1] a HALT that is never reached, the rest zero; E'[0] is the
 * trap's old PSW and has no fixed value. */
uint64_t vmm_cp_word(uint32_t q, uint32_t i)
{
    struct psw cp = {.sup = true, .p = VMM_ENTRY, .l = 0, .b = q};
    return i == 1 ? psw_pack(&cp)
         : i == VMM_ENTRY ? MAKE_INSN(OP_HCALL, 0, 0, 0)
         : i == VMM_ENTRY + 1 ? MAKE_INSN(OP_HALT, 0, 0, 0) : 0;
}

static void put_cp(struct machine *real)
{
    for (uint32_t i = 1; i < VMM_K; i++)
        machine_write_phys(real, i, vmm_cp_word(machine_q(real), i));
}

/* The PSW the CP loads to run a VM whose virtual PSW is VP: real user mode,
 * timer interrupts on so the CP can always regain the processor. */
struct psw vmmap_real_psw(const struct vm_map *map, const struct psw *vp)
{
    struct psw r = {.sup = false, .ie = true, .p = vp->p};
    vmmap_compose_r(map, vp->l, vp->b, &r.l, &r.b);
    return r;
}

int vmmap_f(const struct vm_map *map, const struct machine *bare,
            struct machine *real, struct vm_record *rec)
{
    if (machine_q(bare) != map->w || (uint64_t)map->base + map->w > machine_q(real) ||
        map->base < VMM_K)
        return -1;
    const uint64_t *E = machine_mem(bare);
    for (uint32_t i = 0; i < map->w; i++)
        machine_write_phys(real, map->base + i, E[i]);
    put_cp(real);
    struct psw p = machine_psw(bare);
    struct psw rp = vmmap_real_psw(map, &p);
    machine_load_psw(real, &rp);
    *rec = (struct vm_record){p.sup, p.ie, p.l, p.b};
    return 0;
}

int vmmap_g(const struct vm_map *map, const struct machine *real,
            const struct vm_record *rec, struct machine *bare)
{
    if (machine_q(bare) != map->w || (uint64_t)map->base + map->w > machine_q(real))
        return -1;
    const uint64_t *E = machine_mem(real);
    for (uint32_t i = 0; i < map->w; i++)
        machine_write_phys(bare, i, E[map->base + i]);
    struct psw r = machine_psw(real);
    struct psw p = {.sup = rec->vsup, .ie = rec->vie, .p = r.p, .l = rec->vl, .b = rec->vb};
    machine_set_psw(bare, psw_pack(&p));
    return 0;
}

void vmm_cp_install(struct machine *real)
{
    put_cp(real);
}
