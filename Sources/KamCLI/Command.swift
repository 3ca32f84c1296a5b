/// One `kam` command: its words, its help and its options, and the function that runs it.
/// The table of commands is the CLI's whole surface; help is generated from it.
struct Command: Sendable {
    /// The words that name it: `["rules", "check"]`.
    let words: [String]
    let summary: String
    /// The arguments after the command's words, for the usage line.
    let synopsis: String
    /// Examples and explanations shown by `--help`.
    let discussion: String
    let options: [OptionSpec]
    /// What follows the options, for shell completion.
    var operands: Operands = .files
    let run: @Sendable (Arguments, Console) throws(CommandFailure) -> Int32

    var name: String { words.joined(separator: " ") }

    /// The kind of words a command takes besides its options.
    enum Operands: Sendable {
        case none
        /// File paths (the customer list, a questionnaire, packs).
        case files
        /// Free text that no shell can complete (an expression).
        case text
        /// One of these words.
        case choices([String])
    }

    var help: String {
        var text = "\(summary)\n\nUsage: kam \(name) \(synopsis)\n"
        if !options.isEmpty {
            text += "\nOptions:\n"
            func left(_ option: OptionSpec) -> String {
                (option.short.map { $0 + ", " } ?? "") + option.name + (option.value.map { " " + $0 } ?? "")
            }
            let width = options.map { left($0).count }.max()! + 2
            for option in options + [OptionSpec(name: "--help", value: nil, help: "Show this help.")] {
                let left = left(option)
                text += "  " + left.padding(toLength: width) + option.help + "\n"
            }
        }
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        return text
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
