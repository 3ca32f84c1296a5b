/// Why a workbook cannot be read: which part of it (`xl/worksheets/sheet1.xml`, or a cell
/// as `Sheet1!C17`), and what is wrong, in words a person who only saved a file from Excel
/// can act on.
public struct WorkbookError: Error, Sendable, CustomStringConvertible {
    /// The part or cell the problem is in.
    public let part: String
    /// Bytes into the part, when the problem is in its XML.
    public let offset: Int?
    public let message: String

    public init(part: String, offset: Int? = nil, message: String) {
        self.part = part
        self.offset = offset
        self.message = message
    }

    public var description: String {
        "\(part)" + (offset.map { " (byte \($0))" } ?? "") + ": \(message)"
    }
}
