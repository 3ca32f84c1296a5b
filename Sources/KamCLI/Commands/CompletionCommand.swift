import KamSource

/// `kam completion SHELL`: a completion script for bash, zsh or fish, made from the same
/// command and option tables as `--help`, so it cannot fall behind the commands.
enum CompletionCommand {
    static let shells = ["bash", "zsh", "fish"]

    static let command = Command(
        words: ["completion"],
        summary: "Print shell completions for bash, zsh or fish.",
        synopsis: "bash|zsh|fish",
        discussion: """
            Completes commands, options, option values (formats, files) and file arguments.
            Install it once, then open a new shell:
              bash:  kam completion bash > ~/.local/share/bash-completion/completions/kam
              zsh:   kam completion zsh > ~/.zfunc/_kam   (with fpath+=(~/.zfunc) before compinit in ~/.zshrc)
              fish:  kam completion fish > ~/.config/fish/completions/kam.fish
            """,
        options: [],
        operands: .choices(shells),
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.count == 1, let shell = arguments.positionals.first else {
            throw .usage("name one shell", help: "kam completion bash, kam completion zsh or kam completion fish")
        }
        let commands = KamCLI.commands
        switch shell {
        case "bash": console.out(ShellCompletion.bash(commands))
        case "zsh": console.out(ShellCompletion.zsh(commands))
        case "fish": console.out(ShellCompletion.fish(commands))
        default:
            throw .usage("unknown shell `\(shell)`",
                             help: Suggestion.didYouMean(shell, among: shells) ?? "use bash, zsh or fish")
        }
        return 0
    }
}
