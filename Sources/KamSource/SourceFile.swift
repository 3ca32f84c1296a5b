/// A byte range in a `SourceFile`, as half-open offsets.
///
/// Positions are kept as byte offsets everywhere and turned into lines and columns only when
/// a diagnostic is rendered, so nothing on a hot path ever counts lines.
public struct SourceSpan: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    public init(_ range: Range<Int>) {
        self.init(start: range.lowerBound, end: range.upperBound)
    }

    public var count: Int { end - start }

    /// The smallest span covering both.
    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}

/// A 1-based line and column. Columns count Unicode scalars, the way editors count
/// characters for the languages our files are written in.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// The text of one input (a rule file, a questionnaire, an expression typed on the command
/// line) with the table that maps byte offsets to lines.
public final class SourceFile: Sendable {
    /// The name shown in diagnostics: a path as the user gave it, or a label like `<expr>`.
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line; a line ends at LF, CR or CRLF.
    private let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                starts.append(i + 1)
            } else if b == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    public var lineCount: Int { lineStarts.count }

    /// The line and column of a byte offset (clamped to the file).
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), bytes.count)
        // The last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var i = lineStarts[low]
        while i < offset {
            // Count scalars: every byte that is not a UTF-8 continuation byte starts one.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(line: low + 1, column: column)
    }

    /// The text of a 1-based line, without its line break. Invalid UTF-8 is repaired.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The byte offset where a 1-based line starts.
    public func lineStart(_ line: Int) -> Int {
        lineStarts[min(max(line, 1), lineStarts.count) - 1]
    }

    /// The text of a span (invalid UTF-8 repaired).
    public func text(_ span: SourceSpan) -> String {
        let start = min(max(0, span.start), bytes.count)
        let end = min(max(start, span.end), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
