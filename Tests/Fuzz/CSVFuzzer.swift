// libFuzzer target: the CSV reader with dialect sniffing and encodings, checked against the
// chunked reading that batch scoring uses (the same records, lines and errors) and against
// its own state machine without the plain-record path, plus the number and boolean readers
// on every field. Built by scripts/fuzz.sh, not by SwiftPM.
@testable import KamCSV

private let limits = CSVLimits(maxFieldBytes: 4096, maxRecordBytes: 16384, maxColumns: 64)

private func readAll(_ reader: inout CSVReader) -> ([[String]], [Int], String?) {
    var record = CSVRecord()
    var rows: [[String]] = [], lines: [Int] = []
    do throws(CSVError) {
        while try reader.next(into: &record) {
            rows.append(record.strings)
            lines.append(record.line)
            for i in 0..<record.count {
                _ = CSVNumber.parse(record, at: i, dialect: reader.dialect)
                _ = record.withUnsafeField(i) { CSVBool.parse($0) }
            }
        }
        return (rows, lines, nil)
    } catch {
        return (rows, lines, error.description)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Any encoding the first byte picks, sniffed dialect.
    let encodings: [CSVEncoding?] = [nil, .windows1251, .windows1252, .latin1, .utf16LE]
    let picked = encodings[Int(bytes.first ?? 0) % 3]
    var whole = CSVReader(bytes: bytes, encoding: picked, limits: limits)
    let read = readAll(&whole)
    var machine = CSVReader(bytes: bytes, encoding: picked, limits: limits)
    machine.readsPlainRecords = false
    let machineRead = readAll(&machine)
    if read.0 != machineRead.0 || read.1 != machineRead.1 || read.2 != machineRead.2 {
        fatalError("plain-record path differs: \(read) vs \(machineRead)")
    }

    // UTF-8 input: a sequential read and a read in pieces must agree record for record. The
    // pieces are cut after the byte-order mark, as the block reader cuts them.
    let (encoding, bom) = CSVEncoding.detect(prefix: bytes)
    guard encoding == .utf8 else { return 0 }
    let text = Array(bytes.dropFirst(bom))
    let dialect = CSVDialect.sniff(sample: text)
    // Read from the file's own bytes, which drops the mark once, as the block reader does: a
    // second mark (a file saved twice with one) is data to both.
    var sequential = CSVReader(bytes: bytes, dialect: dialect, encoding: .utf8, limits: limits)
    let (rows, lines, failure) = readAll(&sequential)
    if failure != nil { return 0 }
    var pieces: [[String]] = [], pieceLines: [Int] = []
    let target = 1 + Int(text.last ?? 7) % 64
    let (chunks, consumed, _) = text.withUnsafeBufferPointer {
        CSVChunker.splitComplete($0, dialect: dialect, targetSize: target, firstLine: 1, final: true)
    }
    precondition(consumed == text.count, "a final split must consume everything")
    for chunk in chunks {
        var reader = CSVReader(bytes: text, chunk: chunk, dialect: dialect, limits: limits)
        let (r, l, e) = readAll(&reader)
        if e != nil { return 0 }
        pieces += r
        pieceLines += l
    }
    if pieces != rows || pieceLines != lines {
        fatalError("chunked read differs: \(rows) at \(lines) vs \(pieces) at \(pieceLines)")
    }
    // The column scanner of the portfolio passes must see the same first two fields.
    var scanned: [[String?]] = []
    let complete = text.withUnsafeBufferPointer { buffer in
        CSVColumnScanner.scan(buffer, chunk: CSVChunk(range: 0..<text.count, firstLine: 1), dialect: dialect, columns: (0, 1)) { a, b in
            scanned.append([a.map { String(decoding: $0, as: UTF8.self) }, b.map { String(decoding: $0, as: UTF8.self) }])
        }
    }
    if complete {
        let expected = rows.map { [$0.count > 0 ? $0[0] : nil, $0.count > 1 ? $0[1] : nil] }
        if scanned != expected { fatalError("column scan differs: \(expected) vs \(scanned)") }
    }
    return 0
}
