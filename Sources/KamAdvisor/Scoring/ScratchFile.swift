import Foundation

/// An unlinked temporary file in `$TMPDIR`: gone with the process, even when it is
/// interrupted. One pass leaves here what a later pass reads back, so that memory stays flat:
/// the page cache holds it, not the process.
final class ScratchFile: @unchecked Sendable {
    private let fd: Int32
    /// What the file is for, in messages ("the id keys").
    private let purpose: String

    init?(_ purpose: String) {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array((folder + "/kam-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        self.purpose = purpose
    }

    deinit { close(fd) }

    /// A path that opens the file anew, with its own offset, though it has no name: Linux's
    /// `/proc/self/fd/N` reopens the file the descriptor points to.
    var path: String { "/proc/self/fd/\(fd)" }

    /// Reads what there is at `offset`, up to the buffer's size; 0 at the end.
    func readSome(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(BatchFailure) -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress!, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw failure("read back", errno) }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(BatchFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("keep", errno)
            }
            offset += n
        }
    }

    /// Fills `buffer` from `offset`; the bytes must be there.
    func read(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(BatchFailure) {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw failure("read back", n < 0 ? errno : EIO) }
            done += n
        }
    }

    /// Reads the whole file from the start in slices of whole `stride`-byte records, in order.
    func forEachSlice(stride: Int, _ body: (UnsafeRawBufferPointer) throws(BatchFailure) -> Void) throws(BatchFailure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset = 0
        var carry = 0  // bytes of an incomplete record left at the end of the last read
        while true {
            let n = pread(fd, buffer.baseAddress! + carry, buffer.count - carry, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read back", errno)
            }
            offset += n
            let whole = (carry + n) / stride * stride
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<whole]))
            carry = carry + n - whole
            if carry > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + whole, byteCount: carry) }
            if n == 0 { break }
        }
    }

    /// The whole file mapped for reading, for `body` to read in place instead of copying it
    /// out of the page cache; nil when it cannot be mapped. The file is this process's own and
    /// unlinked, so nothing else can shorten it under the mapping.
    func withMapped<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size > 0, let start = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), start != MAP_FAILED else { return nil }
        defer { munmap(start, size) }
        return body(UnsafeRawBufferPointer(start: start, count: size))
    }

    private func failure(_ verb: String, _ code: Int32) -> BatchFailure {
        .output("cannot \(verb) \(purpose) in a temporary file: \(String(cString: strerror(code)))")
    }
}
