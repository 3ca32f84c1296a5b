import KamCSV

/// What the scoring pass needs of the portfolio: its figures, and where each chunk's accounts
/// stand in it.
struct Ranking: Sendable {
    var figures: PortfolioFigures
    /// Each chunk's accounts placed from the spill; nil when figures come from elsewhere
    /// (`--portfolio`), there is no id, or no temporary folder: each account is then placed
    /// as its row is scored.
    var placements: Placements?

    init(figures: PortfolioFigures, placements: Placements? = nil) {
        self.figures = figures
        self.placements = placements
    }
}

/// From pass 1's measures to the ranking: the figures (sort, sums, ranks), the order of tied
/// accounts by id (from the spill, or the file again without one), the whole ids of tied
/// groups whose keys collide, and the placements. Laps the clock after the figures and after
/// the ties, the two steps `KAM_TIMING` shows; where one sort does both, the first lap holds
/// it and the second the whole ids.
struct RankPass {
    let measure: ColumnMapping.Binding
    let id: ColumnMapping.Binding?
    let jobs: Int
    /// The most accounts placed by one sort (`BatchOptions.sortedPlacementLimit`).
    let sortedLimit: Int

    func run(
        _ measures: inout MeasurePass.Measures, spill: KeySpill?, _ engine: PassEngine, lap: () -> Void
    ) throws(BatchFailure) -> Ranking? {
        // Up to a size, one sort of the spill gives the figures, orders the tied accounts and
        // places every account; beyond it, or where that sort cannot, the measures are sorted
        // for the figures, the ties ordered from the spill, and each account placed as its
        // chunk is scored.
        if let spill, measures.values.count <= sortedLimit,
           let sorted = Placements.sorted(spill, count: measures.values.count, ids: id != nil, jobs: jobs) {
            measures.values = []
            lap()
            guard var figures = sorted.figures else {
                lap()
                return nil
            }
            try setWholeIds(&figures, colliding: sorted.colliding, engine)
            lap()
            return Ranking(figures: figures, placements: Placements(spill, figures, chunkCounts: measures.chunkCounts, placed: sorted.placed))
        }
        // No account with a readable measure: no figures.
        guard var figures = PortfolioFigures(measures: &measures.values) else {
            lap()
            lap()
            return nil
        }
        lap()
        if figures.hasTies, id != nil {
            try setWholeIds(&figures, colliding: try orderTies(&figures, spill, engine), engine)
        }
        let placements = spill.map { Placements($0, figures, chunkCounts: measures.chunkCounts, placed: nil) }
        lap()
        return Ranking(figures: figures, placements: placements)
    }

    /// The whole ids of the tied groups whose keys collide, read from the file.
    private func setWholeIds(_ figures: inout PortfolioFigures, colliding: [Int], _ engine: PassEngine) throws(BatchFailure) {
        guard !colliding.isEmpty else { return }
        figures.setWholeIds(try wholeIds(figures, groups: Set(colliding), engine))
    }

    /// Each tied account's id key put in its place in its group. Returns the tied groups
    /// whose keys collide and whose ids are longer than their keys: only whole ids order
    /// those. With a spill, every account's group is added to it for the placements.
    private func orderTies(_ figures: inout PortfolioFigures, _ spill: KeySpill?, _ engine: PassEngine) throws(BatchFailure) -> [Int] {
        var builder = figures.tieBuilder()
        let lookup = figures, jobs = self.jobs
        // Of one batch's accounts: every account's group, and its tied group or -1.
        var groups: [Int32] = [], tied: [Int32] = []
        // Finding each account's group, and placing its key, are cache misses at ten million
        // accounts, so both run on every core, batch by batch.
        func add(_ pairs: UnsafeBufferPointer<UInt64>, to builder: inout PortfolioFigures.TieBuilder) {
            let count = pairs.count / 2
            groups.removeAll(keepingCapacity: true)
            groups.append(contentsOf: repeatElement(-1, count: count))
            tied.removeAll(keepingCapacity: true)
            tied.append(contentsOf: repeatElement(-1, count: count))
            groups.withUnsafeMutableBufferPointer { groups in
                tied.withUnsafeMutableBufferPointer { tied in
                    let box = SliceBox(pairs), out = GroupsBox(groups: groups, tied: tied)
                    _ = Parallel.map(jobs, jobs: jobs) { (part: Int, _: Int) -> Void in
                        let range = (count * part / jobs)..<(count * (part + 1) / jobs)
                        lookup.groups(pairs: UnsafeBufferPointer(rebasing: box.slice[2 * range.lowerBound..<2 * range.upperBound])) { p, found in
                            guard let found else { return }
                            out.groups[range.lowerBound + p] = Int32(found.group)
                            if found.tied { out.tied[range.lowerBound + p] = Int32(found.group) }
                        }
                    }
                }
            }
            builder.add(groups: tied, pairs: pairs, jobs: jobs)
        }
        var long = false
        if let spill {
            try spill.forEachSlice { slice in
                add(slice, to: &builder)
                spill.append(groups: groups)
            }
            long = spill.longIds
        } else {
            let pass = MeasurePass(measure: measure, id: id, dialect: engine.source.dialect)
            try engine.run(.rank, { _, _, _ in }, pass.chunkReader(keys: true)) { (part: MeasurePass.Chunk) throws(BatchFailure) -> Int in
                part.pairs.withUnsafeBufferPointer { add($0, to: &builder) }
                if part.long { long = true }
                pass.spares.put(part)
                return 0
            }
        }
        let colliding = figures.setTies(&builder)
        return long ? colliding : []  // ids of eight bytes or less: equal keys are equal ids
    }

    /// The whole ids of the accounts in `groups` (tied groups whose ids share their keys),
    /// read from the file.
    private func wholeIds(_ figures: PortfolioFigures, groups: Set<Int>, _ engine: PassEngine) throws(BatchFailure) -> [Int: [[UInt8]]] {
        guard let id else { return [:] }
        var ids: [Int: [[UInt8]]] = [:]
        let k = id.column
        let membership = PortfolioMembership(measure: measure, id: id, dialect: engine.source.dialect)
        try engine.run(.rank, { _, _, _ in }, { context throws(CSVError) -> [(Int, [UInt8])] in
            var out: [(Int, [UInt8])] = []
            var reader = context.reader(validateUTF8: false)
            var record = CSVRecord()
            while try reader.next(into: &record) {
                guard let x = membership.measure(of: record), let g = figures.tiedGroup(x), groups.contains(g) else { continue }
                out.append((g, k < record.count ? Array(record[k]) : []))
            }
            return out
        }) { (part: [(Int, [UInt8])]) throws(BatchFailure) -> Int in
            for (g, id) in part { ids[g, default: []].append(id) }
            return 0
        }
        return ids
    }
}

/// A slice read by several threads at once, each looking at its own part.
struct SliceBox: @unchecked Sendable {
    let slice: UnsafeBufferPointer<UInt64>
    init(_ slice: UnsafeBufferPointer<UInt64>) { self.slice = slice }
}

/// The groups of a slice's accounts, and their tied groups, each thread writing its own range.
struct GroupsBox: @unchecked Sendable {
    let groups: UnsafeMutableBufferPointer<Int32>
    let tied: UnsafeMutableBufferPointer<Int32>
}
