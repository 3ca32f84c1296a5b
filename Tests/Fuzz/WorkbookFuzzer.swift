// libFuzzer target: the workbook reader above the archive. Any bytes are read twice: as a
// worksheet's XML, streamed row by row through the scanner in small pieces against a shared
// string table and styles with dates; and as an .xlsx archive in memory, every sheet of it
// read to its end and written as CSV. A crash, a trap or a hang is a bug; a row numbered out
// of order, or a row written past column XFD, is one too. Built by scripts/fuzz.sh.
@testable import KamWorkbook

private let limits = ZipLimits(maxEntryBytes: 4 << 20, maxRatio: 500, maxEntries: 64, maxDirectoryBytes: 1 << 16)

private func check(_ rows: inout SheetRows) {
    var last = 0
    while true {
        let next: (number: Int, cells: [String])?
        do throws(WorkbookError) { next = try rows.next() } catch { return }
        guard let (number, cells) = next else { return }
        if number <= last || number > 1_048_576 { fatalError("row \(number) after \(last)") }
        if cells.count > 16_384 { fatalError("row \(number) has \(cells.count) cells") }
        last = number
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // As a sheet's XML, fed 7 bytes at a time.
    var at = 0
    let scanner = XMLScanner(part: "fuzz.xml", maxToken: 1 << 16) { buffer in
        let n = min(7, buffer.count, bytes.count - at)
        for k in 0..<n { buffer[k] = bytes[at + k] }
        at += n
        return n
    }
    var rows = SheetRows(scanner, sheet: "Fuzz", strings: ["a", "b"], styles: CellStyles([.number, .date, .percent]), system1904: size % 2 == 0)
    check(&rows)
    // As a workbook.
    if let archive = try? ZipArchive(bytes: bytes, limits: limits), let book = try? Workbook(archive: archive, path: "fuzz.xlsx") {
        for name in book.sheetNames {
            guard var sheet = try? book.rows(of: name) else { continue }
            check(&sheet)
        }
    }
    return 0
}
