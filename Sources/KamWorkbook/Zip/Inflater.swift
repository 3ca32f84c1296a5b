/// A streaming decoder of raw DEFLATE (RFC 1951), written here because the package takes no
/// dependencies. Compressed bytes are pulled from a `ZipByteSource` a buffer at a time and the
/// output is handed out in pieces of any size the caller asks for, so memory stays near
/// 300 KB whatever the size of the entry: the last 32 KiB of output (the furthest a match
/// reaches back) and up to 128 KiB decoded ahead of the caller, 64 KiB of input, and the
/// current block's code tables.
///
/// Every malformed stream ends in a thrown `ZipError` of kind `.deflate`, never a trap or an
/// endless loop: each step consumes input, and input that runs out stops the stream. After an
/// error every further read throws the same error.
///
/// The stream ends with its final block; bytes after it are not read, except those the
/// decoder's buffer took in ahead, and are ignored (a ZIP entry's sizes and CRC-32 are checked
/// by `ZipEntryReader`, as `zipfile` and `unzip` check them).
public struct Inflater: Sendable {
    private enum Block {
        case header, stored(remaining: Int), huffman, done
    }

    /// Output kept for matches to reach back into.
    static let history = 32768
    /// Where the window's history starts over: decoding of a symbol starts only below this,
    /// and a match may run 258 bytes past it, plus the 7 bytes a word-wide copy overshoots.
    static let windowLimit = history + (1 << 17)
    static let windowCapacity = windowLimit + 258 + 8

    private var buffers: InflateBuffers
    private var source: any ZipByteSource
    private var reader: BitReader
    private var block = Block.header
    private var finalBlock = false
    /// Output in the window: [0, pos) is written, [readPos, pos) not yet handed out.
    private var pos = 0
    private var readPos = 0
    /// The tables hold the fixed code of block type 1, and need not be built again.
    private var fixedTables = false
    private var failure: ZipError?

    public init(source: some ZipByteSource) {
        buffers = InflateBuffers()
        self.source = source
        reader = BitReader(input: buffers.input)
    }

    public init(bytes: [UInt8]) {
        self.init(source: ZipMemorySource(bytes))
    }

    /// Whether the final block has ended and all its output was handed out.
    public var isFinished: Bool {
        if case .done = block { return readPos == pos }
        return false
    }

    /// Copies up to `buffer.count` bytes of output into `buffer` and returns how many; 0 only
    /// at the end of the stream.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        let piece = try next(max: buffer.count)
        if let start = piece.baseAddress { base.copyMemory(from: start, byteCount: piece.count) }
        return piece.count
    }

    /// Appends up to `max` bytes of output to `buffer` and returns how many; 0 only at the end
    /// of the stream. A caller that wants only the new bytes empties `buffer` first, keeping
    /// its capacity.
    public mutating func read(into buffer: inout [UInt8], max: Int) throws(ZipError) -> Int {
        let piece = try next(max: max)
        buffer.append(contentsOf: piece)
        return piece.count
    }

    /// The next piece of output, at most `max` bytes, valid until the next call; empty only at
    /// the end of the stream.
    mutating func next(max: Int) throws(ZipError) -> UnsafeBufferPointer<UInt8> {
        if let failure { throw failure }
        guard max > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        while readPos == pos {
            if case .done = block { return UnsafeBufferPointer(start: nil, count: 0) }
            if !isKnownUniquelyReferenced(&buffers) {
                buffers = buffers.copy()
                reader.input = buffers.input
            }
            do throws(ZipError) {
                try produce()
            } catch {
                failure = error
                throw error
            }
        }
        let n = min(max, pos - readPos)
        defer { readPos += n }
        return UnsafeBufferPointer(start: buffers.window + readPos, count: n)
    }

    /// Decodes until the window is full or the stream ends.
    private mutating func produce() throws(ZipError) {
        if pos >= Self.windowLimit {
            buffers.window.update(from: buffers.window + pos - Self.history, count: Self.history)
            pos = Self.history
            readPos = pos
        }
        while pos < Self.windowLimit {
            switch block {
            case .header: try readBlockHeader()
            case .stored(let remaining): try copyStored(remaining)
            case .huffman: if try decodeHuffman() { block = finalBlock ? .done : .header }
            case .done: break
            }
            if case .done = block { break }
        }
        if reader.overrun { throw ZipError(.deflate(.endOfInput)) }
    }

    /// The error for `problem`, or for the end of the input if the decoder ran past it: the
    /// padding past the end decodes as anything.
    private static func failure(_ problem: DeflateProblem, _ reader: BitReader) -> ZipError {
        ZipError(.deflate(reader.overrun ? .endOfInput : problem))
    }

    private mutating func readBlockHeader() throws(ZipError) {
        let header = try reader.read(3, &source)
        finalBlock = header & 1 != 0
        switch header >> 1 {
        case 0:
            reader.drop(reader.count & 7)
            if reader.count < 32 { try reader.refill(&source) }
            reader.clearAhead()
            let length = reader.take(16), complement = reader.take(16)
            guard length ^ complement == 0xFFFF else { throw Self.failure(.storedLengthMismatch, reader) }
            block = .stored(remaining: length)
        case 1:
            if !fixedTables {
                Huffman.fixed.literalLength.withUnsafeBufferPointer {
                    buffers.literalLength.update(from: $0.baseAddress!, count: $0.count)
                }
                Huffman.fixed.distance.withUnsafeBufferPointer {
                    buffers.distance.update(from: $0.baseAddress!, count: $0.count)
                }
                fixedTables = true
            }
            block = .huffman
        case 2:
            try readDynamicTables()
            fixedTables = false
            block = .huffman
        default:
            throw Self.failure(.invalidBlockType, reader)
        }
    }

    /// The order in which a dynamic header gives the code-length code's lengths.
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func readDynamicTables() throws(ZipError) {
        let literals = try reader.read(5, &source) + 257
        let distances = try reader.read(5, &source) + 1
        let codeLengths = try reader.read(4, &source) + 4
        guard literals <= 286 && distances <= 30 else { throw Self.failure(.tooManyCodes, reader) }
        let lengths = buffers.lengths
        lengths.update(repeating: 0, count: 19)
        for i in 0..<codeLengths {
            lengths[Self.codeLengthOrder[i]] = UInt8(try reader.read(3, &source))
        }
        if let problem = Huffman.build(lengths, count: 19, alphabet: .codeLength, into: buffers.codeLength) {
            throw Self.failure(problem, reader)
        }
        let total = literals + distances
        var i = 0
        while i < total {
            if reader.count < 14 { try reader.refill(&source) }
            let entry = buffers.codeLength[reader.peek(Huffman.codeLengthBits)]
            reader.drop(Int(entry & 0xF))
            let symbol = Int(entry >> 16)
            if symbol < 16 {
                lengths[i] = UInt8(symbol)
                i += 1
                continue
            }
            var value: UInt8 = 0
            let count: Int
            switch symbol {
            case 16:
                guard i > 0 else { throw Self.failure(.repeatWithoutPrevious, reader) }
                value = lengths[i - 1]
                count = 3 + reader.take(2)
            case 17: count = 3 + reader.take(3)
            default: count = 11 + reader.take(7)
            }
            guard i + count <= total else { throw Self.failure(.tooManyLengths, reader) }
            (lengths + i).update(repeating: value, count: count)
            i += count
        }
        if reader.overrun { throw ZipError(.deflate(.endOfInput)) }
        guard lengths[256] != 0 else { throw Self.failure(.missingEndOfBlock, reader) }
        if let problem = Huffman.build(lengths, count: literals, alphabet: .literalLength, into: buffers.literalLength)
            ?? Huffman.build(lengths + literals, count: distances, alphabet: .distance, into: buffers.distance)
        {
            throw Self.failure(problem, reader)
        }
    }

    private mutating func copyStored(_ remaining: Int) throws(ZipError) {
        let out = buffers.window
        var left = remaining
        // The block's first bytes may already be in the bit buffer.
        while left > 0 && pos < Self.windowLimit && reader.count >= 8 {
            if reader.count <= reader.padding * 8 { throw ZipError(.deflate(.endOfInput)) }
            out[pos] = UInt8(truncatingIfNeeded: reader.take(8))
            pos += 1
            left -= 1
        }
        while left > 0 && pos < Self.windowLimit {
            if reader.next == reader.end {
                try reader.fill(&source, atLeast: 1)
                if reader.next == reader.end { throw ZipError(.deflate(.endOfInput)) }
            }
            let n = min(left, reader.end - reader.next, Self.windowLimit - pos)
            (out + pos).update(from: reader.input + reader.next, count: n)
            reader.next += n
            pos += n
            left -= n
        }
        block = left > 0 ? .stored(remaining: left) : finalBlock ? .done : .header
    }

    /// Decodes literals and matches until the window is full (false) or the block ends (true).
    /// State lives in locals here, which the compiler keeps in registers.
    private mutating func decodeHuffman() throws(ZipError) -> Bool {
        let out = buffers.window, literalLength = buffers.literalLength, distances = buffers.distance
        var bits = reader
        var pos = self.pos
        defer {
            reader = bits
            self.pos = pos
        }
        while pos < Self.windowLimit {
            try bits.refill(&source)
            var entry = literalLength[bits.peek(Huffman.literalLengthBits)]
            if entry & Huffman.link != 0 {
                bits.drop(Huffman.literalLengthBits)
                entry = literalLength[Int(entry >> 16) + bits.peek(Int((entry >> 4) & 0xF))]
            }
            bits.drop(Int(entry & 0xF))
            if entry & Huffman.literal != 0 {
                out[pos] = UInt8(truncatingIfNeeded: entry >> 16)
                pos += 1
                continue
            }
            guard entry & Huffman.base != 0 else {
                if entry & Huffman.endOfBlock != 0 { return true }
                throw Self.failure(.invalidLengthSymbol, bits)
            }
            let length = Int(entry >> 16) + bits.take(Int((entry >> 4) & 0xF))
            var distance = distances[bits.peek(Huffman.distanceBits)]
            if distance & Huffman.link != 0 {
                bits.drop(Huffman.distanceBits)
                distance = distances[Int(distance >> 16) + bits.peek(Int((distance >> 4) & 0xF))]
            }
            guard distance & Huffman.base != 0 else { throw Self.failure(.invalidDistanceSymbol, bits) }
            bits.drop(Int(distance & 0xF))
            let back = Int(distance >> 16) + bits.take(Int((distance >> 4) & 0xF))
            guard back <= pos else { throw Self.failure(.distanceTooFar(distance: back, available: pos), bits) }
            Self.copyMatch(out + pos, back: back, length: length)
            pos += length
        }
        return false
    }

    /// Copies `length` bytes from `back` bytes before `target`, overlapping as a match may:
    /// eight bytes at a time when they are that far back (writing up to 7 bytes past the end,
    /// which the window's slack absorbs and later output overwrites).
    @inline(__always)
    private static func copyMatch(_ target: UnsafeMutablePointer<UInt8>, back: Int, length: Int) {
        var to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(target - back)
        let end = to + length
        if back >= 8 {
            repeat {
                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                to += 8
                from += 8
            } while to < end
        } else if back == 1 {
            target.update(repeating: target[-1], count: length)
        } else {
            repeat {
                to.storeBytes(of: from.load(as: UInt8.self), as: UInt8.self)
                to += 1
                from += 1
            } while to < end
        }
    }
}

/// The inflater's buffers, allocated once and shared between copies of an inflater until one
/// of them decodes (then it takes its own copy), so an `Inflater` behaves as a value while its
/// hot loop works on raw pointers.
final class InflateBuffers: @unchecked Sendable {
    let window = UnsafeMutablePointer<UInt8>.allocate(capacity: Inflater.windowCapacity)
    let input = UnsafeMutablePointer<UInt8>.allocate(capacity: BitReader.capacity)
    let literalLength = UnsafeMutablePointer<UInt32>.allocate(capacity: Huffman.literalLengthCapacity)
    let distance = UnsafeMutablePointer<UInt32>.allocate(capacity: Huffman.distanceCapacity)
    let codeLength = UnsafeMutablePointer<UInt32>.allocate(capacity: Huffman.codeLengthCapacity)
    let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: 286 + 30)

    func copy() -> InflateBuffers {
        let copy = InflateBuffers()
        copy.window.update(from: window, count: Inflater.windowCapacity)
        copy.input.update(from: input, count: BitReader.capacity)
        copy.literalLength.update(from: literalLength, count: Huffman.literalLengthCapacity)
        copy.distance.update(from: distance, count: Huffman.distanceCapacity)
        copy.codeLength.update(from: codeLength, count: Huffman.codeLengthCapacity)
        return copy
    }

    deinit {
        window.deallocate()
        input.deallocate()
        literalLength.deallocate()
        distance.deallocate()
        codeLength.deallocate()
        lengths.deallocate()
    }
}
