#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file is, from its first bytes and, for a ZIP, its entries: text for the CSV
/// reader, an `.xlsx` workbook, or something kam cannot read, said in words with the way
/// out, so that a binary file never gets advice about text encodings.
public enum FileKind: Sendable {
    case text
    /// An `.xlsx`, its archive open for `Workbook(archive:path:)`.
    case workbook(ZipArchive)
    /// What it is and how to make it readable, as the end of "FILE is …".
    case refused(String)

    static let saveAs = "open it in Excel or LibreOffice Calc and save it as an Excel Workbook (.xlsx) or as CSV UTF-8"

    public static func sniff(_ path: String, limits: ZipLimits = ZipLimits()) -> FileKind {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .text }  // the CSV reader says why it cannot be opened
        var head = [UInt8](repeating: 0, count: 8)
        let n = read(fd, &head, 8)
        close(fd)
        guard n >= 4 else { return .text }
        let bytes = Array(head[0..<n])
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return zip(path, limits) }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return .refused("an Excel 97–2003 workbook (.xls) or another old Office file, which kam does not read: \(saveAs)")
        }
        if bytes.starts(with: Array("%PDF".utf8)) { return .refused("a PDF document, not a table kam can read: export the table from where the PDF came from as .xlsx or CSV") }
        if bytes.starts(with: [0x1F, 0x8B]) { return .refused("a gzip-compressed file: decompress it first (gunzip FILE)") }
        if bytes.starts(with: [0x42, 0x5A, 0x68]) { return .refused("a bzip2-compressed file: decompress it first (bunzip2 FILE)") }
        if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A]) { return .refused("an xz-compressed file: decompress it first (unxz FILE)") }
        return .text
    }

    private static func zip(_ path: String, _ limits: ZipLimits) -> FileKind {
        guard let archive = try? ZipArchive(path: path, limits: limits) else {
            return .refused("a ZIP archive that cannot be read (damaged or cut short): if it is a workbook, \(saveAs) again")
        }
        if archive.entry(named: "xl/workbook.xml") != nil || archive.entries.contains(where: { $0.name.hasSuffix(".rels") })
            && archive.entries.contains(where: { $0.name.hasPrefix("xl/") }) {
            return .workbook(archive)
        }
        if let m = archive.entry(named: "mimetype"), let bytes = try? archive.contents(of: m) {
            let type = String(decoding: bytes, as: UTF8.self)
            if type.contains("opendocument.spreadsheet") { return .refused("an OpenDocument spreadsheet (.ods): \(saveAs)") }
            if type.contains("opendocument") { return .refused("an OpenDocument file, not a spreadsheet") }
        }
        if archive.entries.contains(where: { $0.name.hasPrefix("word/") }) { return .refused("a Word document (.docx), not a table: save the table in it as .xlsx or CSV") }
        if archive.entries.contains(where: { $0.name.hasPrefix("ppt/") }) { return .refused("a PowerPoint presentation, not a table") }
        return .refused("a ZIP archive, not a workbook: unpack it (unzip FILE) and give kam the CSV or .xlsx inside")
    }
}
