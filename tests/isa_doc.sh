#!/bin/sh
# isa_doc.sh: keep docs/isa.md's instruction table equal to the one table.
#   sh tests/isa_doc.sh TGM          check: fail if the docs differ
#   sh tests/isa_doc.sh TGM --write  regenerate the table in docs/isa.md
tgm=${1:-build/tgm}
doc=docs/isa.md
new=$(mktemp) || exit 1
trap 'rm -f "$new"' EXIT
awk -v table="$("$tgm" isa --markdown)" '
    /<!-- isa-table/ { print; print table; skip = 1; next }
    /<!-- \/isa-table -->/ { skip = 0 }
    !skip { print }
' "$doc" > "$new" || exit 1
if [ "$2" = "--write" ]; then
    cp "$new" "$doc" && echo "docs/isa.md: table regenerated"
elif cmp -s "$new" "$doc"; then
    echo "ok   docs/isa.md matches the instruction table"
else
    echo "FAIL docs/isa.md differs from 'tgm isa --markdown' (run: make docs)"
    diff "$doc" "$new" | head -20
    exit 1
fi
