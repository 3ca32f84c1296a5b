import Foundation
import KamReport
import KamTestSupport
import Testing

/// The message catalogues: every language has the reference's keys, placeholders and the
/// plural forms it needs, and every key the Swift asks for exists.
struct CatalogueTests {
    let english = Messages.bundled("en")!

    /// Keys that translate a pack's own words: optional in every catalogue.
    func optional(_ key: String) -> Bool { key.hasPrefix("value.") || key.hasPrefix("cost.") }

    @Test func everyLanguageHasTheReferencesKeysPlaceholdersAndPluralForms() throws {
        #expect(Messages.languages.contains("ru"))
        let reference = english.shape
        for code in Messages.languages where code != "en" {
            let other = try #require(Messages.bundled(code)).shape
            let missing = reference.keys.filter { other[$0] == nil }.sorted()
            let extra = other.keys.filter { reference[$0] == nil && !optional($0) }.sorted()
            #expect(missing.isEmpty, "\(code) lacks \(missing)")
            #expect(extra.isEmpty, "\(code) has keys en does not: \(extra)")
            for (key, shape) in reference {
                guard let theirs = other[key] else { continue }
                #expect(theirs.placeholders == shape.placeholders, "\(code) \(key): \(theirs.placeholders) against \(shape.placeholders)")
                #expect((theirs.forms == nil) == (shape.forms == nil), "\(code) \(key): a plural in one language only")
                if let forms = theirs.forms {
                    let needed: Set<String> = code == "ru" ? ["one", "few", "many"] : ["one", "other"]
                    #expect(needed.isSubset(of: forms), "\(code) \(key) lacks \(needed.subtracting(forms))")
                }
            }
        }
    }

    @Test func everyKeyTheSwiftAsksForIsInTheReference() throws {
        let folders = ["Sources/KamReport", "Sources/KamCLI"].map { TestPaths.packageRoot.appending(path: $0) }
        let pattern = try Regex(#"(?:\bt|\bm|Messages\.current)\("([a-z_]+(?:\.[a-z_0-9]+)+|[a-z_]+)""#)
        var asked = Set<String>()
        for folder in folders {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for match in text.matches(of: pattern) { asked.insert(String(match.output[1].substring!)) }
            }
        }
        #expect(asked.count > 200)
        let keys = Set(english.shape.keys)
        let unknown = asked.filter { !keys.contains($0) && !$0.hasSuffix(".") }.sorted()
        #expect(unknown.isEmpty, "asked for but not in en.json5: \(unknown)")
    }

    @Test func russianPluralsFollowTheLastDigits() throws {
        let ru = try #require(Messages.bundled("ru"))
        let forms = [1: "клиент", 2: "клиента", 5: "клиентов", 11: "клиентов", 12: "клиентов", 21: "клиент", 22: "клиента", 25: "клиентов", 111: "клиентов"]
        for (n, word) in forms { #expect(ru("accounts", count: n).hasSuffix(word), "\(n)") }
        #expect(ru("accounts", count: 2_000) == "2\u{A0}000 клиентов")
        #expect(english("accounts", count: 1) == "1 account" && english("accounts", count: 2_000) == "2,000 accounts")
    }

    @Test func placeholdersAreFilledAndAMissingOneStaysVisible() {
        #expect(english("plan.risk", ["risk": "Late", "mitigation": "fix it"]) == "Late: fix it.")
        #expect(english("plan.risk", ["risk": "Late"]) == "Late: {mitigation}.")
        #expect(english("no.such.key") == "no.such.key")
    }
}
