import KamCSV
import KamRules

/// Puts one CSV record's fields into an evaluator's slots, typed by the pack's inputs:
/// numbers through the dialect's number reader (decimal comma, thousands separators,
/// currency and `%` stripped), booleans in English or Russian, text as is. An empty cell takes
/// the input's `empty` value if it has one, else is an unanswered optional input, or an error
/// for a required one. A value out of the input's
/// range, or not among its choices, rejects the row.
///
/// Text inputs the pack never reads are not converted (only checked for presence when
/// required): turning every name and address into a `String` would cost more than scoring.
struct RowFiller {
    /// Only what the loop needs, with no references to count: the input itself is looked up
    /// by `index` when a message needs it.
    struct Binding {
        enum Kind { case number, bool, text, choice, skip }
        let column: Int
        let slot: Int
        let kind: Kind
        let required: Bool
        /// Whether a blank cell takes the input's `empty` value.
        let hasEmptyValue: Bool
        let minimum: Double
        let maximum: Double
        let index: Int
    }

    let bindings: [Binding]
    let inputs: [Input]
    let headers: [String]
    let dialect: CSVDialect
    let headerCount: Int

    init(mapping: ColumnMapping, pack: RulePack, dialect: CSVDialect) {
        let used = pack.namesRead
        inputs = mapping.bindings.map(\.input)
        headers = mapping.bindings.map { mapping.columns[$0.column].header }
        bindings = mapping.bindings.enumerated().map { index, b in
            let kind: Binding.Kind
            switch b.input.kind {
            case .number: kind = .number
            case .bool: kind = .bool
            case .string: kind = used.contains(b.input.name) ? .text : .skip
            case .choice: kind = used.contains(b.input.name) ? .choice : .skip
            }
            return Binding(column: b.column, slot: b.slot, kind: kind, required: b.input.required, hasEmptyValue: b.input.emptyValue != nil,
                           minimum: b.input.minimum ?? -.infinity, maximum: b.input.maximum ?? .infinity, index: index)
        }
        self.dialect = dialect
        self.headerCount = mapping.columns.count
    }

    /// Fills `activation` (already reset); returns the problem that rejects the row, if any.
    func fill(_ record: CSVRecord, _ activation: some RowSlots) -> RowError? {
        if record.count != headerCount {
            let extraEmpty = record.count > headerCount && (headerCount..<record.count).allSatisfy { record.ends[$0] == (($0 == 0) ? 0 : record.ends[$0 - 1]) }
            if let problem = fieldCountProblem(record.count, extraEmpty: extraEmpty, line: record.line) { return problem }
        }
        return record.withUnsafeFields { fields in
            for b in bindings {
                let field = fields[b.column]
                if field.isEmpty {
                    if b.hasEmptyValue {
                        activation.setValue(b.slot, inputs[b.index].emptyValue!)
                        continue
                    }
                    if b.required { return emptyRequired(b, line: record.line) }
                    continue
                }
                switch b.kind {
                case .number:
                    guard let x = CSVNumber.parse(field, dialect: dialect) else {
                        return notA("a number", b, String(decoding: field, as: UTF8.self), line: record.line)
                    }
                    if !(x >= b.minimum && x <= b.maximum), let problem = inputs[b.index].problem(with: .number(x)) {
                        return RowError(line: record.line, column: headers[b.index], message: problem)
                    }
                    activation.setNumber(b.slot, x)
                case .bool:
                    guard let v = CSVBool.parse(field) else {
                        return notA("yes/no", b, String(decoding: field, as: UTF8.self), line: record.line)
                    }
                    activation.setBool(b.slot, v)
                case .text, .choice:
                    var text = String(decoding: field, as: UTF8.self)
                    // Another name of a choice is looked up only when the text is not one itself,
                    // so the common case costs what it did.
                    if b.kind == .choice, inputs[b.index].problem(with: .string(text)) != nil {
                        text = inputs[b.index].canonical(text)
                        if let problem = inputs[b.index].problem(with: .string(text)) {
                            return RowError(line: record.line, column: headers[b.index], message: problem)
                        }
                    }
                    activation.setValue(b.slot, .string(text))
                case .skip:
                    continue
                }
            }
            return nil
        }
    }

    /// One cell read as `fill` reads it, for code that combines rows (`LineGrouping`): the
    /// value, nil for a blank cell that stays unanswered, or the problem that rejects the row.
    /// A `.skip` input is read as text.
    func read(_ field: UnsafeBufferPointer<UInt8>, _ b: Binding, line: Int) -> Result<Value?, RowError> {
        if field.isEmpty {
            if b.hasEmptyValue { return .success(inputs[b.index].emptyValue!) }
            return b.required ? .failure(emptyRequired(b, line: line)) : .success(nil)
        }
        switch b.kind {
        case .number:
            guard let x = CSVNumber.parse(field, dialect: dialect) else {
                return .failure(notA("a number", b, String(decoding: field, as: UTF8.self), line: line))
            }
            if !(x >= b.minimum && x <= b.maximum), let problem = inputs[b.index].problem(with: .number(x)) {
                return .failure(RowError(line: line, column: headers[b.index], message: problem))
            }
            return .success(.number(x))
        case .bool:
            guard let v = CSVBool.parse(field) else { return .failure(notA("yes/no", b, String(decoding: field, as: UTF8.self), line: line)) }
            return .success(.bool(v))
        case .text, .choice, .skip:
            var text = String(decoding: field, as: UTF8.self)
            if b.kind == .choice, inputs[b.index].problem(with: .string(text)) != nil {
                text = inputs[b.index].canonical(text)
                if let problem = inputs[b.index].problem(with: .string(text)) {
                    return .failure(RowError(line: line, column: headers[b.index], message: problem))
                }
            }
            return .success(.string(text))
        }
    }

    /// The problem of a row with `count` fields, if it has one.
    func fieldCountProblem(_ count: Int, extraEmpty: Bool, line: Int) -> RowError? {
        count == headerCount || (count > headerCount && extraEmpty) ? nil
            : RowError(line: line, column: nil, message: "the row has \(count) fields; the header has \(headerCount)")
    }

    private func emptyRequired(_ b: Binding, line: Int) -> RowError {
        RowError(line: line, column: headers[b.index], message: "`\(headers[b.index])` is empty; `\(inputs[b.index].name)` is required")
    }

    private func notA(_ what: String, _ b: Binding, _ text: String, line: Int) -> RowError {
        RowError(line: line, column: headers[b.index], message: "`\(headers[b.index])` is \"\(text)\", not \(what)")
    }
}

/// A row that could not be scored: where it is, which column, and why.
public struct RowError: Error, Sendable, Equatable {
    public let line: Int
    public let column: String?
    public let message: String
}
