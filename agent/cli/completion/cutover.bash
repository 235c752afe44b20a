# bash completion for cutover(1): commands, subcommands, options, and the
# names of apps, environments, accessories and releases, which it asks of
# the daemon with `cutover __complete KIND [APP]` (nothing when the daemon
# cannot be reached). Needs bash only.

# The names of one kind, from the cutover being completed and the socket
# given on its command line, if any.
_cutover_names() {
    local socket=() i
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        if [[ ${COMP_WORDS[i]} == --socket && $((i + 1)) -lt ${#COMP_WORDS[@]} ]]; then
            socket=(--socket "${COMP_WORDS[i + 1]}")
        fi
    done
    "${COMP_WORDS[0]}" "${socket[@]}" __complete "$@" 2>/dev/null
}

_cutover() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local global="--socket --json --help"
    local word command="" sub="" positional=() i
    COMPREPLY=()

    # The command, its subcommand and the positional words typed so far;
    # the values of options that take one are skipped.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            --socket | --ref | --to | --app | --for | --until | --tail | --fingerprint) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                elif [[ -z $sub && $command =~ ^(config|env|accessory|host)$ ]]; then
                    sub=$word
                else
                    positional+=("$word")
                fi
                ;;
        esac
    done

    case $prev in
        --socket)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --app)
            COMPREPLY=($(compgen -W "$(_cutover_names apps)" -- "$cur"))
            return
            ;;
        --to)
            [[ $command == rollback && -n ${positional[0]} ]] &&
                COMPREPLY=($(compgen -W "$(_cutover_names releases "${positional[0]}")" -- "$cur"))
            return
            ;;
        --ref | --for | --until | --tail | --fingerprint)
            return
            ;;
    esac

    local options="" names=""
    case $command in
        "")
            options=$global
            names="status deploy rollback releases logs config version env accessory host"
            ;;
        status | releases)
            options=$global
            [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names apps)
            ;;
        deploy)
            options="--ref --detach $global"
            [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names apps)
            ;;
        rollback)
            options="--to $global"
            [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names apps)
            ;;
        logs)
            options="--app --follow -f $global"
            ;;
        version)
            options=$global
            ;;
        config)
            options=$global
            case $sub in
                "") names="check reload" ;;
                check)
                    [[ ${#positional[@]} -eq 0 && $cur != -* ]] && COMPREPLY=($(compgen -f -- "$cur")) && return
                    ;;
            esac
            ;;
        env)
            options=$global
            case $sub in
                "") names="ls show wake sleep" ;;
                show) [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names envs) ;;
                wake | sleep)
                    options="--for --until $global"
                    [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names envs)
                    ;;
            esac
            ;;
        accessory)
            options=$global
            case $sub in
                "") names="ls restart logs" ;;
                restart) [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names accessories) ;;
                logs)
                    options="--tail $global"
                    [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names accessories)
                    ;;
            esac
            ;;
        host)
            options=$global
            case $sub in
                "") names="ls check trust" ;;
                check) [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names hosts) ;;
                trust)
                    options="--fingerprint $global"
                    [[ ${#positional[@]} -eq 0 ]] && names=$(_cutover_names hosts)
                    ;;
            esac
            ;;
        *)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
    fi
}

complete -F _cutover cutover
