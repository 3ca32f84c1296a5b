// libFuzzer target: any bytes opened as a ZIP archive in memory, every entry read to its end
// under small limits, and the same bytes inflated as raw DEFLATE, once whole and once fed in
// small pieces and read in small pieces, which must agree byte for byte and error for error.
// A crash, a trap, a hang or a disagreement is a bug. Built by scripts/fuzz.sh, not by SwiftPM.
import KamWorkbook

private let limits = ZipLimits(maxEntryBytes: 4 << 20, maxRatio: 500, maxEntries: 64, maxDirectoryBytes: 1 << 16)

/// Everything the entries give, read in pieces of `piece` bytes.
private func readArchive(_ bytes: [UInt8], piece: Int) {
    guard let archive = try? ZipArchive(bytes: bytes, limits: limits) else { return }
    var chunk: [UInt8] = []
    for entry in archive.entries {
        guard var reader = try? archive.reader(for: entry) else { continue }
        var crc = CRC32()
        do throws(ZipError) {
            while try reader.read(into: &chunk, max: piece) > 0 {
                crc.update(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        } catch {
            continue
        }
        // A reader that reached its end checked these; the harness checks the checker.
        if reader.bytesRead != entry.size || crc.value != entry.crc32 {
            fatalError("\(entry.name): read \(reader.bytesRead) bytes with CRC \(crc.value), the directory says \(entry.size) and \(entry.crc32)")
        }
    }
}

/// The raw inflation of `bytes`: its output up to the end or the error, and the error.
private func inflate(_ bytes: [UInt8], inputPiece: Int, outputPiece: Int) -> ([UInt8], ZipError?) {
    var inflater = Inflater(source: ZipMemorySource(bytes, pieceSize: inputPiece))
    var out: [UInt8] = []
    do throws(ZipError) {
        while try inflater.read(into: &out, max: outputPiece) > 0 {
            if out.count > 8 << 20 { break }
        }
        return (out, nil)
    } catch {
        return (out, error)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    readArchive(bytes, piece: 1 + Int(bytes.last ?? 0) * 37)
    let whole = inflate(bytes, inputPiece: .max, outputPiece: 1 << 16)
    let pieces = inflate(bytes, inputPiece: 1 + Int(bytes.first ?? 0) % 13, outputPiece: 1 + Int(bytes.last ?? 0) * 11)
    if whole.0 != pieces.0 || whole.1 != pieces.1 {
        fatalError("inflating in pieces differs: \(whole.0.count) bytes, \(String(describing: whole.1)) whole; \(pieces.0.count) bytes, \(String(describing: pieces.1)) in pieces")
    }
    return 0
}
