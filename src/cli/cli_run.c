/* cli_run.c: placeholder until the subcommand lands (being written now). */
#include "cli.h"

int cli_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("run: not built yet");
    return EXIT_USAGE;
}
