/// A piece of text that was cut out of a larger file (an expression inside a JSON5 string,
/// say), with the map from its own byte offsets back to the file's.
///
/// An expression is parsed on its own, so its errors carry offsets into the expression. This
/// is what lets them point at the rule file's line and column instead, even when the string
/// literal held escapes such as `\"` or `\u00e9` that make the two offsets differ.
public struct SourceText: Sendable {
    /// The decoded text the parser sees.
    public let text: String
    /// The file the text came from.
    public let file: SourceFile
    private let offsets: Offsets

    private enum Offsets: Sendable {
        /// Text byte `i` is file byte `base + i`.
        case shifted(Int)
        /// Text byte `i` is file byte `table[i]`; `table` has one extra entry for the end.
        case table([Int])
    }

    /// Text that is a whole file (an expression given on the command line, for one).
    public init(wholeFile file: SourceFile) {
        self.text = String(decoding: file.bytes, as: UTF8.self)
        self.file = file
        self.offsets = .shifted(0)
    }

    /// Text copied byte for byte from `file`, starting at `base`.
    public init(text: String, file: SourceFile, base: Int) {
        self.text = text
        self.file = file
        self.offsets = .shifted(base)
    }

    /// Text whose bytes map to file offsets one by one; `table.count == text.utf8.count + 1`.
    public init(text: String, file: SourceFile, offsetTable table: [Int]) {
        precondition(table.count == text.utf8.count + 1, "offset table must cover the text and its end")
        self.text = text
        self.file = file
        self.offsets = .table(table)
    }

    /// The file offset of a text offset.
    public func fileOffset(_ offset: Int) -> Int {
        switch offsets {
        case .shifted(let base):
            return base + offset
        case .table(let table):
            return table[min(max(0, offset), table.count - 1)]
        }
    }

    /// A span in the text, as a span in the file.
    public func fileSpan(_ span: SourceSpan) -> SourceSpan {
        SourceSpan(start: fileOffset(span.start), end: fileOffset(span.end))
    }
}
