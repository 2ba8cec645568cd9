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
# A command make test needs (man, groff: TEST_CMDS) is asked for in the
# same one command, before anything is built.
if PATH="$tmp/none:$PATH" make -s -C "$top" BUILD="$tmp/build-cmd" TEST_CMDS=tgm-no-such-command:man-db \
    test >"$tmp/out" 2>&1; then
    echo "FAIL make test passed without a command it needs"; status=1
elif grep -q "install them with: sudo apt-get install -y libcmocka-dev libedit-dev pkg-config man-db\$" "$tmp/out" &&
    [ -z "$(find "$tmp/build-cmd" -name '*.o' 2>/dev/null)" ]; then
    echo "ok   make test names the package of a missing command with the others, first"
else
    echo "FAIL make test does not name man-db for a missing command first:"; sed 's/^/     /' "$tmp/out"; status=1
fi
# Debian's dpkg-buildflags puts -D_FORTIFY_SOURCE in CPPFLAGS: it is used
if make -s -n -C "$top" BUILD="$tmp/build-cpp" CPPFLAGS=-DTGM_CPPFLAGS_SEEN V=1 \
    "$tmp/build-cpp/src/machine/isa.o" 2>/dev/null | grep -q TGM_CPPFLAGS_SEEN; then
    echo "ok   CPPFLAGS reach the compiler"
else
    echo "FAIL CPPFLAGS are not given to the compiler"; status=1
fi
# make clean BUILD=dir removes what the build wrote there, nothing else
# (not build/: this runs beside the suites)
mkdir -p "$tmp/bd/src/machine" "$tmp/bd/mine"
touch "$tmp/bd/tgm" "$tmp/bd/src/machine/isa.o" "$tmp/bd/mine/notes"
live=$(ls -d "${BUILD:-build}" 2>/dev/null)
make -s -C "$top" BUILD="$tmp/bd" clean >/dev/null 2>&1
if [ ! -e "$tmp/bd/tgm" ] && [ ! -e "$tmp/bd/src" ] && [ -f "$tmp/bd/mine/notes" ] &&
    { [ -z "$live" ] || [ -d "$live" ]; }; then
    echo "ok   make clean BUILD=dir removes the build there and keeps other files"
else
    echo "FAIL make clean BUILD=dir:"; find "$tmp/bd" | sed 's/^/     /'; status=1
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
elif grep -q "two apt-gets" "$tmp/apt.log" || [ -n "$(find "$tmp/build" -name '*.o' 2>/dev/null)" ]; then
    echo "FAIL make -j test compiled or ran apt-get twice before the dependencies were in:"
    sed 's/^/     /' "$tmp/apt.log" "$tmp/out"; status=1
else
    echo "ok   make -j test installs the dependencies first, one apt-get at a time"
fi
exit $status
