/// Finding the next byte that matters several bytes at a time: most bytes of a CSV file are
/// text to step over.
@usableFromInline
enum ByteSearch {
    /// The first index in `start..<end` holding `quote`, LF or CR; `end` if none. Sixteen
    /// bytes a step: it skips the rest of whole records (cutting blocks, the column scanner).
    @inline(__always)
    static func quoteOrLineEnd(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, quote: UInt8) -> Int {
        let quotes = SIMD16<UInt8>(repeating: quote), lfs = SIMD16<UInt8>(repeating: 10), crs = SIMD16<UInt8>(repeating: 13)
        var i = start
        while i + 16 <= end {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            // The matching lanes as bytes of two words, so the first is found without going
            // back over the sixteen bytes one at a time.
            let hits = SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: (v .== quotes) .| (v .== lfs) .| (v .== crs))
            let (low, high) = unsafeBitCast(hits, to: (UInt64, UInt64).self)
            if low != 0 { return i + UInt64(littleEndian: low).trailingZeroBitCount >> 3 }
            if high != 0 { return i + 8 + UInt64(littleEndian: high).trailingZeroBitCount >> 3 }
            i += 16
        }
        while i < end {
            let b = p[i]
            if b == quote || b == 10 || b == 13 { return i }
            i += 1
        }
        return end
    }

    /// The first index in `start..<end` holding `a`, `b`, LF or CR; `end` if none. Eight
    /// bytes a step, in a machine word: a field is short, and a word needs no set-up.
    @inline(__always)
    static func firstOf(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, _ a: UInt8, _ b: UInt8) -> Int {
        var i = start
        while i + 8 <= end {
            let k = firstLane(word(p + i), a, b)
            if k < 8 { return i + k }
            i += 8
        }
        while i < end {
            let c = p[i]
            if c == a || c == b || c == 10 || c == 13 { return i }
            i += 1
        }
        return end
    }

    /// Copies `p[start..<end]` to `out[o...]` up to the first byte that is `a`, `b`, LF or CR
    /// (or `end`), eight bytes a step, and returns where both stopped. `out` needs room for
    /// `end - start` bytes and no more: a step stores its eight bytes whole only where they
    /// lie before `end`, and the bytes past the stop are overwritten by what comes next.
    @inline(__always)
    static func copyUntil(
        _ p: UnsafePointer<UInt8>, from start: Int, to end: Int, _ a: UInt8, _ b: UInt8, into out: UnsafeMutablePointer<UInt8>, at o: Int
    ) -> (Int, Int) {
        var i = start, o = o
        while i + 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(out + o).storeBytes(of: w, as: UInt64.self)
            let k = firstLane(UInt64(littleEndian: w), a, b)
            i += k
            o += k
            if k < 8 { return (i, o) }
        }
        while i < end {
            let c = p[i]
            if c == a || c == b || c == 10 || c == 13 { break }
            out[o] = c
            o += 1
            i += 1
        }
        return (i, o)
    }

    /// Whether `p[0..<n]` holds `a`, `b`, LF or CR, reading those bytes and no others: words
    /// of eight, the last one ending at the end, and below eight two halves that overlap. A
    /// field is short, and going over its last bytes one at a time cost more than the rest.
    @inline(__always)
    static func containsAny(_ p: UnsafePointer<UInt8>, count n: Int, _ a: UInt8, _ b: UInt8) -> Bool {
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if firstLane(word(p + i), a, b) < 8 { return true }
                i += 8
            }
            return firstLane(word(p + n - 8), a, b) < 8
        }
        if n >= 4 {
            return firstLane(UInt64(half(p)) | UInt64(half(p + n - 4)) << 32, a, b) < 8
        }
        for i in 0..<n where p[i] == a || p[i] == b || p[i] == 10 || p[i] == 13 { return true }
        return false
    }

    /// Copies `n` bytes from `p` to `out` as `containsAny` reads them, writing only `out[0..<n]`.
    @inlinable @inline(__always)
    static func copy(_ p: UnsafePointer<UInt8>, count n: Int, to out: UnsafeMutablePointer<UInt8>) {
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                UnsafeMutableRawPointer(out + i).storeBytes(of: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                i += 8
            }
            UnsafeMutableRawPointer(out + n - 8).storeBytes(of: UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        } else if n >= 4 {
            let (low, high) = (UnsafeRawPointer(p).loadUnaligned(as: UInt32.self), UnsafeRawPointer(p + n - 4).loadUnaligned(as: UInt32.self))
            UnsafeMutableRawPointer(out).storeBytes(of: low, as: UInt32.self)
            UnsafeMutableRawPointer(out + n - 4).storeBytes(of: high, as: UInt32.self)
        } else {
            for i in 0..<n { out[i] = p[i] }
        }
    }

    /// Copies the sixteen bytes at `p` to `out` as two words: a field of up to sixteen bytes
    /// copied with no branch on its length, where both sides have the sixteen bytes to spare
    /// and what lands past the field is overwritten next.
    @inlinable @inline(__always)
    static func copySixteen(_ p: UnsafePointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(p), to = UnsafeMutableRawPointer(out)
        to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
    }

    /// Four bytes from `p`, the first in the lowest bits.
    @inline(__always)
    static func half(_ p: UnsafePointer<UInt8>) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self))
    }

    /// Eight bytes from `p`, the first in the lowest bits.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// The first of the word's eight bytes (lowest first) that is `a`, `b`, LF or CR; 8 if none.
    @inline(__always)
    static func firstLane(_ w: UInt64, _ a: UInt8, _ b: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // The high bit of each byte that is zero; a byte above a zero one may be marked too,
        // by the borrow, but never one below: so the lowest mark is exact.
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & (ones &* 0x80) }
        let hits = zeros(w ^ (UInt64(a) &* ones)) | zeros(w ^ (UInt64(b) &* ones)) | zeros(w ^ (ones &* 10)) | zeros(w ^ (ones &* 13))
        return hits == 0 ? 8 : hits.trailingZeroBitCount >> 3
    }
}
