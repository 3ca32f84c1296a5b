import KamCSV

/// The customer file of a run, opened once: its dialect and encoding are decided from the
/// first block and every pass reuses them, so no pass can read the file differently from
/// another.
struct BatchSource {
    let path: String
    let dialect: CSVDialect
    let encoding: CSVEncoding
    /// Records before the rows: the header and the title lines above it.
    let headerRecords: Int
    let blockSize: Int
    let chunkSize: Int
    /// The reader of a one-pass run (standard input can be read only once), past the header.
    private let opened: CSVBlockReader?
    /// Where the first pass over the file cut it, for the passes after it.
    private let cuts = CSVBlockCuts()

    /// With `opened` (a reader the caller has read the header from, and skipped), or with
    /// `onePass`, the run is a single pass over that reader. Otherwise the reader that decided
    /// the dialect is closed here, so its first block (24 MB with its reserve) is not held for
    /// the whole run, and each pass opens the file again.
    init(path: String, opened: CSVBlockReader?, onePass: Bool, options: BatchOptions) throws(BatchFailure) {
        self.path = path
        headerRecords = options.headerRecords
        blockSize = options.blockSize
        chunkSize = options.chunkSize
        var first: CSVBlockReader
        if let opened {
            first = opened
        } else {
            do throws(CSVError) {
                // A reader that only decides the dialect and encoding reads a probe, not a
                // block: the 8 MB it read before held up the start of every run.
                first = try CSVBlockReader(path: path, dialect: options.dialect, encoding: options.encoding,
                                           blockSize: onePass ? blockSize : min(blockSize, CSVBlockReader.probeBlockSize), chunkSize: chunkSize)
                if onePass { try first.skipRecords(headerRecords) }
            } catch {
                throw .csv(error)
            }
        }
        dialect = first.dialect
        encoding = first.encoding
        if opened == nil && !onePass {
            first.close()
            self.opened = nil
        } else {
            self.opened = first
        }
    }

    /// A reader past the header, for one pass: the opened one, or the file opened again,
    /// following the cuts of the first pass that read it to its end.
    func blocks() throws(BatchFailure) -> CSVBlockReader {
        if let opened { return opened }
        do throws(CSVError) {
            var reader = try CSVBlockReader(path: path, dialect: dialect, encoding: encoding, blockSize: blockSize, chunkSize: chunkSize)
            try reader.follow(cuts)
            try reader.skipRecords(headerRecords)
            return reader
        } catch {
            throw .csv(error)
        }
    }
}

/// One chunk of a block, handed to a pass's work on a worker thread.
struct ChunkContext: Sendable {
    let block: CSVBlock
    /// The chunk's place in its block.
    let index: Int
    /// The chunk's place in the file, counting every chunk of every block before it.
    let ordinal: Int
    /// The worker running it (0..<jobs); a worker runs its chunks one after another, so
    /// per-worker state needs no lock.
    let worker: Int
    let dialect: CSVDialect

    var chunk: CSVChunk { block.chunks[index] }

    /// A reader over the chunk's records. A pass that reads only numbers may skip checking
    /// text for valid UTF-8: the scoring pass checks every row.
    func reader(validateUTF8: Bool = true) -> CSVReader {
        CSVReader(bytes: block.bytes, chunk: chunk, dialect: dialect, options: .init(validateUTF8: validateUTF8))
    }

    /// Two columns of every record with the column scanner; false where the scanner cannot
    /// be sure of the reader's answer, and the caller must read the records instead.
    func scan(columns: (Int, Int), _ take: (UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> Void) -> Bool {
        block.bytes.withUnsafeBufferPointer { CSVColumnScanner.scan($0, chunk: chunk, dialect: dialect, columns: columns, take) }
    }
}

/// The passes of a run, numbered as progress reports them.
enum Pass: Int {
    case group = 0, measure = 1, rank = 2, score = 3
}

/// Runs a pass over the source: the next block is read and cut on another thread while the
/// chunks of this one are worked on by every core, and the results are merged in file order.
/// The one place where a run reads, prefetches and spreads work over threads.
struct PassEngine {
    let source: BatchSource
    let jobs: Int

    /// `merge` returns the rows the result holds, for progress.
    func run<R>(
        _ pass: Pass, _ progress: (Int, Int, Int) -> Void,
        _ work: @escaping @Sendable (ChunkContext) throws(CSVError) -> R,
        merge: (R) throws(BatchFailure) -> Int
    ) throws(BatchFailure) {
        let reader = Prefetcher(try source.blocks())
        defer { reader.close() }
        let dialect = source.dialect, jobs = self.jobs
        var rows = 0
        var ordinal = 0
        reader.request()
        var spare: [UInt8]?
        while true {
            let block: CSVBlock
            switch reader.take() {
            case .success(nil): return
            case .success(let next?): block = next
            case .failure(let error): throw .csv(error)
            }
            reader.request(recycling: spare.take())
            let base = ordinal
            ordinal += block.chunks.count
            let results = Parallel.map(block.chunks.count, jobs: jobs) { i, worker throws(CSVError) in
                try work(ChunkContext(block: block, index: i, ordinal: base + i, worker: worker, dialect: dialect))
            }
            for result in results {
                switch result {
                case .success(let r): rows += try merge(r)
                case .failure(let e): throw .csv(e)
                }
            }
            progress(pass.rawValue, reader.bytesRead, rows)
            spare = block.bytes
        }
    }
}
