#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ceilings that keep memory and time bounded whatever archive arrives: a ZIP bomb of a few
/// kilobytes can declare, or hide, gigabytes of output. Every limit is checked before the
/// bytes it guards are produced, and each can be raised with the environment variable its
/// error names.
public struct ZipLimits: Sendable, Equatable {
    /// Largest uncompressed entry, in bytes (`KAM_MAX_ZIP_ENTRY_BYTES`).
    public var maxEntryBytes: Int
    /// Largest ratio of an entry's uncompressed to compressed size (`KAM_MAX_ZIP_RATIO`).
    /// Sheets measured at authoring time, zlib level 6: 9 to 23 times for sheets with cell
    /// references, 214 for 50 blank styled cells a row with none, 410 for a shared-strings
    /// table of one string repeated 200,000 times. DEFLATE cannot pass about 1,032 times, and
    /// a bomb comes close to that; the default 500 lies between.
    public var maxRatio: Int
    /// Most entries in one archive (`KAM_MAX_ZIP_ENTRIES`); a workbook has tens.
    public var maxEntries: Int
    /// Largest central directory, in bytes (`KAM_MAX_ZIP_DIRECTORY_BYTES`): it is read whole.
    public var maxDirectoryBytes: Int

    /// Output an entry may produce beyond `maxRatio` times its compressed size: a part of a
    /// few hundred bytes, all spaces or empty rows, expands further than a large one can.
    public static let ratioAllowance = 64 << 10

    public init(
        maxEntryBytes: Int = ZipLimits.fromEnvironment.0, maxRatio: Int = ZipLimits.fromEnvironment.1,
        maxEntries: Int = ZipLimits.fromEnvironment.2, maxDirectoryBytes: Int = ZipLimits.fromEnvironment.3
    ) {
        precondition(maxEntryBytes > 0 && maxRatio > 0 && maxEntries > 0 && maxDirectoryBytes > 0, "limits must be positive")
        self.maxEntryBytes = maxEntryBytes
        self.maxRatio = maxRatio
        self.maxEntries = maxEntries
        self.maxDirectoryBytes = maxDirectoryBytes
    }

    /// The defaults (4 GiB, 500 times, 100,000 entries, 64 MiB), or what the environment
    /// sets, up to 1 TiB, 1,000,000 times, ten million entries and 4 GiB.
    public static let fromEnvironment: (Int, Int, Int, Int) = (
        setting("KAM_MAX_ZIP_ENTRY_BYTES", 4 << 30, ceiling: 1 << 40),
        setting("KAM_MAX_ZIP_RATIO", 500, ceiling: 1_000_000),
        setting("KAM_MAX_ZIP_ENTRIES", 100_000, ceiling: 10_000_000),
        setting("KAM_MAX_ZIP_DIRECTORY_BYTES", 64 << 20, ceiling: 4 << 30)
    )

    /// The most an entry of `compressed` bytes may expand to under the ratio limit.
    func ratioCeiling(compressed: Int) -> Int {
        let (product, tooLarge) = compressed.multipliedReportingOverflow(by: maxRatio)
        let (sum, alsoTooLarge) = product.addingReportingOverflow(Self.ratioAllowance)
        return tooLarge || alsoTooLarge ? Int.max : sum
    }

    static func setting(_ name: String, _ fallback: Int, ceiling: Int) -> Int {
        guard let text = getenv(name).map({ String(cString: $0) }), let n = Int(text), n > 0 else { return fallback }
        return min(n, ceiling)
    }
}
