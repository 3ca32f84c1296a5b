/// A value read from a JSON5 file, with the span of its text.
///
/// Rule packs and questionnaires are read into this tree rather than decoded with `Codable`,
/// because every later check (an unknown key, a value out of range, a typo in an embedded
/// expression) must point at the line and column it came from, and must be able to report
/// all problems at once instead of stopping at the first.
public struct JSONNode: Sendable {
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        /// Members in file order; JSON5 allows duplicate keys, so this is not a dictionary.
        case object([Member])
    }

    public struct Member: Sendable {
        public var key: String
        public var keySpan: SourceSpan
        public var value: JSONNode

        public init(key: String, keySpan: SourceSpan, value: JSONNode) {
            self.key = key
            self.keySpan = keySpan
            self.value = value
        }
    }

    public var value: Value
    /// The value's text, from its first byte to its last (quotes and brackets included).
    public var span: SourceSpan

    public init(_ value: Value, span: SourceSpan) {
        self.value = value
        self.span = span
    }

    /// What kind of value this is, as a person would say it in an error message.
    public var kindName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var string: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    public var number: Double? {
        if case .number(let n) = value { return n }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = value { return b }
        return nil
    }

    public var array: [JSONNode]? {
        if case .array(let a) = value { return a }
        return nil
    }

    public var members: [Member]? {
        if case .object(let m) = value { return m }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The first member with this key.
    public subscript(key: String) -> JSONNode? {
        members?.first { $0.key == key }?.value
    }

    /// A string value as text of its own whose offsets map back into `file`, so an
    /// expression written inside the string reports errors at the file's line and column.
    public func sourceText(in file: SourceFile) -> SourceText? {
        guard case .string(let text) = value else { return nil }
        let rawCount = span.count - 2
        if rawCount == text.utf8.count {
            // No escapes: every escape is longer in the file than in the value.
            return SourceText(text: text, file: file, base: span.start + 1)
        }
        var table: [Int] = []
        _ = JSON5Reader.decodeString(file.bytes, literal: span, offsets: &table)
        return SourceText(text: text, file: file, offsetTable: table)
    }
}
