import KamSource

/// One option a command accepts.
struct OptionSpec: Sendable {
    let name: String
    /// The value's placeholder in help (`FILE`), or nil for a flag. `FILE`, `CSV`, `PATH` and
    /// `FILE|H=I` name files, which shell completion offers.
    let value: String?
    let help: String
    var repeats = false
    /// A one-letter spelling such as `-o`.
    var short: String? = nil
    /// The only values the option takes (`html`, `markdown`, `json`): others are refused
    /// with a suggestion, and shell completion offers these.
    var choices: [String] = []

    /// Whether the value is a path to complete as one.
    var takesFile: Bool { ["FILE", "CSV", "PATH", "FILE|H=I"].contains(value ?? "") }
}

/// The parsed command line of one command.
struct Arguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []
    /// The words as given, for a message that repeats the command line with a change.
    let words: [String]

    /// Parses `words` against `specs`: `--name value`, `--name=value`, flags, `--` to end
    /// options, and `-` as a positional (standard input or output). Where the command takes
    /// no expressions (`expressions` false), a word such as `-q` is a mistyped option, not a
    /// file: it is refused with the options it may have meant (`./-q` or `--` reads a file
    /// of that name).
    init(_ words: [String], _ specs: [OptionSpec], expressions: Bool = true) throws(CommandFailure) {
        self.words = words
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" && !optionsEnded {
                optionsEnded = true
                continue
            }
            // Options are `--name` or a declared short form (`-o`); `-` is standard input or
            // output, and `-7 % 3` or `-x` is an expression, so other single-dash words are not
            // options.
            let short = specs.first { $0.short == word }
            if !optionsEnded, !expressions, short == nil, word.count > 1, word.hasPrefix("-"), !word.hasPrefix("--") {
                let letter = word.dropFirst().prefix(1)
                let meant = specs.map(\.name).filter { $0.dropFirst(2).hasPrefix(letter) }
                throw .usage("unknown option `\(word)`",
                                 help: meant.isEmpty ? "options are written with two dashes; `./\(word)` names a file"
                                     : "did you mean " + meant.map { "`\($0)`" }.joined(separator: " or ") + "?")
            }
            if optionsEnded || (!word.hasPrefix("--") && short == nil) {
                positionals.append(word)
                continue
            }
            var name = short?.name ?? word, inline: String?
            if short == nil, let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inline = String(word[word.index(after: equals)...])
            }
            guard let spec = specs.first(where: { $0.name == name }) else {
                throw .usage(
                    "unknown option `\(name)`",
                    help: Suggestion.didYouMean(name, among: specs.map(\.name) + ["--help"]))
            }
            guard let placeholder = spec.value else {
                if inline != nil { throw .usage("`\(name)` takes no value") }
                flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else if index < words.count {
                value = words[index]
                index += 1
            } else {
                throw .usage("`\(name)` needs a value (\(placeholder))")
            }
            if !spec.choices.isEmpty, !spec.choices.contains(value) {
                let list = spec.choices.dropLast().joined(separator: ", ") + " or " + spec.choices.last!
                throw .usage("unknown \(placeholder.lowercased()) `\(value)` for `\(name)`",
                                 help: Suggestion.didYouMean(value, among: spec.choices) ?? "use \(list)")
            }
            if !spec.repeats, values[name] != nil {
                throw .usage("`\(name)` is given twice")
            }
            values[name, default: []].append(value)
        }
    }

    func value(_ name: String) -> String? { values[name]?.last }
    /// Every value of an option that may repeat, in order.
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func has(_ name: String) -> Bool { flags.contains(name) }

    /// `--format`, else the format that the extension of `-o FILE` names, else `fallback`:
    /// `-o report.md` writing HTML, or `-o scored.jsonl` writing CSV, would leave a file
    /// whose name says it holds something else.
    func format(_ fallback: String, byExtension formats: [String: String]) -> String {
        if let given = value("--format") { return given }
        guard let path = value("--output"), let dot = path.lastIndex(of: ".") else { return fallback }
        return formats[path[path.index(after: dot)...].lowercased()] ?? fallback
    }

    /// A whole number option within a range, or a usage error saying what was wrong.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(CommandFailure) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw .usage("`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text)`")
        }
        return n
    }
}
