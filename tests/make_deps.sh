#!/bin/sh
# make_deps.sh: the build and the demo need libedit only; cmocka only the
# tests.  A pkg-config that knows no cmocka (and an apt-get that must not
# be called) stand in for a machine without libcmocka-dev.
set -u
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-deps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
real=$(command -v pkg-config)
cat > "$tmp/pkg-config" <<EOS
#!/bin/sh
for a in "\$@"; do [ "\$a" = cmocka ] && exit 1; done
exec "$real" "\$@"
EOS
printf '#!/bin/sh\necho "apt-get was called: $*" >&2\nexit 1\n' > "$tmp/apt-get"
chmod +x "$tmp/pkg-config" "$tmp/apt-get"
status=0
if PATH="$tmp:$PATH" make -s -C "$top" deps >"$tmp/out" 2>&1; then
    echo "ok   make deps without cmocka"
else
    echo "FAIL make deps asks for cmocka:"; sed 's/^/     /' "$tmp/out"; status=1
fi
if PATH="$tmp:$PATH" make -s -C "$top" test-deps >"$tmp/out" 2>&1; then
    echo "FAIL make test-deps passes without cmocka"; status=1
elif grep -q cmocka "$tmp/out"; then
    echo "ok   make test-deps names cmocka"
else
    echo "FAIL make test-deps fails without naming cmocka:"; sed 's/^/     /' "$tmp/out"; status=1
fi
# Nothing installed and not root: 'make test' names every package it needs
# in its one command, cmocka's with libedit's (it named libedit's alone,
# and the user who ran that command met cmocka's next).
mkdir -p "$tmp/none"
printf '#!/bin/sh\n[ "$1" = --exists ] && exit 1\nexit 0\n' > "$tmp/none/pkg-config"
printf '#!/bin/sh\necho 1000\n' > "$tmp/none/id"
chmod +x "$tmp/none/pkg-config" "$tmp/none/id"
if PATH="$tmp/none:$PATH" make -s -C "$top" BUILD="$tmp/build-none" test >"$tmp/out" 2>&1; then
    echo "FAIL make test passed with nothing installed (not root)"; status=1
elif grep -q "install them with: sudo apt-get install -y libcmocka-dev libedit-dev pkg-config" "$tmp/out"; then
    echo "ok   make test names every missing package in one command"
else
    echo "FAIL make test does not name cmocka with libedit:"; sed 's/^/     /' "$tmp/out"; status=1
fi
# A bare `make` builds the command (all), not whatever rule comes first.
if make -s -p -n -q -C "$top" 2>/dev/null | grep -qx '.DEFAULT_GOAL := all'; then
    echo "ok   make alone builds 'all'"
else
    echo "FAIL make alone does not build 'all'"; status=1
fi
# A header only tests include is a dependency of the tests that include
# it (make -W: as if it had changed, touching nothing).
t=${BUILD:-build}/tests/test_audit_oom
if [ -e "$t" ] && ! make -n -s -C "$top" BUILD="${BUILD:-build}" "$t" | grep -q test_audit_oom.c &&
    make -n -s -C "$top" BUILD="${BUILD:-build}" -W tests/oom_support.h "$t" | grep -q test_audit_oom.c; then
    echo "ok   a change to a header in tests/ rebuilds the suites that include it"
else
    echo "FAIL $t is not rebuilt when tests/oom_support.h changes (or was not built)"; status=1
fi
# A machine with nothing installed, as root, make test in parallel: the
# first apt-get (which installs nothing here) fails the build before any
# object that needs a header is compiled, and no second apt-get runs
# beside it.
mkdir -p "$tmp/bare"
printf '#!/bin/sh\n[ "$1" = --exists ] && exit 1\nexit 0\n' > "$tmp/bare/pkg-config"
cat > "$tmp/bare/apt-get" <<EOS
#!/bin/sh
mkdir "$tmp/lock" 2>/dev/null || { echo "two apt-gets at once" >>"$tmp/apt.log"; exit 1; }
echo "apt-get \$*" >>"$tmp/apt.log"
sleep 1
rmdir "$tmp/lock"
EOS
printf '#!/bin/sh\necho 0\n' > "$tmp/bare/id"
chmod +x "$tmp/bare/pkg-config" "$tmp/bare/apt-get" "$tmp/bare/id"
if PATH="$tmp/bare:$PATH" make -s -j4 -C "$top" BUILD="$tmp/build" test >"$tmp/out" 2>&1; then
    echo "FAIL make test passed with nothing installed"; status=1
elif grep -q "two apt-gets" "$tmp/apt.log" || [ -n "$(find "$tmp/build/src" "$tmp/build/tests" -name '*.o' 2>/dev/null)" ]; then
    echo "FAIL make -j test compiled or ran apt-get twice before the dependencies were in:"
    sed 's/^/     /' "$tmp/apt.log" "$tmp/out"; status=1
else
    echo "ok   make -j test installs the dependencies first, one apt-get at a time"
fi
exit $status
