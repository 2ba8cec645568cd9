#!/bin/sh
# run.sh: run each fuzz harness for a bounded time on the seed corpus.
#
#   sh tests/fuzz/run.sh BUILD SECONDS NAME...
#   FUZZ_RUNS=N FUZZ_SEED=S sh tests/fuzz/run.sh ...   (N inputs, reproducibly)
#
# Each harness BUILD/fuzz/fuzz_NAME runs SECONDS seconds on a working copy
# of its corpus (BUILD/corpus/NAME, seeded from tests/fuzz/corpus/NAME; new
# inputs stay there, the repository's corpus is not touched).  A finding
# is saved in BUILD/artifacts/ and makes the status non-zero.  The last
# lines are a table: executions per second, total executions, edges
# covered, as docs/robustness.md records them.
set -u
build=$1
secs=$2
shift 2
mkdir -p "$build/artifacts"
build=$(cd "$build" && pwd)  # absolute: some harnesses work in a directory of their own
seeds=$(pwd)/tests/fuzz/corpus
status=0
summary=""
for name in "$@"; do
    bin="$build/fuzz/fuzz_$name"
    work="$build/corpus/$name"
    mkdir -p "$work"
    log="$build/fuzz_$name.log"
    # the examples are seeds too (the assembler's and the scripts')
    extra=""
    case $name in
    asm) extra="$(pwd)/examples $(pwd)/examples/hostile" ;;
    script) extra="$(pwd)/examples" ;;
    esac
    [ -d "$seeds/$name" ] && extra="$seeds/$name $extra"
    if [ -n "${FUZZ_RUNS:-}" ]; then
        echo "== fuzz_$name: $FUZZ_RUNS inputs from seed ${FUZZ_SEED:-1}"
    else
        echo "== fuzz_$name: $secs s"
    fi
    # FUZZ_RUNS=N FUZZ_SEED=S: exactly N inputs from seed S instead of SECONDS
    # of them, so a run (CI's) is the same every time
    if [ -n "${FUZZ_RUNS:-}" ]; then
        bound="-runs=$FUZZ_RUNS -seed=${FUZZ_SEED:-1}"
    else
        bound="-max_total_time=$secs"
    fi
    # shellcheck disable=SC2086
    if ! "$bin" $bound -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$build/artifacts/$name-" "$work" $extra \
            >"$log" 2>&1; then
        echo "fuzz_$name: FINDING (see $log and $build/artifacts/)" >&2
        grep -E "invariant broken|ERROR|SUMMARY|Test unit written" "$log" | head -5 >&2
        status=1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
    summary="$summary$(printf '%-10s %8s execs/s %12s execs %7s edges' "$name" "${rate:-?}" "${execs:-?}" "${cov:-?}")
"
done
if [ -n "${FUZZ_RUNS:-}" ]; then
    echo "== fuzz summary ($FUZZ_RUNS inputs each, seed ${FUZZ_SEED:-1})"
else
    echo "== fuzz summary ($secs s each)"
fi
printf '%s' "$summary"
exit $status
