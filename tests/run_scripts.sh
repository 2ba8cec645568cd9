#!/bin/sh
# run_scripts.sh: monitor scripts as integration tests (SIMH-style).
# Every examples/*.mon must exit 0; every tests/scripts/fail_*.mon must exit
# non-zero (it proves a failed assert fails the script).  Each runs in a
# fresh temporary directory that holds a link to examples/ (their paths are
# relative to the top of the tree), so what a script writes there (the log
# of examples/gdb.mon) is removed with it and nothing lands in the tree.
tgm=${1:-build/tgm}
tgm=$(cd "$(dirname "$tgm")" && pwd)/$(basename "$tgm")
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-mon.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
n=0
# run SCRIPT: 0 if it exits 0; its stderr in $tmp/err
run() {
    rm -rf "$tmp/cwd" && mkdir "$tmp/cwd" && ln -s "$root/examples" "$tmp/cwd/examples" &&
        (cd "$tmp/cwd" && "$tgm" monitor -f "$root/$1") >/dev/null 2>"$tmp/err"
}
for f in examples/*.mon; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    if run "$f"; then
        echo "ok   $f"
    else
        echo "FAIL $f"; sed 's/^/     /' "$tmp/err"
        status=1
    fi
done
for f in tests/scripts/fail_*.mon; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    if run "$f"; then
        echo "FAIL $f (expected a non-zero exit)"
        status=1
    else
        echo "ok   $f (fails as it should)"
    fi
done
echo "$n monitor scripts run"
exit $status
