/// One record, kept as a single byte buffer plus field end offsets so that reading a row
/// costs no allocation once the buffers have grown to the widest row: the reader overwrites
/// the same storage on every call.
///
/// The backing arrays carry slack beyond the used part; `bytes` and `ends` show only the
/// part that belongs to the current record.
public struct CSVRecord: Sendable {
    /// Unescaped field contents back to back; only the first `byteCount` bytes are live.
    @usableFromInline var storage: [UInt8]
    /// `fieldEnds[i]` is where field `i` ends in `storage`; only the first `count` are live.
    @usableFromInline var fieldEnds: [Int]
    @usableFromInline var byteCount: Int = 0
    /// Number of fields.
    public internal(set) var count: Int = 0
    /// 1-based physical line where the record starts.
    public var line: Int = 0
    /// 0-based byte offset of the record's first byte in the input.
    public internal(set) var byteOffset: Int = 0
    /// The delimiter of a record read whole by the reader's plain path: its fields then hold
    /// no delimiter, no quote of its dialect and no line end, so a writer of that dialect
    /// need not look for them. Zero for any other record.
    public internal(set) var plainDelimiter: UInt8 = 0
    /// The quote of that dialect.
    public internal(set) var plainQuote: UInt8 = 0

    /// Whether the fields are known to hold no `delimiter`, no `quote`, CR or LF.
    @inlinable
    public func isKnownClear(delimiter: UInt8, quote: UInt8) -> Bool {
        plainDelimiter != 0 && plainDelimiter == delimiter && plainQuote == quote
    }

    public init(capacity: Int = 4096, fieldCapacity: Int = 64) {
        storage = [UInt8](repeating: 0, count: max(capacity, 16))
        fieldEnds = [Int](repeating: 0, count: max(fieldCapacity, 4))
    }

    /// A record holding `fields`, for tests and for writing rows built in code.
    public init(_ fields: [String]) {
        self.init(capacity: fields.reduce(0) { $0 + $1.utf8.count }, fieldCapacity: fields.count)
        for field in fields { append(field.utf8) }
    }

    /// The unescaped bytes of all fields, back to back.
    public var bytes: ArraySlice<UInt8> { storage[0..<byteCount] }
    /// Field end offsets into `bytes`.
    public var ends: ArraySlice<Int> { fieldEnds[0..<count] }
    public var isEmpty: Bool { count == 0 }
    /// How many bytes the fields hold together.
    public var byteLength: Int { byteCount }

    /// Where field `i` lies in `bytes`.
    @inlinable
    public func range(at i: Int) -> Range<Int> {
        precondition(i >= 0 && i < count, "field index out of range")
        let start = i == 0 ? 0 : fieldEnds[i &- 1]
        return start..<fieldEnds[i]
    }

    /// Field `i` as a slice of the shared storage (no copy).
    @inlinable
    public subscript(i: Int) -> ArraySlice<UInt8> {
        storage[range(at: i)]
    }

    /// Field `i` as raw bytes, the cheapest way to look at it; the pointer must not escape.
    @inlinable
    public func withUnsafeField<R, E: Error>(
        _ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        let r = range(at: i)
        return try storage.withUnsafeBufferPointer { (all) throws(E) -> R in
            try body(UnsafeBufferPointer(rebasing: all[r]))
        }
    }

    /// Every field at once, for a loop that reads many: one look at the buffers, not one a
    /// field. The view must not escape `body`.
    @inlinable
    public func withUnsafeFields<R>(_ body: (Fields) -> R) -> R {
        storage.withUnsafeBufferPointer { bytes in
            fieldEnds.withUnsafeBufferPointer { ends in
                body(Fields(bytes: bytes.baseAddress!, readable: bytes.count, ends: ends.baseAddress!, count: count))
            }
        }
    }

    /// The record's fields as raw bytes, valid inside `withUnsafeFields`.
    public struct Fields {
        @usableFromInline let bytes: UnsafePointer<UInt8>
        @usableFromInline let ends: UnsafePointer<Int>
        public let count: Int
        /// The end of the memory the fields lie in, past the last field: a reader may load
        /// whole words up to it (`CSVWriter.copyClearField`).
        public let readable: UnsafePointer<UInt8>

        @inlinable
        init(bytes: UnsafePointer<UInt8>, readable: Int, ends: UnsafePointer<Int>, count: Int) {
            self.bytes = bytes
            self.readable = bytes + readable
            self.ends = ends
            self.count = count
        }

        /// Every field's bytes, back to back.
        @inlinable
        public var all: UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: bytes, count: count == 0 ? 0 : ends[count &- 1])
        }

        /// Field `i`.
        @inlinable
        public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            precondition(i >= 0 && i < count, "field index out of range")
            let start = i == 0 ? 0 : ends[i &- 1]
            return UnsafeBufferPointer(start: bytes + start, count: ends[i] &- start)
        }
    }

    /// Field `i` decoded as UTF-8 (invalid bytes become U+FFFD).
    @inlinable
    public func string(at i: Int) -> String {
        withUnsafeField(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// All fields as strings; allocates, so keep it out of hot loops.
    public var strings: [String] { (0..<count).map { string(at: $0) } }

    /// A copy holding just this record, for keeping it past the reader's next row: the
    /// reader's own buffers carry kilobytes of slack, and sharing them would copy them on
    /// the next read anyway.
    public func kept() -> CSVRecord {
        var copy = CSVRecord(capacity: byteCount, fieldCapacity: count)
        copy.storage.withUnsafeMutableBufferPointer { to in storage.withUnsafeBufferPointer { from in
            _ = to.update(fromContentsOf: from[0..<byteCount])
        } }
        for i in 0..<count { copy.fieldEnds[i] = fieldEnds[i] }
        (copy.byteCount, copy.count, copy.line, copy.byteOffset) = (byteCount, count, line, byteOffset)
        (copy.plainDelimiter, copy.plainQuote) = (plainDelimiter, plainQuote)
        return copy
    }

    /// Keeps the first `n` fields only (columns a reader added past the file's own).
    public mutating func keepFirst(_ n: Int) {
        guard n < count else { return }
        count = n
        byteCount = n == 0 ? 0 : fieldEnds[n - 1]
    }

    /// Empties the record but keeps its buffers.
    public mutating func removeAll() {
        byteCount = 0
        count = 0
        plainDelimiter = 0
    }

    /// Adds one field at the end.
    public mutating func append(_ field: some Collection<UInt8>) {
        plainDelimiter = 0  // the field may hold anything
        let n = field.count
        if byteCount + n > storage.count { growStorage(minimum: byteCount + n) }
        if count == fieldEnds.count { growEnds() }
        storage.withUnsafeMutableBufferPointer { out in
            var o = byteCount
            for b in field { out[o] = b; o += 1 }
        }
        byteCount += n
        fieldEnds[count] = byteCount
        count += 1
    }

    /// Makes room for at least `minimum` bytes, keeping the live ones.
    mutating func growStorage(minimum: Int) {
        var newCount = Swift.max(storage.count * 2, 16)
        while newCount < minimum { newCount *= 2 }
        storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
    }

    mutating func growStorage(to newCount: Int) {
        if newCount > storage.count {
            storage.append(contentsOf: repeatElement(0, count: newCount - storage.count))
        }
    }

    mutating func growEnds(to newCount: Int? = nil) {
        let target = newCount ?? fieldEnds.count * 2
        if target > fieldEnds.count {
            fieldEnds.append(contentsOf: repeatElement(0, count: target - fieldEnds.count))
        }
    }
}

extension CSVRecord: Equatable {
    /// Two records are equal when their fields are; position is not compared.
    public static func == (a: CSVRecord, b: CSVRecord) -> Bool {
        a.count == b.count && a.bytes == b.bytes && a.ends == b.ends
    }
}

extension CSVRecord: CustomStringConvertible {
    public var description: String { strings.description }
}
