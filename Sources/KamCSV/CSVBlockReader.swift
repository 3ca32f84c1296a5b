import Foundation

/// A block of whole records, in UTF-8, ready to be cut into pieces for parallel parsing.
public struct CSVBlock: Sendable {
    public let bytes: [UInt8]
    /// The pieces, each ending on a record boundary, with the line each starts on.
    public let chunks: [CSVChunk]
}

/// How a reader cut a file into blocks and chunks, block by block, for the next pass over the
/// same file to follow (`CSVBlockReader.follow`); `complete` once the first pass has read to
/// the end.
public final class CSVBlockCuts: @unchecked Sendable {
    struct Block {
        /// The bytes read when the block was cut, and whether the input had ended.
        let read: Int
        let final: Bool
        let chunks: [CSVChunk]
        let consumed: Int
        let nextLine: Int
    }

    var blocks: [Block] = []
    var complete = false
    /// The file the cuts were made in.
    var file: FileIdentity?

    public init() {}
}

/// What tells a file from the same path written again: device, inode, size, and the time of
/// its last change to the nanosecond. Nil for what is not a regular file.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init?(_ fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

/// Reads a file or a pipe in large blocks that end on record boundaries, transcoded to UTF-8,
/// so that a batch can be parsed on every core while memory stays flat in the file's size:
/// the incomplete record at the end of a block is carried over to the next one. Finding the
/// boundary follows the reader's own quote rules (`CSVChunker`), so records, lines and errors
/// come out exactly as a sequential `CSVReader` gives them.
public struct CSVBlockReader {
    public let dialect: CSVDialect
    public let encoding: CSVEncoding
    public let limits: CSVLimits
    public let path: String?
    /// The text the dialect is sniffed from: the first 64 KB.
    static let sniffSample = 64 << 10
    /// A block size for a reader opened only to decide the dialect and encoding: 256 KB of
    /// any supported encoding holds the sniffed sample, so it decides what a whole block would.
    public static let probeBlockSize = 4 * sniffSample

    /// Bytes read from the source so far, for progress.
    public private(set) var bytesRead = 0
    /// The bytes of a block the caller has finished with: the next block is read into them.
    /// Fresh memory for every block would be mapped and zeroed by the kernel again, a
    /// gigabyte of page faults for a gigabyte of file.
    public var spare: [UInt8]?
    /// Where the blocks are cut: written by a first pass over a file, followed by the passes
    /// after it, which then skip the cutting (a scan of every byte for quotes and line ends).
    private var cuts: CSVBlockCuts?
    private var blockIndex = 0

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let blockSize: Int
    private let chunkSize: Int
    private var pending: [UInt8]
    private var raw: [UInt8]
    /// Where a UTF-8 file's bytes land before they join the pending block (`readMore`).
    private var staging: [UInt8] = []
    private static let stagingSize = 256 << 10
    private var transcoder: CSVTranscoder?
    private var eof = false
    private var line = 1

    /// `blockSize` is how much is read before cutting; `chunkSize` the size of the pieces.
    public init(
        path: String, dialect: CSVDialect? = nil, encoding: CSVEncoding? = nil, limits: CSVLimits = CSVLimits(),
        blockSize: Int = 8 << 20, chunkSize: Int = 1 << 19
    ) throws(CSVError) {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CSVError(.io(errno: errno, operation: "open"), path: path) }
        try self.init(fileDescriptor: fd, closeWhenDone: path != "-", dialect: dialect, encoding: encoding, limits: limits,
                      path: path == "-" ? "<stdin>" : path, blockSize: blockSize, chunkSize: chunkSize)
    }

    public init(
        fileDescriptor fd: Int32, closeWhenDone: Bool, dialect: CSVDialect?, encoding: CSVEncoding?, limits: CSVLimits,
        path: String?, blockSize: Int, chunkSize: Int
    ) throws(CSVError) {
        self.fd = fd
        self.ownsDescriptor = closeWhenDone
        self.path = path
        self.limits = limits
        self.blockSize = blockSize
        self.chunkSize = chunkSize
        // The first read decides the encoding (byte-order mark) and the dialect (a sample).
        // It goes straight into memory that is not zeroed first, with the room `next` keeps
        // for a block: the reader is opened once per pass, and zeroing and copying a block
        // each time faulted in 24 MB of fresh pages.
        var failure: CSVError?
        var done = false
        var first = [UInt8](unsafeUninitializedCapacity: blockSize + (1 << 16)) { buffer, count in
            do throws(CSVError) {
                (count, done) = try Self.fill(fd, UnsafeMutableBufferPointer(rebasing: buffer[..<blockSize]), path, minimum: blockSize)
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        eof = done
        let (detected, _) = CSVEncoding.detect(prefix: first)
        self.encoding = encoding ?? detected
        let bom = self.encoding.bomLength(in: first)
        bytesRead = first.count
        if self.encoding == .utf8 {
            // UTF-8 is read straight into `pending` from now on.
            if bom > 0 { first.removeFirst(bom) }
            pending = first
            raw = []
        } else {
            var text: [UInt8] = []
            text.reserveCapacity(blockSize * 2)
            var t = CSVTranscoder(self.encoding)
            first.withUnsafeBufferPointer { t.transcode(UnsafeBufferPointer(rebasing: $0[bom...]), into: &text, final: done) }
            transcoder = t
            pending = text
            raw = [UInt8](repeating: 0, count: blockSize)
        }
        self.dialect = dialect ?? CSVDialect.sniff(sample: pending.prefix(Self.sniffSample))
    }

    /// The first records (title lines, the header, the first rows), read without consuming
    /// them, so that a caller can find the header of standard input before the rows are
    /// read: at most `limit`, each with the line it starts on. Reads on until it has them, the
    /// input ends, or they run past the record limit.
    public mutating func leadingRecords(limit: Int) throws(CSVError) -> [(line: Int, fields: [String])] {
        while true {
            var reader = CSVReader(bytes: pending, dialect: dialect, options: .init(validateUTF8: true))
            var record = CSVRecord()
            var out: [(line: Int, fields: [String])] = []
            var cut = false
            do throws(CSVError) {
                while out.count <= limit, try reader.next(into: &record) { out.append((record.line, record.strings)) }
            } catch {
                if eof { throw error }
                cut = true  // a quoted field runs on past what has been read
            }
            if eof { return Array(out.prefix(limit)) }
            // The last record read may run on into bytes not read yet.
            if !cut && out.count > limit { return Array(out.prefix(limit)) }
            if pending.count > limits.maxRecordBytes { return Array(out.dropLast()) }
            try readMore(force: true)
        }
    }

    /// Consumes the first `count` records (title lines and the header), so that the blocks
    /// hold rows only; their lines still count in every row's line number.
    public mutating func skipRecords(_ count: Int) throws(CSVError) {
        guard count > 0 else { return }
        // The reader copies what it reads: a growing prefix, not the whole first block.
        var prefix = 64 << 10
        while true {
            let window = min(prefix, pending.count)
            var reader = CSVReader(bytes: Array(pending[..<window]), dialect: dialect, options: .init(validateUTF8: false))
            var record = CSVRecord()
            var seen = 0
            do throws(CSVError) {
                while seen <= count, try reader.next(into: &record) { seen += 1 }
            } catch {
                // A quoted field that runs past what has been read: read on.
                if eof { throw error }
                seen = 0
            }
            if seen > count {
                // The record after the skipped ones starts here.
                pending.removeFirst(record.byteOffset)
                line += record.line - 1
                return
            }
            if window < pending.count {
                prefix *= 4
                continue
            }
            if eof {
                pending.removeAll()
                return
            }
            if pending.count > limits.maxRecordBytes {
                throw CSVError(.recordTooLarge(limit: limits.maxRecordBytes), line: line, byteOffset: nil, path: path,
                               detail: "the first \(count) records run past \(limits.maxRecordBytes) bytes; an unclosed quote is the usual cause")
            }
            try readMore(force: true)
        }
    }

    /// Shares `cuts` between the passes over one regular file: the first pass to read it to
    /// its end records where it cut; a later one follows those cuts if the file is the one
    /// they were made in (device, inode, size, time of last change, taken from the open
    /// descriptor), and throws `.changed` if not. A pass that stopped early leaves nothing to
    /// follow: the next one cuts afresh. Call before reading any block.
    public mutating func follow(_ cuts: CSVBlockCuts) throws(CSVError) {
        guard transcoder == nil, let file = FileIdentity(fd) else { return }
        if cuts.complete {
            guard file == cuts.file else { throw CSVError(.changed, path: path) }
        } else {
            (cuts.blocks, cuts.file) = ([], file)
        }
        self.cuts = cuts
    }

    /// Closes the descriptor if the reader opened it. Call once, when done.
    public func close() {
        if ownsDescriptor { _ = Foundation.close(fd) }
    }

    /// The next block of whole records, or nil at the end of the input.
    public mutating func next() throws(CSVError) -> CSVBlock? {
        while true {
            while !eof && pending.count < blockSize { try readMore() }
            if let cuts, cuts.complete {
                // A later pass: the same bytes are read as the first pass read them, or the
                // file has changed since.
                guard blockIndex < cuts.blocks.count else {
                    if pending.isEmpty && eof { return nil }
                    throw CSVError(.changed, path: path)
                }
                let cut = cuts.blocks[blockIndex]
                while !eof && pending.count < cut.read { try readMore(force: true) }
                guard pending.count == cut.read, eof == cut.final else { throw CSVError(.changed, path: path) }
                blockIndex += 1
                return take(cut.chunks, consumed: cut.consumed, nextLine: cut.nextLine)
            }
            if pending.isEmpty && eof {
                cuts?.complete = true
                return nil
            }
            let (chunks, consumed, nextLine) = pending.withUnsafeBufferPointer {
                CSVChunker.splitComplete($0, dialect: dialect, targetSize: chunkSize, firstLine: line, final: eof)
            }
            if consumed == 0 {
                // Not one complete record yet: read on, unless the record outgrows the limit.
                if pending.count > limits.maxRecordBytes {
                    throw CSVError(
                        .recordTooLarge(limit: limits.maxRecordBytes), line: line, byteOffset: nil, path: path,
                        detail: "a record starting on line \(line) runs past \(limits.maxRecordBytes) bytes; an unclosed quote is the usual cause")
                }
                try readMore(force: true)
                continue
            }
            if let cuts, !cuts.complete { cuts.blocks.append(.init(read: pending.count, final: eof, chunks: chunks, consumed: consumed, nextLine: nextLine)) }
            return take(chunks, consumed: consumed, nextLine: nextLine)
        }
    }

    /// The block of the complete records, `pending[..<consumed]`. The block keeps the buffer;
    /// only the incomplete tail is copied into a new one.
    private mutating func take(_ chunks: [CSVChunk], consumed: Int, nextLine: Int) -> CSVBlock {
        var rest = spare.take() ?? []
        rest.removeAll(keepingCapacity: true)
        rest.reserveCapacity(blockSize + (1 << 16))
        rest.append(contentsOf: pending[consumed...])
        pending.removeLast(pending.count - consumed)
        let block = CSVBlock(bytes: pending, chunks: chunks)
        pending = rest
        line = nextLine
        return block
    }

    private mutating func readMore(force: Bool = false) throws(CSVError) {
        guard !eof else { return }
        if transcoder == nil {
            // Up to a block, so that a block nearly full already (its header skipped) is not
            // read to twice its size; through a small buffer that stays in the cache, then
            // appended: the kernel's copy into the block's own cold memory cost more.
            let room = max(blockSize - pending.count, 1 << 16)
            if staging.isEmpty { staging = [UInt8](repeating: 0, count: Self.stagingSize) }
            var got = 0, end = false
            while got < room {
                let want = min(staging.count, room - got)
                let (n, done) = try staging.withUnsafeMutableBufferPointer { (buffer) throws(CSVError) in
                    try Self.fill(fd, UnsafeMutableBufferPointer(rebasing: buffer[..<want]), path, minimum: force ? 1 : want)
                }
                pending.append(contentsOf: staging[..<n])
                got += n
                if done { end = true; break }
                if force { break }
            }
            eof = end
            bytesRead += got
            return
        }
        let (count, end) = try Self.fill(fd, &raw, path, minimum: force ? 1 : raw.count)
        eof = end
        bytesRead += count
        raw.withUnsafeBufferPointer { transcoder!.transcode(UnsafeBufferPointer(rebasing: $0[..<count]), into: &pending, final: eof) }
    }

    private static func fill(_ fd: Int32, _ buffer: inout [UInt8], _ path: String?, minimum: Int? = nil) throws(CSVError) -> (Int, Bool) {
        let want = minimum ?? buffer.count
        var result: Result<(Int, Bool), CSVError> = .success((0, false))
        buffer.withUnsafeMutableBufferPointer { p in
            result = Result { () throws(CSVError) in try fill(fd, p, path, minimum: want) }
        }
        return try result.get()
    }

    private static func fill(_ fd: Int32, _ p: UnsafeMutableBufferPointer<UInt8>, _ path: String?, minimum want: Int) throws(CSVError) -> (Int, Bool) {
        var filled = 0
        var eof = false
        while filled < want {
            let n = read(fd, p.baseAddress! + filled, p.count - filled)
            if n > 0 { filled += n; continue }
            if n == 0 { eof = true; break }
            if errno == EINTR { continue }
            throw CSVError(.io(errno: errno, operation: "read"), path: path)
        }
        return (filled, eof)
    }
}
