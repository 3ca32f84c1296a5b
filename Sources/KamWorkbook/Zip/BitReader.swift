/// The bits of a DEFLATE stream, least significant first, drawn from a `ZipByteSource` through
/// a buffer of `capacity` bytes. Up to 63 bits wait in a 64-bit word, refilled eight bytes at a
/// time while the buffer holds that many, so decoding a symbol (at most 48 bits with its extra
/// bits and its distance) takes one refill and no further checks.
///
/// Past the end of the input the word is padded with zero bytes, counted in `padding`: a
/// valid stream never consumes them, so a decoder checks `overrun` where it stops instead of
/// checking the input's end before every symbol. More than eight padding bytes cannot fit in
/// the word unless some were consumed, so the refill that would add a ninth stops the stream.
///
/// Bits above `count` in `bits` may hold the input's next bytes, put there by a refill that
/// loaded more than it counted; later refills put the same bytes in the same places.
///
/// Sendable although it points into a buffer: the `Inflater` holding it owns that buffer alone
/// whenever it decodes (it copies shared buffers first).
struct BitReader: @unchecked Sendable {
    static let capacity = 1 << 16

    var bits: UInt64 = 0
    var count = 0
    /// The buffer; [next, end) is not yet in `bits`.
    var input: UnsafeMutablePointer<UInt8>
    var next = 0
    var end = 0
    /// The source has returned 0.
    var exhausted = false
    var padding = 0

    init(input: UnsafeMutablePointer<UInt8>) {
        self.input = input
    }

    /// Whether bits past the end of the input were consumed.
    var overrun: Bool { count < padding * 8 }

    /// Tops `bits` up to at least 56 bits (padding past the end of the input).
    @inline(__always)
    mutating func refill(_ source: inout any ZipByteSource) throws(ZipError) {
        if end - next >= 8 {
            loadWord()
        } else {
            try refillSlowly(&source)
        }
    }

    @inline(__always)
    private mutating func loadWord() {
        let word = UInt64(littleEndian: UnsafeRawPointer(input + next).loadUnaligned(as: UInt64.self))
        bits |= word &<< UInt64(count)
        next += (63 - count) >> 3
        count |= 56
    }

    @inline(never)
    private mutating func refillSlowly(_ source: inout any ZipByteSource) throws(ZipError) {
        try fill(&source, atLeast: 8)
        if end - next >= 8 { return loadWord() }
        while count < 56 {
            if next < end {
                bits |= UInt64(input[next]) &<< UInt64(count)
                next += 1
            } else {
                padding += 1
                if padding > 8 { throw ZipError(.deflate(.endOfInput)) }
            }
            count += 8
        }
    }

    /// Moves the unread bytes to the front of the buffer and reads from `source` until at
    /// least `wanted` are unread or the source ends.
    mutating func fill(_ source: inout any ZipByteSource, atLeast wanted: Int) throws(ZipError) {
        if next > 0 {
            input.update(from: input + next, count: end - next)
            end -= next
            next = 0
        }
        while end < wanted && !exhausted {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: input + end, count: Self.capacity - end))
            precondition(n >= 0 && n <= Self.capacity - end, "a ZipByteSource returned more bytes than it was given room for")
            if n == 0 { exhausted = true }
            end += n
        }
    }

    /// The next `n` bits (at most 32), not consumed.
    @inline(__always)
    func peek(_ n: Int) -> Int {
        Int(truncatingIfNeeded: bits) & ((1 << n) - 1)
    }

    @inline(__always)
    mutating func drop(_ n: Int) {
        bits &>>= UInt64(n)
        count -= n
    }

    @inline(__always)
    mutating func take(_ n: Int) -> Int {
        let value = peek(n)
        drop(n)
        return value
    }

    /// The next `n` bits (at most 32), refilling first if fewer are waiting.
    mutating func read(_ n: Int, _ source: inout any ZipByteSource) throws(ZipError) -> Int {
        if count < n { try refill(&source) }
        return take(n)
    }

    /// Clears the bytes above `count` that a refill loaded ahead: a stored block's bytes are
    /// taken from `bits` and then copied straight from the buffer, which those bytes would
    /// otherwise meet again in the wrong place.
    mutating func clearAhead() {
        bits &= (1 &<< UInt64(count)) &- 1
    }
}
