#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// Reads records from a file, a pipe or memory. Input is pulled in large blocks with POSIX
/// `read`, and the parser keeps its place between blocks, so memory stays at one block plus
/// the widest record however large the file is.
public struct CSVReader: Sendable {
    public struct Options: Sendable, Equatable {
        /// Skip lines with nothing on them. Off by default: RFC 4180 reads a blank line as a
        /// record of one empty field, and the conformance suites expect that.
        public var skipBlankLines: Bool
        /// Reject `"` inside unquoted fields and text after a closing quote, instead of
        /// keeping them as spreadsheets do.
        public var strictQuotes: Bool
        /// Check every record for well-formed UTF-8 (UTF-8 input only; transcoded input is
        /// valid by construction).
        public var validateUTF8: Bool
        /// Bytes per `read`. The first block is also the sample a dialect is sniffed from.
        public var blockSize: Int

        public init(skipBlankLines: Bool = false, strictQuotes: Bool = false, validateUTF8: Bool = true, blockSize: Int = 1 << 20) {
            precondition(blockSize >= 4, "blocks must hold a byte-order mark")
            self.skipBlankLines = skipBlankLines
            self.strictQuotes = strictQuotes
            self.validateUTF8 = validateUTF8
            self.blockSize = blockSize
        }
    }

    /// The dialect in use: the caller's, or the one sniffed from the first block.
    public let dialect: CSVDialect
    /// The encoding in use: the caller's, or the one the byte-order mark announced.
    public let encoding: CSVEncoding
    public let limits: CSVLimits
    public let options: Options
    /// The file name given to `init(path:)`, repeated in errors.
    public let path: String?

    private let file: FileDescriptorBox?
    /// Text the parser reads: the file's bytes, or their UTF-8 form after transcoding.
    private var buffer: [UInt8]
    private var pos: Int
    private var end: Int
    /// Absolute offset of `buffer[0]`.
    private var bufferBase: Int
    private var sourceDone: Bool
    private var parser: CSVParser
    private var transcoder: CSVTranscoder?
    private var raw: [UInt8] = []
    private var failed = false
    /// Whether plain records skip the state machine (`CSVParser.plainRecord`). Off only in
    /// tests and the fuzzer, which read with the state machine alone to check that path.
    var readsPlainRecords = true

    // MARK: Opening

    /// Reads from an open descriptor (a pipe, a socket, a file). `closeWhenDone` hands the
    /// descriptor to the reader, which closes it when the last copy of the reader goes.
    /// Copies share the descriptor, so read from one copy only.
    public init(
        fileDescriptor fd: Int32, closeWhenDone: Bool = false, dialect: CSVDialect? = nil,
        encoding: CSVEncoding? = nil, limits: CSVLimits = CSVLimits(), options: Options = Options(),
        path: String? = nil
    ) throws(CSVError) {
        let box = FileDescriptorBox(fd: fd, owned: closeWhenDone)
        var raw = [UInt8](repeating: 0, count: options.blockSize)
        // Sniffing wants a decent sample even from a pipe that hands out little at a time;
        // otherwise a byte-order mark's worth is enough to start.
        let minimum = Swift.min(raw.count, dialect == nil ? 64 << 10 : 4)
        let (got, done) = try Self.readBlock(fd, into: &raw, minimum: minimum, path: path)
        let (detected, _) = CSVEncoding.detect(prefix: raw[..<got])
        let encoding = encoding ?? detected
        let bom = encoding.bomLength(in: raw[..<got])

        var buffer: [UInt8]
        var transcoder: CSVTranscoder?
        if encoding == .utf8 {
            buffer = raw
            raw = []
        } else {
            var t = CSVTranscoder(encoding)
            buffer = []
            buffer.reserveCapacity(options.blockSize * CSVTranscoder.expansion(encoding) + 8)
            raw.withUnsafeBufferPointer { t.transcode(UnsafeBufferPointer(rebasing: $0[bom..<got]), into: &buffer, final: done) }
            transcoder = t
        }
        let start = encoding == .utf8 ? bom : 0
        let end = encoding == .utf8 ? got : buffer.count
        let dialect = dialect ?? CSVDialect.sniff(sample: buffer[start..<end])
        self.init(dialect: dialect, encoding: encoding, limits: limits, options: options, path: path,
                  file: box, buffer: buffer, pos: start, end: end, sourceDone: done, firstLine: 1)
        self.transcoder = transcoder
        self.raw = raw
    }

    /// Opens and reads a file.
    public init(
        path: String, dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
        limits: CSVLimits = CSVLimits(), options: Options = Options()
    ) throws(CSVError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CSVError(.io(errno: errno, operation: "open"), path: path) }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        try self.init(fileDescriptor: fd, closeWhenDone: true, dialect: dialect, encoding: encoding,
                      limits: limits, options: options, path: path)
    }

    /// Reads standard input (left open afterwards).
    public static func standardInput(
        dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
        limits: CSVLimits = CSVLimits(), options: Options = Options()
    ) throws(CSVError) -> CSVReader {
        try CSVReader(fileDescriptor: 0, dialect: dialect, encoding: encoding, limits: limits, options: options, path: "<stdin>")
    }

    /// Reads bytes already in memory, without copying them when they are UTF-8.
    public init(
        bytes: [UInt8], dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
        limits: CSVLimits = CSVLimits(), options: Options = Options()
    ) {
        let encoding = encoding ?? CSVEncoding.detect(prefix: bytes).encoding
        let text: [UInt8]
        let start: Int
        if encoding == .utf8 {
            text = bytes
            start = encoding.bomLength(in: bytes)
        } else {
            text = encoding.transcodeToUTF8(bytes)
            start = 0
        }
        let dialect = dialect ?? CSVDialect.sniff(sample: text[start...])
        self.init(dialect: dialect, encoding: encoding, limits: limits, options: options, path: nil,
                  file: nil, buffer: text, pos: start, end: text.count, sourceDone: true, firstLine: 1)
    }

    public init(
        data: Data, dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil,
        limits: CSVLimits = CSVLimits(), options: Options = Options()
    ) {
        self.init(bytes: [UInt8](data), dialect: dialect, encoding: encoding, limits: limits, options: options)
    }

    /// Reads one chunk of a UTF-8 buffer cut by `CSVChunker`, so lines and offsets come out
    /// as a sequential read of the whole buffer would give them.
    public init(
        bytes: [UInt8], chunk: CSVChunk, dialect: CSVDialect,
        limits: CSVLimits = CSVLimits(), options: Options = Options()
    ) {
        precondition(chunk.range.lowerBound >= 0 && chunk.range.upperBound <= bytes.count, "chunk outside the buffer")
        self.init(dialect: dialect, encoding: .utf8, limits: limits, options: options, path: nil,
                  file: nil, buffer: bytes, pos: chunk.range.lowerBound, end: chunk.range.upperBound,
                  sourceDone: true, firstLine: chunk.firstLine)
    }

    private init(
        dialect: CSVDialect, encoding: CSVEncoding, limits: CSVLimits, options: Options, path: String?,
        file: FileDescriptorBox?, buffer: [UInt8], pos: Int, end: Int, sourceDone: Bool, firstLine: Int
    ) {
        self.dialect = dialect
        self.encoding = encoding
        self.limits = limits
        self.options = options
        self.path = path
        self.file = file
        self.buffer = buffer
        self.pos = pos
        self.end = end
        self.bufferBase = 0
        self.sourceDone = sourceDone
        self.parser = CSVParser(dialect: dialect, skipBlankLines: options.skipBlankLines,
                                strictQuotes: options.strictQuotes, limits: limits, firstLine: firstLine)
    }

    // MARK: Reading

    /// Overwrites `record` with the next record; false at the end of the input. After an
    /// error the reader stays failed: the state machine's position is no longer trustworthy.
    public mutating func next(into record: inout CSVRecord) throws(CSVError) -> Bool {
        record.removeAll()
        if failed { return false }
        if readsPlainRecords, case .record(let ascii) = plainStep(into: &record) {
            (record.plainDelimiter, record.plainQuote) = (dialect.delimiter, dialect.quote)
            return try taken(&record, ascii: ascii)
        }
        while true {
            let eof = sourceDone && pos == end
            switch parseStep(into: &record, eof: eof) {
            case .record:
                return try taken(&record)
            case .end:
                return false
            case .needInput:
                try refill()
            case .outputFull:
                try growOutput(&record)
            case .endsFull:
                try growEnds(&record)
            case .failed(let error):
                throw fail(error)
            }
        }
    }

    /// Finishes a record the parser has read: its place, and the checks on the whole record
    /// (UTF-8 only when the parser has not seen that every byte is ASCII and none is NUL).
    @inline(__always)
    private mutating func taken(_ record: inout CSVRecord, ascii: Bool = false) throws(CSVError) -> Bool {
        record.line = parser.recordLine
        record.byteOffset = parser.recordOffset
        if record.byteCount > limits.maxRecordBytes {
            throw fail(CSVError(.recordTooLarge(limit: limits.maxRecordBytes), line: parser.recordLine,
                                byteOffset: parser.recordOffset))
        }
        if options.validateUTF8 && encoding == .utf8 && !ascii { try checkUTF8(record) }
        return true
    }

    /// Every remaining record as strings; handy for tests and small files.
    public mutating func readAll() throws(CSVError) -> [[String]] {
        var rows: [[String]] = []
        var record = CSVRecord()
        while try next(into: &record) { rows.append(record.strings) }
        return rows
    }

    private mutating func fail(_ error: CSVError) -> CSVError {
        failed = true
        var error = error
        error.path = path
        return error
    }

    @inline(__always)
    private mutating func parseStep(into record: inout CSVRecord, eof: Bool) -> CSVParser.Step {
        let base = bufferBase
        return withParser(&record, keep: { _ in true }) { parser, input, pos, out, outLen, ends, endCount in
            parser.step(input: input, pos: &pos, base: base, eof: eof, out: out, outLen: &outLen, ends: ends, endCount: &endCount)
        }
    }

    /// `CSVParser.plainRecord`, which consumes nothing when it answers `.none`.
    @inline(__always)
    private mutating func plainStep(into record: inout CSVRecord) -> CSVParser.Plain {
        let base = bufferBase
        if parser.phase == .afterCR {
            let end = self.end
            buffer.withUnsafeBufferPointer { parser.passLF(UnsafeBufferPointer(rebasing: $0[..<end]), pos: &pos) }
        }
        return withParser(&record, keep: { if case .none = $0 { false } else { true } }) { parser, input, pos, out, outLen, ends, endCount in
            parser.plainRecord(input: input, pos: &pos, base: base, out: out, outLen: &outLen, ends: ends, endCount: &endCount)
        }
    }

    /// One call of the parser over the input and the record's buffers, cut to the limits;
    /// its state and what it read are kept when `keep` says so.
    @inline(__always)
    private mutating func withParser<R>(
        _ record: inout CSVRecord, keep: (R) -> Bool,
        _ call: (inout CSVParser, UnsafeBufferPointer<UInt8>, inout Int, UnsafeMutableBufferPointer<UInt8>, inout Int,
                 UnsafeMutableBufferPointer<Int>, inout Int) -> R
    ) -> R {
        var pos = self.pos
        var outLen = record.byteCount
        var endCount = record.count
        var parser = self.parser
        let end = self.end
        let outLimit = Swift.min(record.storage.count, limits.maxRecordBytes + 1)
        let endsLimit = Swift.min(record.fieldEnds.count, limits.maxColumns)
        let result = buffer.withUnsafeBufferPointer { input in
            record.storage.withUnsafeMutableBufferPointer { out in
                record.fieldEnds.withUnsafeMutableBufferPointer { ends in
                    call(&parser, UnsafeBufferPointer(rebasing: input[..<end]), &pos,
                         UnsafeMutableBufferPointer(rebasing: out[..<outLimit]), &outLen,
                         UnsafeMutableBufferPointer(rebasing: ends[..<endsLimit]), &endCount)
                }
            }
        }
        guard keep(result) else { return result }
        self.parser = parser
        self.pos = pos
        record.byteCount = outLen
        record.count = endCount
        return result
    }

    private mutating func growOutput(_ record: inout CSVRecord) throws(CSVError) {
        let used = record.byteCount
        let fieldStart = record.count == 0 ? 0 : record.fieldEnds[record.count - 1]
        let unclosed = parser.phase == .quoted
            ? "the quote opened at line \(parser.quoteLine) (byte offset \(parser.quoteOffset)) is probably never closed"
            : nil
        if used - fieldStart > limits.maxFieldBytes {
            throw fail(CSVError(.fieldTooLarge(limit: limits.maxFieldBytes), line: parser.recordLine,
                                column: record.count + 1, byteOffset: parser.recordOffset, detail: unclosed))
        }
        if used > limits.maxRecordBytes {
            throw fail(CSVError(.recordTooLarge(limit: limits.maxRecordBytes), line: parser.recordLine,
                                byteOffset: parser.recordOffset, detail: unclosed))
        }
        let target = Swift.min(record.storage.count * 2, limits.maxRecordBytes + 1, fieldStart + limits.maxFieldBytes + 1)
        record.growStorage(to: target)
    }

    private mutating func growEnds(_ record: inout CSVRecord) throws(CSVError) {
        if record.count >= limits.maxColumns {
            throw fail(CSVError(.tooManyColumns(limit: limits.maxColumns), line: parser.recordLine,
                                column: record.count + 1, byteOffset: parser.recordOffset))
        }
        record.growEnds(to: Swift.min(record.fieldEnds.count * 2, limits.maxColumns))
    }

    /// Replaces the consumed block with the next one. The parser's state carries the
    /// record in progress, so nothing of the old block needs keeping.
    private mutating func refill() throws(CSVError) {
        guard let file, !sourceDone else { sourceDone = true; return }
        // A transcoded block can come out empty (half a UTF-16 unit); keep the older answer then.
        if end > 0 { parser.lastWasCR = buffer[end - 1] == 13 }
        bufferBase += end
        if let t = transcoder {
            var t = t
            let (got, done) = try Self.readBlock(file.fd, into: &raw, minimum: 1, path: path)
            sourceDone = done
            buffer.removeAll(keepingCapacity: true)
            raw.withUnsafeBufferPointer { t.transcode(UnsafeBufferPointer(rebasing: $0[..<got]), into: &buffer, final: sourceDone) }
            transcoder = t
            end = buffer.count
        } else {
            let (got, done) = try Self.readBlock(file.fd, into: &buffer, minimum: 1, path: path)
            sourceDone = done
            end = got
        }
        pos = 0
    }

    /// Reads into `buffer` until it holds at least `minimum` bytes (or is full, when more
    /// is at hand), or the input ends. Returning after the first read that reaches the
    /// minimum lets records from a slow pipe through without waiting for a whole block.
    private static func readBlock(
        _ fd: Int32, into buffer: inout [UInt8], minimum: Int, path: String?
    ) throws(CSVError) -> (count: Int, eof: Bool) {
        var filled = 0
        var eof = false
        var failure: Int32 = 0
        let capacity = buffer.count
        buffer.withUnsafeMutableBytes { raw in
            while filled < minimum {
                let n = read(fd, raw.baseAddress! + filled, capacity - filled)
                if n > 0 { filled += n; continue }
                if n == 0 { eof = true; break }
                if errno == EINTR { continue }
                failure = errno
                break
            }
        }
        if failure != 0 { throw CSVError(.io(errno: failure, operation: "read"), path: path) }
        return (filled, eof)
    }

    private mutating func checkUTF8(_ record: CSVRecord) throws(CSVError) {
        let bad = record.storage.withUnsafeBufferPointer {
            UTF8Validator.firstInvalid(UnsafeBufferPointer(rebasing: $0[..<record.byteCount]))
        }
        guard let bad else { return }
        var field = 0
        while record.fieldEnds[field] <= bad { field += 1 }
        let fieldStart = field == 0 ? 0 : record.fieldEnds[field - 1]
        var line = record.line
        for k in 0..<bad {
            let b = record.storage[k]
            if b == 13 || (b == 10 && (k == 0 || record.storage[k - 1] != 13)) { line += 1 }
        }
        let hex = String(record.storage[bad], radix: 16, uppercase: true)
        // The encoding is guessed from letters, so from more text than one row where there is.
        let sample = buffer[pos..<min(end, pos + (16 << 10))]
        throw fail(CSVError(
            record.storage[bad] == 0 ? .nulByte : .invalidUTF8(likely: CSVEncoding.likelySingleByte(record.bytes + sample)),
            line: line, column: field + 1,
            detail: "byte 0x\(hex) at position \(bad - fieldStart + 1) of the field"))
    }
}

/// Owns a descriptor so that it is closed exactly once, when the last reader copy goes.
final class FileDescriptorBox: Sendable {
    let fd: Int32
    let owned: Bool
    init(fd: Int32, owned: Bool) {
        self.fd = fd
        self.owned = owned
    }
    deinit { if owned { close(fd) } }
}
