#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KamCSV
import KamSource

/// A list `kam score --format jsonl` wrote, turned back into the CSV it would have written
/// in its default form, so that a diff reads both forms through one path. Each line is one
/// object whose keys, in order, are the file's input columns and then the results; keys
/// repeat when an input and a result share a name, so members are kept by position.
enum ScoredJSONLines {
    /// Whether the file starts, after blanks and a byte-order mark, with `{`.
    static func detect(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &head, head.count)
        guard n > 0 else { return false }
        var bytes = head[0..<n]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "{")
    }

    /// The CSV form of the JSON Lines at `path`, in a scratch file. Line `n` of the JSON Lines
    /// is line `n + 1` of the CSV (the header comes first).
    static func csv(_ path: String) throws(DiffFailure) -> ScratchFile {
        guard let out = ScratchFile("a JSON Lines list read as CSV") else { throw .refused("cannot make a temporary file in $TMPDIR for \(path)") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .refused("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var writer = CSVWriter()
        var keys: [String]?
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var line = 0
        func take(_ text: ArraySlice<UInt8>) throws(DiffFailure) {
            line += 1
            var text = text
            if line == 1, text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
            if text.last == 0x0D { text = text.dropLast() }
            guard text.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            let members = try object(text, line: line, path: path)
            let names = members.map(\.key)
            if let keys {
                guard names == keys else {
                    let k = zip(names, keys).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(names.count, keys.count)
                    let here = k < names.count ? "`\(names[k])`" : "nothing", first = k < keys.count ? "`\(keys[k])`" : "nothing"
                    throw .refused("\(path):\(line): key \(k + 1) is \(here) where the first line has \(first): a scored list has one set of "
                        + "columns, in one order; write it again with `kam score --format jsonl`")
                }
            } else {
                keys = names
                do throws(CSVError) { try writer.write(names) } catch { throw .csv(error) }
            }
            for member in members {
                let text = cell(member.value)
                // The CSV copy is read under the CSV limits; said here, with this file's line.
                guard text.utf8.count <= CSVLimits.fromEnvironment.0 else {
                    throw .refused("\(path):\(line): the value of `\(member.key)` is longer than \(CSVLimits.fromEnvironment.0 >> 20) MiB "
                        + "(KAM_MAX_FIELD_BYTES raises the limit)")
                }
                writer.writeField(text)
            }
            do throws(CSVError) { try writer.endRecord() } catch { throw .csv(error) }
            if writer.buffer.count >= 1 << 20 { try drain(&writer, into: out) }
        }
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .refused("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            pending += chunk[0..<n]
            var start = pending.startIndex
            while let end = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[start..<end])
                start = end + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try take(pending[...]) }
        guard keys != nil else { throw .refused("\(path) holds no JSON object") }
        try drain(&writer, into: out)
        return out
    }

    private static func object(_ text: ArraySlice<UInt8>, line: Int, path: String) throws(DiffFailure) -> [JSONNode.Member] {
        switch JSON5Reader.read(SourceFile(path: path, bytes: Array(text))) {
        case .success(let node):
            guard case .object(let members) = node.value else { throw .refused("\(path):\(line): expected one JSON object per line") }
            return members
        case .failure(let diagnostic):
            throw .refused("\(path):\(line): \(diagnostic.message)")
        }
    }

    /// A value as `kam score` writes it in CSV: text as is, numbers in their shortest form,
    /// the reasons joined as the CSV joins them, null as an empty cell.
    private static func cell(_ node: JSONNode) -> String {
        switch node.value {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .string(let s): s
        case .number(let x): x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .array(let items): items.map(cell).joined(separator: "; ")
        case .object: ""
        }
    }

    private static func drain(_ writer: inout CSVWriter, into out: ScratchFile) throws(DiffFailure) {
        do throws(BatchFailure) {
            try writer.buffer.withUnsafeBytes { raw in Result { () throws(BatchFailure) in try out.append(raw) } }.get()
        } catch {
            throw .batch(error)
        }
        writer = CSVWriter()
    }
}
