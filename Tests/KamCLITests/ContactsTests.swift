import Foundation
import KamTestSupport
import Testing

/// `kam report --contacts`: each candidate's buying centre from a contacts file, counted
/// independently here from the same file; the risks the pack draws from it; exports as 1C and
/// Excel write them; and the files that must stop the report.
struct ContactsTests {
    let customers = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    let contacts = TestPaths.fixtures.appending(path: "sample/contacts.csv").path
    let scratch: ScratchFolder
    init() throws { scratch = try ScratchFolder("kam-contacts") }
    func fixture(_ name: String) -> String { TestPaths.fixtures.appending(path: "contacts/\(name)").path }

    func report(_ extra: String...) throws -> (code: Int32, json: [String: Any], err: String) { try report(extra, customers: customers) }

    func report(_ extra: [String], customers: String) throws -> (code: Int32, json: [String: Any], err: String) {
        let r = kam(["report", "--customers", customers, "--format", "json", "--quiet"] + extra)
        let json = r.code == 0 ? try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]) : [:]
        return (r.code, json, r.err)
    }

    @Test func eachCandidatesBuyingCentreIsCountedFromTheFile() throws {
        let r = try report("--contacts", contacts)
        #expect(r.code == 0, "\(r.err)")
        // The file as plain rows: one per pair of people, comma-separated, nothing quoted.
        let rows = try String(contentsOfFile: contacts, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let essential: Set<String> = ["decision maker", "buyer", "user"]
        let latest = rows.map { $0[5] }.max()!
        let candidates = try #require(r.json["candidates"] as? [[String: Any]])
        var patterns: Set<String> = []
        for c in candidates {
            let id = try #require(c["id"] as? String)
            let mine = rows.filter { $0[0] == id }
            let centre = try #require(c["buying_centre"] as? [String: Any])
            #expect(centre["people"] as? Int == Set(mine.map { $0[1] }).count, "\(id)")
            #expect(centre["our_people"] as? Int == Set(mine.map { $0[3] }).count, "\(id)")
            let strongest = Dictionary(mine.map { ($0[1], Int($0[4])!) }, uniquingKeysWith: max)
            #expect(centre["strong"] as? Int == strongest.values.filter { $0 >= 4 }.count, "\(id)")
            #expect(centre["essential_roles_missing"] as? Int == essential.subtracting(mine.map { $0[2] }).count, "\(id)")
            #expect(centre["last_contact"] as? String == mine.map { $0[5] }.max(), "\(id)")
            let risks = Set((c["risks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            let pattern = try #require(centre["pattern"] as? String)
            patterns.insert(pattern)
            #expect(risks.contains("no_contacts_recorded") == mine.isEmpty, "\(id)")
            // A bow-tie: one person on either side carries every contact.
            let bowTie = !mine.isEmpty && (Set(mine.map { $0[1] }).count <= 1 || Set(mine.map { $0[3] }).count <= 1)
            #expect(risks.contains("single_threaded") == bowTie, "\(id)")
            #expect(pattern == (mine.isEmpty ? "none" : bowTie ? "bow-tie" : "diamond"), "\(id)")
            #expect(risks.contains("buying_roles_uncovered") == !essential.isSubset(of: mine.map { $0[2] }), "\(id)")
            if !mine.isEmpty {
                let days = try #require(centre["days_since_contact"] as? Int)
                #expect(risks.contains("contacts_gone_cold") == (days > 90), "\(id)")
            }
        }
        // The sample holds each pattern among its candidates, and the file's latest day is the date.
        #expect(patterns == ["diamond", "bow-tie", "none"])
        let file = try #require(r.json["contacts"] as? [String: Any])
        #expect(file["as_of"] as? String == latest)
        #expect((file["problems"] as? [Any])?.isEmpty == true)
    }

    @Test func theDateCanBeGivenAndMovesEveryCount() throws {
        let base = try report("--contacts", contacts)
        let later = try report("--contacts", contacts, "--as-of", "27.12.2026")
        let a = try #require(base.json["candidates"] as? [[String: Any]]), b = try #require(later.json["candidates"] as? [[String: Any]])
        var moved = 0
        for (x, y) in zip(a, b) {
            guard let d = (x["buying_centre"] as? [String: Any])?["days_since_contact"] as? Int else { continue }
            #expect((y["buying_centre"] as? [String: Any])?["days_since_contact"] as? Int == d + 30)
            moved += 1
        }
        #expect(moved >= 10)
        #expect((later.json["contacts"] as? [String: Any])?["as_of_source"] as? String == "--as-of")
    }

    @Test func aRussianExportWithProblemRowsIsReadAndEveryProblemNamedByLine() throws {
        let r = try report("--contacts", fixture("ru-1c-problems.csv"))
        #expect(r.code == 0, "\(r.err)")
        let problems = try #require((r.json["contacts"] as? [String: Any])?["problems"] as? [[String: Any]])
        #expect(problems.compactMap { $0["line"] as? Int } == [7, 8, 8, 9, 10, 12])
        for line in [7, 8, 9, 10, 12] { #expect(r.err.contains("ru-1c-problems.csv, line \(line):")) }
        let candidates = try #require(r.json["candidates"] as? [[String: Any]])
        let first = try #require(candidates.first { $0["id"] as? String == "C-0178" }?["buying_centre"] as? [String: Any])
        // Four people (Иванов twice, through two of ours); the ЛПР is the decision maker; the
        // strongest reading of a person counts (4 over 3,5); the date before the time is read.
        // A role or strength the pack does not know leaves the account's count unknown.
        #expect(first["people"] as? Int == 4)
        #expect(first["our_people"] as? Int == 2)
        #expect(first["strong"] is NSNull)
        #expect(first["roles_covered"] is NSNull)
        let people = try #require(first["contacts"] as? [[String: Any]])
        #expect(people.map { $0["roles"] as? [String] ?? [] } == [["decider"], ["buyer"], [], ["user"]])
        #expect(people.map { $0["strength"] as? Double } == [5, 4, 3, nil])
        #expect(first["last_contact"] as? String == "2026-11-20")
        let second = try #require(candidates.first { $0["id"] as? String == "C-0084" }?["buying_centre"] as? [String: Any])
        #expect(second["roles_covered"] as? [String] == ["buyer", "user"])
        #expect(second["days_since_contact"] as? Int == 168)
    }

    @Test(arguments: [("ambiguous-dates.csv", "can be read day first or month first"), ("mixed-dates.csv", "mix day-first"),
                      ("other-ids.csv", "seem to use different ids")])
    func aFileThatCannotBeReadSafelyStopsTheReport(_ name: String, _ message: String) throws {
        let r = try report("--contacts", fixture(name))
        #expect(r.code == 1)
        #expect(r.err.contains(message), "\(r.err)")
    }

    @Test func withoutAContactsFileTheReportSaysWhatOneWouldAdd() throws {
        let r = kam("report", "--customers", customers, "--format", "markdown", "--quiet")
        #expect(r.code == 0)
        #expect(r.out.contains("## Buying centres\n\nNo contacts file was given. With --contacts FILE"))
        #expect(!r.out.contains("Contact map"))
        let json = try report()
        #expect(json.json["contacts"] is NSNull)
        #expect((json.json["candidates"] as? [[String: Any]])?.allSatisfy { $0["buying_centre"] is NSNull } == true)
    }

    @Test func theMappingReportSaysWhichInputsTheContactsFill() {
        let r = kam("report", "--customers", customers, "--contacts", contacts, "--format", "json")
        #expect(r.err.contains("from \(contacts): contacts_known, contact_owners, strong_contacts, buying_roles_uncovered, days_since_contact"))
        #expect(!r.err.contains("days_since_contact (left unanswered"))
    }

    func temporary(_ name: String, _ text: String) throws -> String {
        let folder = scratch.url.appending(path: UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appending(path: name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    let header = "customer_id,person,role,owner,strength,last_contact\n"

    func centre(_ json: [String: Any], _ id: String) -> [String: Any]? {
        (json["candidates"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["buying_centre"] as? [String: Any]
    }

    func risks(_ json: [String: Any], _ id: String) -> Set<String> {
        let c = (json["candidates"] as? [[String: Any]])?.first { $0["id"] as? String == id }
        return Set((c?["risks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
    }

    @Test func aBlankCellLeavesTheCountUnknownAndFiresNoRisk() throws {
        let path = try temporary("blank.csv", header + "C-0084,Anna,buyer,Petrov,5,2026-11-01\nC-0084,Boris,,,,2026-11-02\n")
        let r = try report("--contacts", path)
        #expect(r.code == 0, "\(r.err)")
        let c = try #require(centre(r.json, "C-0084"))
        #expect(c["people"] as? Int == 2)
        #expect(c["our_people"] is NSNull && c["strong"] is NSNull && c["essential_roles_missing"] is NSNull)
        #expect(risks(r.json, "C-0084").isDisjoint(with: ["single_threaded", "no_strong_contact", "buying_roles_uncovered"]))
    }

    @Test func anIdTheListSpellsOtherwiseIsNamedAndNotUsed() throws {
        let path = try temporary("case.csv", header + "c-0084,Anna,buyer,Petrov,5,2026-11-01\nC-0178,Boris,buyer,Petrov,5,2026-11-02\n")
        let r = try report("--contacts", path)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("account `c-0084` is not in \(customers); it has `C-0084`, which differs only in case or spaces"))
        #expect(centre(r.json, "C-0084")?["people"] as? Int == 0)
    }

    @Test func aFileOfSmallAccountsOnlyIsNoFileOfForeignIds() throws {
        // C-0150 is in the list but far from the accounts a report names.
        let path = try temporary("small.csv", header + "C-0150,Anna,buyer,Petrov,5,2026-11-01\n")
        let r = try report("--contacts", path)
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.err.contains("different ids"))
    }

    @Test func aFileWithoutContactRowsIsRefused() throws {
        let r = try report("--contacts", try temporary("empty.csv", header))
        #expect(r.code == 1)
        #expect(r.err.contains("no contact rows below the header"))
    }

    @Test func aLoneLatestDateIsRefusedUnlessTheDateIsGiven() throws {
        let text = try String(contentsOfFile: contacts, encoding: .utf8) + "C-0300,Typo Person,buyer,Петров Игорь,3,2062-11-01\n"
        let path = try temporary("typo.csv", text)
        let refused = try report("--contacts", path)
        #expect(refused.code == 1)
        #expect(refused.err.contains("the latest last contact, 2062-11-01 on line 144"), "\(refused.err)")
        let given = try report("--contacts", path, "--as-of", "2026-11-30")
        #expect(given.code == 0)
        #expect(given.err.contains("line 144: contacts as late as 2062-11-01 are after the report's date 2026-11-30"))
    }

    @Test func aListsOwnContactColumnIsKept() throws {
        // The list answers contacts_known itself: the contacts file fills only where it does not.
        let rows = try String(contentsOfFile: customers, encoding: .utf8).split(separator: "\n")
        let list = ([rows[0] + ",Number of Contacts"] + rows.dropFirst().map { $0 + ",5" }).joined(separator: "\n") + "\n"
        let path = try temporary("customers.csv", list)
        let r = try report(["--contacts", contacts], customers: path)
        #expect(r.code == 0, "\(r.err)")
        // C-0099 is not in the contacts file: it keeps the list's five people.
        #expect(!risks(r.json, "C-0099").contains("no_contacts_recorded"))
    }

    @Test func theMappingNamesOnlyWhatTheFileCanFill() throws {
        let path = try temporary("minimal.csv", "customer_id,person\nC-0178,Anna\n")
        let r = kam("report", "--customers", customers, "--contacts", path, "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("from \(path): contacts_known\n"))
    }

    @Test func misuseIsAUsageError() {
        #expect(kam("report", "--questionnaire", TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path, "--contacts", contacts).code == 64)
        #expect(kam("report", "--customers", customers, "--as-of", "2026-11-30").code == 64)
        #expect(kam("report", "--customers", customers, "--contacts", contacts, "--as-of", "soon").code == 64)
    }
}
