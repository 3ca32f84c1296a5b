import Foundation

/// Where a command's output and diagnostics go. Commands never print directly, so the tests
/// can run them in-process and read both streams.
public final class Console {
    private var outBuffer: [UInt8] = []
    private var errBuffer: [UInt8] = []
    private let capturing: Bool
    /// Whether standard input is a terminal (an interactive person) rather than a pipe.
    public let inputIsTerminal: Bool
    /// Whether standard output is a terminal, where a person reads rather than a program.
    public let outputIsTerminal: Bool
    /// The terminal's size in cells, when standard output is a terminal that tells it
    /// (`TIOCGWINSZ`); nil otherwise and in tests, which give `COLUMNS` and `LINES` instead.
    public let terminalSize: (columns: Int, lines: Int)?
    /// The environment variables a command may read (`KAM_LANG`, the locale), so a test
    /// can give its own.
    public let environment: [String: String]

    /// The process's own standard streams.
    public static func standard() -> Console {
        let terminal = isatty(STDOUT_FILENO) == 1
        return Console(capturing: false, inputIsTerminal: isatty(STDIN_FILENO) == 1, outputIsTerminal: terminal,
                       terminalSize: terminal ? measuredSize() : nil, environment: ProcessInfo.processInfo.environment)
    }

    /// What the terminal on standard output says its size is; nil when it says nothing (a
    /// serial line, or a pseudo-terminal nobody sized reports 0 by 0).
    private static func measuredSize() -> (columns: Int, lines: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// A console that keeps what is written, for tests; `input` are the lines a person
    /// would type; `terminal` makes standard output pass for a terminal; `environment` is all
    /// the environment the command sees.
    public static func capture(input: [String] = [], terminal: Bool = false, environment: [String: String] = [:]) -> Console {
        let console = Console(capturing: true, inputIsTerminal: false, outputIsTerminal: terminal, terminalSize: nil, environment: environment)
        console.pendingInput = input
        return console
    }

    private var pendingInput: [String] = []

    private init(capturing: Bool, inputIsTerminal: Bool, outputIsTerminal: Bool, terminalSize: (columns: Int, lines: Int)?,
                 environment: [String: String]) {
        self.capturing = capturing
        self.inputIsTerminal = inputIsTerminal
        self.outputIsTerminal = outputIsTerminal
        self.terminalSize = terminalSize
        self.environment = environment
    }

    /// One line typed by the user, without its line break; nil at the end of input.
    public func readLine() -> String? {
        if capturing { return pendingInput.isEmpty ? nil : pendingInput.removeFirst() }
        return Swift.readLine(strippingNewline: true)
    }

    public func out(_ text: String) {
        write(text, to: STDOUT_FILENO, buffer: &outBuffer)
    }

    /// Bytes as they are, for results already rendered (scored rows), with no detour
    /// through `String`.
    public func out(bytes: UnsafeBufferPointer<UInt8>) {
        write(bytes, to: STDOUT_FILENO, buffer: &outBuffer)
    }

    public func err(_ text: String) {
        write(text, to: STDERR_FILENO, buffer: &errBuffer)
    }

    /// The error of the first write to standard output that failed, if one did.
    public private(set) var outFailure: Int32?

    public var capturedOut: String { String(decoding: outBuffer, as: UTF8.self) }
    public var capturedErr: String { String(decoding: errBuffer, as: UTF8.self) }

    private func write(_ text: String, to descriptor: Int32, buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { write($0, to: descriptor, buffer: &buffer) }
    }

    private func write(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32, buffer: inout [UInt8]) {
        if capturing {
            buffer.append(contentsOf: bytes)
            return
        }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if descriptor == STDOUT_FILENO && outFailure == nil { outFailure = errno }
                return  // standard error failing leaves nothing to tell it to
            }
            offset += written
        }
    }
}
