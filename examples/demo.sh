#!/bin/sh
# demo.sh: the main demo (`make run`): a supervisor and two user jobs, bare
# and as a virtual machine.
#
# Assembles examples/supervisor.s into a temporary directory, runs it on a
# bare machine (paper section 2), then under the control program (sections
# 4-6) with its statistics, then checks the two runs are equivalent
# (section 6).  Asks nothing.   Usage: sh examples/demo.sh [path/to/tgm]
set -e
tgm=${1:-build/tgm}
tgm=$(cd "$(dirname "$tgm")" && pwd)/$(basename "$tgm")
dir=$(mktemp -d "${TMPDIR:-/tmp}/tgm-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
cp "$(dirname "$0")/supervisor.s" "$(dirname "$0")/print.inc" "$(dirname "$0")/hello.s" "$dir"
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
