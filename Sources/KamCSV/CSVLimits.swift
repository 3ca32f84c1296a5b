/// Ceilings that keep memory flat whatever the input: a stray quote near the top of a huge
/// export would otherwise make the rest of the file one field and swallow it into memory.
public struct CSVLimits: Sendable, Equatable {
    /// Largest unescaped field, in bytes.
    public var maxFieldBytes: Int
    /// Largest unescaped record (all fields together), in bytes.
    public var maxRecordBytes: Int
    /// Most fields in one record.
    public var maxColumns: Int

    public init(maxFieldBytes: Int = 16 << 20, maxRecordBytes: Int = 64 << 20, maxColumns: Int = 10_000) {
        precondition(maxFieldBytes > 0 && maxRecordBytes > 0 && maxColumns > 0, "limits must be positive")
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxColumns = maxColumns
    }
}
