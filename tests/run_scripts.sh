#!/bin/sh
# run_scripts.sh: monitor scripts as integration tests (SIMH-style).
# Every examples/*.mon must exit 0; every tests/scripts/fail_*.mon must exit
# non-zero (it proves a failed assert fails the script).
tgm=${1:-build/tgm}
status=0
n=0
for f in examples/*.mon; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    if "$tgm" monitor -f "$f" >/dev/null 2>"${TMPDIR:-/tmp}/tgm-mon.$$"; then
        echo "ok   $f"
    else
        echo "FAIL $f"; sed 's/^/     /' "${TMPDIR:-/tmp}/tgm-mon.$$"
        status=1
    fi
done
for f in tests/scripts/fail_*.mon; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    if "$tgm" monitor -f "$f" >/dev/null 2>&1; then
        echo "FAIL $f (expected a non-zero exit)"
        status=1
    else
        echo "ok   $f (fails as it should)"
    fi
done
rm -f "${TMPDIR:-/tmp}/tgm-mon.$$"
echo "$n monitor scripts run"
exit $status
