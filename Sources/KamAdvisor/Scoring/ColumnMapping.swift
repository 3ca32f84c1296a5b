import KamCSV
import KamRules
import KamSource

/// Which column of a customer list feeds which input of the pack: by the input's name or one
/// of its aliases (ignoring case, spaces, `_` and punctuation), or as `--map` says. Every
/// column is accounted for in the report, and every input the file lacks is named.
public struct ColumnMapping: Sendable {
    public enum How: Sendable, Equatable {
        case name
        case alias(String)
        case map
        /// Not used by the pack (kept in the output).
        case unused
        /// Left out by `--map` (`HEADER=`, or null in a map file).
        case excluded
    }

    public struct Column: Sendable {
        public let index: Int
        public let header: String
        public let input: String?
        public let how: How
    }

    public struct Binding: Sendable {
        public let column: Int
        public let input: Input
        public let slot: Int
    }

    public let columns: [Column]
    public let bindings: [Binding]
    /// Optional inputs with no column: every row leaves them unanswered.
    public let absentOptional: [Input]

    /// The mapping for `headers`. `overrides` maps a header (as written) to an input name, or
    /// to nil to leave the column out; it wins over names and aliases. Nil, with the reasons,
    /// when a required input has no column or the overrides are wrong.
    public static func make(headers: [String], pack: RulePack, overrides: [(header: String, input: String?, span: SourceSpan?)] = [],
                            overrideFile: SourceFile? = nil) -> (ColumnMapping?, [Diagnostic])
    {
        let (mapping, diagnostics) = bestEffort(headers: headers, pack: pack, overrides: overrides, overrideFile: overrideFile)
        return (diagnostics.hasErrors ? nil : mapping, diagnostics)
    }

    /// The mapping as far as it goes, even where `make` refuses it, for showing a file's
    /// columns (`kam columns`).
    public static func bestEffort(headers: [String], pack: RulePack, overrides: [(header: String, input: String?, span: SourceSpan?)] = [],
                                  overrideFile: SourceFile? = nil) -> (ColumnMapping, [Diagnostic])
    {
        var diagnostics: [Diagnostic] = []
        func error(_ message: String, _ span: SourceSpan? = nil, help: String? = nil) {
            diagnostics.append(.error(message, file: span == nil ? nil : overrideFile, span: span, help: help))
        }
        var byKey: [String: Int] = [:]
        for (index, header) in headers.enumerated() {
            let key = HeaderKey.normalize(header)
            if byKey[key] == nil { byKey[key] = index }
        }
        var assigned: [Int: (String, How)] = [:]
        var taken: [String: Int] = [:]
        var excluded: Set<Int> = []
        for override in overrides {
            guard let index = headers.firstIndex(of: override.header) ?? byKey[HeaderKey.normalize(override.header)] else {
                error("`--map` names the column `\(override.header)`, which the file does not have", override.span,
                      help: Suggestion.didYouMean(override.header, among: headers) ?? "the columns are \(headers.map { "`\($0)`" }.joined(separator: ", "))")
                continue
            }
            guard let name = override.input else {
                excluded.insert(index)
                continue
            }
            guard pack.input(named: name) != nil else {
                error("`--map` maps `\(override.header)` to `\(name)`, which is no input of pack `\(pack.id)`", override.span,
                      help: Suggestion.didYouMean(name, among: pack.inputs.map(\.name)))
                continue
            }
            if let other = taken[name] {
                error("`--map` maps both `\(headers[other])` and `\(override.header)` to `\(name)`", override.span)
                continue
            }
            assigned[index] = (name, .map)
            taken[name] = index
        }
        for input in pack.inputs where taken[input.name] == nil {
            let candidates = [(input.name, How.name)] + input.aliases.map { ($0, How.alias($0)) }
            var found: [(Int, How)] = []
            for (candidate, how) in candidates {
                if let index = byKey[HeaderKey.normalize(candidate)], assigned[index] == nil, !excluded.contains(index),
                   !found.contains(where: { $0.0 == index })
                {
                    found.append((index, how))
                }
            }
            guard let first = found.first else { continue }
            if found.count > 1 {
                let names = found.map { "`\(headers[$0.0])`" }.joined(separator: " and ")
                error("the columns \(names) both match input `\(input.name)`", help: "say which one with --map, e.g. {\"\(headers[found[1].0])\": null}")
                continue
            }
            assigned[first.0] = (input.name, first.1)
            taken[input.name] = first.0
        }
        let missing = pack.inputs.filter { taken[$0.name] == nil }
        let free = headers.indices.filter { assigned[$0] == nil && !excluded.contains($0) }.map { headers[$0] }
        for input in missing where input.required {
            var d = Diagnostic.error("no column for the required input `\(input.name)`\(input.question.map { " (\($0))" } ?? "")")
            d.notes = ["the file's columns: " + headers.prefix(30).map { "`\($0)`" }.joined(separator: ", ") + (headers.count > 30 ? ", …" : "")]
            if let (header, alias) = nearestAlias(of: input, among: free) {
                d.help = "if `\(header)` holds it (it is close to the name `\(alias)`): --map \(shellQuoted(header + "=" + input.name))"
            } else {
                d.help = "if one of the columns holds it: --map \(shellQuoted("COLUMN=" + input.name)); the names kam knows for it: "
                    + ([input.name] + input.aliases).prefix(8).map { "`\($0)`" }.joined(separator: ", ")
            }
            diagnostics.append(d)
        }
        let columns = headers.enumerated().map { index, header in
            Column(index: index, header: header, input: assigned[index]?.0,
                   how: assigned[index]?.1 ?? (excluded.contains(index) ? .excluded : .unused))
        }
        let bindings = columns.compactMap { column in
            column.input.map { Binding(column: column.index, input: pack.input(named: $0)!, slot: pack.slot(of: $0)!) }
        }
        let mapping = ColumnMapping(columns: columns, bindings: bindings, absentOptional: missing.filter { !$0.required })
        return (mapping, diagnostics)
    }

    /// The free header nearest to one of the input's names: containing it or contained in it
    /// (`Выручка, руб.` and `Выручка`), else a few typing edits away. Nil when none is close.
    public static func nearestAlias(of input: Input, among headers: [String]) -> (header: String, alias: String)? {
        var best: (header: String, alias: String, distance: Int)?
        for header in headers {
            let key = HeaderKey.normalize(header)
            guard key.count >= 3 else { continue }
            for alias in [input.name] + input.aliases {
                let target = HeaderKey.normalize(alias)
                guard target.count >= 3 else { continue }
                let distance: Int
                if key.contains(target) || target.contains(key) {
                    distance = abs(key.count - target.count) / 4
                } else {
                    let edits = Suggestion.editDistance(Array(key.unicodeScalars), Array(target.unicodeScalars))
                    guard edits <= max(1, max(key.count, target.count) / 3) else { continue }
                    distance = edits
                }
                if best == nil || distance < best!.distance { best = (header, alias, distance) }
            }
        }
        return best.map { ($0.header, $0.alias) }
    }

    /// Text quoted for a POSIX shell, so a suggested `--map` can be pasted as it is.
    static func shellQuoted(_ text: String) -> String {
        text.contains("'") ? "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$").replacingOccurrences(of: "`", with: "\\`") + "\""
            : "'" + text + "'"
    }

    /// Reads a `--map` file: a JSON5 object from column header to input name (or null).
    public static func overrides(from file: SourceFile) -> ([(header: String, input: String?, span: SourceSpan?)]?, [Diagnostic]) {
        switch JSON5Reader.read(file) {
        case .failure(let d): return (nil, [d])
        case .success(let node):
            guard let members = node.members else {
                return (nil, [.error("a map is an object from column header to input name, e.g. {\"Выручка\": \"revenue_ltm\"}", file: file, span: node.span)])
            }
            var out: [(String, String?, SourceSpan?)] = []
            var diagnostics: [Diagnostic] = []
            for member in members {
                if member.value.isNull { out.append((member.key, nil, member.keySpan)); continue }
                guard let name = member.value.string else {
                    diagnostics.append(.error("the input for `\(member.key)` must be a name in quotes, or null to leave the column out", file: file, span: member.value.span))
                    continue
                }
                out.append((member.key, name, member.value.span))
            }
            return (diagnostics.isEmpty ? out : nil, diagnostics)
        }
    }

    /// Inputs another file fills, and that file, so the report does not call them unanswered.
    public struct Elsewhere: Sendable {
        public let source: String
        public let inputs: [String]
        public init(source: String, inputs: [String]) { (self.source, self.inputs) = (source, inputs) }
    }

    /// One line per column and per absent input, for standard error.
    public func report(filledBy elsewhere: Elsewhere? = nil) -> [String] {
        var lines = columns.map { column -> String in
            switch column.how {
            case .name: "  \(column.header) -> \(column.input!)"
            case .alias(let alias): "  \(column.header) -> \(column.input!) (alias \"\(alias)\")"
            case .map: "  \(column.header) -> \(column.input!) (--map)"
            case .unused: "  \(column.header): not used by the rules"
            case .excluded: "  \(column.header): left out (--map)"
            }
        }
        let filled = absentOptional.map(\.name).filter { elsewhere?.inputs.contains($0) == true }
        let absent = absentOptional.map(\.name).filter { !filled.contains($0) }
        if !absent.isEmpty {
            lines.append("  no column for: " + absent.joined(separator: ", ") + " (left unanswered in every row)")
        }
        if let elsewhere, !filled.isEmpty {
            lines.append("  from \(elsewhere.source): " + filled.joined(separator: ", "))
        }
        return lines
    }
}
