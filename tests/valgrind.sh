#!/bin/sh
# valgrind.sh: `tgm as` and `tgm run` on every example under valgrind.
#
# Usage: sh tests/valgrind.sh [path/to/tgm]   (`make valgrind` runs it)
# Fails if valgrind reports a memory error or a definite or indirect leak,
# or if a command's exit status is not the expected one.  Besides each
# example it runs the error paths: every subcommand with a bad flag,
# missing, unreadable and damaged images, bad assembly and monitor scripts.
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

# Runs go VALGRIND_JOBS at a time (the processors by default), each
# reported in order once its batch is done.
jobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}
pending=""

# check WANT LABEL COMMAND...: run COMMAND under valgrind; expect exit WANT.
check() {
    n=$((n + 1))
    printf '%s\n' "$1" >"$dir/want.$n"
    printf '%s\n' "$2" >"$dir/label.$n"
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$@" >"$dir/out.$n" 2>"$dir/err.$n" &
    echo $! >"$dir/pid.$n"
    pending="$pending $n"
    set -- $pending
    [ $# -lt "$jobs" ] || flush
}

# flush: wait for the runs under way and report them, in order.
flush() {
    for k in $pending; do
        wait "$(cat "$dir/pid.$k")"
        rc=$?
        want=$(cat "$dir/want.$k") label=$(cat "$dir/label.$k")
        if [ "$rc" = "$want" ]; then
            echo "ok   $label"
        else
            if [ "$rc" = 99 ]; then why="valgrind found errors"; else why="exit $rc, expected $want"; fi
            echo "FAIL $label ($why)"
            sed 's/^/     /' "$dir/err.$k" | head -40
            status=1
        fi
    done
    pending=""
}

for src in "$root"/examples/*.s "$root"/examples/*/*.s; do   # and each example directory's main file
    name=$(basename "$src" .s)
    img="$dir/$name.tgm"
    check 0 "as  $name" "$tgm" as "$src" -o "$img"
    flush # its runs need the image
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
# every subcommand with a bad flag, on bad inputs, and on an unreadable file
good="$dir/hello.tgm"
printf '  bogus r1\n  .word\n' >"$dir/bad.s"
mkdir "$dir/unreadable.s" "$dir/unreadable.tgm"
for sub in as dis run isa analyze check counterexample monitor; do
    check 2 "$sub --bogus" "$tgm" $sub --bogus "$good"
done
check 2 "unknown command" "$tgm" bogus
check 1 "as bad assembly" "$tgm" as "$dir/bad.s" -o "$dir/bad.out"
check 2 "as missing source" "$tgm" as "$dir/none.s" -o "$dir/none.out"
check 2 "as unreadable source" "$tgm" as "$dir/unreadable.s" -o "$dir/u.out"
check 2 "as into a directory" "$tgm" as "$root/examples/hello.s" -o "$dir"
check 2 "dis damaged image" "$tgm" dis "$dir/bad.tgm"
check 2 "dis unreadable image" "$tgm" dis "$dir/unreadable.tgm"
check 2 "run unreadable image" "$tgm" run "$dir/unreadable.tgm"
check 2 "run --max-steps bad" "$tgm" run --max-steps x "$good"
check 2 "run --dump into a directory" "$tgm" run --dump "$dir" "$good"
check 2 "check damaged image" "$tgm" check "$dir/bad.tgm"
check 2 "check --mem 1" "$tgm" check --mem 1 "$good"
check 2 "analyze --profile bogus" "$tgm" analyze --profile bogus
check 2 "counterexample --profile bogus" "$tgm" counterexample --profile bogus
check 2 "check --nest 0" "$tgm" check --nest 0 "$good"
check 2 "monitor missing script" "$tgm" monitor "$dir/none.mon"
check 1 "monitor bad command" "$tgm" monitor -c 'bogus'
check 1 "monitor load damaged image" "$tgm" monitor -c "load $dir/bad.tgm"
printf 'load %s\nbogus\nvm create 1\n' "$dir/bad.tgm" >"$dir/bad.mon"
check 1 "monitor script with errors" "$tgm" monitor -f "$dir/bad.mon"
check 2 "monitor unreadable script" "$tgm" monitor -f "$dir/unreadable.s"
printf '.include "none.inc"\n  HALT\n' >"$dir/inc.s"
check 1 "as missing include" "$tgm" as "$dir/inc.s" -o "$dir/inc.tgm"
check 2 "run bad assembly" "$tgm" run "$dir/bad.s"
check 2 "run --vmm damaged image" "$tgm" run --vmm "$dir/bad.tgm"
check 2 "run --vms 65" "$tgm" run --vms 65 "$good"
check 2 "check --nest 1 --mem too large" "$tgm" check --nest 1 --mem 600000 "$good"
check 2 "dis no image" "$tgm" dis

flush
echo "$n runs under valgrind"
if [ $status = 0 ]; then echo "valgrind: clean"; else echo "valgrind: FAILURES" >&2; fi
exit $status
