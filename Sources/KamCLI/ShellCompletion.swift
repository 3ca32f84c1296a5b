/// Completion scripts for bash, zsh and fish, written from the command table: each command's
/// words, its options (with their short forms, placeholders and choices) and its operands.
enum ShellCompletion {
    /// The words after `kam` that name commands, in table order: `assess`, …, `rules`.
    static func firstWords(_ commands: [Command]) -> [String] {
        var seen: [String] = []
        for command in commands where !seen.contains(command.words[0]) { seen.append(command.words[0]) }
        return seen
    }

    /// The second words of the two-word commands that start with `first` (`rules` → check, test, list).
    static func subwords(_ first: String, _ commands: [Command]) -> [String] {
        commands.filter { $0.words.count == 2 && $0.words[0] == first }.map { $0.words[1] }
    }

    static let help = OptionSpec(name: "--help", value: nil, help: "Show this help.")

    // MARK: bash

    static func bash(_ commands: [Command]) -> String {
        let twoWord = commands.filter { $0.words.count == 2 }.map { "\"\($0.name)\"" }.joined(separator: "|")
        var text = """
            # bash completion for kam \(KamCLI.version), written by `kam completion bash` from kam's option tables.
            # Install: kam completion bash > ~/.local/share/bash-completion/completions/kam
            _kam() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command=${COMP_WORDS[1]}
                COMPREPLY=()
                if (( COMP_CWORD == 1 )); then
                    COMPREPLY=($(compgen -W "\(firstWords(commands).joined(separator: " ")) --help --version" -- "$cur"))
                    return
                fi
                case "$command ${COMP_WORDS[2]}" in
                    \(twoWord)) command="$command ${COMP_WORDS[2]}" ;;
                esac
                if (( COMP_CWORD == 2 )); then
                    case "$command" in

            """
        for first in firstWords(commands) {
            let subs = subwords(first, commands)
            guard !subs.isEmpty else { continue }
            // `portfolio` is a command of its own (it takes files) and heads `portfolio merge`.
            let files = commands.contains { $0.words == [first] } ? " compopt -o filenames; COMPREPLY+=($(compgen -f -- \"$cur\"));" : ""
            text += "            \(first)) [[ $cur == -* ]] || { COMPREPLY=($(compgen -W \"\(subs.joined(separator: " "))\" -- \"$cur\"));\(files) return; } ;;\n"
        }
        text += """
                    esac
                fi
                case "$command" in

            """
        for command in commands {
            let options = command.options + [help]
            text += "        \"\(command.name)\")\n            case \"$prev\" in\n"
            for option in options where option.value != nil {
                let names = ([option.name] + (option.short.map { [$0] } ?? [])).joined(separator: "|")
                let action: String
                if !option.choices.isEmpty {
                    action = "COMPREPLY=($(compgen -W \"\(option.choices.joined(separator: " "))\" -- \"$cur\"))"
                } else if option.takesFile {
                    action = "compopt -o filenames; COMPREPLY=($(compgen -f -- \"$cur\"))"
                } else {
                    action = ":"  // a number, a column name, an expression: nothing to offer
                }
                text += "                \(names)) \(action); return ;;\n"
            }
            text += "            esac\n"
            let words = options.flatMap { [$0.name] + ($0.short.map { [$0] } ?? []) }.joined(separator: " ")
            let operands: String
            switch command.operands {
            case .files: operands = "compopt -o filenames; COMPREPLY=($(compgen -f -- \"$cur\"))"
            case .choices(let words): operands = "COMPREPLY=($(compgen -W \"\(words.joined(separator: " "))\" -- \"$cur\"))"
            case .none, .text: operands = ":"
            }
            text += "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"\(words)\" -- \"$cur\")); else \(operands); fi ;;\n"
        }
        text += """
                esac
            }
            complete -F _kam kam

            """
        return text
    }

    // MARK: zsh

    /// Text inside a zsh single-quoted `_arguments` spec, with its brackets escaped.
    static func zshQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "'\\''")
            .replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
            .replacingOccurrences(of: ":", with: "\\:")
    }

    static func zsh(_ commands: [Command]) -> String {
        var text = """
            #compdef kam
            # zsh completion for kam \(KamCLI.version), written by `kam completion zsh` from kam's option tables.
            # Install: kam completion zsh > ~/.zfunc/_kam, with fpath+=(~/.zfunc) before compinit in ~/.zshrc.
            _kam() {
                local -a commands
                commands=(

            """
        for first in firstWords(commands) {
            let summary = commands.first { $0.words == [first] }?.summary
                ?? "\(first) commands: " + subwords(first, commands).joined(separator: ", ")
            text += "        '\(first):\(zshQuoted(summary))'\n"
        }
        text += """
                )
                if (( CURRENT == 2 )); then
                    _describe -t commands 'kam command' commands
                    return
                fi
                local command=${words[2]}
                shift words; (( CURRENT-- ))
                case "$command ${words[2]}" in

            """
        let twoWord = commands.filter { $0.words.count == 2 }.map { "\"\($0.name)\"" }.joined(separator: "|")
        text += "        (\(twoWord)) command=\"$command ${words[2]}\"; shift words; (( CURRENT-- )) ;;\n"
        text += "        (*) case $command in\n"
        for first in firstWords(commands) {
            let subs = subwords(first, commands)
            guard !subs.isEmpty else { continue }
            let files = commands.contains { $0.words == [first] } ? "; _files" : ""
            text += "            (\(first)) if (( CURRENT == 2 )) && [[ ${words[2]} != -* ]]; then _values 'subcommand' \(subs.joined(separator: " "))\(files); return; fi ;;\n"
        }
        text += "        esac ;;\n    esac\n    case $command in\n"
        for command in commands {
            text += "        (\"\(command.name)\")\n            _arguments -s"
            for option in command.options + [help] {
                let names = [option.name] + (option.short.map { [$0] } ?? [])
                let exclusive = names.count > 1 ? "(\(names.joined(separator: " ")))" : ""
                let repeats = option.repeats ? "*" : ""
                let value: String
                if let placeholder = option.value {
                    let action = !option.choices.isEmpty ? "(\(option.choices.joined(separator: " ")))"
                        : option.takesFile ? "_files" : " "
                    value = ":\(zshQuoted(placeholder.lowercased())):\(action)"
                } else {
                    value = ""
                }
                for name in names {
                    let form = option.value != nil && name.hasPrefix("--") ? name + "=" : name
                    text += " \\\n                '\(repeats)\(exclusive)\(form)[\(zshQuoted(option.help))]\(value)'"
                }
            }
            switch command.operands {
            case .files: text += " \\\n                '*:file:_files'"
            case .choices(let words): text += " \\\n                '1:\(zshQuoted(command.synopsis)):(\(words.joined(separator: " ")))'"
            case .text: text += " \\\n                '*:text: '"
            case .none: break
            }
            text += " ;;\n"
        }
        text += """
                esac
            }
            _kam "$@"

            """
        return text
    }

    // MARK: fish

    /// Text inside a fish single-quoted string.
    static func fishQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    static func fish(_ commands: [Command]) -> String {
        var text = """
            # fish completion for kam \(KamCLI.version), written by `kam completion fish` from kam's option tables.
            # Install: kam completion fish > ~/.config/fish/completions/kam.fish

            # Whether the command line so far names `kam WORD [SUBWORD]`. With WORD alone, a command
            # that also heads a group (`portfolio`, `portfolio merge`) does not count once a
            # subcommand follows.
            function __kam_is
                set -l words (commandline -opc)
                test "$words[2]" = "$argv[1]"; or return 1
                if set -q argv[2]
                    test "$words[3]" = "$argv[2]"
                    return
                end
                switch $argv[1]

            """
        for first in firstWords(commands) {
            let subs = subwords(first, commands)
            guard !subs.isEmpty else { continue }
            text += "        case \(first)\n            not contains -- \"$words[3]\" \(subs.joined(separator: " "))\n"
        }
        text += """
                end
            end

            complete -c kam -f
            complete -c kam -n __fish_use_subcommand -l help -d 'Show help.'
            complete -c kam -n __fish_use_subcommand -l version -d 'Print the version.'

            """
        for first in firstWords(commands) {
            let summary = commands.first { $0.words == [first] }?.summary
                ?? "\(first) commands: " + subwords(first, commands).joined(separator: ", ")
            text += "complete -c kam -n __fish_use_subcommand -a \(first) -d \(fishQuoted(summary))\n"
        }
        for command in commands {
            let condition: String
            if command.words.count == 2 {
                text += "complete -c kam -n \(fishQuoted("__kam_is \(command.words[0]); and test (count (commandline -opc)) -eq 2")) -a \(command.words[1]) -d \(fishQuoted(command.summary))\n"
                condition = fishQuoted("__kam_is \(command.name)")
            } else {
                condition = fishQuoted("__kam_is \(command.name)")
            }
            for option in command.options + [help] {
                var line = "complete -c kam -n \(condition) -l \(option.name.dropFirst(2))"
                if let short = option.short { line += " -s \(short.dropFirst())" }
                if option.value != nil {
                    if !option.choices.isEmpty {
                        line += " -x -a \(fishQuoted(option.choices.joined(separator: " ")))"
                    } else if option.takesFile {
                        line += " -r -F"
                    } else {
                        line += " -x"
                    }
                }
                text += line + " -d \(fishQuoted(option.help))\n"
            }
            switch command.operands {
            case .files: text += "complete -c kam -n \(condition) -F\n"
            case .choices(let words): text += "complete -c kam -n \(condition) -a \(fishQuoted(words.joined(separator: " ")))\n"
            case .none, .text: break
            }
        }
        return text
    }
}
