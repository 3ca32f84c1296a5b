#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of an archive: a file read with `pread` at explicit offsets, so that any number of
/// entry readers share one descriptor without a shared position (a workbook reader holds the
/// shared strings open while it streams a sheet), or an array in memory.
enum ZipStorage: Sendable {
    case file(ZipFileDescriptor, size: Int)
    case memory([UInt8])

    /// Opens `path` for reading; a workbook must be a regular file, which can be read at any
    /// offset, not a pipe.
    static func openFile(_ path: String) throws(ZipError) -> ZipStorage {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ZipError(.io(errno: errno, operation: "open"), path: path) }
        let descriptor = ZipFileDescriptor(fd)
        var info = stat()
        if fstat(fd, &info) != 0 { throw ZipError(.io(errno: errno, operation: "stat"), path: path) }
        if info.st_mode & S_IFMT != S_IFREG { throw ZipError(.notARegularFile, path: path) }
        return .file(descriptor, size: Int(info.st_size))
    }

    var size: Int {
        switch self {
        case .file(_, let size): return size
        case .memory(let bytes): return bytes.count
        }
    }

    /// Fills `buffer` from `offset` on, and returns how many bytes there were: fewer than
    /// asked only at the end of the file.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        switch self {
        case .memory(let bytes):
            let n = max(0, min(buffer.count, bytes.count - offset))
            if n > 0 { bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) } }
            return n
        case .file(let descriptor, _):
            var filled = 0
            while filled < buffer.count {
                let n = pread(descriptor.fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ZipError(.io(errno: errno, operation: "read"))
                }
                if n == 0 { break }
                filled += n
            }
            return filled
        }
    }

    /// Exactly `count` bytes from `offset`; a file that ends before them is truncated.
    func bytes(at offset: Int, count: Int) throws(ZipError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else { throw ZipError(.truncated) }
        var result = [UInt8](repeating: 0, count: count)
        let n = try result.withUnsafeMutableBufferPointer { (buffer) throws(ZipError) in
            try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
        }
        if n < count { throw ZipError(.truncated) }
        return result
    }
}

/// Owns a descriptor, so it is closed exactly once, when the archive and its last reader go.
final class ZipFileDescriptor: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// The compressed bytes of one entry, read from the archive in order.
struct ZipRegion: ZipByteSource {
    let storage: ZipStorage
    var offset: Int
    var remaining: Int

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        let want = min(buffer.count, remaining)
        guard want > 0 else { return 0 }
        let n = try storage.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]))
        // The region was checked against the file's size on opening: a shorter file now was
        // cut while being read.
        if n < want { throw ZipError(.truncated) }
        offset += n
        remaining -= n
        return n
    }
}

extension Array where Element == UInt8 {
    /// Little-endian integers at `offset`, as every ZIP field is stored; the caller has checked
    /// the bounds.
    func uint16(at offset: Int) -> Int {
        Int(self[offset]) | Int(self[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> Int {
        uint16(at: offset) | uint16(at: offset + 2) << 16
    }

    /// A 64-bit field, or nil if it does not fit an `Int` (no real archive is that large).
    func uint64(at offset: Int) -> Int? {
        let high = uint32(at: offset + 4)
        return high > Int32.max ? nil : uint32(at: offset) | high << 32
    }
}
