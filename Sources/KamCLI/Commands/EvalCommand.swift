import KamExpr
import KamSource

/// `kam eval EXPR [--vars JSON]`: the expression language on its own, for trying a rule
/// condition before putting it in a pack.
enum EvalCommand {
    static let command = Command(
        words: ["eval"],
        summary: "Evaluate one expression and print its value as JSON.",
        synopsis: "EXPR [--vars JSON] [--explain]",
        discussion: """
            Expressions are the rule packs' language (a subset of Google's CEL): numbers, strings,
            true/false, null, lists; + - * / %; < <= > >= == !=; && || ! (or and/or/not); ?: ; in;
            size contains startsWith endsWith matches min max abs floor ceil round int double string.
            See docs/rules.md for the whole reference.

            Examples:
              kam eval '1 + 2 * 3'                                  prints 7
              kam eval 'share >= 0.2 && sites > 3' --vars '{share: 0.25, sites: 5}'
              kam eval "'Acme Ltd'.startsWith('Acme')"              prints true
              kam eval 'round(2.5)' --explain                       shows every step
            """,
        options: [
            OptionSpec(name: "--vars", value: "JSON", help: "Values for the names the expression reads, as a JSON5 object."),
            OptionSpec(name: "--explain", value: nil, help: "Also print the value of every sub-expression (to standard error)."),
        ],
        operands: .text,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.count == 1, let text = arguments.positionals.first else {
            throw .usage(
                arguments.positionals.isEmpty ? "missing the expression to evaluate" : "expected one expression, found \(arguments.positionals.count) arguments",
                help: "quote the expression so the shell passes it as one argument: kam eval '1 + 2'")
        }
        var declarations = Declarations()
        var values: [(Int, Value)] = []
        if let vars = arguments.value("--vars") {
            let file = SourceFile(path: "<--vars>", text: vars)
            switch JSON5Reader.read(file) {
            case .failure(let diagnostic):
                throw .diagnostics([diagnostic])
            case .success(let node):
                guard let members = node.members else {
                    throw .diagnostics([.error("`--vars` must be an object such as {x: 1}, found \(node.kindName)", file: file, span: node.span)])
                }
                for member in members {
                    let value = Value(member.value)
                    values.append((declarations.declare(member.key, value.type == .null ? .dyn : value.type), value))
                }
            }
        }
        let compiled = try checked(Expression.compile(text, path: "<expression>", declarations), console)
        let activation = Activation(declarations)
        for (slot, value) in values { activation.setValue(slot, value) }
        do throws(EvalError) {
            let result: Value
            if arguments.has("--explain") {
                var steps: [String] = []
                result = try compiled.interpreter.evaluate(activation) { id, outcome in
                    let shown = switch outcome {
                    case .success(let value): value.json
                    case .failure(let error): "error: \(error.message)"
                    }
                    steps.append("  \(compiled.tree.text(id)) = \(shown)")
                }
                console.err(steps.joined(separator: "\n") + "\n")
            } else {
                result = try compiled.evaluate(activation)
            }
            console.out(result.json + "\n")
            return 0
        } catch {
            throw .diagnostics([error.diagnostic()])
        }
    }
}
