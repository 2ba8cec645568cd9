#!/bin/sh
# install.sh: `make install PREFIX=...` into a temporary tree, then use it
# as a user would: the manual pages render with man, and bash completion
# completes `tgm ru<TAB>` to `run` with the installed command.
#   install.sh BUILD
set -u
build=${1:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL $*"; status=1; }
if ! make -s install PREFIX="$tmp" BUILD="$build" >"$tmp.log" 2>&1; then
    fail "make install:"; sed 's/^/     /' "$tmp.log"; rm -f "$tmp.log"; exit 1
fi
rm -f "$tmp.log"
for f in bin/tgm share/man/man1/tgm.1 share/man/man1/tgm-monitor.1 share/doc/tgm/monitor.md \
         share/doc/tgm/timeline.svg share/tgm/examples/sum.s share/tgm/examples/gdb.mon \
         share/bash-completion/completions/tgm; do
    [ -e "$tmp/$f" ] || fail "not installed: $f"
done
if command -v man >/dev/null 2>&1; then
    out=$(MANPAGER=cat MANWIDTH=80 man -l "$tmp/share/man/man1/tgm.1" 2>&1)
    case $out in
    *"tgm run"*"--max-steps"*) echo "ok   man -l tgm.1 renders" ;;
    *) fail "man -l tgm.1:"; echo "$out" | head -5 ;;
    esac
    err=$(MANPAGER=cat man -l "$tmp/share/man/man1/tgm-monitor.1" 2>&1 >/dev/null)
    out=$(MANPAGER=cat MANWIDTH=80 man -l "$tmp/share/man/man1/tgm-monitor.1" 2>/dev/null)
    case $out in
    *rstep*"break ADDR"*) [ -z "$err" ] && echo "ok   man -l tgm-monitor.1 renders" ||
                          fail "man warns: $err" ;;
    *) fail "man -l tgm-monitor.1" ;;
    esac
else
    echo "skip man is not installed"
fi
if command -v bash >/dev/null 2>&1; then
    got=$(PATH="$tmp/bin:$PATH" bash -c '
        . "$1/share/bash-completion/completions/tgm"
        COMP_WORDS=(tgm ru); COMP_CWORD=1; _tgm; echo "${COMPREPLY[*]}"
        COMP_WORDS=(tgm run --prof); COMP_CWORD=2; _tgm; echo "${COMPREPLY[*]}"
        COMP_WORDS=(tgm check --profile pdp1); COMP_CWORD=3; _tgm; echo "${COMPREPLY[*]}"' _ "$tmp")
    want=$(printf 'run\n--profile\npdp10 pdp11-45')
    if [ "$got" = "$want" ]; then
        echo "ok   bash completes tgm ru<TAB> to run, options and profiles"
    else
        fail "bash completion gave:"; echo "$got" | sed 's/^/     /'
    fi
fi
exit $status
