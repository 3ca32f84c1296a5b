import KamCSV

/// One line as the grouping pass keeps it between spreading and grouping: its line, what
/// kind of row it is, its id (spaces trimmed) and its fields, as slices of the bytes of its
/// partition.
struct Entry {
    enum Kind: UInt8 {
        case account = 0
        /// A row whose id is no id: a totals line or a note, a group of its own.
        case alone = 1
        case blank = 2
    }

    let line: Int
    let kind: Kind
    /// Where the id and each field are in the partition's bytes.
    let key: Range<Int>
    let fields: [Range<Int>]

    /// Whether the fields past the header's `count` are all empty (a row that ends in extra
    /// delimiters, as spreadsheets write).
    func extraEmpty(_ count: Int) -> Bool {
        fields.count > count && fields[count...].allSatisfy(\.isEmpty)
    }

    /// `[line: 8][kind: 1][key length: 4][key][field count: 4]([length: 4][bytes])…`
    static func encode(line: Int, kind: Kind, key: [UInt8], record: CSVRecord, into out: inout [UInt8]) {
        put(UInt64(line), 8, &out)
        out.append(kind.rawValue)
        put(UInt64(key.count), 4, &out)
        out += key
        put(UInt64(record.count), 4, &out)
        record.bytes.withUnsafeBufferPointer { all in
            var start = 0
            for end in record.ends {
                put(UInt64(end - start), 4, &out)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }

    /// Every entry of a partition's bytes, in the order they were written.
    static func decode(_ bytes: [UInt8]) -> [Entry] {
        bytes.withUnsafeBufferPointer { b in
            var entries: [Entry] = []
            var at = 0
            @inline(__always) func take(_ width: Int) -> Int {
                var x = 0
                for k in 0..<width { x |= Int(b[at + k]) << (8 * k) }
                at += width
                return x
            }
            while at < b.count {
                let line = take(8)
                let kind = Kind(rawValue: b[at]) ?? .alone
                at += 1
                let keyLength = take(4)
                let key = at..<(at + keyLength)
                at += keyLength
                let count = take(4)
                var fields: [Range<Int>] = []
                fields.reserveCapacity(count)
                for _ in 0..<count {
                    let n = take(4)
                    fields.append(at..<(at + n))
                    at += n
                }
                entries.append(Entry(line: line, kind: kind, key: key, fields: fields))
            }
            return entries
        }
    }

    @inline(__always)
    static func put(_ x: UInt64, _ width: Int, _ out: inout [UInt8]) {
        withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0.prefix(width)) }
    }
}

/// The lines spread over partitions by id, so each partition can be grouped in memory: in
/// memory when there is one, else one scratch file each, written 128 KB at a time.
struct Partitions: @unchecked Sendable {
    private var buffers: [[UInt8]]
    private let files: [ScratchFile]
    private var sizes: [Int]

    init(count: Int) throws(BatchFailure) {
        buffers = Array(repeating: [], count: count)
        sizes = Array(repeating: 0, count: count)
        var files: [ScratchFile] = []
        if count > 1 {
            for _ in 0..<count {
                guard let file = ScratchFile("the lines being grouped") else {
                    throw .output("cannot keep the lines being grouped in a temporary file (is $TMPDIR writable?)")
                }
                files.append(file)
            }
        }
        self.files = files
    }

    /// A piece's encoded lines, ordered by partition, `ends` where each partition's run ends.
    mutating func add(_ bytes: [UInt8], ends: [Int]) throws(BatchFailure) {
        var start = 0
        for (p, end) in ends.enumerated() {
            if end > start { buffers[p] += bytes[start..<end] }
            start = end
            if !files.isEmpty, buffers[p].count >= 128 << 10 { try flush(p) }
        }
    }

    /// Writes what is left, and lets go of the buffers.
    mutating func flush() throws(BatchFailure) {
        guard !files.isEmpty else { return }
        for p in buffers.indices {
            try flush(p)
            buffers[p] = []
        }
    }

    private mutating func flush(_ p: Int) throws(BatchFailure) {
        try buffers[p].withUnsafeBytes { raw in Result { () throws(BatchFailure) in try files[p].append(raw) } }.get()
        sizes[p] += buffers[p].count
        buffers[p].removeAll(keepingCapacity: true)
    }

    /// The bytes of partition `p`, read back whole, and its entries. Partitions may be read on
    /// several threads at once: each reads its own file.
    func entries(of p: Int) throws(BatchFailure) -> ([UInt8], [Entry]) {
        guard !files.isEmpty else { return (buffers[p], Entry.decode(buffers[p])) }
        var bytes = [UInt8](repeating: 0, count: sizes[p])
        if !bytes.isEmpty {
            try bytes.withUnsafeMutableBytes { raw in Result { () throws(BatchFailure) in try files[p].read(raw, at: 0) } }.get()
        }
        return (bytes, Entry.decode(bytes))
    }
}

/// The grouped rows of one partition, in the order of their first lines, kept in a scratch
/// file: `[first line: 8][length: 4][row]`.
struct Run: @unchecked Sendable {
    private let file: ScratchFile
    private var buffer: [UInt8] = []
    private var size = 0

    init() throws(BatchFailure) {
        guard let file = ScratchFile("the grouped rows") else { throw .output("cannot keep the grouped rows in a temporary file (is $TMPDIR writable?)") }
        self.file = file
    }

    mutating func add(line: Int, _ row: [UInt8]) throws(BatchFailure) {
        Entry.put(UInt64(line), 8, &buffer)
        Entry.put(UInt64(row.count), 4, &buffer)
        buffer += row
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func finish() throws(BatchFailure) {
        try flush()
        buffer = []  // hundreds of runs wait for the merge: none keeps a buffer
    }

    private mutating func flush() throws(BatchFailure) {
        try buffer.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try file.append(raw) } }.get()
        size += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Every row of every run, in the order of first lines: a k-way merge on a heap.
    static func merge(_ runs: [Run], _ emit: ([UInt8]) throws(BatchFailure) -> Void) throws(BatchFailure) {
        var readers = runs.map { RunReader(file: $0.file, size: $0.size) }
        var heap: [(line: Int, run: Int, row: [UInt8])] = []
        func push(_ item: (line: Int, run: Int, row: [UInt8])) {
            heap.append(item)
            var i = heap.count - 1
            while i > 0, heap[(i - 1) / 2].line > heap[i].line {
                heap.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        }
        func pop() -> (line: Int, run: Int, row: [UInt8]) {
            let top = heap[0]
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, heap[l].line < heap[m].line { m = l }
                if r < heap.count, heap[r].line < heap[m].line { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
            return top
        }
        for r in readers.indices {
            if let (line, row) = try readers[r].next() { push((line, r, row)) }
        }
        while !heap.isEmpty {
            let top = pop()
            try emit(top.row)
            if let (line, row) = try readers[top.run].next() { push((line, top.run, row)) }
        }
    }
}

/// Reads a run back row by row.
private struct RunReader {
    let file: ScratchFile
    let size: Int
    private var buffer: [UInt8] = []
    private var at = 0
    private var offset = 0

    init(file: ScratchFile, size: Int) {
        self.file = file
        self.size = size
    }

    mutating func next() throws(BatchFailure) -> (Int, [UInt8])? {
        guard try ensure(12) else { return nil }
        var line = 0, length = 0
        for k in 0..<8 { line |= Int(buffer[at + k]) << (8 * k) }
        for k in 0..<4 { length |= Int(buffer[at + 8 + k]) << (8 * k) }
        at += 12
        guard try ensure(length) else { throw .output("the grouped rows were cut short in their temporary file") }
        defer { at += length }
        return (line, Array(buffer[at..<(at + length)]))
    }

    /// Whether `n` more bytes are there, reading on as needed, 64 KB at a time: hundreds of
    /// runs are read at once.
    private mutating func ensure(_ n: Int) throws(BatchFailure) -> Bool {
        if buffer.count - at >= n { return true }
        buffer.removeFirst(at)
        at = 0
        while buffer.count < n && offset < size {
            var chunk = [UInt8](repeating: 0, count: max(n - buffer.count, 64 << 10))
            let got = try chunk.withUnsafeMutableBytes { raw in Result { () throws(BatchFailure) in try file.readSome(raw, at: offset) } }.get()
            if got == 0 { break }
            offset += got
            buffer += chunk[..<got]
        }
        return buffer.count >= n
    }
}

/// Appends to a scratch file a megabyte at a time.
struct BufferedWriter {
    let file: ScratchFile
    private var buffer: [UInt8] = []

    init(_ file: ScratchFile) {
        self.file = file
    }

    mutating func write(_ bytes: [UInt8]) throws(BatchFailure) {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws(BatchFailure) {
        try buffer.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try file.append(raw) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }
}
