import KamCSV
import KamRules

/// One account as a scored run left it, in the few bytes a diff needs: its tier, classes,
/// each factor's points, which risks fired, its score, and the raw cell of every input the
/// pack reads, so that a move can be explained by the inputs that changed without keeping
/// the file. `[length: 4]` then the payload, so that snapshots can be spilled and read back.
struct AccountSnapshot {
    var line = 0
    var tier = 0
    var classes: [Int] = []
    /// NaN where the factor could not be scored.
    var points: [Double] = []
    var risks: [Bool] = []
    var score = 0.0
    /// By pack input, the cell as the file wrote it (spaces trimmed); nil for an input the
    /// file has no column for.
    var cells: [String?] = []

    func id(_ slot: Int?) -> String { slot.flatMap { cells[$0] } ?? "" }

    // MARK: Bytes

    /// Writes a snapshot from its parts; cells as bytes, so the scoring pass makes no strings.
    static func encode(line: Int, tier: Int, classes: [Int], points: [Double], risks: [Bool], score: Double,
                       cells: [ArraySlice<UInt8>?], into out: inout [UInt8]) {
        let lengthAt = out.count
        put(0, 4, &out)
        put(UInt64(line), 8, &out)
        put(UInt64(UInt16(truncatingIfNeeded: tier)), 2, &out)
        put(UInt64(classes.count), 2, &out)
        for c in classes { put(UInt64(UInt16(truncatingIfNeeded: c)), 2, &out) }
        put(UInt64(points.count), 2, &out)
        for p in points { put(p.bitPattern, 8, &out) }
        put(UInt64(risks.count), 2, &out)
        for r in risks { out.append(r ? 1 : 0) }
        put(score.bitPattern, 8, &out)
        put(UInt64(cells.count), 2, &out)
        for cell in cells {
            guard let cell else {
                put(UInt64(UInt32.max), 4, &out)
                continue
            }
            put(UInt64(cell.count), 4, &out)
            out += cell
        }
        let length = out.count - lengthAt - 4
        for k in 0..<4 { out[lengthAt + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
    }

    /// The id cell of the snapshot at the start of `bytes` (its length prefix included),
    /// read without decoding the rest: the spilling pass needs only the id.
    static func id(in bytes: ArraySlice<UInt8>, slot: Int?) -> String {
        guard let slot else { return "" }
        var at = bytes.startIndex + 4 + 8 + 2
        func take(_ width: Int) -> Int {
            var x = 0
            for k in 0..<width { x |= Int(bytes[at + k]) << (8 * k) }
            at += width
            return x
        }
        at += 2 * take(2)
        at += 8 * take(2)
        at += take(2)
        at += 8
        let cells = take(2)
        for k in 0..<cells {
            let n = take(4)
            if n == Int(UInt32.max) {
                if k == slot { return "" }
                continue
            }
            if k == slot { return String(decoding: bytes[at..<(at + n)], as: UTF8.self) }
            at += n
        }
        return ""
    }

    /// The snapshots in `bytes`, in the order they were written.
    static func decode(_ bytes: [UInt8]) -> [AccountSnapshot] {
        var all: [AccountSnapshot] = []
        forEach(in: bytes) { all.append($0) }
        return all
    }

    /// Each snapshot in `bytes` in turn, so that only one is decoded at a time.
    static func forEach<E: Error>(in bytes: [UInt8], _ body: (AccountSnapshot) throws(E) -> Void) throws(E) {
        var at = 0
        func take(_ width: Int) -> Int {
            var x: UInt64 = 0
            for k in 0..<width { x |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            at += width
            return Int(truncatingIfNeeded: x)
        }
        func signed16() -> Int { Int(Int16(truncatingIfNeeded: take(2))) }
        while at + 4 <= bytes.count {
            let end = at + 4 + take(4)
            var s = AccountSnapshot()
            s.line = take(8)
            s.tier = signed16()
            s.classes = (0..<take(2)).map { _ in signed16() }
            s.points = (0..<take(2)).map { _ in Double(bitPattern: UInt64(bitPattern: Int64(take(8)))) }
            s.risks = (0..<take(2)).map { _ in take(1) != 0 }
            s.score = Double(bitPattern: UInt64(bitPattern: Int64(take(8))))
            s.cells = (0..<take(2)).map { _ -> String? in
                let n = take(4)
                if n == Int(UInt32.max) { return nil }
                defer { at += n }
                return String(decoding: bytes[at..<(at + n)], as: UTF8.self)
            }
            at = end
            try body(s)
        }
    }

    private static func put(_ x: UInt64, _ width: Int, _ out: inout [UInt8]) {
        for k in 0..<width { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(k)))) }
    }
}

/// Renders each scored row as its snapshot, for `ScoredRun`.
struct SnapshotRenderer: RowRenderer {
    /// By pack input, the column it is read from.
    let columns: [Int?]

    func begin(into out: inout [UInt8]) {}
    func separator() -> [UInt8] { [] }
    func end(into out: inout [UInt8]) {}

    func row(_ record: CSVRecord, _ result: some ScoredResult, into out: inout [UInt8]) {
        let evaluation = result.evaluation()
        let points = evaluation.factors.map { result -> Double in
            if case .scored(_, let points) = result { return points }
            return .nan
        }
        let cells = columns.map { column -> ArraySlice<UInt8>? in
            guard let column, column < record.count else { return nil }
            var cell = record[column]
            while let first = cell.first, first == 0x20 || first == 0x09 { cell = cell.dropFirst() }
            while let last = cell.last, last == 0x20 || last == 0x09 { cell = cell.dropLast() }
            return cell
        }
        AccountSnapshot.encode(line: record.line, tier: evaluation.blockingGate.map { -2 - $0 } ?? evaluation.level,
                               classes: evaluation.classes.map { $0 ?? -1 }, points: points, risks: evaluation.risks.map { $0 == .fired },
                               score: evaluation.score, cells: cells, into: &out)
    }
}
