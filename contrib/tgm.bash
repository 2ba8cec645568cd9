# bash completion for tgm: subcommands, their options (read from
# 'tgm COMMAND --help', so they follow the program), instruction-set
# profiles after --profile, and file names elsewhere.
_tgm()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
            sed -n 's/^  \([a-z][a-z]*\) .*/\1/p') --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $prev in
    --profile)
        # the error for an unknown profile lists the known ones
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" isa --profile '?' 2>&1 |
            sed -n 's/.*known: \(.*\))/\1/p' | tr -d ,) all" -- "$cur"))
        return ;;
    --max-steps|--mem|--vms|--slice|--input|--seed|--words|--nest|--random-states|-c)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
            grep -o -- '--\?-[a-zA-Z][a-zA-Z-]*' | sort -u)" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _tgm tgm
