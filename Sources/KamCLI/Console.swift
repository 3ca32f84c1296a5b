import Foundation

/// Where a command's output and diagnostics go. Commands never print directly, so the tests
/// can run them in-process and read both streams.
public final class Console {
    private var outBuffer: [UInt8] = []
    private var errBuffer: [UInt8] = []
    private let capturing: Bool
    /// Whether standard input is a terminal (an interactive person) rather than a pipe.
    public let inputIsTerminal: Bool

    /// The process's own standard streams.
    public static func standard() -> Console {
        Console(capturing: false, inputIsTerminal: isatty(STDIN_FILENO) == 1)
    }

    /// A console that keeps what is written, for tests; `input` are the lines a person
    /// would type.
    public static func capture(input: [String] = []) -> Console {
        let console = Console(capturing: true, inputIsTerminal: false)
        console.pendingInput = input
        return console
    }

    private var pendingInput: [String] = []

    private init(capturing: Bool, inputIsTerminal: Bool) {
        self.capturing = capturing
        self.inputIsTerminal = inputIsTerminal
    }

    /// One line typed by the user, without its line break; nil at the end of input.
    public func readLine() -> String? {
        if capturing { return pendingInput.isEmpty ? nil : pendingInput.removeFirst() }
        return Swift.readLine(strippingNewline: true)
    }

    public func out(_ text: String) {
        write(text, to: STDOUT_FILENO, buffer: &outBuffer)
    }

    public func err(_ text: String) {
        write(text, to: STDERR_FILENO, buffer: &errBuffer)
    }

    public var capturedOut: String { String(decoding: outBuffer, as: UTF8.self) }
    public var capturedErr: String { String(decoding: errBuffer, as: UTF8.self) }

    private func write(_ text: String, to descriptor: Int32, buffer: inout [UInt8]) {
        if capturing {
            buffer += text.utf8
            return
        }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more can be said
            }
            offset += written
        }
        bytes.removeAll()
    }
}
