import Foundation

/// Whether `kam score` shows its answer as a table for a person (standard output is a
/// terminal and nothing asked for a file format), and how much of a table fits the screen.
/// A pipe, `-o`, `--format`, `--columns` or `--excel` keeps the CSV exactly as it always was,
/// so a script never sees the table.
struct ScoreScreen {
    /// Cells a line may take.
    let width: Int
    /// Rows shown: `--top N`, or a screenful.
    let limit: Int

    /// Lines of a screen that are not rows: the headings, the line saying how many more there
    /// are (which may wrap), the summary on standard error and the shell's prompt.
    static let otherLines = 5
    /// Without `COLUMNS` and `LINES` or a terminal that tells its size.
    static let defaultSize = (columns: 100, lines: 25)

    /// Nil when the rows go out as CSV or JSON.
    static func choose(_ arguments: Arguments, top: Int?, console: Console) -> ScoreScreen? {
        guard console.outputIsTerminal,
              ["--output", "--format", "--columns"].allSatisfy({ arguments.value($0) == nil }), !arguments.has("--excel")
        else { return nil }
        // COLUMNS and LINES win, as for other tools, so a user (or a test) can set the size.
        func size(_ name: String, measured: Int?, otherwise: Int) -> Int {
            console.environment[name].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? measured ?? otherwise
        }
        let width = size("COLUMNS", measured: console.terminalSize?.columns, otherwise: defaultSize.columns)
        let lines = size("LINES", measured: console.terminalSize?.lines, otherwise: defaultSize.lines)
        return ScoreScreen(width: width, limit: top ?? max(1, lines - otherLines))
    }

    /// The command line that writes every row: the user's own, with `-o scored.csv` added.
    static func everything(_ arguments: Arguments) -> String {
        (["kam", "score"] + arguments.words + ["-o", "scored.csv"]).map(shellWord).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: as is when it holds nothing the shell treats
    /// specially, else in single quotes.
    static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { s in
            s.properties.isAlphabetic || s.properties.numericType != nil || "_-./:=,+@%".unicodeScalars.contains(s)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
