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
exit $status
