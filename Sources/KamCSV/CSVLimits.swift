#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ceilings that keep memory flat whatever the input: a stray quote near the top of a huge
/// export would otherwise make the rest of the file one field and swallow it into memory.
/// The defaults can be raised with environment variables, named in every error.
public struct CSVLimits: Sendable, Equatable {
    /// Largest unescaped field, in bytes (`KAM_MAX_FIELD_BYTES`).
    public var maxFieldBytes: Int
    /// Largest unescaped record (all fields together), in bytes (`KAM_MAX_RECORD_BYTES`).
    public var maxRecordBytes: Int
    /// Most fields in one record (`KAM_MAX_COLUMNS`).
    public var maxColumns: Int

    public init(
        maxFieldBytes: Int = CSVLimits.fromEnvironment.0, maxRecordBytes: Int = CSVLimits.fromEnvironment.1,
        maxColumns: Int = CSVLimits.fromEnvironment.2
    ) {
        precondition(maxFieldBytes > 0 && maxRecordBytes > 0 && maxColumns > 0, "limits must be positive")
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxColumns = maxColumns
    }

    /// The defaults (16 MiB, 64 MiB, 10,000 columns), or what the environment sets, up to
    /// 1 GiB, 2 GiB and a million columns.
    public static let fromEnvironment: (Int, Int, Int) = (
        setting("KAM_MAX_FIELD_BYTES", 16 << 20, ceiling: 1 << 30),
        setting("KAM_MAX_RECORD_BYTES", 64 << 20, ceiling: 2 << 30),
        setting("KAM_MAX_COLUMNS", 10_000, ceiling: 1_000_000)
    )

    private static func setting(_ name: String, _ fallback: Int, ceiling: Int) -> Int {
        guard let text = getenv(name).map({ String(cString: $0) }), let n = Int(text), n > 0 else { return fallback }
        return min(n, ceiling)
    }
}
