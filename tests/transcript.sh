#!/bin/sh
# transcript.sh: the monitor sessions shown in README.md and docs/monitor.md
# replayed from the top of the source tree, as a reader would type them.
# Every command line ("tgm> ..." or "tgm NAME> ...") of a session block is
# run through `tgm monitor`; the output must be the block's other lines,
# less the banner and the "running (Ctrl-C stops)" note only a terminal
# gets.  Usage: transcript.sh TGM FILE...
tgm=${1:-build/tgm}
shift
[ $# -gt 0 ] || set -- README.md docs/monitor.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-transcript.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
for doc in "$@"; do
    # the fenced block that opens with the monitor's banner
    awk '/^```/ { if (inb) exit; fence = 1; next }
         fence && /^tgm monitor: bare machine/ { inb = 1; next }
         { fence = 0 }
         inb { print }' "$doc" > "$tmp/block"
    if [ ! -s "$tmp/block" ]; then
        echo "FAIL $doc: no monitor session found"; status=1; continue
    fi
    sed -n 's/^tgm\( [A-Za-z0-9_.-]*\)\{0,1\}> //p' "$tmp/block" > "$tmp/cmds"
    grep -v '^tgm\( [A-Za-z0-9_.-]*\)\{0,1\}> ' "$tmp/block" |
        grep -v '^running (Ctrl-C stops)$' > "$tmp/want"
    TGM_HISTORY= "$tgm" monitor < "$tmp/cmds" > "$tmp/got" 2>&1
    if diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then
        echo "ok   $doc: $(wc -l < "$tmp/cmds") commands replayed"
    else
        echo "FAIL $doc: the session does not replay:"; sed 's/^/     /' "$tmp/diff"; status=1
    fi
done
exit $status
