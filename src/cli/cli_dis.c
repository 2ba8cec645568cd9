/* cli_dis.c: placeholder until the subcommand lands (being written now). */
#include "cli.h"

int cli_dis(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("dis: not built yet");
    return EXIT_USAGE;
}
