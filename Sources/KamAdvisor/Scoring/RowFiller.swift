import KamCSV
import KamExpr
import KamRules

/// Puts one CSV record's fields into an evaluator's slots, typed by the pack's inputs:
/// numbers through the dialect's number reader (decimal comma, thousands separators,
/// currency and `%` stripped), booleans in English or Russian, text as is. An empty cell is an
/// unanswered optional input, or an error for a required one. A value out of the input's
/// range, or not among its choices, rejects the row.
///
/// Text inputs the pack never reads are not converted (only checked for presence when
/// required): turning every name and address into a `String` would cost more than scoring.
struct RowFiller {
    struct Binding {
        let column: Int
        let input: Input
        let slot: Int
        let header: String
        let read: Bool
    }

    let bindings: [Binding]
    let dialect: CSVDialect
    let headerCount: Int

    init(mapping: ColumnMapping, pack: RulePack, dialect: CSVDialect) {
        var used = Set<String>()
        func note(_ e: CompiledExpression?) { e.map { used.formUnion($0.tree.identifiers) } }
        for d in pack.derived { note(d.expression) }
        for f in pack.factors {
            for b in f.bands {
                note(b.when)
                if case .expression(let e) = b.points { note(e) }
            }
        }
        for g in pack.gates { note(g.when) }
        for r in pack.risks { note(r.when) }
        for c in pack.classifications { c.options.forEach { note($0.when) } }
        bindings = mapping.bindings.map { b in
            Binding(column: b.column, input: b.input, slot: b.slot, header: mapping.columns[b.column].header,
                    read: used.contains(b.input.name) || b.input.type != .string)
        }
        self.dialect = dialect
        self.headerCount = mapping.columns.count
    }

    /// Fills `activation` (already reset); returns the problem that rejects the row, if any.
    func fill(_ record: CSVRecord, _ activation: Activation) -> RowError? {
        if record.count != headerCount {
            let extraEmpty = record.count > headerCount && (headerCount..<record.count).allSatisfy { record.ends[$0] == (($0 == 0) ? 0 : record.ends[$0 - 1]) }
            if !extraEmpty {
                return RowError(line: record.line, column: nil, message: "the row has \(record.count) fields; the header has \(headerCount)")
            }
        }
        for b in bindings {
            let start = b.column == 0 ? 0 : record.ends[b.column - 1]
            let end = record.ends[b.column]
            if start == end {
                if b.input.required {
                    return RowError(line: record.line, column: b.header, message: "`\(b.header)` is empty; `\(b.input.name)` is required")
                }
                continue
            }
            switch b.input.kind {
            case .number:
                guard let x = CSVNumber.parse(record, at: b.column, dialect: dialect) else {
                    return RowError(line: record.line, column: b.header, message: "`\(b.header)` is \"\(record.string(at: b.column))\", not a number")
                }
                if let problem = b.input.problem(with: .number(x)) {
                    return RowError(line: record.line, column: b.header, message: problem)
                }
                activation.setNumber(b.slot, x)
            case .bool:
                guard let v = record.withUnsafeField(b.column, { CSVBool.parse($0) }) else {
                    return RowError(line: record.line, column: b.header, message: "`\(b.header)` is \"\(record.string(at: b.column))\", not yes/no")
                }
                activation.setBool(b.slot, v)
            case .string, .choice:
                guard b.read else { continue }
                let text = record.string(at: b.column)
                if case .choice = b.input.kind, let problem = b.input.problem(with: .string(text)) {
                    return RowError(line: record.line, column: b.header, message: problem)
                }
                activation.setValue(b.slot, .string(text))
            }
        }
        return nil
    }
}

/// A row that could not be scored: where it is, which column, and why.
public struct RowError: Sendable, Equatable {
    public let line: Int
    public let column: String?
    public let message: String
}
