#!/bin/sh
# install.sh: 'make install' gives a finished installation of the tgm
# command (the paper's sections 2-8 from the command line): the program,
# its manual pages rendering without a warning and naming every subcommand,
# option and monitor command, the bash completion completing subcommands,
# options, profiles and files, the docs and examples, and the library that
# a program outside the tree can build against with pkg-config; and
# 'make uninstall' removing it all, the directories it made too.
#
#   sh tests/install.sh MAKE [VAR=VALUE...]   (the variables of this build)
#
# man and groff are needed: make test asks for them first (TEST_CMDS in
# the Makefile); run alone, this installs them when root with apt-get
# (man-db, groff-base), otherwise fails naming them.
set -u
make=${1:?usage: install.sh MAKE [VAR=VALUE...]}
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tgm-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; status=1; }

# ---- the tools the checks need ------------------------------------------
missing=""
command -v man >/dev/null 2>&1 || missing="$missing man-db"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
command -v bash >/dev/null 2>&1 || missing="$missing bash"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tgm: installing what the install test needs:$missing"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
    for tool in man groff bash pkg-config; do
        command -v $tool >/dev/null 2>&1 || {
            echo "FAIL the install test needs $tool: sudo apt-get install -y$missing"; exit 1; }
    done
fi

# ---- make install PREFIX, and DESTDIR ------------------------------------
prefix=$tmp/usr
if ! $make -s install PREFIX="$prefix" "$@" >"$tmp/out" 2>&1; then
    bad "make install PREFIX=...:"; sed 's/^/     /' "$tmp/out"; exit 1
fi
for f in bin/tgm share/man/man1/tgm.1 share/man/man1/tgm-monitor.1 \
         share/bash-completion/completions/tgm share/doc/tgm/README.md \
         share/doc/tgm/DEVELOPERS.md share/doc/tgm/docs/run.md share/doc/tgm/docs/timeline.svg \
         share/tgm/examples/hello.s share/tgm/examples/os/os.s share/tgm/examples/vmm/cp.s \
         lib/libtgm.a include/tgm/machine.h include/tgm/insns.def lib/pkgconfig/tgm.pc; do
    [ -s "$prefix/$f" ] || bad "make install did not install $f"
done
[ -x "$prefix/bin/tgm" ] && "$prefix/bin/tgm" --version | grep -q '^tgm ' &&
    ok "bin/tgm runs" || bad "bin/tgm does not run"
"$prefix/bin/tgm" --help | grep -q -- '--version' &&
    ok "tgm --help lists --version" || bad "tgm --help does not list --version"
if $make -s install PREFIX=/usr/local DESTDIR="$tmp/stage" "$@" >"$tmp/out" 2>&1 &&
   [ -x "$tmp/stage/usr/local/bin/tgm" ] && [ -s "$tmp/stage/usr/local/share/man/man1/tgm.1" ] &&
   grep -q '^prefix=/usr/local$' "$tmp/stage/usr/local/lib/pkgconfig/tgm.pc"; then
    ok "make install DESTDIR=... stages under DESTDIR for PREFIX"
else
    bad "make install DESTDIR=..."; sed 's/^/     /' "$tmp/out"
fi

# ---- the manual pages ----------------------------------------------------
tgm=$prefix/bin/tgm
for page in tgm tgm-monitor; do
    src=$prefix/share/man/man1/$page.1
    if MANWIDTH=80 man -l "$src" >"$tmp/$page.txt" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
       [ -s "$tmp/$page.txt" ]; then
        ok "man -l $page.1 renders"
    else
        bad "man -l $page.1:"; sed 's/^/     /' "$tmp/err"
    fi
    if groff -man -Tascii -P-cbou -ww "$src" >"$tmp/$page.ascii" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
        ok "groff -ww finds nothing to warn about in $page.1"
    else
        bad "groff -ww $page.1:"; sed 's/^/     /' "$tmp/err" | head -10
    fi
done
# every subcommand and every option of its --help is in tgm(1)
commands=$("$tgm" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
for cmd in $commands; do
    echo "$cmd"
    "$tgm" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u | sed "s/^/$cmd /"
done >"$tmp/named"
missed=$(awk 'NR == FNR { page = page $0 "\n"; next }
    NF == 1 && !index(page, "\nTGM " toupper($1) "\n") { printf " %s", $1 }
    NF == 2 && !index(page, $2) { printf " %s:%s", $1, $2 }' "$tmp/tgm.ascii" "$tmp/named")
[ -z "$missed" ] && ok "tgm.1 has every subcommand and option" || bad "tgm.1 lacks:$missed"
# each option line of a --help is a tagged paragraph in its command's
# section, not a line of prose (as it was when one space set it apart)
# (one awk for every option: a grep each took seconds of the test's time)
for cmd in $commands; do
    "$tgm" "$cmd" --help | awk -v cmd="$cmd" '/^  +-/ { sub(/,$/, "", $1); print cmd, $1 }'
done >"$tmp/opts"
missed=$(awk '
    function esc(s,   r, i, c) {
        for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); r = r (c == "-" ? "\\-" : c) }
        return r
    }
    NR == FNR { if ($0 ~ /^\.SH/) sec = $0; if (prev == ".TP") tagged[++n] = sec "|" $0
                prev = $0; next }
    { key = ".SH \"TGM " toupper($1) "\"|\\fB" esc($2)
      for (i = 1; i <= n && !index(tagged[i], key); i++) ;
      if (i > n) printf " %s:%s", $1, $2 }' "$prefix/share/man/man1/tgm.1" "$tmp/opts")
[ -z "$missed" ] && ok "tgm.1 sets every option of each --help as an option" ||
    bad "tgm.1 has as prose:$missed"
# text after the last option of a --help is a paragraph of its own, not
# the end of that option's description
merged=$(awk '/^Exit status:/ && prev != ".PP" { print } { prev = $0 }' "$prefix/share/man/man1/tgm.1")
[ -z "$merged" ] && ok "tgm.1 sets each 'Exit status' apart from the options" ||
    bad "tgm.1 runs 'Exit status' into an option: $merged"
# both pages fit 80 columns: the help's prose is filled to the page, and
# its tables, kept line for line, are narrow enough for the indent
for page in tgm tgm-monitor; do
    wide=$(awk 'length > 80' "$tmp/$page.txt" | head -3)
    [ -z "$wide" ] && ok "$page.1 fits 80 columns" ||
        bad "$page.1 has lines wider than 80 columns: $wide"
done
# every monitor command is in tgm-monitor(1)
missed=""
for cmd in $("$tgm" monitor -c 'help --markdown' | sed -n 's/^#### `\(.*\)`$/\1/p'); do
    grep -q "^       $cmd\([^a-z-]\|\$\)" "$tmp/tgm-monitor.ascii" || missed="$missed $cmd"
done
[ -z "$missed" ] && ok "tgm-monitor.1 has every monitor command" || bad "tgm-monitor.1 lacks:$missed"

# ---- bash completion -----------------------------------------------------
# the profile list it completes: every name a profile, the default first
profiles=$("$tgm" isa --profiles)
first=$(printf '%s\n' "$profiles" | head -1)
for p in $profiles; do
    "$tgm" isa --profile "$p" >/dev/null 2>&1 || bad "tgm isa --profiles lists '$p', no profile"
done
"$tgm" isa | head -1 | grep -q "^profile $first:" && [ "$(printf '%s\n' "$profiles" | wc -l)" -ge 2 ] &&
    ok "tgm isa --profiles lists the profiles, the default first" ||
    bad "tgm isa --profiles: '$profiles'"

# complete WORDS...: what the completion offers for the last word
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tgm
             printf "%s\n" "${COMPREPLY[@]}"' sh "$prefix/share/bash-completion/completions/tgm" "$@" |
        sort | tr '\n' ' ' | sed 's/ $//'
}
expect() { # WANT WORDS...
    want=$1; shift
    got=$(complete_words "$@")
    [ "$got" = "$want" ] && ok "complete '$*' -> '$want'" || bad "complete '$*': '$got', want '$want'"
}
expect "run" tgm ru
expect "help" tgm hel
expect "run" tgm help ru     # 'tgm help COMMAND': one command name, then nothing
expect "" tgm help run ""
# so are -h and --help, which tgm takes as help; --version ends the line,
# and a word that is no command, before one, is refused
expect "run" tgm -h ru
expect "" tgm --help run -
expect "" tgm -h --
expect "" tgm --version ""
expect "" tgm --json ru
(cd "$(dirname "$0")/.." && expect "" tgm frob examples/hel)
expect "--profile --profiles" tgm isa --prof
expect "--timeline" tgm run --vmm --tim
expect "$(tgm=$tgm; "$tgm" isa --profiles | grep '^p' | sort | tr '\n' ' ' | sed 's/ $//')" \
    tgm run --profile p
expect "all" tgm analyze --profile a
expect "all" tgm counterexample --profile a
expect "" tgm run --max-steps 1
# --profile=P, which bash splits at '='
expect "all" tgm analyze --profile = a
expect "$(printf '%s\n' "$profiles" | sort | tr '\n' ' ' | sed 's/ $//')" tgm isa --profile =
# every option a subcommand's --help names completes, even one named only
# in another option's text, and the short ones of its option lines
# (one bash asks for them all, as complete_words asks: one each took
# seconds of the test's time)
for cmd in $commands; do
    for opt in $("$tgm" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u) \
               $("$tgm" "$cmd" --help | awk '/^  +-/' | grep -o -- '\(^\| \)-[a-zA-Z]\($\|[ ,]\)' |
                 tr -d ' ,'); do
        printf '%s %s\n' "$cmd" "$opt"
    done
done >"$tmp/pairs"
missed=$(bash -c '. "$1"
    while read -r cmd opt <&3; do
        COMP_WORDS=(tgm "$cmd" "$opt"); COMP_CWORD=2; COMPREPLY=(); _tgm
        hit=; for w in "${COMPREPLY[@]}"; do [ "$w" = "$opt" ] && hit=1; done
        [ -n "$hit" ] || printf " %s:%s" "$cmd" "$opt"
    done 3<"$2"' sh "$prefix/share/bash-completion/completions/tgm" "$tmp/pairs")
[ -z "$missed" ] && ok "the completion offers every option each --help names" ||
    bad "the completion lacks:$missed"
# and the command takes every option the completion offers (with --help
# after it: a flag then shows the help, an option takes it as its value)
for cmd in $commands; do
    for opt in $(complete_words tgm "$cmd" -); do
        echo "@@ $cmd:$opt"
        "$tgm" "$cmd" "$opt" --help </dev/null 2>&1 >/dev/null
    done
done >"$tmp/errs"
missed=$(awk '/^@@ / { k = $2; next } /unknown( or ambiguous)? option/ { printf " %s", k }' \
    "$tmp/errs")
[ -z "$missed" ] && ok "every option the completion offers is the command's" ||
    bad "the completion offers options the command refuses:$missed"
(cd "$(dirname "$0")/.." && expect "examples/hello.s" tgm run --vmm examples/hel)
# a command that takes no file (isa, analyze, counterexample) is not offered one
(cd "$(dirname "$0")/.." && expect "" tgm isa examples/hel)
(cd "$(dirname "$0")/.." && expect "" tgm analyze --json examples/hel)
expect "--json" tgm counterexample --js
(cd "$(dirname "$0")/.." && expect "examples/sum.mon" tgm monitor -f examples/sum.m)
# after '--' a word that begins with '-' is an operand: no option is offered
(cd "$(dirname "$0")/.." && expect "" tgm monitor -- --pro)
(cd "$(dirname "$0")/.." && expect "" tgm isa -- -)
(cd "$(dirname "$0")/.." && expect "examples/hello.s" tgm run -- examples/hel)

# ---- the library, from outside the tree ---------------------------------
cat > "$tmp/use.c" <<'EOF'
/* A program that runs a guest on the installed library, and the monitor. */
#include <stdio.h>
#include <tgm/asm.h>
#include <tgm/image.h>
#include <tgm/machine.h>
#include <tgm/monitor.h>
int main(void)
{
    FILE *null = fopen("/dev/null", "w");
    struct mon *mon = null ? mon_create(null, null) : NULL;
    if (!mon || mon_exec_line(mon, "vm create g 64; vm stop g; vm resume g") != 0)
        return 1;
    mon_destroy(mon);
    fclose(null);
    struct tgm_image img;
    if (asm_assemble_string("t.s", "        .entry start\nstart:  LI    100, 6\n        HALT\n",
                            &img, stderr) != 0)
        return 1;
    struct machine_config cfg = {.q = TGM_Q_DEFAULT};
    struct machine *m = machine_create(&cfg);
    char err[256];
    if (!m || image_load(m, &img, err, sizeof err) != 0)
        return 1;
    struct machine_exit ex;
    machine_run(m, 100, &ex);
    printf("%s %llu\n", exit_reason_name(ex.reason), (unsigned long long)machine_instret(m));
    machine_destroy(m);
    image_free(&img);
    return 0;
}
EOF
cc=${CC:-cc}
for a in "$@"; do case $a in CC=*) cc=${a#CC=} ;; esac; done
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs tgm 2>"$tmp/err")
if [ -z "$flags" ]; then
    bad "pkg-config tgm:"; sed 's/^/     /' "$tmp/err"
# with the warnings tgm itself builds with: a program's flags must not
# reach the library's code (gcc re-optimised an archive holding GIMPLE)
elif $cc -std=c11 -Wall -Wextra -Werror ${TGM_CONSUMER_CFLAGS:-} -o "$tmp/use" "$tmp/use.c" $flags \
        2>"$tmp/err" &&
     out=$("$tmp/use") && [ "$out" = "halted 2" ]; then
    ok "a program builds against the installed library with pkg-config and runs"
else
    bad "building against the installed library:"; sed 's/^/     /' "$tmp/err" | head -10
    echo "     output: ${out:-}"
fi

# ---- make uninstall --------------------------------------------------------
# it removes what install put there and the directories install made, and
# leaves a directory that was there before (empty or not) and a file of
# someone else's: beside tgm's headers, or added among its examples (it
# removed include/tgm and share/tgm whole)
u=$tmp/uninst
mkdir -p "$u/share/man" "$u/bin" "$u/include/tgm" && echo other >"$u/bin/other" &&
    echo other >"$u/include/tgm/local.h"
want="./bin ./bin/other ./include ./include/tgm ./include/tgm/local.h ./share ./share/man \
./share/tgm ./share/tgm/examples ./share/tgm/examples/mine.s "
if $make -s install PREFIX="$u" "$@" >"$tmp/out" 2>&1 &&
   echo mine >"$u/share/tgm/examples/mine.s" &&
   $make -s uninstall PREFIX="$u" "$@" >>"$tmp/out" 2>&1; then
    left=$(cd "$u" && find . -mindepth 1 | sort | tr '\n' ' ')
    if [ "$left" = "$want" ]; then
        ok "make uninstall leaves no tgm file or directory, and what was there"
    else
        bad "make uninstall left: $left(want $want)"
    fi
else
    bad "make install/uninstall PREFIX=...:"; sed 's/^/     /' "$tmp/out"
fi
exit $status
