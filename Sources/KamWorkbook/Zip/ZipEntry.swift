/// One entry of an archive's central directory. The directory, not the local header before
/// the data, is what counts: an entry written with a data descriptor (flag bit 3) has zeros
/// in its local header, and its sizes and CRC-32 only here.
public struct ZipEntry: Sendable, Equatable {
    /// The name: UTF-8 when flag bit 11 says so or the bytes are valid UTF-8 anyway, code page
    /// 437 (what the format assumes otherwise) when they are not.
    public let name: String
    /// The name's bytes as stored.
    public let nameBytes: [UInt8]
    /// The compression method: 0 stored, 8 deflate; others are named in the error that
    /// refuses them.
    public let method: UInt16
    /// The general-purpose flags: bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name.
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: Int
    /// The uncompressed size: what a reader of the entry produces, exactly.
    public let size: Int
    public let modified: ZipTimestamp
    /// Where the entry's local header starts in the archive.
    public let localHeaderOffset: Int

    public var isDirectory: Bool { name.hasSuffix("/") }
    /// Encrypted with ZIP's own encryption (flag bit 0) or WinZip's AES (method 99).
    public var isEncrypted: Bool { flags & 1 != 0 || method == 99 }
    public var hasDataDescriptor: Bool { flags & 8 != 0 }

    init(
        name: String, nameBytes: [UInt8], method: UInt16, flags: UInt16, crc32: UInt32, compressedSize: Int,
        size: Int, modified: ZipTimestamp, localHeaderOffset: Int
    ) {
        self.name = name
        self.nameBytes = nameBytes
        self.method = method
        self.flags = flags
        self.crc32 = crc32
        self.compressedSize = compressedSize
        self.size = size
        self.modified = modified
        self.localHeaderOffset = localHeaderOffset
    }
}

/// A modification time as ZIP stores it (MS-DOS format: local time, two-second steps, years
/// 1980 to 2107). The writer takes one from its caller rather than the clock, so the same
/// workbook written twice is the same bytes, and golden files can hold it.
public struct ZipTimestamp: Sendable, Equatable {
    /// Bits 15–9 the year since 1980, 8–5 the month, 4–0 the day.
    public let date: UInt16
    /// Bits 15–11 the hour, 10–5 the minute, 4–0 the second divided by two.
    public let time: UInt16

    public init(date: UInt16, time: UInt16) {
        self.date = date
        self.time = time
    }

    /// The given moment, each field clamped into what the format can hold.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let y = min(max(year, 1980), 2107) - 1980
        date = UInt16(y << 9 | min(max(month, 1), 12) << 5 | min(max(day, 1), 31))
        time = UInt16(min(max(hour, 0), 23) << 11 | min(max(minute, 0), 59) << 5 | min(max(second, 0), 59) / 2)
    }

    /// 1980-01-01 00:00:00, the earliest time the format holds.
    public static let earliest = ZipTimestamp(year: 1980, month: 1, day: 1)

    public var year: Int { 1980 + Int(date >> 9) }
    public var month: Int { Int(date >> 5 & 0xF) }
    public var day: Int { Int(date & 0x1F) }
    public var hour: Int { Int(time >> 11) }
    public var minute: Int { Int(time >> 5 & 0x3F) }
    public var second: Int { Int(time & 0x1F) * 2 }
}
