#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can stop reading or writing a ZIP archive, worded for the person who has
/// the file: what is wrong, in which file and entry, and what to do about it. A workbook that
/// fails here was usually damaged in transit, saved by an unusual tool, or built to hurt.
public struct ZipError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No end-of-central-directory record: not a ZIP archive. `looksLike` names what the
        /// first bytes suggest instead, when they suggest anything.
        case notAZip(looksLike: String?)
        /// The file ends inside a record or inside an entry's data.
        case truncated
        /// A pipe, a folder or a device: an archive is read from its end, so it must be a file.
        case notARegularFile
        /// Records that contradict each other or the file; `detail` says which.
        case damaged
        /// Entries whose data overlap: the shape of a ZIP bomb that reuses one compressed
        /// stream for many entries.
        case overlappingEntries(String, String)
        /// An archive split over several files (`.z01`, `.z02`, ...).
        case spanned
        /// The compressed data of an entry is not valid DEFLATE.
        case deflate(DeflateProblem)
        /// A compression method other than stored (0) and deflate (8).
        case unsupportedMethod(UInt16)
        /// The entry is encrypted.
        case encrypted
        /// The entry expands to a different number of bytes than the directory says.
        case sizeMismatch(expected: Int, actual: Int)
        /// The entry's bytes do not have the CRC-32 the directory says.
        case crcMismatch(expected: UInt32, actual: UInt32)
        /// An entry larger than `ZipLimits.maxEntryBytes`.
        case entryTooLarge(size: Int, limit: Int)
        /// An entry that expands more than `ZipLimits.maxRatio` times.
        case ratioTooHigh(size: Int, compressed: Int, limit: Int)
        /// More entries than `ZipLimits.maxEntries`.
        case tooManyEntries(count: Int, limit: Int)
        /// A central directory larger than `ZipLimits.maxDirectoryBytes`.
        case directoryTooLarge(size: Int, limit: Int)
        /// Something the writer cannot store without ZIP64, which it does not write.
        case tooLargeToWrite
        /// The operating system refused an open, read or write.
        case io(errno: Int32, operation: String)
    }

    public var kind: Kind
    /// The archive's file name, when it was opened from a path.
    public var path: String?
    /// The entry's name inside the archive, when the problem is in one entry.
    public var entry: String?
    /// Extra words for the message: which record, which offset.
    public var detail: String?

    public init(_ kind: Kind, path: String? = nil, entry: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.path = path
        self.entry = entry
        self.detail = detail
    }

    public var description: String {
        var where_: [String] = []
        if let path { where_.append(path) }
        if let entry { where_.append("entry \(entry)") }
        var text = where_.isEmpty ? "" : where_.joined(separator: ", ") + ": "
        text += message
        if let detail { text += " (\(detail))" }
        return text + advice
    }

    private var message: String {
        switch kind {
        case .notAZip(let looksLike):
            let what = looksLike.map { "; it looks like \($0)" } ?? ""
            return "not a ZIP archive, so not an .xlsx workbook\(what)"
        case .truncated:
            return "the file ends too early: it was cut short while being copied or downloaded"
        case .notARegularFile:
            return "not a regular file but a folder, a pipe or a device: a workbook is read from its end, so it must be a file; save it to one first"
        case .damaged:
            return "the archive is damaged: its records contradict each other"
        case .overlappingEntries(let a, let b):
            return "entries \(a) and \(b) share their compressed data, the shape of a ZIP bomb; no workbook does this"
        case .spanned:
            return "the archive is split over several files, which kam does not read"
        case .deflate(let problem):
            return "the compressed data is corrupt: \(problem)"
        case .unsupportedMethod(let method):
            return "compressed with method \(method) (\(Self.methodName(method))), which kam does not read"
        case .encrypted:
            return "the entry is encrypted, which kam does not read"
        case .sizeMismatch(let expected, let actual):
            return actual > expected
                ? "the entry holds more data than the directory declares (\(expected) bytes): the archive is damaged, or a ZIP bomb that hides its size"
                : "the entry expands to \(actual) bytes, but the directory declares \(expected)"
        case .crcMismatch(let expected, let actual):
            return "the entry's checksum is wrong (CRC-32 \(Self.hex(actual)), the directory says \(Self.hex(expected)))"
        case .entryTooLarge(let size, let limit):
            return "the entry expands to \(size) bytes, more than the limit maxEntryBytes = \(limit) (set KAM_MAX_ZIP_ENTRY_BYTES to raise it)"
        case .ratioTooHigh(let size, let compressed, let limit):
            return "the entry is a ZIP bomb or unusually compressible: \(compressed) bytes expand to \(size), more than \(limit) times (set KAM_MAX_ZIP_RATIO to raise the limit)"
        case .tooManyEntries(let count, let limit):
            return "the archive has \(count) entries, more than the limit maxEntries = \(limit) (set KAM_MAX_ZIP_ENTRIES to raise it)"
        case .directoryTooLarge(let size, let limit):
            return "the archive's directory is \(size) bytes, more than the limit maxDirectoryBytes = \(limit) (set KAM_MAX_ZIP_DIRECTORY_BYTES to raise it)"
        case .tooLargeToWrite:
            return "too large for a ZIP archive without ZIP64 extensions, which kam does not write"
        case .io(let errno, let operation):
            return "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }

    /// What the person can do, where there is something.
    private var advice: String {
        switch kind {
        case .truncated, .damaged, .deflate, .sizeMismatch, .crcMismatch:
            return "; get a fresh copy of the file, or open it in Excel or LibreOffice and save it again"
        case .unsupportedMethod, .spanned:
            return "; open it in Excel or LibreOffice and save it again as an .xlsx workbook"
        case .encrypted:
            return "; open it in Excel or LibreOffice and save it again as an .xlsx workbook without a password"
        default:
            return ""
        }
    }

    static func methodName(_ method: UInt16) -> String {
        switch method {
        case 1: return "shrink"
        case 6: return "implode"
        case 9: return "deflate64"
        case 12: return "bzip2"
        case 14: return "LZMA"
        case 93: return "Zstandard"
        case 95: return "XZ"
        case 98: return "PPMd"
        case 99: return "AES encryption"
        default: return "unknown"
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Why a DEFLATE stream (RFC 1951) is invalid. Each names the rule of the format it breaks, so
/// a report from the field can be matched to a byte of the file.
public enum DeflateProblem: Sendable, Equatable, CustomStringConvertible {
    /// A block header with type 3, which the format reserves.
    case invalidBlockType
    /// A stored block whose length and its one's complement disagree.
    case storedLengthMismatch
    /// More codes of some lengths than a prefix code can hold.
    case oversubscribedCode(DeflateCode)
    /// Fewer codes than fill the code space, where the format allows no gaps.
    case incompleteCode(DeflateCode)
    /// A dynamic block whose literal/length code has no end-of-block symbol.
    case missingEndOfBlock
    /// A dynamic header declaring more than 286 literal/length or 30 distance codes.
    case tooManyCodes
    /// Code-length symbol 16 (repeat the previous length) as the very first length.
    case repeatWithoutPrevious
    /// Code lengths repeated past the number the header declared.
    case tooManyLengths
    /// Literal/length symbol 286 or 287, or a code the block's code does not assign.
    case invalidLengthSymbol
    /// Distance symbol 30 or 31, or a code the block's code does not assign.
    case invalidDistanceSymbol
    /// A match reaching further back than the output so far.
    case distanceTooFar(distance: Int, available: Int)
    /// The compressed data ends before the final block does.
    case endOfInput

    public var description: String {
        switch self {
        case .invalidBlockType: return "a block of the reserved type 3"
        case .storedLengthMismatch: return "a stored block's length does not match its complement"
        case .oversubscribedCode(let code): return "the \(code) code has more codes than fit"
        case .incompleteCode(let code): return "the \(code) code leaves codes unassigned"
        case .missingEndOfBlock: return "a block's code has no end-of-block symbol"
        case .tooManyCodes: return "a block declares more than 286 literal/length or 30 distance codes"
        case .repeatWithoutPrevious: return "a repeated code length with no length before it"
        case .tooManyLengths: return "code lengths repeated past the number declared"
        case .invalidLengthSymbol: return "an invalid literal/length symbol"
        case .invalidDistanceSymbol: return "an invalid distance symbol"
        case .distanceTooFar(let distance, let available):
            return "a match \(distance) bytes back, with only \(available) bytes of output before it"
        case .endOfInput: return "the compressed data ends before its last block"
        }
    }
}

/// The three prefix codes of a dynamic DEFLATE block.
public enum DeflateCode: Sendable, Equatable, CustomStringConvertible {
    case codeLength, literalLength, distance

    public var description: String {
        switch self {
        case .codeLength: return "code-length"
        case .literalLength: return "literal/length"
        case .distance: return "distance"
        }
    }
}
