#!/bin/sh
# selftest.sh: a harness's invariants are real.
#
#   sh tests/fuzz/selftest.sh FUZZ_BIN SECONDS CORPUS
#
# FUZZ_BIN is a harness built with a planted bug (the Makefile's
# fuzz-selftest): fuzz_cp with -DTGM_ALLOC_OVERLAP_BUG, the allocator
# giving each new VM one word of the VM before it; fuzz_run with
# -DTGM_PROFILE_USER_LR_BUG, LR unprivileged, so user mode reloads R.
# Within SECONDS on the seed corpus tests/fuzz/corpus/CORPUS the harness
# must report a broken invariant; if it finds nothing, the harness is too
# weak and this fails.  fuzz_cp's static check of the CP's state
# (vmm_state_check sees the overlap at once) is left out (FUZZ_CP_DYNAMIC):
# the run-time invariants (resource control, the bare-machine oracle) must
# find it by running guests.
set -u
bin=$1
secs=$2
name=$3
dir=$(dirname "$bin")/selftest-$name
mkdir -p "$dir"
log="$dir.log"
FUZZ_CP_DYNAMIC=1 "$bin" -max_total_time="$secs" -timeout=20 -artifact_prefix="$dir/" \
    "$dir" "tests/fuzz/corpus/$name" >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "invariant broken" "$log"; then
    echo "fuzz selftest: the bug planted for fuzz_$name was found:"
    grep -m1 "invariant broken" "$log"
    grep -m1 -E "^#[0-9]+" "$log" >/dev/null && grep -E "^(#[0-9]+|stat::number_of_executed_units)" "$log" | tail -1
    exit 0
fi
echo "fuzz selftest: the bug planted for fuzz_$name was NOT found in $secs s" >&2
tail -5 "$log" >&2
exit 1
