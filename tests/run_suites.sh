#!/bin/sh
# run_suites.sh JOBS SUITE...: the cmocka suites of `make test`, JOBS at a
# time (`make test` gives twice the machine's processors: many suites wait
# on the tgm processes they start), so that the whole suite stays within
# minutes on two cores.  Each suite's output is kept and printed whole, in
# the order given, as soon as it and those before it are done, so the log
# reads as a run one by one.  Exits 1 if any suite failed (or was killed),
# after all have run.
jobs=${1:-1}
shift
case $jobs in '' | *[!0-9]* | 0) jobs=1 ;; esac
# The suites have tgm fill and copy many 16 MiB consoles and snapshots.
# Where the kernel is slow to fault pages in (about 10 us a page on some
# virtual machines), glibc's malloc is asked to keep big blocks in its heap
# and to back it with huge pages (on one such host test_audit_limits took
# 10.6 s with its defaults and 5.6 s with these, test_audit_noticed 6.4 s
# and 2.0 s).  Only speed changes; a caller's own GLIBC_TUNABLES is kept.
: "${GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=536870912}"
export GLIBC_TUNABLES
dir=$(mktemp -d "${TMPDIR:-/tmp}/tgm-suites.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Start order: the suites SUITES_FIRST names (by file name, longest
# first), then the rest as given, so that no long suite starts last and
# runs alone at the end; the output stays in the order given.
for name in $SUITES_FIRST; do
    i=0
    for t; do
        i=$((i + 1))
        [ "${t##*/}" = "$name" ] && printf '%s\n%s\n' "$i" "$t"
    done
done >"$dir/order"
i=0
for t; do
    i=$((i + 1))
    case " $SUITES_FIRST " in
    *" ${t##*/} "*) ;;
    *) printf '%s\n%s\n' "$i" "$t" ;;
    esac
done >>"$dir/order"
xargs -n 2 -P "$jobs" sh -c '
    "$3" >"$1/$2.out" 2>&1 </dev/null
    echo $? >"$1/$2.tmp" && mv "$1/$2.tmp" "$1/$2.rc"' sh "$dir" <"$dir/order" &
runner=$!
fail=0
i=0
for t; do
    i=$((i + 1))
    while [ ! -e "$dir/$i.rc" ]; do
        kill -0 "$runner" 2>/dev/null || [ -e "$dir/$i.rc" ] || break
        sleep 0.2
    done
    echo "== $t"
    [ -e "$dir/$i.out" ] && cat "$dir/$i.out"
    rc=$(cat "$dir/$i.rc" 2>/dev/null)
    if [ "$rc" != 0 ]; then
        fail=1
        echo "tgm: $t failed (status ${rc:-none: it did not finish})" >&2
    fi
done
wait "$runner"
exit $fail
