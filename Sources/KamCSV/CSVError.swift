/// Everything that can stop reading or writing delimited text, with the position of the
/// problem, so a user with a million-row export can open it at the right line instead of
/// bisecting it by hand.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A quoted field was still open at the end of the input.
        case unterminatedQuote
        /// A strict reader met `"` inside an unquoted field or text after a closing quote.
        case quoteInUnquotedField
        /// One field's unescaped bytes went past `CSVLimits.maxFieldBytes`.
        case fieldTooLarge(limit: Int)
        /// One record's unescaped bytes went past `CSVLimits.maxRecordBytes`.
        case recordTooLarge(limit: Int)
        /// One record had more fields than `CSVLimits.maxColumns`.
        case tooManyColumns(limit: Int)
        /// Bytes that are not UTF-8, and the one-byte encoding they look like, if any.
        case invalidUTF8(likely: CSVEncoding?)
        /// A NUL byte: valid UTF-8, but a sign of UTF-16 without a byte-order mark, or of a
        /// file that is not text.
        case nulByte
        /// The operating system refused a read, write or open; `errno` and what was tried.
        case io(errno: Int32, operation: String)
        /// A later pass over the file found other rows than the first: something wrote to it.
        case changed
        /// A row's measure is not among the figures given for the whole list (`--portfolio`).
        case notInPortfolio
    }

    public var kind: Kind
    /// 1-based physical line (CR, LF and CRLF each end one) where the problem is.
    public var line: Int?
    /// 1-based field index within the record, where known.
    public var column: Int?
    /// 0-based byte offset in the input (in the UTF-8 text after transcoding, if any).
    public var byteOffset: Int?
    /// The file name, when the reader was opened from a path.
    public var path: String?
    /// Extra words for the message (where the unclosed quote began, for instance).
    public var detail: String?
    /// The option an encoding hint names: a command reading a second file has its own.
    public var encodingOption = "--encoding"

    public init(
        _ kind: Kind, line: Int? = nil, column: Int? = nil, byteOffset: Int? = nil,
        path: String? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.path = path
        self.detail = detail
    }

    public var description: String {
        var where_: [String] = []
        if let path { where_.append(path) }
        if let line { where_.append("line \(line)") }
        if let column { where_.append("field \(column)") }
        let prefix = where_.isEmpty ? "" : where_.joined(separator: ", ") + ": "
        var text = prefix + message
        if let detail { text += "; " + detail }
        return text
    }

    private var message: String {
        switch kind {
        case .unterminatedQuote:
            return "unclosed quote starting here; the record runs to the end of the file"
        case .quoteInUnquotedField:
            return "quote character inside an unquoted field (quote the whole field and double the inner quotes)"
        case .fieldTooLarge(let limit):
            return "field is larger than the limit maxFieldBytes = \(limit) bytes (set KAM_MAX_FIELD_BYTES to raise it)"
        case .recordTooLarge(let limit):
            return "record is larger than the limit maxRecordBytes = \(limit) bytes (set KAM_MAX_RECORD_BYTES to raise it)"
        case .tooManyColumns(let limit):
            return "record has more fields than the limit maxColumns = \(limit) (set KAM_MAX_COLUMNS to raise it)"
        case .invalidUTF8(let likely):
            let at = byteOffset.map { " at byte offset \($0)" } ?? ""
            switch likely {
            case .windows1251?:
                return "invalid UTF-8\(at); the bytes look like Russian in Windows-1251, try \(encodingOption) cp1251"
            case .windows1252?, .latin1?:
                return "invalid UTF-8\(at); the bytes look like Western European text in Windows-1252 or Latin-1 (a Salesforce or Excel export), try \(encodingOption) cp1252"
            default:
                return "invalid UTF-8\(at); give the file's encoding with \(encodingOption) (utf16le, cp1251, cp1252)"
            }
        case .nulByte:
            return "a NUL byte (0x00), which no text file holds; the file may be UTF-16 without a byte-order mark (try \(encodingOption) utf16le) or not text at all"
        case .notInPortfolio:
            return "this account's sales are not in the portfolio file: it was made from other data than this list, or the list changed since (write it again with `kam portfolio`); "
                + "or a customer has several lines, which standard input, read once, cannot group: give the partition as a file"
        case .changed:
            return "the file changed while it was being read (a later pass found other rows than the first); score a copy that nothing is writing to"
        case .io(let errno, let operation):
            return "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
