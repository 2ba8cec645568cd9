#!/bin/sh
# demo.sh: the main demo (`make run`): a supervisor and two user jobs, bare
# and as a virtual machine.
#
# Assembles examples/supervisor.s into a temporary directory, runs it on a
# bare machine (paper section 2), then under the control program (sections
# 4-6) with its statistics, then checks the two runs are equivalent
# (section 6).  Then the time-sharing OS of examples/os bare, under the C
# control program, and on four levels of the control program written in
# tgm's own instructions (section 7, Theorem 2), checked against bare at
# every depth.  Asks nothing.   Usage: sh examples/demo.sh [path/to/tgm]
set -e
tgm=${1:-build/tgm}
if [ ! -f "$tgm" ] || [ ! -x "$tgm" ]; then
    echo "demo.sh: $tgm: no tgm program there (build it with 'make', or name it: sh examples/demo.sh PATH)" >&2
    exit 2
fi
tgm=$(cd "$(dirname "$tgm")" && pwd)/$(basename "$tgm")
dir=$(mktemp -d "${TMPDIR:-/tmp}/tgm-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
cp "$(dirname "$0")/supervisor.s" "$(dirname "$0")/print.inc" "$(dirname "$0")/hello.s" "$dir"
mkdir "$dir/os" && cp "$(dirname "$0")"/os/*.s "$(dirname "$0")"/os/*.inc "$dir/os"
cd "$dir"   # short names in what is printed; nothing is written to the source tree

echo "A supervisor runs two user jobs: job 1 prints through SVCs and exits,"
echo "job 2 reads past its bound and the memory trap kills it."
echo
echo "== tgm as supervisor.s"
"$tgm" as supervisor.s -o supervisor.tgm
echo
echo "== tgm run supervisor.tgm        (on the bare machine)"
"$tgm" run supervisor.tgm
echo
echo "== tgm run --vmm --stats supervisor.tgm hello.s"
echo "   (each in its own virtual machine under the control program: the"
echo "   supervisor's privileged instructions trap and are interpreted, its"
echo "   SVCs and memory trap are reflected, everything else runs directly)"
"$tgm" run --vmm --stats supervisor.tgm hello.s
echo
echo "== tgm check supervisor.tgm hello.s   (f(S2) = S2'?)"
"$tgm" check supervisor.tgm hello.s

echo
echo "Theorem 2 (section 7): a time-sharing OS of four processes, shared out by"
echo "the interval timer (one is killed at once), run bare, under the C control"
echo "program, and on top of four copies of a control program written in tgm's"
echo "own instructions, each hosting the next.  Its output interleaves where the"
echo "timer preempts, so inexact virtual time would show."
echo
echo "== tgm run os/os.s        (on the bare machine)"
"$tgm" run os/os.s
echo
echo "== tgm check os/os.s      (under the C control program: f(S2) = S2'?)"
"$tgm" check os/os.s
echo
echo "== tgm run --nest 4 --quiet os/os.s   (the OS on four levels: the same output)"
"$tgm" run --nest 4 --quiet os/os.s
echo
echo "== tgm check --nest N os/os.s, N = 1..4   (every trap at the same place as bare)"
prev=""
for n in 1 2 3 4; do
    line=$("$tgm" check --nest $n os/os.s)
    echo "$line"
    real=${line##*real steps }
    real=${real%%,*}
    bare=${line##*, bare }
    bare=${bare%% *}
    if [ -z "$prev" ]; then prev=$bare; fi
    echo "   depth $n: $(awk -v r="$real" -v b="$bare" -v p="$prev" \
        'BEGIN { printf "%.1fx the bare steps, %.1fx the level above", r / b, r / p }')"
    prev=$real
done
