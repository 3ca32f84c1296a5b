import Foundation
import KamRules
import KamSource
import KamTestSupport
import Testing

/// A host profile for the tests: the engine knows nothing of key accounts, so these tests
/// declare a kind of their own.
let testProfiles = [
    PackProfile(kind: "assessment", outcomeName: "verdict"),
    PackProfile(kind: "plant-care", outcomeName: "advice", context: [.init("season_length", .number, "days of the season")]),
    // Rows of this kind may be several lines of one record, so inputs say how they combine.
    PackProfile(kind: "orders", outcomeName: "class", rowsCombine: true),
]

func load(_ text: String, path: String = "pack.json5") -> (RulePack?, [Diagnostic]) {
    PackLoader.load(SourceFile(path: path, text: text), profiles: testProfiles)
}

/// Every pack in `fixtures/rules-broken/` against the exact text of its diagnostics.
struct BrokenPackTests {
    static let files: [String] = {
        let folder = TestPaths.fixtures.appending(path: "rules-broken")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json5") }.sorted()
    }()

    @Test func thereAreAtLeastTenBrokenPacks() {
        #expect(Self.files.count >= 10)
    }

    @Test(arguments: files)
    func diagnosticsAreExact(_ name: String) throws {
        let url = TestPaths.fixtures.appending(path: "rules-broken").appending(path: name)
        let file = SourceFile(path: "fixtures/rules-broken/\(name)", bytes: Array(try Data(contentsOf: url)))
        let (pack, diagnostics) = PackLoader.load(file, profiles: testProfiles)
        #expect(!diagnostics.isEmpty)
        if diagnostics.hasErrors { #expect(pack == nil) }
        assertGolden(DiagnosticRenderer.render(diagnostics), named: name.replacingOccurrences(of: ".json5", with: ".txt"))
    }
}
