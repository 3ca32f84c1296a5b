/// The bytes of one entry, streamed: stored entries straight from the archive, deflated ones
/// through an `Inflater`, so memory stays near 300 KB whatever the entry's size. Every byte is
/// counted and checksummed on its way out; the end of the entry is reported only after its
/// size and CRC-32 match the directory's, and output past the declared size (which the limits
/// were checked against before the first byte) stops the entry at once.
///
/// Readers are independent: several of one archive can be open and read in turn or on
/// different threads, each with its own position in the file.
public struct ZipEntryReader: Sendable {
    public let entry: ZipEntry
    /// Uncompressed bytes handed out so far.
    public private(set) var bytesRead = 0

    private var stored: ZipRegion?
    private var inflater: Inflater?
    private var crc = CRC32()
    private var finished = false
    private var failure: ZipError?
    private let path: String?

    init(entry: ZipEntry, data: ZipRegion, path: String?) {
        self.entry = entry
        self.path = path
        if entry.method == 0 {
            stored = data
        } else {
            inflater = Inflater(source: data)
        }
    }

    /// Copies up to `buffer.count` bytes of the entry into `buffer` and returns how many; 0 at
    /// the end of the entry, once its size and CRC-32 are checked (or if `buffer` is empty).
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ZipError) -> Int {
        if let failure { throw failure }
        if finished || buffer.isEmpty { return 0 }
        do throws(ZipError) {
            // One byte more than the entry has left, so an entry that holds more than it
            // declares is caught on the first byte too many.
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, entry.size - bytesRead + 1)])
            let n: Int
            if inflater != nil {
                n = try inflater!.read(into: room)
            } else {
                n = try stored!.read(into: room)
            }
            if n == 0 {
                try finish()
                return 0
            }
            bytesRead += n
            if bytesRead > entry.size { throw ZipError(.sizeMismatch(expected: entry.size, actual: bytesRead)) }
            crc.update(UnsafeRawBufferPointer(rebasing: room[..<n]))
            return n
        } catch {
            var located = error
            located.path = located.path ?? path
            located.entry = located.entry ?? entry.name
            failure = located
            throw located
        }
    }

    /// Appends up to `max` bytes of the entry to `buffer` and returns how many; 0 at the end,
    /// as `read(into:)`. A caller that wants only the new bytes empties `buffer` first,
    /// keeping its capacity.
    public mutating func read(into buffer: inout [UInt8], max: Int) throws(ZipError) -> Int {
        let start = buffer.count
        let room = Swift.max(0, Swift.min(max, entry.size - bytesRead + 1))
        buffer.append(contentsOf: repeatElement(0, count: room))
        do throws(ZipError) {
            let n = try buffer.withUnsafeMutableBufferPointer { (all) throws(ZipError) in
                try read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: all[start...])))
            }
            buffer.removeLast(room - n)
            return n
        } catch {
            buffer.removeLast(room)
            throw error
        }
    }

    /// The whole entry, for the small parts of a workbook (its part list, its workbook part);
    /// a sheet is better streamed.
    public mutating func readAll() throws(ZipError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entry.size)
        while try read(into: &bytes, max: 1 << 20) > 0 {}
        return bytes
    }

    private mutating func finish() throws(ZipError) {
        if bytesRead != entry.size { throw ZipError(.sizeMismatch(expected: entry.size, actual: bytesRead)) }
        if crc.value != entry.crc32 { throw ZipError(.crcMismatch(expected: entry.crc32, actual: crc.value)) }
        finished = true
    }
}
