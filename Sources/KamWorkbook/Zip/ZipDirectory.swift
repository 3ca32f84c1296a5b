/// The central directory: found through the end record at the back of the file (after a
/// comment of up to 65,535 bytes), and through the ZIP64 end record where sizes, offsets or
/// the count of entries outgrow 32 and 16 bits. Every field is checked against the file and
/// the limits before anything is allocated by it.
struct ZipDirectory {
    var entries: [ZipEntry]
    var comment: [UInt8]

    private static let endSignature = 0x0605_4B50
    private static let zip64LocatorSignature = 0x0706_4B50
    private static let zip64EndSignature = 0x0606_4B50
    private static let centralSignature = 0x0201_4B50
    static let localSignature = 0x0403_4B50
    /// The fixed part of each record.
    private static let endSize = 22, zip64LocatorSize = 20, zip64EndSize = 56, centralSize = 46
    static let localSize = 30

    /// Where the end record says the directory is.
    private struct End {
        var count: Int
        var offset: Int
        var size: Int
        /// Where the directory must end: at the end record, or at the ZIP64 end record.
        var limit: Int
        var comment: [UInt8]
    }

    init(_ storage: ZipStorage, limits: ZipLimits) throws(ZipError) {
        let end = try Self.findEnd(storage)
        if end.count > limits.maxEntries { throw ZipError(.tooManyEntries(count: end.count, limit: limits.maxEntries)) }
        if end.size > limits.maxDirectoryBytes {
            throw ZipError(.directoryTooLarge(size: end.size, limit: limits.maxDirectoryBytes))
        }
        guard end.offset <= end.limit - end.size, end.count <= end.size / Self.centralSize else {
            throw ZipError(.damaged, detail: "the end record places the directory outside the file")
        }
        let records = try storage.bytes(at: end.offset, count: end.size)
        entries = try Self.parse(records, count: end.count, directoryOffset: end.offset)
        comment = end.comment
        try Self.checkOverlaps(entries)
    }

    private static func findEnd(_ storage: ZipStorage) throws(ZipError) -> End {
        let tailSize = min(storage.size, endSize + 0xFFFF)
        let tailStart = storage.size - tailSize
        let tail = try storage.bytes(at: tailStart, count: tailSize)
        // The record whose comment runs exactly to the end of the file; failing that (bytes
        // appended after the archive), the last one whose comment fits in the file.
        var found: Int?
        var p = tailSize - endSize
        while p >= 0 {
            if tail.uint32(at: p) == endSignature {
                let commentEnd = p + endSize + tail.uint16(at: p + 20)
                if commentEnd == tailSize {
                    found = p
                    break
                }
                if commentEnd < tailSize && found == nil { found = p }
            }
            p -= 1
        }
        guard let at = found else { throw try notAZip(storage) }
        let position = tailStart + at
        var end = End(
            count: tail.uint16(at: at + 10), offset: tail.uint32(at: at + 16), size: tail.uint32(at: at + 12),
            limit: position, comment: Array(tail[(at + endSize)..<(at + endSize + tail.uint16(at: at + 20))]))
        // Disk numbers and counts may read 0xFFFF when the ZIP64 end record holds them.
        let disk = tail.uint16(at: at + 4), directoryDisk = tail.uint16(at: at + 6)
        if (disk != 0 && disk != 0xFFFF) || (directoryDisk != 0 && directoryDisk != 0xFFFF)
            || tail.uint16(at: at + 8) != end.count
        {
            throw ZipError(.spanned)
        }
        guard position >= zip64LocatorSize else { return end }
        let locator = try storage.bytes(at: position - zip64LocatorSize, count: zip64LocatorSize)
        guard locator.uint32(at: 0) == zip64LocatorSignature else { return end }
        if locator.uint32(at: 16) > 1 { throw ZipError(.spanned) }
        guard let recordOffset = locator.uint64(at: 8), recordOffset <= position - zip64LocatorSize - zip64EndSize else {
            throw ZipError(.damaged, detail: "the ZIP64 locator points outside the file")
        }
        let record = try storage.bytes(at: recordOffset, count: zip64EndSize)
        guard record.uint32(at: 0) == zip64EndSignature else {
            throw ZipError(.damaged, detail: "no ZIP64 end record where the locator points")
        }
        guard let count = record.uint64(at: 32), let size = record.uint64(at: 40), let offset = record.uint64(at: 48),
            record.uint64(at: 24) == count
        else { throw ZipError(.damaged, detail: "the ZIP64 end record's sizes are impossible") }
        if record.uint32(at: 16) != 0 || record.uint32(at: 20) != 0 { throw ZipError(.spanned) }
        end.count = count
        end.size = size
        end.offset = offset
        end.limit = recordOffset
        return end
    }

    /// The error for a file without an end record: a truncated archive if it starts as one,
    /// otherwise not an archive at all, with a guess at what it is.
    private static func notAZip(_ storage: ZipStorage) throws(ZipError) -> ZipError {
        let head = try storage.bytes(at: 0, count: min(storage.size, 512))
        if head.count >= 4 && head.uint32(at: 0) == localSignature { return ZipError(.truncated) }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return ZipError(.notAZip(looksLike: "an Excel 97-2003 .xls workbook or a password-protected Office file; save it from Excel as .xlsx without a password"))
        }
        if !head.isEmpty && head.allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return ZipError(.notAZip(looksLike: "text (kam reads CSV files as they are)"))
        }
        return ZipError(.notAZip(looksLike: nil))
    }

    private static func parse(_ records: [UInt8], count: Int, directoryOffset: Int) throws(ZipError) -> [ZipEntry] {
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var p = 0
        for index in 0..<count {
            guard p <= records.count - centralSize, records.uint32(at: p) == centralSignature else {
                throw ZipError(.damaged, detail: "directory record \(index + 1) is missing")
            }
            let nameLength = records.uint16(at: p + 28), extraLength = records.uint16(at: p + 30)
            let next = p + centralSize + nameLength + extraLength + records.uint16(at: p + 32)
            guard next <= records.count else { throw ZipError(.damaged, detail: "directory record \(index + 1) is cut short") }
            let flags = UInt16(records.uint16(at: p + 8))
            let nameBytes = Array(records[(p + centralSize)..<(p + centralSize + nameLength)])
            let name = EntryName.decode(nameBytes, utf8Flag: flags & 0x800 != 0)
            var size = records.uint32(at: p + 24), compressed = records.uint32(at: p + 20)
            var offset = records.uint32(at: p + 42), disk = records.uint16(at: p + 34)
            let extra = Array(records[(p + centralSize + nameLength)..<(p + centralSize + nameLength + extraLength)])
            if size == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || disk == 0xFFFF {
                guard var wide = Zip64Extra(extra) else {
                    throw ZipError(.damaged, entry: name, detail: "its ZIP64 extra field is missing")
                }
                if size == 0xFFFF_FFFF { size = try wide.next(8, name) }
                if compressed == 0xFFFF_FFFF { compressed = try wide.next(8, name) }
                if offset == 0xFFFF_FFFF { offset = try wide.next(8, name) }
                if disk == 0xFFFF { disk = try wide.next(4, name) }
            }
            if disk != 0 { throw ZipError(.spanned, entry: name) }
            guard compressed <= directoryOffset, offset <= directoryOffset - compressed - localSize - nameLength else {
                throw ZipError(.damaged, entry: name, detail: "its data runs into the directory")
            }
            entries.append(ZipEntry(
                name: name, nameBytes: nameBytes, method: UInt16(records.uint16(at: p + 10)), flags: flags,
                crc32: UInt32(records.uint32(at: p + 16)), compressedSize: compressed, size: size,
                modified: ZipTimestamp(date: UInt16(records.uint16(at: p + 14)), time: UInt16(records.uint16(at: p + 12))),
                localHeaderOffset: offset))
            p = next
        }
        return entries
    }

    /// Refuses entries whose data overlap: no writer makes them, and a bomb that reuses one
    /// compressed stream for thousands of entries needs them. Each entry's extent is at least
    /// its local header's fixed part, its name and its compressed data.
    private static func checkOverlaps(_ entries: [ZipEntry]) throws(ZipError) {
        let order = entries.indices.sorted { entries[$0].localHeaderOffset < entries[$1].localHeaderOffset }
        for (a, b) in zip(order, order.dropFirst()) {
            let first = entries[a]
            if first.localHeaderOffset + localSize + first.nameBytes.count + first.compressedSize > entries[b].localHeaderOffset {
                throw ZipError(.overlappingEntries(first.name, entries[b].name))
            }
        }
    }
}

/// The values of a ZIP64 extra field (header 0x0001), read in order: they stand for the
/// record's fields marked 0xFFFFFFFF (the disk 0xFFFF), and only those; the sizes and the
/// offset take 8 bytes, the disk 4.
private struct Zip64Extra {
    private let bytes: [UInt8]
    private var at = 0

    init?(_ extra: [UInt8]) {
        var p = 0
        while p + 4 <= extra.count {
            let id = extra.uint16(at: p), length = extra.uint16(at: p + 2)
            guard p + 4 + length <= extra.count else { return nil }
            if id == 1 {
                bytes = Array(extra[(p + 4)..<(p + 4 + length)])
                return
            }
            p += 4 + length
        }
        return nil
    }

    mutating func next(_ width: Int, _ name: String) throws(ZipError) -> Int {
        guard at + width <= bytes.count, let value = width == 8 ? bytes.uint64(at: at) : Optional(bytes.uint32(at: at)) else {
            throw ZipError(.damaged, entry: name, detail: "its ZIP64 extra field is too short or holds an impossible size")
        }
        at += width
        return value
    }
}
