/// A ZIP archive opened for reading, as an `.xlsx` workbook is one: its directory read whole
/// (within `ZipLimits`), its entries streamed on demand by `ZipEntryReader`s, any number at a
/// time. Stored and deflated entries are read, with or without data descriptors, ZIP64 or not;
/// other methods, encryption and split archives are refused with an error that says so.
///
///     let archive = try ZipArchive(path: "accounts.xlsx")
///     guard let sheet = archive.entry(named: "xl/worksheets/sheet1.xml") else { ... }
///     var reader = try archive.reader(for: sheet)
///     var chunk: [UInt8] = []
///     while try reader.read(into: &chunk, max: 1 << 16) > 0 { parse(chunk); chunk.removeAll(keepingCapacity: true) }
public struct ZipArchive: Sendable {
    /// The file's path, when opened from one; errors name it.
    public let path: String?
    /// The entries in directory order.
    public let entries: [ZipEntry]
    /// The archive comment's bytes (usually none).
    public let comment: [UInt8]
    public let limits: ZipLimits

    private let storage: ZipStorage
    private let index: [String: Int]

    /// Opens the file at `path` and reads its directory. The file stays open until the archive
    /// and every reader of it are gone.
    public init(path: String, limits: ZipLimits = ZipLimits()) throws(ZipError) {
        do throws(ZipError) {
            try self.init(storage: ZipStorage.openFile(path), path: path, limits: limits)
        } catch {
            var located = error
            located.path = path
            throw located
        }
    }

    /// An archive already in memory; `name` stands for the path in errors.
    public init(bytes: [UInt8], name: String? = nil, limits: ZipLimits = ZipLimits()) throws(ZipError) {
        do throws(ZipError) {
            try self.init(storage: .memory(bytes), path: name, limits: limits)
        } catch {
            var located = error
            located.path = name
            throw located
        }
    }

    private init(storage: ZipStorage, path: String?, limits: ZipLimits) throws(ZipError) {
        let directory = try ZipDirectory(storage, limits: limits)
        self.storage = storage
        self.path = path
        self.limits = limits
        entries = directory.entries
        comment = directory.comment
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() where index[entry.name] == nil { index[entry.name] = i }
        self.index = index
    }

    /// The first entry with this exact name (ZIP names are case-sensitive and have no leading
    /// slash: "xl/workbook.xml").
    public func entry(named name: String) -> ZipEntry? {
        index[name].map { entries[$0] }
    }

    /// A reader of `entry`'s bytes. Everything that can be known before reading is checked
    /// here: the method, encryption, the size and ratio limits, and the local header.
    public func reader(for entry: ZipEntry) throws(ZipError) -> ZipEntryReader {
        do throws(ZipError) {
            if entry.isEncrypted { throw ZipError(.encrypted) }
            if entry.method != 0 && entry.method != 8 { throw ZipError(.unsupportedMethod(entry.method)) }
            if entry.size > limits.maxEntryBytes {
                throw ZipError(.entryTooLarge(size: entry.size, limit: limits.maxEntryBytes))
            }
            if entry.method == 8 && entry.size > limits.ratioCeiling(compressed: entry.compressedSize) {
                throw ZipError(.ratioTooHigh(size: entry.size, compressed: entry.compressedSize, limit: limits.maxRatio))
            }
            if entry.method == 0 && entry.compressedSize != entry.size {
                throw ZipError(.damaged, detail: "a stored entry whose two sizes differ")
            }
            // The local header's name and extra field may differ in length from the
            // directory's; the data starts after the local ones.
            let header = try storage.bytes(at: entry.localHeaderOffset, count: ZipDirectory.localSize)
            guard header.uint32(at: 0) == ZipDirectory.localSignature else {
                throw ZipError(.damaged, detail: "no local header at offset \(entry.localHeaderOffset)")
            }
            let start = entry.localHeaderOffset + ZipDirectory.localSize + header.uint16(at: 26) + header.uint16(at: 28)
            guard start <= storage.size - entry.compressedSize else { throw ZipError(.truncated) }
            return ZipEntryReader(
                entry: entry, data: ZipRegion(storage: storage, offset: start, remaining: entry.compressedSize), path: path)
        } catch {
            var located = error
            located.path = path
            located.entry = entry.name
            throw located
        }
    }

    /// The whole of `entry`, for the small parts of a workbook.
    public func contents(of entry: ZipEntry) throws(ZipError) -> [UInt8] {
        var reader = try reader(for: entry)
        return try reader.readAll()
    }
}
