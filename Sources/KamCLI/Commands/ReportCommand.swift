import Foundation
import KamAdvisor
import KamCSV
import KamReport
import KamRules
import KamSource

/// `kam report`: the recommendation management reads, from the questionnaire, the customer
/// list, or both.
enum ReportCommand {
    static let command = Command(
        words: ["report"],
        summary: "Write the recommendation report: suitability, key accounts, programme economics, managers, account plans.",
        synopsis: "--questionnaire FILE --customers CSV [--contacts CSV] [--format html|markdown|json] [-o FILE] [options]",
        discussion: """
            Combines the supplier assessment (from --questionnaire, as `kam assess` reads it)
            with the scored customer list (from --customers, as `kam score` reads it) and
            recommends which accounts become key accounts, who should run them and how. With
            only one of the two it reports what that one supports and says what is missing.
            The programme's size is key-account managers × accounts per manager: the managers
            come from --managers, else the questionnaire's `kam_managers_available`, else the
            programme is sized to the best tier (at most 35 accounts); accounts per manager
            from --accounts-per-manager, else 4 (one manager runs 1 to fewer than 5).
            The accounts whose loss would badly hurt (the pack's `vital` rule) come first,
            whatever their score, unless a pack rule leaves one out and says why; growth
            candidates from the `report.candidate_tiers` fill the places left, strategic before
            star, best score first; the next five are listed as next in line. Each of the ten
            largest accounts is chosen or listed with the reason it is not; large accounts with
            breakdown signals are listed to rescue. Whether the programme pays, at the pack's
            planned uplift, needs `kam_cost_per_account` (or `kam_manager_cost`) in the
            questionnaire; the report gives the uplift it needs and the largest programme
            that pays (docs/report.md).
            --format html (the default for files and pipes) writes one self-contained page
            with charts, readable offline, on a phone and on paper; markdown (the default on a
            terminal) is for reading there and pasting into documents; json is for other
            tools (docs/report-json.md). The same inputs give the same bytes.
            --contacts FILE adds each candidate's buying centre from a contacts file, one row
            per person (or per pair of people) at an account: account id, person, role in the
            buying centre (decision maker, buyer, user, influencer, gatekeeper, initiator),
            our owner, strength (1-5 or strong/medium/weak) and last contact. The report shows
            whom we know at each candidate, the accounts that hang on one person (bow-tie), the
            essential roles nobody reaches and the accounts gone cold, each a risk with its
            action in the account plan. Days since the last contact count to --as-of DATE,
            else to the latest contact in the file.
            --previous-customers SCORED adds "What changed since the previous run": the previous
            run's scored list (kam score's default output) against this customer list, as
            `kam diff` compares them (docs/diff.md): the portfolio's movement, the accounts that
            changed tier or class with the inputs that moved them, those that appeared or
            disappeared, and the risks that fired for the first time among the recommended.
            --previous REPORT.json checks the previous report's plan targets for its key
            accounts (sales, share of wallet, contribution) against this run's figures: ahead,
            met or behind, and what to do about a gap.
            --rules PATH may hold some of the three packs (assessment, account-scoring,
            skills); the others come from the bundled ones.
            Examples:
              kam report --questionnaire fixtures/sample/questionnaire.json5 --customers fixtures/sample/customers.csv \\
                --contacts fixtures/sample/contacts.csv -o report.html
              kam report --customers customers.csv --managers 2 --format markdown
            """,
        options: [
            Language.option,
            OptionSpec(name: "--questionnaire", value: "FILE", help: "The supplier's questionnaire (JSON5; `kam questionnaire` prints the form)."),
            OptionSpec(name: "--customers", value: "CSV", help: "The customer list to score (CSV export from a CRM or spreadsheet)."),
            OptionSpec(name: "--format", value: "FORMAT", help: "html (default), markdown or json; without it, the extension of -o FILE chooses (.html, .md, .json).", choices: ["html", "markdown", "json"]),
            OptionSpec(name: "--output", value: "FILE", help: "Write the report to FILE (atomically) instead of standard output.", short: "-o"),
            OptionSpec(name: "--contacts", value: "CSV", help: "Who we know at each account: account id, person, buying-centre role, our owner, strength, last contact."),
            OptionSpec(name: "--previous", value: "FILE", help: "The previous report in JSON: its key accounts' plan targets against this run's figures."),
            OptionSpec(name: "--previous-customers", value: "CSV", help: "The previous run's scored list (kam score's default output): adds what changed since, and why."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The day days-since-last-contact count to (default: the latest contact in --contacts)."),
            OptionSpec(name: "--contacts-encoding", value: "ENC", help: "The contacts file's encoding when it is not UTF-8: cp1251, cp1252, latin1, utf16le, utf16be."),
            OptionSpec(name: "--managers", value: "N", help: "Key-account managers available (overrides the questionnaire)."),
            OptionSpec(name: "--accounts-per-manager", value: "K", help: "Accounts one manager runs (default 4)."),
            OptionSpec(name: "--rules", value: "PATH", help: "A pack file or folder to use instead of the bundled packs of its kinds."),
            OptionSpec(name: "--jobs", value: "N", help: "Threads to score with (default: every core)."),
            OptionSpec(name: "--quiet", value: nil, help: "No column-mapping report or progress line on standard error."),
        ] + CustomerFile.options,
        operands: .none,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw .usage("unexpected argument `\(arguments.positionals[0])`",
                             help: "name the inputs with --questionnaire FILE and --customers CSV")
        }
        BatchMemory.returnLargeBlocks()
        var format = arguments.format("html", byExtension: ["html": "html", "htm": "html", "md": "markdown", "markdown": "markdown", "json": "json"])
        if arguments.value("--format") == nil, arguments.value("--output") ?? "-" == "-", console.outputIsTerminal {
            // A page of raw HTML is of no use on a screen; files and pipes still get HTML.
            format = "markdown"
            console.err("note: standard output is a terminal, so the report is shown as Markdown; for the HTML page use -o report.html (or --format html)\n")
        }
        let questionnairePath = arguments.value("--questionnaire"), customersPath = arguments.value("--customers")
        guard questionnairePath != nil || customersPath != nil else {
            throw .usage("nothing to report on", help: "give --questionnaire FILE, --customers CSV, or both")
        }
        if customersPath == "-" || questionnairePath == "-" {
            throw .usage("`kam report` reads files, not standard input", help: "save the input to a file first")
        }
        let managers = try arguments.integer("--managers", in: 0...10_000)
        let perManager = try arguments.integer("--accounts-per-manager", in: 1...100)
        let jobs = try arguments.integer("--jobs", in: 1...256) ?? 0
        let encoding = try CustomerFile.encoding(arguments)
        let dialect = try CustomerFile.dialect(arguments)
        let rule = try CustomerFile.headerRule(arguments)
        let rules = arguments.value("--rules")
        let contactsPath = arguments.value("--contacts")
        let previousPath = arguments.value("--previous-customers")
        let previousReportPath = arguments.value("--previous")
        if previousReportPath != nil && customersPath == nil {
            throw .usage("--previous needs --customers", help: "the previous report's targets are checked against this run's customer list")
        }
        if previousPath != nil && customersPath == nil {
            throw .usage("--previous-customers needs --customers", help: "the previous run is compared with the customer list of this one")
        }
        if contactsPath != nil && customersPath == nil {
            throw .usage("--contacts needs --customers", help: "the contacts describe the buying centres of the accounts in the customer list")
        }
        if contactsPath == nil, arguments.value("--as-of") != nil || arguments.value("--contacts-encoding") != nil {
            throw .usage("--as-of and --contacts-encoding apply to --contacts FILE", help: "give the contacts file with --contacts")
        }
        let asOf = try arguments.value("--as-of").map { text throws(CommandFailure) -> CalendarDay in
            guard let day = CalendarDay.parse(text, slashes: CalendarDay.slashOrder(of: [text]).order) else { throw .usage("`\(text)` is no date", help: "write the date as 2026-11-30 or 30.11.2026") }
            return day
        }
        let contactsEncoding = try arguments.value("--contacts-encoding").map { name throws(CommandFailure) -> CSVEncoding in
            guard let e = CSVEncoding(name: name) else { throw .usage("unknown encoding `\(name)`", help: "use utf8, utf16le, utf16be, cp1251, cp1252 or latin1") }
            return e
        }
        var packs: [RulePack] = []
        var audit: [ReportAudit.InputFile] = []

        var questionnaire: Questionnaire?
        var assessmentPack: RulePack?
        if let path = questionnairePath {
            let pack = try PackChoice.pack(kind: "assessment", rules: rules, fallback: true, console: console)
            let source = try AssessCommand.readFile(path)
            // The customer list answers the concentration questions, as in `kam assess --customers`.
            let filled = customersPath == nil ? [] : Concentration.questions(of: pack)
            questionnaire = try checked(Questionnaire.load(source, pack: pack, filled: filled), console)
            assessmentPack = pack
            packs.append(pack)
            audit.append(.init(role: "questionnaire", path: path, sha256: SHA256.hex(source.bytes), bytes: source.bytes.count, rows: nil))
        }

        var review: CustomerReview?
        var skills: RulePack?
        var contacts: ContactBook?
        var changes: RunDiff?
        var previousReport: PlanReview.Previous?
        if let path = previousReportPath {
            let source = try AssessCommand.readFile(path)
            switch PlanReview.read(source) {
            case .success(let p): previousReport = p
            case .failure(let failure): throw .failed("\(failure)")
            }
            audit.append(.init(role: "previous_report", path: path, sha256: SHA256.hex(source.bytes), bytes: source.bytes.count, rows: nil))
        }
        if let given = customersPath {
            let source = try SheetSource.open(given, shownAs: given, sheet: arguments.value("--sheet"), quiet: arguments.has("--quiet"), console: console)
            defer { withExtendedLifetime(source) {} }
            let path = source.path
            let (encoding, dialect) = source.csvOptions(encoding: encoding, dialect: dialect, console: console)
            let pack = try PackChoice.pack(kind: "account-scoring", rules: rules, fallback: true, console: console)
            let (fields, problems) = ReportFields.read(pack)
            try check(problems, console)
            if let contactsPath {
                contacts = try readContacts(contactsPath, fields, pack, asOf: asOf, encoding: contactsEncoding, console)
            }
            let file = try CustomerFile.open(path: path, shownAs: given, pack: pack, dialect: dialect, encoding: encoding,
                                             map: arguments.all("--map"), header: rule, quiet: arguments.has("--quiet"),
                                             filledBy: contacts.flatMap { c in fields.buyingCentre.map { .init(source: c.path, inputs: BuyingCentre.inputsFilled(by: c.columns, spec: $0)) } },
                                             console: console)
            var options = BatchOptions(jobs: jobs, dialect: file.dialect, encoding: encoding)
            options.headerRecords = file.headerRecords
            // A progress line for long lists, as `kam score` shows, when standard error is a terminal.
            let progress = Progress(console: console, quiet: arguments.has("--quiet"), path: given)
            do throws(BatchFailure) {
                review = try CustomerReview.run(
                    path: path, pack: pack, mapping: file.mapping, fields: fields,
                    keep: Recommender.accountsToKeep(managers: managers, questionnaire: questionnaire, accountsPerManager: perManager, fields: fields), options: options,
                    contacts: contacts, keepIds: previousReport?.ids ?? [], progress: progress.update)
            } catch {
                progress.clear()
                throw .failed("\(given): \(error.withoutPath)")
            }
            progress.clear()
            if let review {
                let notices = RowNotices(shownAs: given, console: console, positions: source.positions.map { ($0, file.headers) })
                for row in review.skipped where !arguments.has("--quiet") { notices.skip(row) }
                for error in review.rejected { notices.reject(error, print: false) }
                if review.summary.scored == 0 {
                    throw .failed("none of the \(review.summary.rowsRead) rows of \(given) could be scored, so there is nothing to recommend"
                                  + (review.rejected.isEmpty ? "" : "\nThe commonest reasons:\n" + notices.commonest()),
                                  help: review.rejected.isEmpty ? nil : RowNotices.mappingHelp)
                }
                if review.summary.rejected > 0 {
                    console.err("note: \(review.summary.rejected) of \(review.summary.rowsRead) rows of \(given) could not be scored; the report lists the first ones (`kam score --errors FILE` lists them all)\n")
                }
                notices.finish(rowsRead: review.summary.rowsRead, toFile: true)
            }
            packs.append(pack)
            guard let hash = FileSystem.sha256(given) else { throw .failed("cannot read \(given)") }
            audit.append(.init(role: "customers", path: given, sha256: hash.hex, bytes: hash.bytes, rows: review?.summary.rowsRead))
            if let contacts, let review {
                try contactsMatch(contacts, review, customers: given, console)
                guard let hash = FileSystem.sha256(contacts.path) else { throw .failed("cannot read \(contacts.path)") }
                audit.append(.init(role: "contacts", path: contacts.path, sha256: hash.hex, bytes: hash.bytes, rows: contacts.rows))
            }
            if let previousPath {
                let overrides = try CustomerFile.overrides(arguments.all("--map"), console)
                do throws(DiffFailure) {
                    changes = try RunDiff.compare(previous: previousPath, current: path, mapping: file.mapping, pack: pack, options: options,
                                                  overrides: overrides.list, overrideFile: overrides.file)
                } catch {
                    throw .failed("\(error)")
                }
                DiffCommand.rejected(changes?.oldRejected ?? [], of: previousPath, console, "their accounts count as new in this run")
                guard let hash = FileSystem.sha256(previousPath) else { throw .failed("cannot read \(previousPath)") }
                audit.append(.init(role: "previous", path: previousPath, sha256: hash.hex, bytes: hash.bytes, rows: changes?.old.rowsRead))
            }
            let skillsPack = try PackChoice.pack(kind: "skills", rules: rules, fallback: true, console: console)
            packs.append(skillsPack)
            skills = skillsPack
        }

        var assessment: Assessment?
        if var answers = questionnaire, let pack = assessmentPack {
            if let review { try fillConcentration(&answers, pack, review, customersPath ?? "", console) }
            questionnaire = answers
            assessment = Assessor.assess(answers, pack: pack)
        }

        let recommendation = Recommender.recommend(
            assessment: assessment, questionnaire: questionnaire, review: review, skillsPack: skills,
            managers: managers, accountsPerManager: perManager, contacts: contacts, changes: changes,
            planReview: previousReport.flatMap { p in review.map { PlanReview.review(p, $0) } })
        let context = ReportAudit(kamVersion: KamCLI.version, packs: packs, inputs: audit)
        let text: String
        switch format {
        case "markdown": text = RecommendationReport.markdown(recommendation, audit: context)
        case "json": text = RecommendationReport.json(recommendation, audit: context)
        default: text = RecommendationReport.html(recommendation, audit: context)
        }
        do throws(OutputFile.Failure) {
            let inputs = [questionnairePath, customersPath, contactsPath, previousPath, previousReportPath].compactMap { $0 } + arguments.all("--map").filter(FileSystem.exists)
            try OutputFile.write(text, to: arguments.value("--output"), inputs: inputs, console: console)
        } catch {
            throw .failed(error.message)
        }
        return 0
    }

    /// The contacts file read for the pack, its row problems written as warnings.
    static func readContacts(_ path: String, _ fields: ReportFields, _ pack: RulePack, asOf: CalendarDay?, encoding: CSVEncoding?,
                             _ console: Console) throws(CommandFailure) -> ContactBook
    {
        guard let spec = fields.buyingCentre else {
            throw .failed("the account pack `\(pack.id)` has no `report.buying_centre` section, so it cannot read a contacts file; "
                          + "copy the section from the bundled rules/accounts.json5 or leave out --contacts")
        }
        // A contacts workbook is read through its sheet's CSV, as a customer list is.
        let source = try SheetSource.open(path, shownAs: path, sheet: nil, quiet: true, console: console)
        defer { withExtendedLifetime(source) {} }
        let (encoding, _) = source.csvOptions(encoding: encoding, dialect: nil, console: console)
        do throws(ContactBook.Failure) {
            let book = try ContactBook.read(path: source.path, shownAs: path, spec: spec, asOf: asOf, encoding: encoding)
            for problem in book.problems.prefix(10) {
                console.err("warning: \(path)\(problem.line.map { ", line \($0)" } ?? ""): \(problem.message)\n")
            }
            if book.problems.count > 10 {
                console.err("warning: \(path): \(book.problems.count - 10) more problems; the report lists the first 10 (the JSON report 100)\n")
            }
            return book
        } catch {
            throw .failed("\(path): \(error)", help: error.help)
        }
    }

    /// Stops the command when no account of the contacts file is in the customer list: the two
    /// files use different ids, and every candidate would wrongly show nobody known. Ids the
    /// list lacks are named, with the list's spelling where only case or spaces differ.
    static func contactsMatch(_ book: ContactBook, _ review: CustomerReview, customers: String, _ console: Console) throws(CommandFailure) {
        guard let match = review.contactMatch else { return }
        if match.found == 0 {
            let theirs = book.accounts.keys.sorted().prefix(3).map { "`\($0)`" }.joined(separator: ", ")
            let ours = match.listExamples.map { "`\($0)`" }.joined(separator: ", ")
            throw .failed("none of the \(book.accounts.count) accounts in \(book.path) is in \(customers); "
                          + "the files seem to use different ids (\(book.path): \(theirs); \(customers): \(ours))")
        }
        for (id, near) in match.missing.prefix(10) {
            console.err("warning: \(book.path): account `\(id)` is not in \(customers)"
                        + (near.map { "; it has `\($0)`, which differs only in case or spaces: write the id as the list does" } ?? "")
                        + "; its contacts are not used\n")
        }
        if match.missing.count > 10 { console.err("warning: \(book.path): \(match.missing.count - 10) more accounts are not in \(customers)\n") }
    }

    /// One assessment per report: the concentration answers come from the customer list,
    /// exactly as `kam assess --customers` computes them. The command stops, naming each one,
    /// when the list cannot answer a required question the questionnaire left open.
    static func fillConcentration(_ answers: inout Questionnaire, _ pack: RulePack, _ review: CustomerReview, _ path: String,
                                  _ console: Console) throws(CommandFailure)
    {
        guard let concentration = review.summary.portfolio.flatMap(Concentration.init(portfolio:)) else {
            let open = pack.inputs.filter { $0.required && answers.answers[$0.name] == nil }
            if !open.isEmpty {
                throw .diagnostics(open.map { .error("`\($0.name)` is not answered, and \(path) cannot answer it: no customer has sales to measure concentration by") })
            }
            return
        }
        AssessCommand.merge(concentration.answers(for: pack), into: &answers, console)
    }
}
