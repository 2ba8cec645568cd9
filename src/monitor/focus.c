/* focus.c: the machine the monitor's commands act on (the bare machine of
 * section 2, or a VM of sections 4-6 when one is selected), its symbols and
 * name, and VMs found by name or number.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/suggest.h"

struct machine *mon_target(struct mon *m)
{
    if (m->focus == MON_FOCUS_BARE || !m->vmm)
        return m->bare;
    return vmm_vm_view(m->vmm, m->focus);
}

const struct tgm_image *mon_symbols(const struct mon *m)
{
    const struct tgm_image *img =
        m->focus == MON_FOCUS_BARE ? &m->bare_img : &m->vm_img[m->focus];
    return img->nsyms ? img : NULL;
}

bool mon_is_symbol(const struct mon *m, const char *word)
{
    const struct tgm_image *img = mon_symbols(m);
    return mon_symbol(m, img, word) != NULL;
}

const char *mon_target_name(const struct mon *m, char *buf, size_t len)
{
    struct vm_info vi;
    if (m->focus == MON_FOCUS_BARE || !m->vmm ||
        vmm_vm_info(m->vmm, m->focus, &vi) != 0)
        snprintf(buf, len, "bare");
    else
        snprintf(buf, len, "%s", vi.name);
    return buf;
}

int mon_focus_info(struct mon *m, struct vm_info *vi)
{
    int id = m->focus;
    if (m->vmm && vmm_vm_info(m->vmm, id, vi) == 0)
        return 0;
    /* only the library (vmm_vm_destroy behind the session's back) removes
     * a VM without 'vm destroy': forget it as that would */
    mon_vm_forget(m, id);
    mon_debug_apply(m);
    mon_err(m, "VM %d no longer exists; the bare machine is selected ('vm list' shows the VMs)",
            id);
    return -1; /* said here, not through mon_err's: gcc -O3 then sees VI unread */
}

int mon_vm_id(const struct mon *m, const char *s)
{
    int id = m->vmm ? vmm_vm_find(m->vmm, s) : -1;
    if (id >= 0 || !m->vmm)
        return id;
    char *end;
    long n = strtol(s, &end, 10);
    struct vm_info vi;
    if (*s && !*end && n >= 0 && n < VMM_MAX_VMS && vmm_vm_info(m->vmm, (int)n, &vi) == 0)
        return (int)n;
    return -1;
}

int mon_vm_lookup(struct mon *m, const char *s)
{
    if (!m->vmm)
        return mon_err(m, "no VMs exist (create one with 'vm create')");
    int id = mon_vm_id(m, s);
    if (id >= 0)
        return id;
    /* a guess among the VMs' names, as for commands ('vm select A' for a) */
    struct tgm_suggest g;
    struct vm_info vi;
    tgm_suggest_init(&g, s, strlen(s));
    for (int k = 0; k < VMM_MAX_VMS; k++)
        if (vmm_vm_info(m->vmm, k, &vi) == 0)
            tgm_suggest_offer(&g, vi.name);
    const char *near = tgm_suggest_unique(&g);
    if (near)
        return mon_err(m, "no VM named '%.*s%s' (did you mean '%s'?)", MON_QUOTE(s), near);
    return mon_err(m, "no VM named '%.*s%s' (see 'vm list')", MON_QUOTE(s));
}
