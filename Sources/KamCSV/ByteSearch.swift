/// Finding the next byte that matters, sixteen bytes at a time: where only quotes and line
/// ends count (cutting blocks, skipping the rest of a record), most bytes of a CSV file are
/// text to step over.
enum ByteSearch {
    /// The first index in `start..<end` holding `quote`, LF or CR; `end` if none.
    @inline(__always)
    static func quoteOrLineEnd(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, quote: UInt8) -> Int {
        let quotes = SIMD16<UInt8>(repeating: quote), lfs = SIMD16<UInt8>(repeating: 10), crs = SIMD16<UInt8>(repeating: 13)
        var i = start
        while i + 16 <= end {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            if any((v .== quotes) .| (v .== lfs) .| (v .== crs)) { break }
            i += 16
        }
        while i < end {
            let b = p[i]
            if b == quote || b == 10 || b == 13 { return i }
            i += 1
        }
        return end
    }
}
