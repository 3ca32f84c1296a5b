// Writes a Swift file that carries the bundled rule packs as string literals.
// Usage: kam-embed-rules OUTPUT.swift RULE.json5...
// Runs at build time through EmbedRulesPlugin; not part of the shipped tool.
import Foundation

/// A Swift string literal whose value is exactly `text`: quotes, backslashes and every
/// control character escaped, so the embedded bytes (and so the pack's hash) are the file's.
func swiftLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: kam-embed-rules OUTPUT.swift RULE.json5...\n".utf8))
    exit(64)
}
// Packs are `rules/*.json5`; message catalogues are `rules/messages/*.json5`.
var packs = "", messages = ""
for path in arguments.dropFirst(2) {
    let url = URL(fileURLWithPath: path)
    let data = try Data(contentsOf: url)
    guard let text = String(data: data, encoding: .utf8), Data(text.utf8) == data else {
        FileHandle.standardError.write(Data("error: \(path) is not valid UTF-8; rule files must be UTF-8\n".utf8))
        exit(1)
    }
    let entry = "    (name: \(swiftLiteral(url.lastPathComponent)), text: \(swiftLiteral(text))),\n"
    if url.deletingLastPathComponent().lastPathComponent == "messages" { messages += entry } else { packs += entry }
}
let swift = """
    // Generated at build time by kam-embed-rules from rules/. Do not edit.

    /// The rule packs in the package's `rules/` folder, by file name, with their exact text.
    let bundledRuleFiles: [(name: String, text: String)] = [
    \(packs)]

    /// The message catalogues in `rules/messages/`, by file name, with their exact text.
    let bundledMessageFiles: [(name: String, text: String)] = [
    \(messages)]

    """
try Data(swift.utf8).write(to: URL(fileURLWithPath: arguments[1]), options: .atomic)
