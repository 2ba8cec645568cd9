/* cli_isa.c: `tgm isa`: print the instruction table (sections 2 and 3).
 *
 * The table in insns.def is the only source; --markdown renders the
 * reference that docs/isa.md includes, so the docs cannot drift from it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tgm/machine.h"

static const char *const format_text[FMT_COUNT] = {
    [FMT_N] = "", [FMT_A] = "a", [FMT_AB] = "a, b", [FMT_ABC] = "a, b, c",
    [FMT_ABI] = "a, b, imm", [FMT_AL] = "a, imm38", [FMT_T] = "t",
    [FMT_AT] = "a, t", [FMT_ABT] = "a, b, t", [FMT_K] = "n",
    [FMT_ANA] = "a, n, c", [FMT_NAA] = "n, b, c", [FMT_NA] = "n, b", [FMT_AN] = "a, n",
};

static const char *beh_text(unsigned beh)
{
    switch (beh) {
    case BEH_DIRECT: return "direct";
    case BEH_PRIV: return "privileged";
    case BEH_USER_MASKED: return "user-masked";
    default: return "absent";
    }
}

/* Class bits as words, e.g. "priv ctl-s". */
static void class_text(unsigned cls, char *buf, size_t len)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {CLASS_PRIV, "priv"}, {CLASS_CTL_S, "ctl-s"}, {CLASS_CTL_U, "ctl-u"},
        {CLASS_LOC_S, "loc-s"}, {CLASS_LOC_U, "loc-u"}, {CLASS_MODE, "mode"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cls & names[i].bit) {
            if (buf[0])
                strncat(buf, " ", len - strlen(buf) - 1);
            strncat(buf, names[i].name, len - strlen(buf) - 1);
        }
    if (!buf[0])
        snprintf(buf, len, "innocuous");
}

int cli_isa(int argc, char **argv)
{
    static const struct option opts[] = {
        {"markdown", no_argument, 0, 'm'},
        {"profile", required_argument, 0, 'p'},
        {"profiles", no_argument, 0, 256},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    bool md = false, list = false, prof_given = false;
    const struct isa_profile *prof = isa_profile_default();
    int c;
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":mp:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': md = true; break;
        case 'p':
            if (!(prof = cli_parse_profile("isa", optarg)))
                return EXIT_USAGE;
            prof_given = true;
            break;
        case 256: list = true; break;
        case 'h':
            printf("usage: tgm isa [--markdown] [--profile P]\n"
                   "       tgm isa --profiles\n"
                   "Print every instruction: opcode, operands, cycles, user-mode behaviour,\n"
                   "declared class and synopsis, from the one instruction table.\n\n"
                   "  -p, --profile P  the instructions of profile P (default %s)\n"
                   "  -m, --markdown   the reference table of docs/isa.md, every profile's\n"
                   "                   instructions marked\n"
                   "  --profiles       the profile names, one a line, the default first\n"
                   "  -h, --help       show this help\n",
                   isa_profile_default()->name);
            return EXIT_OK;
        default:
            return cli_bad_option("isa", c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_no_operands("isa", argv[optind]);
    if (list && (md || prof_given)) { /* it would be silently dropped */
        cli_error("isa: --profiles lists the names only; give it without --%s",
                  md ? "markdown" : "profile");
        return EXIT_USAGE;
    }
    if (list) {
        printf("%s\n", isa_profile_default()->name);
        for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
            if (*p != isa_profile_default())
                printf("%s\n", (*p)->name);
        return EXIT_OK;
    }
    if (md)
        printf("| mnemonic | opcode | operands | cycles | in user mode | class | synopsis |\n"
               "|---|---|---|---|---|---|---|\n");
    else
        printf("profile %s: %s\n%-6s %-4s %-9s %3s  %-11s %-16s %s\n", prof->name,
               prof->summary, "name", "op", "operands", "cyc", "user mode", "class", "synopsis");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct insn_info *in = &isa_table[op];
        /* the reference lists every instruction, marking profile-only ones */
        if (!in->name || (!md && prof->beh[op] == BEH_ABSENT))
            continue;
        char cls[64];
        class_text(prof->cls[op], cls, sizeof cls);
        if (prof->beh[op] == BEH_ABSENT)
            snprintf(cls, sizeof cls, "(other profiles)");
        if (md)
            printf("| `%s` | 0x%02X | %s | %u | %s | %s | %s |\n", in->name, op,
                   format_text[in->format], in->cycles, beh_text(prof->beh[op]), cls,
                   in->synopsis);
        else
            printf("%-6s 0x%02X %-9s %3u  %-11s %-16s %s\n", in->name, op,
                   format_text[in->format], in->cycles, beh_text(prof->beh[op]), cls,
                   in->synopsis);
    }
    if (!md)
        printf("trap sequence: %u cycles (an instruction that traps costs only this)\n",
               TGM_TRAP_CYCLES);
    return EXIT_OK;
}
