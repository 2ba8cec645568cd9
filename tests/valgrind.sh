#!/bin/sh
# valgrind.sh: `tgm as`, `run`, `dis` and `check` on every example, and the
# monitor's example scripts, under valgrind.
#
# Usage: sh tests/valgrind.sh [path/to/tgm]   (`make valgrind` runs it)
# Fails if valgrind reports a memory error or a definite or indirect leak,
# or if a command's exit status is not the expected one.  Besides each
# example it runs the error paths: every subcommand with a bad flag,
# missing, unreadable and damaged images, bad assembly and monitor scripts.
tgm=${1:-build/tgm}
root=$(dirname "$0")/..
# absolute: the monitor's scripts run in a directory of their own
tgm=$(cd "$(dirname "$tgm")" && pwd)/$(basename "$tgm")
root=$(cd "$root" && pwd)
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

# check WANT LABEL COMMAND...: run COMMAND under valgrind, in $cwd (by
# default the current directory), its output to $out if set; expect exit
# WANT.
check() {
    n=$((n + 1))
    printf '%s\n' "$1" >"$dir/want.$n"
    printf '%s\n' "$2" >"$dir/label.$n"
    shift 2
    (cd "${cwd:-.}" && exec valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$@") >"${out:-$dir/out.$n}" 2>"$dir/err.$n" &
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
    check 0 "dis $name" "$tgm" dis "$img" -o "$dir/$name.dis.s"
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
    check 0 "check $name" "$tgm" check --json "$img"
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

# the monitor's scripts, each where it finds examples/ and may write its
# files; nesting (examples/os for a short run), the analyzer, and reports
# and files that cannot be written
mkdir "$dir/cwd" && ln -s "$root/examples" "$dir/cwd/examples"
cwd="$dir/cwd"
for f in "$root"/examples/*.mon; do
    check 0 "monitor -f $(basename "$f")" "$tgm" monitor -f "$f"
done
cwd=
check 0 "run os --nest 1" "$tgm" run --nest 1 --max-steps 300000 "$dir/os.tgm"
check 0 "run os --nest 2 --vmm" "$tgm" run --nest 2 --vmm --max-steps 300000 "$dir/os.tgm"
check 0 "check os --nest 2" "$tgm" check --nest 2 --max-steps 300000 "$dir/os.tgm"
check 0 "analyze --profile all" "$tgm" analyze --profile all --json --random-states 16
check 0 "counterexample --expect" "$tgm" counterexample --profile all --expect --random-states 16
check 0 "run --vmm --vms 3 --hybrid --stats --timeline" "$tgm" run --vmm --vms 3 --hybrid \
    --stats --timeline "$dir/t.svg" "$good"
check 2 "as -o /dev/full" "$tgm" as "$root/examples/hello.s" -o /dev/full
check 2 "dis -o /dev/full" "$tgm" dis "$good" -o /dev/full
check 2 "run --dump /dev/full" "$tgm" run --dump /dev/full "$good"
check 2 "run --vmm --timeline /dev/full" "$tgm" run --vmm --timeline /dev/full "$good"
check 1 "monitor save /dev/full" "$tgm" monitor -c "load $good; save /dev/full"
out=/dev/full # the report itself
check 2 "run >/dev/full" "$tgm" run "$good"
check 2 "check --json >/dev/full" "$tgm" check --json "$good"
out=

flush
echo "$n runs under valgrind"
if [ $status = 0 ]; then echo "valgrind: clean"; else echo "valgrind: FAILURES" >&2; fi
exit $status
