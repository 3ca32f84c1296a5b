/// The names an expression may read, with their types and the slots that hold their values.
///
/// Whoever embeds the language declares the names (a rule pack declares its inputs and
/// derived values); the checker resolves every identifier here once, so a compiled
/// expression reads slots by index and never looks a name up while it runs.
public struct Declarations: Sendable {
    public struct Variable: Sendable, Hashable {
        public let name: String
        public let type: ExprType
        /// The variable's slot in an `Activation`.
        public let slot: Int
    }

    public private(set) var variables: [Variable] = []
    private var slots: [String: Int] = [:]
    /// How an unknown name is called in messages ("unknown input `x`").
    public var noun: String

    public init(noun: String = "name") {
        self.noun = noun
    }

    /// Declares `name` and returns its slot; declaring a name twice returns the first slot.
    @discardableResult
    public mutating func declare(_ name: String, _ type: ExprType) -> Int {
        if let slot = slots[name] { return slot }
        let slot = variables.count
        variables.append(Variable(name: name, type: type, slot: slot))
        slots[name] = slot
        return slot
    }

    public func variable(named name: String) -> Variable? {
        slots[name].map { variables[$0] }
    }

    public var count: Int { variables.count }
}
