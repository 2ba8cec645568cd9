#!/bin/sh
# selftest.sh: the control-program harness's invariants are real.
#
#   sh tests/fuzz/selftest.sh FUZZ_CP SECONDS
#
# FUZZ_CP is fuzz_cp built with -DTGM_ALLOC_OVERLAP_BUG: the allocator gives
# each new VM one word of the VM before it.  Within SECONDS on the seed
# corpus the harness must report a broken invariant; if it finds nothing,
# the harness is too weak and this fails.  The harness's static check of
# the CP's state (vmm_state_check sees the overlap at once) is left out:
# the run-time invariants (resource control, the bare-machine oracle) must
# find it by running guests.
set -u
bin=$1
secs=$2
dir=$(dirname "$bin")
mkdir -p "$dir/selftest"
log="$dir/selftest.log"
FUZZ_CP_DYNAMIC=1 "$bin" -max_total_time="$secs" -timeout=20 -artifact_prefix="$dir/selftest/" \
    "$dir/selftest" tests/fuzz/corpus/cp >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "invariant broken" "$log"; then
    echo "fuzz selftest: the planted allocator bug was found:"
    grep -m1 "invariant broken" "$log"
    grep -m1 -E "^#[0-9]+" "$log" >/dev/null && grep -E "^(#[0-9]+|stat::number_of_executed_units)" "$log" | tail -1
    exit 0
fi
echo "fuzz selftest: the planted one-word overlap between two VMs was NOT found in $secs s" >&2
tail -5 "$log" >&2
exit 1
