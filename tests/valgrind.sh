#!/bin/sh
# valgrind.sh: `tgm as` and `tgm run` on every example under valgrind.
#
# Usage: sh tests/valgrind.sh [path/to/tgm]   (`make valgrind` runs it)
# Fails if valgrind reports a memory error or a definite or indirect leak,
# or if a command's exit status is not the expected one.  Besides each
# example it runs the error paths (bad flag, missing and damaged images).
tgm=${1:-build/tgm}
root=$(dirname "$0")/..
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (sudo apt-get install -y valgrind)" >&2
    exit 2
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/tgm-valgrind.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
status=0
n=0

# check WANT LABEL COMMAND...: run COMMAND under valgrind; expect exit WANT.
check() {
    want=$1 label=$2
    shift 2
    n=$((n + 1))
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    if [ "$rc" = "$want" ]; then
        echo "ok   $label"
    else
        if [ "$rc" = 99 ]; then why="valgrind found errors"; else why="exit $rc, expected $want"; fi
        echo "FAIL $label ($why)"
        sed 's/^/     /' "$dir/err" | head -40
        status=1
    fi
}

for src in "$root"/examples/*.s "$root"/examples/*/*.s; do   # and each example directory's main file
    name=$(basename "$src" .s)
    img="$dir/$name.tgm"
    check 0 "as  $name" "$tgm" as "$src" -o "$img"
    [ -f "$img" ] || continue
    case $src in
    */hostile/*) # a bounded run, alone and under the CP: most hostile guests never
        # halt; those whose header says they HALT do, within 2 million steps
        steps=100000 want=3
        if grep -q '^; .*HALTs: `tgm check' "$src"; then steps=2000000 want=0; fi
        check $want "run $name --max-steps $steps" "$tgm" run --max-steps $steps "$img"
        check $want "run $name --vmm --max-steps $steps" "$tgm" run --vmm --mem 256 --max-steps $steps "$img"
        continue ;;
    esac
    check 0 "run $name" "$tgm" run "$img"
    check 0 "run $name --json --dump --input" "$tgm" run --json --dump "$dir/$name.e" --input x "$img"
    check 3 "run $name --max-steps 5" "$tgm" run --max-steps 5 "$img"
done

# the error paths must not leak either
check 2 "run --bogus" "$tgm" run --bogus "$dir/none.tgm"
check 2 "run missing image" "$tgm" run "$dir/none.tgm"
printf 'TGMIMAGE but damaged' >"$dir/bad.tgm"
check 2 "run damaged image" "$tgm" run "$dir/bad.tgm"
check 2 "run --mem 1" "$tgm" run --mem 1 "$dir/bad.tgm"

echo "$n runs under valgrind"
if [ $status = 0 ]; then echo "valgrind: clean"; else echo "valgrind: FAILURES" >&2; fi
exit $status
