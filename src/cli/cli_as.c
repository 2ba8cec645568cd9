/* cli_as.c: placeholder until the subcommand lands (being written now). */
#include "cli.h"

int cli_as(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("as: not built yet");
    return EXIT_USAGE;
}
