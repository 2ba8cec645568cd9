#!/bin/sh
# mkman.sh: the manual pages, generated from the help the tgm command and
# the monitor print, so they cannot drift from the program.
#   mkman.sh TGM OUTDIR VERSION  ->  OUTDIR/tgm.1, OUTDIR/tgm-monitor.1
set -eu
tgm=$1 out=$2 version=${3:-}
mkdir -p "$out"
date=$(date -u +%Y-%m-%d)

# Text as roff: escape backslashes, protect lines that start with . or '.
esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
    printf '.TH TGM 1 "%s" "tgm %s" "User Commands"\n' "$date" "$version"
    printf '.SH NAME\ntgm \\- the third generation machine of Popek and Goldberg (1974) and its virtual machine monitor\n'
    printf '.SH SYNOPSIS\n.B tgm\n.I COMMAND\n.RI [ ARGS ]\n.br\n.B tgm\n.RB [ \\-\\-help | \\-\\-version ]\n'
    printf '.SH DESCRIPTION\n.nf\n'
    "$tgm" --help | esc
    printf '.fi\n'
    for c in $("$tgm" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
        printf '.SH "tgm %s"\n.nf\n' "$c"
        "$tgm" "$c" --help | esc
        printf '.fi\n'
    done
    printf '.SH FILES\n.TP\n.I ~/.tgm_history\nthe monitor'"'"'s command history ($TGM_HISTORY overrides it)\n'
    printf '.SH SEE ALSO\n.BR tgm-monitor (1);\nthe documentation in share/doc/tgm and the examples in share/tgm/examples.\n'
} > "$out/tgm.1"

{
    printf '.TH TGM-MONITOR 1 "%s" "tgm %s" "User Commands"\n' "$date" "$version"
    printf '.SH NAME\ntgm-monitor \\- the interactive monitor shell of tgm\n'
    printf '.SH SYNOPSIS\n.nf\n'
    "$tgm" monitor --help | esc
    printf '.fi\n.SH COMMANDS\n'
    # help --markdown: ### group, #### `command`, ``` blocks, paragraphs
    "$tgm" monitor -c 'help --markdown' | esc | awk '
        /^```/ { if (code) { print ".fi"; code = 0 } else { print ".nf"; code = 1 } next }
        code { print; next }
        /^### / { sub(/^### /, ""); print ".SS \"" toupper($0) "\""; next }
        /^#### / { sub(/^#### /, ""); gsub(/`/, ""); print ".TP\n.B " $0; next }
        /^$/ { next }
        { gsub(/`/, ""); print }'
    printf '.SH SEE ALSO\n.BR tgm (1)\n'
} > "$out/tgm-monitor.1"
