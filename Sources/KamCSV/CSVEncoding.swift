/// The text encodings a key-account export arrives in. Everything is turned into UTF-8
/// before parsing, so the state machine only ever sees one encoding.
public enum CSVEncoding: String, Sendable, Equatable, CaseIterable {
    case utf8
    case utf16LE
    case utf16BE
    /// Windows-1251 (cp1251), still the default of Russian Excel's "CSV" export.
    case windows1251
    /// Windows-1252 (cp1252), what Western Excel writes and Salesforce's default export
    /// ("ISO-8859-1") means in practice: Latin-1 with `€ ‚ „ … ‘ ’ “ ” – —` in 0x80–0x9F.
    case windows1252
    /// ISO-8859-1 proper: every byte is the code point of the same number.
    case latin1

    /// Accepts the spellings users type after `--encoding`.
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "utf8": self = .utf8
        case "utf16le", "utf16": self = .utf16LE
        case "utf16be": self = .utf16BE
        case "cp1251", "windows1251", "win1251", "1251": self = .windows1251
        case "cp1252", "windows1252", "win1252", "1252": self = .windows1252
        case "latin1", "iso88591", "88591", "l1": self = .latin1
        default: return nil
        }
    }

    /// The encoding a byte-order mark announces, and the mark's length. Without a mark the
    /// answer is UTF-8 with length 0: a BOM is the only thing that can be trusted blindly.
    public static func detect(prefix: some Collection<UInt8>) -> (encoding: CSVEncoding, bomLength: Int) {
        let head = Array(prefix.prefix(3))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if head.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        if head.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }
        return (.utf8, 0)
    }

    /// The length of this encoding's byte-order mark at the start of `prefix`, if present.
    public func bomLength(in prefix: some Collection<UInt8>) -> Int {
        let head = Array(prefix.prefix(3))
        switch self {
        case .utf8: return head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        case .utf16LE: return head.starts(with: [0xFF, 0xFE]) ? 2 : 0
        case .utf16BE: return head.starts(with: [0xFE, 0xFF]) ? 2 : 0
        case .windows1251, .windows1252, .latin1: return 0
        }
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and values past U+10FFFF are rejected), or of the first NUL
    /// byte, or nil. A sequence cut short by the end of `bytes` counts as invalid.
    public static func firstInvalidUTF8Offset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        UTF8Validator.firstInvalid(bytes)
    }

    public static func firstInvalidUTF8Offset(in bytes: some Collection<UInt8>) -> Int? {
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { UTF8Validator.firstInvalid($0) }
    }

    /// The one-byte encoding that text which is not UTF-8 was most likely written in, from
    /// how its bytes above 0x7F sit: Russian in Windows-1251 writes whole words in them (runs
    /// of three and more), Western text in Windows-1252 has an accented letter here and there
    /// between ASCII ones (`São Paulo`, `Müller`). Nil for UTF-8 or plain ASCII.
    public static func likelySingleByte(_ bytes: some Collection<UInt8>) -> CSVEncoding? {
        var high = 0, inWords = 0, run = 0
        for b in bytes {
            if b >= 0x80 {
                run += 1
                high += 1
                continue
            }
            if run >= 3 { inWords += run }
            run = 0
        }
        if run >= 3 { inWords += run }
        guard high > 0, firstInvalidUTF8Offset(in: bytes) != nil else { return nil }
        return inWords * 2 >= high ? .windows1251 : .windows1252
    }

    /// Throws an `invalidUTF8` error at the first bad byte, with its line (counted in
    /// `bytes`, starting at `firstLine`) and the encoding the bytes look like.
    public static func validateUTF8(_ bytes: some Collection<UInt8>, firstLine: Int = 1) throws(CSVError) {
        let array = Array(bytes)
        guard let bad = firstInvalidUTF8Offset(in: array) else { return }
        var line = firstLine
        var k = 0
        while k < bad {
            if array[k] == 13 || (array[k] == 10 && (k == 0 || array[k - 1] != 13)) { line += 1 }
            k += 1
        }
        let kind: CSVError.Kind = array[bad] == 0 ? .nulByte : .invalidUTF8(likely: likelySingleByte(array))
        throw CSVError(kind, line: line, byteOffset: bad)
    }

    /// Converts a whole buffer to UTF-8, dropping this encoding's byte-order mark.
    public func transcodeToUTF8(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        let skip = bomLength(in: input)
        var transcoder = CSVTranscoder(self)
        var out: [UInt8] = []
        input.withUnsafeBufferPointer { buf in
            transcoder.transcode(UnsafeBufferPointer(rebasing: buf[skip...]), into: &out, final: true)
        }
        return out
    }
}

/// A plain UTF-8 checker with an eight-bytes-at-a-time ASCII skip, since nearly all CSV
/// bytes are ASCII and the reader checks every record.
enum UTF8Validator {
    /// The offset of the first byte that is not UTF-8, or is NUL.
    static func firstInvalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                // Eight ASCII bytes, none of them NUL (the second test finds a zero byte).
                if word & 0x8080_8080_8080_8080 == 0 && (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let b = p[i]
            if b == 0 { return i }  // valid UTF-8, but no text file holds one: see `CSVError.Kind.nulByte`
            if b < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            if i + 1 >= n || p[i + 1] < lower || p[i + 1] > upper { return i }
            for k in 2..<length where i + k >= n || p[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
