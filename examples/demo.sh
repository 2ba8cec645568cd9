#!/bin/sh
# demo.sh: the main demo (`make run`): a supervisor and two user jobs.
#
# Assembles examples/supervisor.s into a temporary directory and runs it on
# a bare machine (paper section 2): the supervisor drops to user mode, serves
# the jobs' SVCs and catches job 2's memory trap.  Asks nothing.
# Usage: sh examples/demo.sh [path/to/tgm]
set -e
tgm=${1:-build/tgm}
here=$(dirname "$0")
dir=$(mktemp -d "${TMPDIR:-/tmp}/tgm-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

echo "A supervisor runs two user jobs on a bare machine: job 1 prints through"
echo "SVCs and exits, job 2 reads past its bound and the memory trap kills it."
echo
echo "== tgm as $here/supervisor.s"
"$tgm" as "$here/supervisor.s" -o "$dir/supervisor.tgm"
echo "== tgm run supervisor.tgm   (console output, then the final state)"
"$tgm" run "$dir/supervisor.tgm"
