import KamSource

/// The index of a node in a `SyntaxTree`. Positions and types live in side tables keyed by
/// it, so the tree itself stays small and immutable.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    public let index: Int

    init(_ index: Int) { self.index = index }

    public var description: String { "#\(index)" }
}

public enum UnaryOperator: String, Sendable {
    case not = "!"
    case negate = "-"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in"
    case and = "&&", or = "||"

    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: true
        default: false
        }
    }

    var isOrdering: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

/// One node of an expression.
public enum Node: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case identifier(String)
    case list([NodeID])
    case unary(UnaryOperator, NodeID)
    case binary(BinaryOperator, NodeID, NodeID)
    /// `condition ? then : else`
    case conditional(NodeID, NodeID, NodeID)
    /// `name(arguments)` or `receiver.name(arguments)`; `nameSpan` is where the name is written.
    case call(name: String, nameSpan: SourceSpan, receiver: NodeID?, arguments: [NodeID])

    /// The nodes this one is built from, in evaluation order.
    public var children: [NodeID] {
        switch self {
        case .number, .string, .bool, .null, .identifier: []
        case .list(let items): items
        case .unary(_, let operand): [operand]
        case .binary(_, let left, let right): [left, right]
        case .conditional(let condition, let then, let otherwise): [condition, then, otherwise]
        case .call(_, _, let receiver, let arguments): (receiver.map { [$0] } ?? []) + arguments
        }
    }
}

/// A parsed expression: nodes in a flat array (children before parents), their spans in the
/// expression's text, and the text itself so spans can be mapped back to a file.
public struct SyntaxTree: Sendable {
    public private(set) var nodes: [Node] = []
    /// Spans in the expression's own text; `source.fileSpan` maps them into the file.
    public private(set) var spans: [SourceSpan] = []
    /// Height of each node's subtree (a leaf is 1), to refuse trees too deep to walk safely.
    private(set) var heights: [Int] = []
    public internal(set) var root = NodeID(0)
    public let source: SourceText

    init(source: SourceText) {
        self.source = source
    }

    public subscript(id: NodeID) -> Node { nodes[id.index] }

    public func span(_ id: NodeID) -> SourceSpan { spans[id.index] }

    /// The node's span in the file the expression came from.
    public func fileSpan(_ id: NodeID) -> SourceSpan { source.fileSpan(spans[id.index]) }

    /// The source text of a node, as written.
    public func text(_ id: NodeID) -> String {
        let span = spans[id.index]
        let utf8 = Array(source.text.utf8)
        return String(decoding: utf8[span.start..<min(span.end, utf8.count)], as: UTF8.self)
    }

    public func height(_ id: NodeID) -> Int { heights[id.index] }

    mutating func add(_ node: Node, span: SourceSpan) -> NodeID {
        let height = 1 + (node.children.map { heights[$0.index] }.max() ?? 0)
        nodes.append(node)
        spans.append(span)
        heights.append(height)
        return NodeID(nodes.count - 1)
    }

    /// Every identifier the expression reads, in first-use order, without duplicates.
    public var identifiers: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for node in nodes {
            if case .identifier(let name) = node, seen.insert(name).inserted { out.append(name) }
        }
        return out
    }
}
