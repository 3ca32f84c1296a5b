/// A pull reader of the XML a spreadsheet writes: elements, their attributes and the text
/// between them, read from a byte source a piece at a time, so a sheet of a million rows is
/// never in memory. It is not a validating parser: it knows just enough XML to read what
/// Excel, LibreOffice and the Python and .NET writers produce, and it refuses a document
/// type declaration outright (entity definitions are how XML bombs work).
struct XMLScanner {
    enum Event: Equatable {
        /// An element opened; `empty` when it closed itself (`<c r="A1"/>`). Names are local
        /// (`x:c` is `c`): writers differ in the prefixes they use.
        case start(name: String, attributes: [(name: String, value: String)], empty: Bool)
        case end(name: String)
        /// Character data, entities decoded; whitespace between elements included.
        case text(String)

        static func == (a: Event, b: Event) -> Bool {
            switch (a, b) {
            case let (.start(n, x, e), .start(m, y, f)): n == m && e == f && x.map(\.name) == y.map(\.name) && x.map(\.value) == y.map(\.value)
            case let (.end(n), .end(m)): n == m
            case let (.text(s), .text(t)): s == t
            default: false
            }
        }
    }

    /// Fills the buffer from its start and returns how many bytes it put there; 0 at the end.
    typealias Source = (UnsafeMutableBufferPointer<UInt8>) throws(WorkbookError) -> Int

    private let source: Source
    private let part: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var done = false
    /// Bytes consumed before `buffer[0]`, for positions in errors.
    private var consumed = 0
    /// The longest markup or text run kept whole, so a corrupt part cannot take all memory.
    private let maxToken: Int

    init(part: String, maxToken: Int = 64 << 20, source: @escaping Source) {
        self.part = part
        self.source = source
        self.maxToken = maxToken
        buffer = [UInt8](repeating: 0, count: 1 << 16)
    }

    /// The next event, or nil at the end of the document.
    mutating func next() throws(WorkbookError) -> Event? {
        while true {
            if start == end {
                guard try fill() else { return nil }
            }
            if buffer[start] != UInt8(ascii: "<") {
                let lt = try until { $0 == UInt8(ascii: "<") }
                let text = try decode(start..<lt)
                start = lt
                return .text(text)
            }
            // Markup: find its end, keeping it whole in the buffer.
            guard let event = try markup() else { continue }
            return event
        }
    }

    /// The text of the element just opened, up to its end tag, with nested elements' text
    /// joined (a rich-text run's pieces); the end tag is consumed.
    mutating func text(of element: String) throws(WorkbookError) -> String {
        var out = ""
        var depth = 0
        while let event = try next() {
            switch event {
            case .text(let t): out += t
            case .start(_, _, let empty): if !empty { depth += 1 }
            case .end:
                if depth == 0 { return out }
                depth -= 1
            }
        }
        throw fault("the document ends inside <\(element)>")
    }

    /// Skips to the end of the element just opened.
    mutating func skip(_ element: String) throws(WorkbookError) {
        _ = try text(of: element)
    }

    /// The text of a rich-text item just opened (a shared string's `<si>`, an inline
    /// string's `<is>`): its `<t>`s joined, runs and all, phonetic guides (`<rPh>`, Japanese
    /// readings) left out; the end tag is consumed.
    mutating func richText(of element: String) throws(WorkbookError) -> String {
        var out = ""
        var depth = 0, phonetic = 0
        while let event = try next() {
            switch event {
            case .start("t", _, let empty):
                if !empty {
                    let t = try text(of: "t")
                    if phonetic == 0 { out += t }
                }
            case .start(let name, _, let empty) where !empty:
                depth += 1
                if name == "rPh" { phonetic += 1 }
            case .end(let name):
                if depth == 0 { return out }
                depth -= 1
                if name == "rPh" { phonetic -= 1 }
            default:
                break
            }
        }
        throw fault("the document ends inside <\(element)>")
    }

    // MARK: Markup

    private mutating func markup() throws(WorkbookError) -> Event? {
        // Most markup is a tag: only `<!` and `<?` need a closer look.
        while end - start < 2 {
            guard try fill() else { break }
        }
        if end - start >= 2, buffer[start + 1] != UInt8(ascii: "!"), buffer[start + 1] != UInt8(ascii: "?") { return try tag() }
        if try lookingAt("<!--") {
            try skipPast("-->")
            return nil
        }
        if try lookingAt("<![CDATA[") {
            let close = try find("]]>", from: start + 9)
            let text = String(decoding: buffer[(start + 9)..<close], as: UTF8.self)
            start = close + 3
            return .text(text)
        }
        if try lookingAt("<!") {
            throw fault("a document type declaration, which a workbook never holds (it is how entity bombs are built)")
        }
        if try lookingAt("<?") {
            try skipPast("?>")
            return nil
        }
        return try tag()
    }

    /// An element's start or end tag at `start`.
    private mutating func tag() throws(WorkbookError) -> Event {
        let gt = try untilOutsideQuotes(from: start + 1)
        defer { start = gt + 1 }
        var at = start + 1
        if buffer[at] == UInt8(ascii: "/") {
            at += 1
            let name = localName(at..<nameEnd(from: at, limit: gt))
            return .end(name: name)
        }
        let empty = gt > at && buffer[gt - 1] == UInt8(ascii: "/")
        let limit = empty ? gt - 1 : gt
        let nameStop = nameEnd(from: at, limit: limit)
        guard nameStop > at else { throw fault("`<` that opens no element") }
        let name = localName(at..<nameStop)
        at = nameStop
        var attributes: [(name: String, value: String)] = []
        while true {
            while at < limit, isSpace(buffer[at]) { at += 1 }
            if at >= limit { break }
            let keyEnd = nameEnd(from: at, limit: limit)
            guard keyEnd > at else { throw fault("a malformed attribute in <\(name)>") }
            let key = localName(at..<keyEnd)
            at = keyEnd
            while at < limit, isSpace(buffer[at]) { at += 1 }
            guard at < limit, buffer[at] == UInt8(ascii: "=") else { throw fault("attribute `\(key)` of <\(name)> has no value") }
            at += 1
            while at < limit, isSpace(buffer[at]) { at += 1 }
            guard at < limit, buffer[at] == UInt8(ascii: "\"") || buffer[at] == UInt8(ascii: "'") else {
                throw fault("attribute `\(key)` of <\(name)> is not quoted")
            }
            let quote = buffer[at]
            at += 1
            var close = at
            while close < limit, buffer[close] != quote { close += 1 }
            guard close < limit else { throw fault("attribute `\(key)` of <\(name)> is not closed") }
            attributes.append((key, try decode(at..<close)))
            at = close + 1
        }
        return .start(name: name, attributes: attributes, empty: empty)
    }

    private func nameEnd(from: Int, limit: Int) -> Int {
        var at = from
        while at < limit {
            let b = buffer[at]
            if isSpace(b) || b == UInt8(ascii: "=") || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") { break }
            at += 1
        }
        return at
    }

    private func localName(_ range: Range<Int>) -> String {
        var from = range.lowerBound
        for k in range where buffer[k] == UInt8(ascii: ":") { from = k + 1 }
        return String(decoding: buffer[from..<range.upperBound], as: UTF8.self)
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    // MARK: Text

    /// Character data with the five named entities and numeric references decoded.
    private func decode(_ range: Range<Int>) throws(WorkbookError) -> String {
        guard buffer[range].contains(UInt8(ascii: "&")) else { return String(decoding: buffer[range], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var at = range.lowerBound
        while at < range.upperBound {
            let b = buffer[at]
            guard b == UInt8(ascii: "&") else {
                out.append(b)
                at += 1
                continue
            }
            guard let semi = buffer[at..<range.upperBound].firstIndex(of: UInt8(ascii: ";")), semi - at <= 12 else {
                throw fault("an `&` that starts no entity")
            }
            let name = String(decoding: buffer[(at + 1)..<semi], as: UTF8.self)
            switch name {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let hex = name.hasPrefix("#x") || name.hasPrefix("#X")
                guard name.hasPrefix("#"), let code = UInt32(name.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
                      let scalar = Unicode.Scalar(code)
                else { throw fault("an unknown entity `&\(name);`") }
                out += Array(String(Character(scalar)).utf8)
            }
            at = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: The buffer

    /// Reads more, keeping `buffer[start..<end]`; false at the end of the source.
    private mutating func fill() throws(WorkbookError) -> Bool {
        if done { return false }
        if start > 0 {
            let kept = end - start
            if kept > 0 { buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: $0.baseAddress! + start, count: kept) } }
            consumed += start
            start = 0
            end = kept
        }
        if end == buffer.count {
            guard buffer.count < maxToken else { throw fault("a single piece of markup or text longer than \(maxToken >> 20) MB") }
            buffer += [UInt8](repeating: 0, count: buffer.count)
        }
        let n = try buffer.withUnsafeMutableBufferPointer { (all) throws(WorkbookError) -> Int in
            try source(UnsafeMutableBufferPointer(rebasing: all[end...]))
        }
        if n == 0 { done = true }
        end += n
        return n > 0
    }

    /// The index of the first byte from `start` that `stop` accepts, or `end` at the end of
    /// the document.
    private mutating func until(_ stop: (UInt8) -> Bool) throws(WorkbookError) -> Int {
        var at = start
        while true {
            while at < end {
                if stop(buffer[at]) { return at }
                at += 1
            }
            let offset = at - start
            guard try fill() else { return end }
            at = start + offset
        }
    }

    /// The `>` that closes the tag at `start`, skipping any inside quoted attribute values.
    private mutating func untilOutsideQuotes(from: Int) throws(WorkbookError) -> Int {
        var at = from
        var quote: UInt8 = 0
        while true {
            while at < end {
                let b = buffer[at]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    return at
                }
                at += 1
            }
            let offset = at - start
            guard try fill() else { throw fault("the document ends inside a tag") }
            at = start + offset
        }
    }

    private mutating func lookingAt(_ prefix: StaticString) throws(WorkbookError) -> Bool {
        let count = prefix.utf8CodeUnitCount
        while end - start < count {
            guard try fill() else { break }
        }
        guard end - start >= count else { return false }
        return prefix.withUTF8Buffer { p in (0..<count).allSatisfy { buffer[start + $0] == p[$0] } }
    }

    private mutating func find(_ marker: StaticString, from: Int) throws(WorkbookError) -> Int {
        let m = marker.withUTF8Buffer { Array($0) }
        var at = from
        while true {
            while at + m.count <= end {
                if buffer[at] == m[0] && (1..<m.count).allSatisfy({ buffer[at + $0] == m[$0] }) { return at }
                at += 1
            }
            let offset = at - start
            guard try fill() else { throw fault("the document ends before `\(marker)`") }
            at = start + offset
        }
    }

    private mutating func skipPast(_ marker: StaticString) throws(WorkbookError) {
        start = try find(marker, from: start + 2) + marker.utf8CodeUnitCount
    }

    private func fault(_ message: String) -> WorkbookError {
        WorkbookError(part: part, offset: consumed + start, message: message)
    }
}
