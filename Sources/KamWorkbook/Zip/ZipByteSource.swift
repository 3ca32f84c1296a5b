/// Where an `Inflater` takes its compressed bytes from, a piece at a time, so that an entry of
/// any size is decompressed without holding its compressed form in memory: a region of an
/// archive read with `pread`, an array, or anything else that yields bytes in order.
///
/// A source that is a value (a struct holding its own position) makes copies of an inflater
/// independent, as values are; a class shared between two inflaters would feed each half.
public protocol ZipByteSource: Sendable {
    /// Fills the start of `buffer` with the next bytes and returns how many, at most
    /// `buffer.count`; 0 only when there are no more.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int
}

/// Bytes already in memory, handed out from the start; `pieceSize` limits each handout, which
/// tests use to cut a stream at every possible place.
public struct ZipMemorySource: ZipByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let pieceSize: Int

    public init(_ bytes: [UInt8], pieceSize: Int = .max) {
        precondition(pieceSize > 0, "pieces must hold at least one byte")
        self.bytes = bytes
        self.pieceSize = pieceSize
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        let n = min(buffer.count, bytes.count - position, pieceSize)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
        position += n
        return n
    }
}
