#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a ZIP archive of stored (uncompressed) entries with their CRC-32s, as an `.xlsx`
/// needs no more. Each entry streams through in pieces: its size and checksum are known only
/// at its end, so its local header is written with zeros and patched afterwards with `pwrite`,
/// which gives the plain layout Excel and LibreOffice expect (no data descriptors). The
/// directory and its end record follow the last entry.
///
/// The descriptor must be a regular file opened for writing, without `O_APPEND` (the patches
/// go back into it); the archive is written from offset 0 and the file cut after its end.
/// Every timestamp is the one given, so the same entries give the same bytes.
///
/// Without ZIP64, entries of 4 GiB or more, archives of 4 GiB or more and more than 65,535
/// entries are refused.
public struct ZipWriter: Sendable {
    private struct OpenEntry {
        var name: [UInt8]
        var flags: UInt16
        var headerOffset: Int
        var size = 0
        var crc = CRC32()
    }

    private let fd: Int32
    private let path: String?
    private let modified: ZipTimestamp
    /// Bytes produced so far, the buffered ones included.
    private var offset = 0
    private var buffer: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    private var current: OpenEntry?
    private var finished = false

    private static let bufferSize = 1 << 18
    private static let limit = 0xFFFF_FFFF

    /// `path` names the file in errors.
    public init(fileDescriptor: Int32, path: String? = nil, modified: ZipTimestamp) {
        fd = fileDescriptor
        self.path = path
        self.modified = modified
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Starts an entry (ending the one before, if any). Names use `/` between folders and no
    /// leading slash; a name that is not ASCII is marked UTF-8 (flag bit 11).
    public mutating func beginEntry(named name: String) throws(ZipError) {
        precondition(!finished, "the archive is finished")
        try endEntry()
        let bytes = Array(name.utf8)
        guard bytes.count <= 0xFFFF, count < 0xFFFF, offset <= Self.limit else {
            throw failure(name, "more than 65,535 entries, a name over 65,535 bytes, or an archive over 4 GiB")
        }
        let flags: UInt16 = bytes.allSatisfy { $0 < 0x80 } ? 0 : 0x800
        current = OpenEntry(name: bytes, flags: flags, headerOffset: offset)
        var header: [UInt8] = []
        header.le32(0x0403_4B50)
        header.le16(20)  // version needed: 2.0
        header.le16(Int(flags))
        header.le16(0)  // stored
        header.le16(Int(modified.time))
        header.le16(Int(modified.date))
        header.append(contentsOf: repeatElement(0, count: 12))  // CRC-32 and sizes, patched at the end
        header.le16(bytes.count)
        header.le16(0)  // no extra field
        header.append(contentsOf: bytes)
        try emit(header)
    }

    /// Adds bytes to the open entry.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        precondition(current != nil, "write(_:) before beginEntry(named:)")
        guard bytes.count <= Self.limit - current!.size else {
            throw failure(String(decoding: current!.name, as: UTF8.self), "an entry of 4 GiB or more")
        }
        current!.size += bytes.count
        current!.crc.update(bytes)
        try emit(bytes)
    }

    public mutating func write(_ bytes: [UInt8]) throws(ZipError) {
        try bytes.withUnsafeBufferPointer { (b) throws(ZipError) in try write(UnsafeRawBufferPointer(b)) }
    }

    /// Ends the open entry, if any: patches its local header and records it in the directory.
    public mutating func endEntry() throws(ZipError) {
        guard let entry = current else { return }
        current = nil
        var sizes: [UInt8] = []
        sizes.le32(Int(entry.crc.value))
        sizes.le32(entry.size)
        sizes.le32(entry.size)
        try patch(at: entry.headerOffset + 14, sizes)
        directory.le32(0x0201_4B50)
        // Made by Unix, version 2.0, with permissions rw-r--r-- for a regular file: an MS-DOS
        // host makes Info-ZIP's unzip read the name as code page 437 despite the UTF-8 flag.
        directory.le16(3 << 8 | 20)
        directory.le16(20)
        directory.le16(Int(entry.flags))
        directory.le16(0)
        directory.le16(Int(modified.time))
        directory.le16(Int(modified.date))
        directory.append(contentsOf: sizes)
        directory.le16(entry.name.count)
        directory.append(contentsOf: repeatElement(0, count: 8))  // extra, comment, disk, internal attributes
        directory.le32(0o100644 << 16)
        directory.le32(entry.headerOffset)
        directory.append(contentsOf: entry.name)
        count += 1
    }

    /// A whole entry at once.
    public mutating func addEntry(named name: String, contents: [UInt8]) throws(ZipError) {
        try beginEntry(named: name)
        try write(contents)
        try endEntry()
    }

    /// Ends the open entry, writes the directory and the end record, and cuts the file there.
    /// The descriptor stays open: closing it (and syncing it, where that matters) is the
    /// caller's.
    public mutating func finish() throws(ZipError) {
        precondition(!finished, "the archive is finished")
        try endEntry()
        let start = offset
        guard start <= Self.limit, directory.count <= Self.limit - start else {
            throw failure(nil, "an archive over 4 GiB")
        }
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le32(0)  // this disk, the directory's disk
        end.le16(count)
        end.le16(count)
        end.le32(directory.count)
        end.le32(start)
        end.le16(0)  // no comment
        try emit(directory)
        try emit(end)
        try flush()
        if ftruncate(fd, off_t(offset)) != 0 { throw ZipError(.io(errno: errno, operation: "truncate"), path: path) }
        finished = true
    }

    private func failure(_ entry: String?, _ what: String) -> ZipError {
        ZipError(.tooLargeToWrite, path: path, entry: entry, detail: what)
    }

    private mutating func emit(_ bytes: [UInt8]) throws(ZipError) {
        try bytes.withUnsafeBufferPointer { (b) throws(ZipError) in try emit(UnsafeRawBufferPointer(b)) }
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer) throws(ZipError) {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try put(bytes, at: offset)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    private mutating func flush() throws(ZipError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBufferPointer { (b) throws(ZipError) in try put(UnsafeRawBufferPointer(b), at: offset - b.count) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Overwrites bytes already produced: in the buffer if they are still there, in the file
    /// otherwise.
    private mutating func patch(at position: Int, _ bytes: [UInt8]) throws(ZipError) {
        let buffered = offset - buffer.count
        if position >= buffered {
            buffer.replaceSubrange((position - buffered)..<(position - buffered + bytes.count), with: bytes)
        } else {
            try bytes.withUnsafeBufferPointer { (b) throws(ZipError) in try put(UnsafeRawBufferPointer(b), at: position) }
        }
    }

    private func put(_ bytes: UnsafeRawBufferPointer, at position: Int) throws(ZipError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(position + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ZipError(.io(errno: errno, operation: "write"), path: path)
            }
            done += n
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func le16(_ value: Int) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    fileprivate mutating func le32(_ value: Int) {
        le16(value & 0xFFFF)
        le16(value >> 16)
    }
}
