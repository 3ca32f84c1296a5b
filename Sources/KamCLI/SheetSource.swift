import Foundation
import KamCSV
import KamWorkbook

/// A customer list as the CSV reader takes it. A text file is itself; an `.xlsx` workbook's
/// sheet is written to a temporary CSV first, removed when the source goes (or on an
/// interruption), so that every command reads workbooks wherever it reads CSV, with no
/// special case in the scorer; any other binary file (an old `.xls`, an `.ods`, a PDF) is
/// refused, saying what it is and how to save it. Keep the source while its path is read.
final class SheetSource {
    /// What the CSV reader reads.
    let path: String
    /// The sheet read, when the file was a workbook: positions name its cells.
    let positions: SheetPositions?
    /// The sheet's CSV, removed with the source.
    private let copy: TemporaryFile?

    private init(path: String, positions: SheetPositions?, copy: TemporaryFile?) {
        self.path = path
        self.positions = positions
        self.copy = copy
    }

    /// The encoding and delimiter given for a CSV, or nil for a workbook's sheet, which is
    /// Unicode text kam wrote itself; said once when they were given.
    func csvOptions(encoding: CSVEncoding?, dialect: CSVDialect?, console: Console) -> (CSVEncoding?, CSVDialect?) {
        guard positions != nil else { return (encoding, dialect) }
        if encoding != nil || dialect != nil {
            console.err("note: --encoding and --delimiter are for CSV files; a workbook's cells are Unicode, so they were ignored\n")
        }
        return (nil, nil)
    }

    static func open(_ path: String, shownAs given: String, sheet: String?, quiet: Bool, console: Console) throws(CommandFailure) -> SheetSource {
        let archive: ZipArchive
        switch FileKind.sniff(path) {
        case .text:
            if let sheet { throw .failed("--sheet \(sheet) was given, but \(given) is not a workbook (.xlsx)") }
            return SheetSource(path: path, positions: nil, copy: nil)
        case .refused(let what):
            throw .failed("\(given) is \(what)")
        case .workbook(let opened):
            archive = opened
        }
        guard let copy = TemporaryFile(named: "kam-sheet") else {
            throw .failed("cannot write a workbook's sheet to \(TemporaryFile.folder): \(OutputFile.describe(errno))")
        }
        do throws(WorkbookError) {
            let book = try Workbook(archive: archive, path: path)
            var rows = try book.rows(of: sheet)
            let positions = try SheetCSV.write(&rows, to: copy.fd, path: copy.path)
            copy.close()
            if book.sheetNames.count > 1 && sheet == nil && !quiet {
                console.err("\(given): read sheet \"\(rows.sheet)\" (of \(book.sheetNames.map { "\"\($0)\"" }.joined(separator: ", ")); --sheet NAME reads another)\n")
            }
            return SheetSource(path: copy.path, positions: positions, copy: copy)
        } catch {
            throw .failed("\(given): " + (error.part == path ? error.message : "\(error)"))
        }
    }
}
