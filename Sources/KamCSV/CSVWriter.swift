#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Writes records with as little quoting as will read back the same, into a buffer that
/// goes to the descriptor in large writes. Call `flush()` at the end: a struct has no
/// deinitializer to do it for you. A descriptor the writer owns is closed when the last
/// copy goes; copies share it but not the buffer, so write through one copy only.
public struct CSVWriter: Sendable {
    public struct Options: Sendable, Equatable {
        /// Prefix `'` to cells a spreadsheet would run as a formula.
        ///
        /// A cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed, except a plain
        /// number such as `-12.5`, `+3` or `-1,5e3`: spreadsheets read those as numbers, not
        /// formulas, and prefixing them would turn every negative amount in a report into
        /// text. `-1+2` or `-A1` are not plain numbers and are prefixed.
        public var neutralizeFormulas: Bool
        /// `\n` by default; `\r\n` for tools that insist on RFC 4180's line end.
        public var lineTerminator: [UInt8]
        /// Bytes gathered before each `write`.
        public var bufferSize: Int

        public init(neutralizeFormulas: Bool = false, lineTerminator: [UInt8] = [10], bufferSize: Int = 1 << 16) {
            precondition(!lineTerminator.isEmpty, "records need a terminator")
            self.neutralizeFormulas = neutralizeFormulas
            self.lineTerminator = lineTerminator
            self.bufferSize = bufferSize
        }
    }

    public let dialect: CSVDialect
    public let options: Options
    /// Everything written so far in memory mode; the unflushed tail otherwise.
    public private(set) var buffer: [UInt8] = []
    private let file: FileDescriptorBox?
    private let path: String?
    private var fieldsInRecord = 0
    /// Whether the record so far is one empty field, which must be written as `""` or it
    /// would be a blank line.
    private var lastFieldEmpty = false

    /// Writes to an open descriptor; `closeWhenDone` hands it over to the writer.
    public init(fileDescriptor fd: Int32, closeWhenDone: Bool = false, dialect: CSVDialect = .comma, options: Options = Options()) {
        self.dialect = dialect
        self.options = options
        self.file = FileDescriptorBox(fd: fd, owned: closeWhenDone)
        self.path = nil
        buffer.reserveCapacity(options.bufferSize + 1024)
    }

    /// Creates or truncates a file.
    public init(path: String, dialect: CSVDialect = .comma, options: Options = Options()) throws(CSVError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw CSVError(.io(errno: errno, operation: "open for writing"), path: path) }
        self.dialect = dialect
        self.options = options
        self.file = FileDescriptorBox(fd: fd, owned: true)
        self.path = path
        buffer.reserveCapacity(options.bufferSize + 1024)
    }

    /// Collects the output in `buffer` instead of writing it anywhere.
    public init(dialect: CSVDialect = .comma, options: Options = Options()) {
        self.dialect = dialect
        self.options = options
        self.file = nil
        self.path = nil
    }

    // MARK: Writing

    /// Adds one field to the record being written.
    public mutating func writeField(_ field: some Collection<UInt8>) {
        if let done = field.withContiguousStorageIfAvailable({ writeField(unsafe: $0) }) { return done }
        Array(field).withUnsafeBufferPointer { writeField(unsafe: $0) }
    }

    public mutating func writeField(_ field: String) {
        var field = field
        field.withUTF8 { writeField(unsafe: $0) }
    }

    /// Ends the record being written and flushes when the buffer is full.
    public mutating func endRecord() throws(CSVError) {
        if fieldsInRecord == 1 && lastFieldEmpty {
            buffer.append(dialect.quote)
            buffer.append(dialect.quote)
        }
        buffer.append(contentsOf: options.lineTerminator)
        fieldsInRecord = 0
        if file != nil && buffer.count >= options.bufferSize { try flush() }
    }

    public mutating func write(_ fields: [String]) throws(CSVError) {
        for field in fields { writeField(field) }
        try endRecord()
    }

    public mutating func write(_ record: CSVRecord) throws(CSVError) {
        record.storage.withUnsafeBufferPointer { all in
            for i in 0..<record.count {
                writeField(unsafe: UnsafeBufferPointer(rebasing: all[record.range(at: i)]))
            }
        }
        try endRecord()
    }

    /// Sends the buffer to the descriptor (nothing to do in memory mode).
    public mutating func flush() throws(CSVError) {
        guard let file else { return }
        var written = 0
        var failure: Int32 = 0
        buffer.withUnsafeBytes { raw in
            while written < raw.count {
                let n = posixWrite(file.fd, raw.baseAddress! + written, raw.count - written)
                if n >= 0 { written += n; continue }
                if errno == EINTR { continue }
                failure = errno
                break
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if failure != 0 { throw CSVError(.io(errno: failure, operation: "write"), path: path) }
    }

    // MARK: Quoting

    private mutating func writeField(unsafe field: UnsafeBufferPointer<UInt8>) {
        if fieldsInRecord > 0 { buffer.append(dialect.delimiter) }
        fieldsInRecord += 1
        lastFieldEmpty = field.isEmpty
        Self.appendField(field, to: &buffer, dialect: dialect, neutralizeFormulas: options.neutralizeFormulas)
    }

    /// Appends one field, quoted only when needed and with a formula neutralised when asked,
    /// for callers that assemble records themselves (a batch worker's output buffer).
    public static func appendField(
        _ field: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8], dialect: CSVDialect, neutralizeFormulas: Bool
    ) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fieldBound(field.count)) { room in
            let n = writeField(field, to: room.baseAddress!, dialect: dialect, neutralizeFormulas: neutralizeFormulas)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: room[..<n]))
        }
    }

    /// The most bytes `writeField` writes for a field of `count` bytes: every byte a quote
    /// doubled, the two quotes around it, and the `'` of a neutralised formula.
    @inline(__always)
    public static func fieldBound(_ count: Int) -> Int { 2 * count + 3 }

    /// Writes one field at `p`, as `appendField` appends it, and returns how many bytes it
    /// wrote: for a renderer that writes a whole row into room it has made, then appends the
    /// row at once (appending field by field checked the array's room and ownership each time).
    /// `p` must have room for `fieldBound(field.count)` bytes. A field is quoted only when a
    /// reader would otherwise split, join or trim it: delimiter, quote, CR or LF inside, or a
    /// space or tab at either end (many tools trim those).
    @inline(__always)
    public static func writeField(
        _ field: UnsafeBufferPointer<UInt8>, to p: UnsafeMutablePointer<UInt8>, dialect: CSVDialect, neutralizeFormulas: Bool
    ) -> Int {
        guard let base = field.baseAddress, let first = field.first, let last = field.last else { return 0 }
        let prefix = neutralizeFormulas && looksLikeFormula(field, decimal: dialect.decimalSeparator)
        var o = prefix ? 1 : 0
        // Usually nothing needs quotes, and the field is copied as it is.
        if first != 32 && first != 9 && last != 32 && last != 9
            && !ByteSearch.containsAny(base, count: field.count, dialect.delimiter, dialect.quote) {
            if prefix { p[0] = UInt8(ascii: "'") }
            ByteSearch.copy(base, count: field.count, to: p + o)
            return o + field.count
        }
        let quote = dialect.quote
        p[0] = quote
        o = 1
        if prefix { p[1] = UInt8(ascii: "'"); o = 2 }
        for b in field {
            if b == quote { p[o] = quote; o += 1 }
            p[o] = b
            o += 1
        }
        p[o] = quote
        return o + 1
    }

    /// Whether `bytes` hold what makes a field quoted wherever it lies in it: the delimiter,
    /// the quote, CR or LF. A renderer asks once for a whole record, whose fields lie back to
    /// back, and then writes each with `copyClearField`, which looks only at its ends.
    public static func holdsQuoteTrigger(_ bytes: UnsafeBufferPointer<UInt8>, dialect: CSVDialect) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return ByteSearch.containsAny(base, count: bytes.count, dialect.delimiter, dialect.quote)
    }

    /// Copies to `p` a field that holds no delimiter, quote, CR or LF (`holdsQuoteTrigger` said
    /// so of its record) and returns its length, or returns nil and writes nothing when it
    /// needs `writeField`: an end is a space or a tab, or its first byte could start a formula.
    /// Inline, it spares a renderer writing a record's every cell a call and a scan a cell:
    /// a third of the time of rendering a row of every column.
    ///
    /// Where `readable` (the end of the memory the field lies in) allows, a field of up to
    /// sixteen bytes is copied as two whole words, with no branch on its length: `p` must
    /// then have room for sixteen bytes, of which those past the field are left to be
    /// overwritten.
    @inlinable @inline(__always)
    public static func copyClearField(
        _ field: UnsafeBufferPointer<UInt8>, readable: UnsafePointer<UInt8>, to p: UnsafeMutablePointer<UInt8>, neutralizeFormulas: Bool
    ) -> Int? {
        guard let base = field.baseAddress, let first = field.first, let last = field.last else { return 0 }
        if first == 32 || first == 9 || last == 32 || last == 9 || (neutralizeFormulas && mayStartFormula(first)) { return nil }
        if field.count <= 16 && readable - base >= 16 {
            ByteSearch.copySixteen(base, to: p)
        } else {
            ByteSearch.copy(base, count: field.count, to: p)
        }
        return field.count
    }

    /// See `Options.neutralizeFormulas` for why plain numbers are left alone.
    public static func looksLikeFormula(_ field: UnsafeBufferPointer<UInt8>, decimal: UInt8) -> Bool {
        guard let first = field.first, mayStartFormula(first) else { return false }
        return (first != UInt8(ascii: "+") && first != UInt8(ascii: "-")) || !isPlainNumber(field, decimal: decimal)
    }

    /// Whether a cell starting with `b` may be a formula: `=`, `@`, tab or CR, or a sign
    /// (unless the cell is a plain number). The one list of them, for `looksLikeFormula` and
    /// `copyClearField`.
    @inlinable @inline(__always)
    static func mayStartFormula(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "=") || b == UInt8(ascii: "@") || b == 9 || b == 13 || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }

    /// `[+-]digits[(.|,)digits][e[+-]digits]`, with the dialect's decimal mark.
    public static func isPlainNumber(_ field: UnsafeBufferPointer<UInt8>, decimal: UInt8) -> Bool {
        var i = 0
        let n = field.count
        func digits() -> Int {
            let start = i
            while i < n && field[i] >= UInt8(ascii: "0") && field[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < n && (field[i] == UInt8(ascii: "+") || field[i] == UInt8(ascii: "-")) { i += 1 }
        var count = digits()
        if i < n && field[i] == decimal {
            i += 1
            count += digits()
        }
        if count == 0 { return false }
        if i < n && (field[i] == UInt8(ascii: "e") || field[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (field[i] == UInt8(ascii: "+") || field[i] == UInt8(ascii: "-")) { i += 1 }
            if digits() == 0 { return false }
        }
        return i == n
    }
}

/// POSIX `write`, named apart from the writer's own methods.
@inline(__always)
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}
