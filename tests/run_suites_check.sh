#!/bin/sh
# run_suites_check.sh: tests/run_suites.sh prints each suite's output whole
# and in the order given, however they finish, and fails if any suite
# failed, after all have run (make test relies on both).
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-suites-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# a slow suite first, a failing one, then a quick one
printf '#!/bin/sh\nsleep 1\necho slow-a\necho slow-b\n' >"$tmp/s1"
printf '#!/bin/sh\necho bad\nexit 3\n' >"$tmp/s2"
printf '#!/bin/sh\necho quick\n' >"$tmp/s3"
chmod +x "$tmp/s1" "$tmp/s2" "$tmp/s3"
status=0
sh "$(dirname "$0")/run_suites.sh" 3 "$tmp/s1" "$tmp/s2" "$tmp/s3" >"$tmp/out" 2>"$tmp/err"
rc=$?
printf '== %s\nslow-a\nslow-b\n== %s\nbad\n== %s\nquick\n' "$tmp/s1" "$tmp/s2" "$tmp/s3" >"$tmp/want"
if cmp -s "$tmp/out" "$tmp/want"; then
    echo "ok   suites' output whole and in order"
else
    echo "FAIL suites' output out of order:"; diff "$tmp/want" "$tmp/out" | sed 's/^/     /'; status=1
fi
if [ $rc = 1 ] && grep -q "s2 failed (status 3)" "$tmp/err"; then
    echo "ok   a failed suite fails the run and is named"
else
    echo "FAIL a failed suite: status $rc, stderr:"; sed 's/^/     /' "$tmp/err"; status=1
fi
if sh "$(dirname "$0")/run_suites.sh" 2 "$tmp/s3" "$tmp/s3" >/dev/null 2>&1; then
    echo "ok   passing suites pass"
else
    echo "FAIL passing suites failed"; status=1
fi
# SUITES_FIRST starts those suites first; the output keeps the order given
printf '#!/bin/sh\n: >"%s/a-started"\necho a\n' "$tmp" >"$tmp/a"
printf '#!/bin/sh\n[ -e "%s/a-started" ] && echo b-after || echo b-first\n' "$tmp" >"$tmp/b"
chmod +x "$tmp/a" "$tmp/b"
SUITES_FIRST="x b" sh "$(dirname "$0")/run_suites.sh" 1 "$tmp/a" "$tmp/b" >"$tmp/out" 2>&1
printf '== %s\na\n== %s\nb-first\n' "$tmp/a" "$tmp/b" >"$tmp/want"
if cmp -s "$tmp/out" "$tmp/want"; then
    echo "ok   SUITES_FIRST starts those first, the output in the order given"
else
    echo "FAIL SUITES_FIRST=b:"; diff "$tmp/want" "$tmp/out" | sed 's/^/     /'; status=1
fi
# the suites get glibc's huge-page tunables, unless the caller set its own
printf '#!/bin/sh\necho "$GLIBC_TUNABLES"\n' >"$tmp/s4"
chmod +x "$tmp/s4"
got=$(env -u GLIBC_TUNABLES sh "$(dirname "$0")/run_suites.sh" 1 "$tmp/s4" 2>&1 | sed -n 2p)
own=$(GLIBC_TUNABLES=glibc.malloc.check=0 sh "$(dirname "$0")/run_suites.sh" 1 "$tmp/s4" 2>&1 | sed -n 2p)
case $got in
*glibc.malloc.hugetlb=1*) if [ "$own" = glibc.malloc.check=0 ]; then
    echo "ok   the suites run with huge pages, or the caller's tunables"
else
    echo "FAIL the caller's GLIBC_TUNABLES was replaced by '$own'"; status=1
fi ;;
*) echo "FAIL the suites' GLIBC_TUNABLES is '$got'"; status=1 ;;
esac
exit $status
