#!/usr/bin/env bash
# compare.sh: the add/store/decrement-branch loop on SIMH, Hercules and tgm,
# side by side on this machine (`make bench-compare`).
#
# Runs bench/anchors/ (SIMH 3.8's pdp11: ADD #3,R2; MOV R2,(R3); SOB R0;
# Hercules 3.13's S/370: A; ST; BCT) when the simulators are installed
# (Debian packages simh and hercules), and tgm's add-store benchmark.
# Usage: bash bench/compare.sh BENCH_BINARY
set -euo pipefail
bench=${1:-build/bench/bench}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# SIMH prints the instructions it executed ("Time:"); time the process.
if command -v pdp11 >/dev/null 2>&1; then
    cp "$here/anchors/simh-pdp11-add-store-loop.do" "$tmp/"
    ( cd "$tmp" && TIMEFORMAT=%U; { time pdp11 simh-pdp11-add-store-loop.do > simh.out 2>&1; } 2> simh.time )
    insns=$(awk '/^Time:/ {print $2}' "$tmp/simh.out")
    secs=$(cat "$tmp/simh.time")
    awk -v n="$insns" -v s="$secs" 'BEGIN { printf "SIMH pdp11      %6.1f MIPS  (%d instructions in %.2f s of CPU)\n", n / s / 1e6, n, s }'
else
    echo "SIMH pdp11      not installed (apt-get install simh)"
fi

# Hercules: the program stores the TOD clock before and after the loop at
# X'400' and X'408'; bit 51 counts microseconds.
if command -v hercules >/dev/null 2>&1; then
    cp "$here/anchors/hercules-s370.cnf" "$here/anchors/hercules-s370-add-store-loop.rc" "$tmp/"
    ( cd "$tmp" && HERCULES_RC=hercules-s370-add-store-loop.rc timeout 120 \
        hercules -d -f hercules-s370.cnf > herc.out 2>&1 ) || true
    line=$(grep -m1 'R:00000400' "$tmp/herc.out" || true)
    if [ -n "$line" ]; then
        set -- $(echo "$line" | sed 's/.*=//')
        t0=$((16#$1$2)); t1=$((16#$3$4))
        usecs=$(( (t1 - t0) >> 12 ))
        # STCK, LA, then 20 x (L, 4194304 x (A, ST, BCT), BCT), STCK, LPSW
        insns=$((2 + 20 * (1 + 4194304 * 3 + 1) + 2))
        awk -v n="$insns" -v u="$usecs" 'BEGIN { printf "Hercules S/370  %6.1f MIPS  (%d instructions in %.2f s by its TOD clock)\n", n / u, n, u / 1e6 }'
    else
        echo "Hercules S/370  did not run the loop (see its log)"
    fi
else
    echo "Hercules S/370  not installed (apt-get install hercules)"
fi

"$bench" --only add-store --runs 5 --no-valgrind 2>/dev/null |
    awk '/MIPS \(/ { printf "tgm             %6.1f MIPS  (median of 5 runs of CPU time)\n", $1 }'
