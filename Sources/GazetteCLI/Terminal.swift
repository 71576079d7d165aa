import ArgumentParser
import IndexFormat
import NewsCore
import NewsIngest
// Rainbow keeps its switches in global variables; only Style.use(color:) sets
// them, once, before any output (single-threaded at that point).
@preconcurrency @unsafe import Rainbow
import Search
import TextAnalysis

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Output helpers for the CLI: stderr, colour decisions, and error → exit code.
public enum Terminal {
    public static func error(_ message: String) {
        writeStandardError("gazette: " + message + "\n")
    }

    public static func note(_ message: String) {
        writeStandardError("gazette: " + message + "\n")
    }

    public static func writeStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        // SAFETY: the pointer is valid for the length of the array during the call.
        _ = unsafe bytes.withUnsafeBytes { unsafe write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    public static func environment(_ name: String) -> String? {
        guard let value = unsafe getenv(name) else { return nil }
        return unsafe String(cString: value)
    }

    /// `--color auto` colours when standard output is a terminal, `NO_COLOR` is
    /// unset or empty (no-color.org) and `TERM` is not "dumb".
    public static func useColor(_ choice: ColorChoice) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment("NO_COLOR"), !noColor.isEmpty { return false }
            if environment("TERM") == "dumb" { return false }
            return isatty(STDOUT_FILENO) == 1
        }
    }

    /// The terminal's width in columns when standard output is a terminal
    /// (snippets are wrapped to it); nil for a pipe or a file, which get one
    /// line per snippet, unchanged.
    public static func outputWidth() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if unsafe ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = environment("COLUMNS").flatMap({ Int($0) }), columns > 0 { return columns }
        return nil
    }

    /// sysexits(3) codes, so scripts can tell failures apart.
    public enum Exit {
        public static let noResults: Int32 = 1
        public static let usage: Int32 = 64  // EX_USAGE: empty or bad query
        public static let dataError: Int32 = 65  // EX_DATAERR: damaged index
        public static let noInput: Int32 = 66  // EX_NOINPUT: missing corpus or index
        public static let unavailable: Int32 = 69  // EX_UNAVAILABLE: gazette-serve is not installed
        public static let cannotCreate: Int32 = 73  // EX_CANTCREAT: --index names a folder of other files
        public static let ioError: Int32 = 74  // EX_IOERR
        public static let busy: Int32 = 75  // EX_TEMPFAIL: another writer holds the lock
    }

    /// Prints `error` for a person and returns the exit code to throw.
    public static func fail(_ error: Error, index: String) -> ExitCode {
        switch error {
        case let error as IngestError:
            Terminal.error(error.description)
            return ExitCode(error.code == .unreadable ? Exit.ioError : Exit.noInput)
        case let error as IndexError:
            switch error.code {
            case .indexNotFound:
                if case .success(let status) = SystemFiles.status(index), status.kind != .directory {
                    Terminal.error("\(index) is a file, not an index directory")
                } else {
                    Terminal.error("no index at \(index)/; build one with: gazette index <folder> --index \(index)")
                }
                return ExitCode(Exit.noInput)
            case .notAnIndex:
                Terminal.error("\(error)")
                return ExitCode(Exit.cannotCreate)
            case .corruptIndex, .formatTooOld, .formatTooNew:
                Terminal.error("the index at \(index)/ is damaged or unreadable: \(error)")
                Terminal.error("rebuild it with: gazette index <folder> --index \(index)")
                return ExitCode(Exit.dataError)
            case .locked:
                Terminal.error("\(error)")
                return ExitCode(Exit.busy)
            default:
                Terminal.error("\(error)")
                return ExitCode(Exit.ioError)
            }
        case let error as SearchError:
            Terminal.error(error.description)
            // An actor nobody knows finds nothing: like a word no document holds.
            return ExitCode(error.code == .unknownActor ? Exit.noResults : Exit.usage)
        case let error as AnalysisError:
            Terminal.error(error.description)
            return ExitCode(Exit.dataError)
        default:
            Terminal.error("\(error)")
            return ExitCode.failure
        }
    }
}

public enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// How results are coloured, through Rainbow (ANSI styles): matches bold
/// red, as grep and ripgrep show them; titles bold; paths magenta; dates,
/// sources and actors dim.
public enum Style {
    /// Turns colour on or off for this process: ``Terminal/useColor(_:)``
    /// decides (`--color`, `NO_COLOR`, `TERM=dumb`, a terminal or not), not
    /// Rainbow's own guess from the environment.
    public static func use(color: Bool) {
        Rainbow.enabled = color
        Rainbow.outputTarget = color ? .console : .unknown
    }

    public static func match(_ text: String) -> String { text.red.bold }
    public static func title(_ text: String) -> String { text.bold }
    public static func path(_ text: String) -> String { text.magenta }
    public static func dim(_ text: String) -> String { text.dim }
}

/// `text` with `ranges` (byte offsets into its UTF-8) shown as matches, the
/// rest in `base` (plain by default), when colouring.
public func highlighted(
    _ text: String, _ ranges: [Range<Int>], color: Bool, base: (String) -> String = { $0 }
) -> String {
    guard color else { return text }
    let bytes = Array(text.utf8)
    var out = ""
    var cursor = 0
    func piece(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    for range in ranges where range.lowerBound >= cursor && range.upperBound <= bytes.count {
        if cursor < range.lowerBound { out += base(piece(cursor..<range.lowerBound)) }
        out += Style.match(piece(range))
        cursor = range.upperBound
    }
    if cursor < bytes.count { out += base(piece(cursor..<bytes.count)) }
    return out
}

/// Values a one-shot command keeps until the process exits rather than free
/// them at the end of a scope: their memory goes back with the process, and
/// tearing down large structures (a parsed gazetteer, its alias tables) is
/// work nobody waits for. Only for what lives once per process.
public enum ProcessLifetime {
    private static let kept = Locked<[any Sendable]>([])

    public static func keep(_ value: any Sendable) {
        kept.withLock { $0.append(value) }
    }
}
