#!/bin/sh
# tree_check.sh: make test leaves the source tree as it found it.  The
# suites and scripts write only into temporary directories and the build
# directory; a file they left at the top of the tree (an example script's
# log, say) would show in every checkout's status.
#   tree_check.sh save DIR [BUILD]   note the tree's paths (less .git and
#                                    the build directories) in DIR
#   tree_check.sh check DIR [BUILD]  after the tests: fail, naming each
#                                    path that came, went or was written
# Run from the top of the source tree.
set -u
mode=${1:-} dir=${2:-} build=${3:-build}
build=${build%/}
list() {
    find . \( -path ./.git -o -path './build*' -o -path "./$build" \) -prune -o -print |
        LC_ALL=C sort
}
case $mode in
save)
    mkdir -p "$dir" && : > "$dir/tree.stamp" && list > "$dir/tree.before"
    ;;
check)
    [ -f "$dir/tree.before" ] || { echo "FAIL no list of the tree in $dir (run save first)"; exit 1; }
    list > "$dir/tree.after"
    LC_ALL=C comm -13 "$dir/tree.before" "$dir/tree.after" | sed 's/^/     new:     /' > "$dir/tree.diff"
    LC_ALL=C comm -23 "$dir/tree.before" "$dir/tree.after" | sed 's/^/     gone:    /' >> "$dir/tree.diff"
    find . \( -path ./.git -o -path './build*' -o -path "./$build" \) -prune -o \
        -type f -newer "$dir/tree.stamp" -print | LC_ALL=C sort |
        LC_ALL=C comm -12 "$dir/tree.before" - | sed 's/^/     written: /' >> "$dir/tree.diff"
    if [ -s "$dir/tree.diff" ]; then
        echo "FAIL the tests changed the source tree:"; cat "$dir/tree.diff"; exit 1
    fi
    echo "ok   the source tree is as it was"
    ;;
*)
    echo "usage: tree_check.sh save|check DIR [BUILD]" >&2; exit 2
    ;;
esac
