#!/usr/bin/env bash
# compare.sh: the add/store/decrement-branch loop on SIMH, Hercules and tgm,
# side by side on this machine (`make bench-compare`).
#
# Runs bench/anchors/ (SIMH 3.8's pdp11: ADD #3,R2; MOV R2,(R3); SOB R0;
# Hercules 3.13's S/370: A; ST; BCT) when the simulators are installed
# (Debian packages simh and hercules), tgm's add-store and djnz rows, and
# each loop's shape in C over memory words (bench --native), the physical
# limit.  ROUNDS rounds (default 3), each running every one of them once, so
# that a change in the machine's speed affects all alike; the medians and
# the ratios are computed from this run's figures, nothing else.
# Usage: bash bench/compare.sh BENCH_BINARY
set -euo pipefail
bench=${1:-build/bench/bench}
rounds=${ROUNDS:-3}
# refused before any simulator runs (each round takes minutes): seq took
# a bad ROUNDS as no rounds, and printed medians of nothing
case $rounds in
    '' | *[!0-9]* | ?????*) rounds_ok=false ;; # (a round takes a minute or more)
    *) [ "$((10#$rounds))" -ge 1 ] && rounds_ok=true || rounds_ok=false ;;
esac
if ! $rounds_ok; then
    echo "compare.sh: ROUNDS: expected a number 1..9999, got '$rounds'" >&2
    exit 2
fi
rounds=$((10#$rounds))
if [ ! -x "$bench" ] || [ -d "$bench" ]; then
    echo "compare.sh: $bench: no bench binary there (make build/bench/bench)" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One SIMH run: MIPS from the instructions it reports ("Time:") over the
# process's user CPU time; empty if it did not run.
simh_once() {
    cp "$here/anchors/simh-pdp11-add-store-loop.do" "$tmp/"
    ( cd "$tmp" && TIMEFORMAT=%U; { time pdp11 simh-pdp11-add-store-loop.do > simh.out 2>&1; } 2> simh.time ) || return 0
    local insns secs
    insns=$(awk '/^Time:/ {print $2}' "$tmp/simh.out")
    secs=$(cat "$tmp/simh.time")
    [ -n "$insns" ] && awk -v n="$insns" -v s="$secs" 'BEGIN { printf "%.1f\n", n / s / 1e6 }'
}

# One Hercules run: the program stores the TOD clock before and after the
# loop at X'400' and X'408'; bit 51 counts microseconds.
hercules_once() {
    cp "$here/anchors/hercules-s370.cnf" "$here/anchors/hercules-s370-add-store-loop.rc" "$tmp/"
    ( cd "$tmp" && HERCULES_RC=hercules-s370-add-store-loop.rc timeout 120 \
        hercules -d -f hercules-s370.cnf > herc.out 2>&1 ) || true
    local line t0 t1 usecs insns
    line=$(grep -m1 'R:00000400' "$tmp/herc.out" || true)
    [ -n "$line" ] || return 0
    set -- $(echo "$line" | sed 's/.*=//')
    [ $# -ge 4 ] || return 0
    t0=$((16#$1$2)); t1=$((16#$3$4))
    usecs=$(( (t1 - t0) >> 12 ))
    [ "$usecs" -gt 0 ] || return 0 # the loop had not finished
    # STCK, LA, then 20 x (L, 4194304 x (A, ST, BCT), BCT), STCK, LPSW
    insns=$((2 + 20 * (1 + 4194304 * 3 + 1) + 2))
    awk -v n="$insns" -v u="$usecs" 'BEGIN { printf "%.1f\n", n / u }'
}

# One figure from the bench: a row's median MIPS, or --native's.  Nothing
# but the bench's error lines if it failed (a row whose loop did not halt
# as expected), so that its row says it has no figure rather than set -e
# ending the script without a word.
bench_once() {
    local out
    if out=$("$bench" "$@" 2> "$tmp/bench.err"); then
        awk '/ MIPS( \(|$)/ { print $1; exit }' <<< "$out"
    else
        grep -v '^bench: running ' "$tmp/bench.err" >&2 || true
    fi
}

tgm_once() {
    bench_once --only "$1" --runs 1 --no-valgrind
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

have_simh=false; have_herc=false
command -v pdp11 >/dev/null 2>&1 && have_simh=true
command -v hercules >/dev/null 2>&1 && have_herc=true
for r in $(seq 1 "$rounds"); do
    echo "round $r of $rounds..." >&2
    if $have_simh; then simh_once >> "$tmp/simh.mips"; fi
    if $have_herc; then hercules_once >> "$tmp/herc.mips"; fi
    tgm_once add-store >> "$tmp/tgm.mips"
    tgm_once djnz >> "$tmp/tgm-djnz.mips"
    bench_once --native add-store >> "$tmp/native.mips"
    bench_once --native djnz >> "$tmp/native-djnz.mips"
done

row() { # name file how
    local m
    m=$(median < "$2" 2>/dev/null || true)
    if [ -n "$m" ]; then
        printf '%-22s %8.1f MIPS  %s: %s\n' "$1" "$m" "$3" "$(sort -n "$2" | tr '\n' ' ')"
    else # said, not left out: a missing row read as a figure never asked for
        printf '%-22s no figure: none of the %d runs gave one\n' "$1" "$rounds"
    fi
    echo "$m" > "$2.median"
}
echo "medians of $rounds interleaved rounds (every figure measured in this run):"
if $have_simh; then
    row "SIMH 3.8 pdp11" "$tmp/simh.mips" "instructions / CPU time; runs"
else
    echo "SIMH pdp11             not installed (apt-get install simh)"; echo > "$tmp/simh.mips.median"
fi
if $have_herc; then
    row "Hercules S/370" "$tmp/herc.mips" "instructions / its TOD clock; runs"
else
    echo "Hercules S/370         not installed (apt-get install hercules)"; echo > "$tmp/herc.mips.median"
fi
row "tgm add-store" "$tmp/tgm.mips" "bench row, CPU time; runs"
row "C add-store (limit)" "$tmp/native.mips" "bench --native, memory words; runs"
row "tgm djnz" "$tmp/tgm-djnz.mips" "bench row, CPU time; runs"
row "C djnz (limit)" "$tmp/native-djnz.mips" "bench --native, memory words; runs"

ratio() { # label num den bar
    local n d
    n=$(cat "$2"); d=$(cat "$3")
    if [ -n "$n" ] && [ -n "$d" ]; then
        awk -v n="$n" -v d="$d" -v l="$1" -v b="$4" 'BEGIN {
            r = n / d; printf "%-34s %6.2f", l, r
            if (b != "") printf "   (bar >= %s: %s)", b, (r >= b ? "met" : "NOT met")
            printf "\n" }'
    else
        printf '%-34s %6s' "$1" -
        [ -z "$4" ] || printf '   (bar >= %s: no figure)' "$4"
        printf '\n'
    fi
}
echo
echo "ratios:"
ratio "tgm / Hercules (add-store)" "$tmp/tgm.mips.median" "$tmp/herc.mips.median" 5
ratio "tgm / SIMH (add-store)" "$tmp/tgm.mips.median" "$tmp/simh.mips.median" 7
ratio "tgm / C limit (add-store)" "$tmp/tgm.mips.median" "$tmp/native.mips.median" ""
ratio "tgm / C limit (djnz)" "$tmp/tgm-djnz.mips.median" "$tmp/native-djnz.mips.median" ""
