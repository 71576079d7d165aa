import Dispatch
import GazetteCLI
import NewsCore
import NewsIngest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `gazette index` says while it works, on standard error.
///
/// - A progress line, redrawn in place at most ten times a second, only
///   when standard error is a terminal (never in a pipe, a file or a log)
///   and not with `--quiet`: files done of the total, articles and
///   megabytes read per second, and the time left. The total comes from a
///   second walk of the folder on a thread of its own, as rsync and
///   `du`-style tools count: until it is done the line says "counting".
///   The line is cleared before anything else is printed, and at the end.
/// - With `--verbose`, one line per file read, as it is read: `indexed PATH`
///   or `failed PATH: reason` (files unchanged since the last run are not
///   read; the summary counts them).
///
/// Files come from the walking thread (``walked(_:)``) and the reading
/// threads (``read(_:bytes:failure:)``) at once; one lock keeps the
/// counts and the terminal's line in order.
final class IndexProgress: Sendable {
    private struct State {
        var walked = 0
        var articles = 0
        var bytes: UInt64 = 0
        /// Files with an article extension found by the counting walk so
        /// far, and whether it is done.
        var counted = 0
        var countDone = false
        var lastDraw: ContinuousClock.Instant? = nil
        var lineShown = false
    }

    let showsLine: Bool
    let verbose: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let state = Locked(State())

    init(showsLine: Bool, verbose: Bool) {
        self.showsLine = showsLine
        self.verbose = verbose
        start = clock.now
    }

    /// Whether the progress line belongs on this standard error: a terminal
    /// that can redraw a line (not `TERM=dumb`).
    static var standardErrorIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1 && Terminal.environment("TERM") != "dumb"
    }

    /// Counts the articles a walk of `root` finds, on a thread of its own.
    func countFiles(root: String, excluding: [String]) {
        guard showsLine else { return }
        DispatchQueue.global(qos: .utility).async {
            let walker = CorpusWalker(root: root, excluding: excluding)
            var count = 0
            try? walker.walk(problem: { _ in }) { path, _ in
                if case .success = ArticleReader.format(of: path) { count += 1 }
                if count % 1024 == 0 { self.state.withLock { $0.counted = count } }
                return true
            }
            self.state.withLock {
                $0.counted = count
                $0.countDone = true
            }
        }
    }

    /// The walk reached a file it will index or check.
    func walked(_ path: String) {
        guard showsLine else { return }
        update { $0.walked += 1 }
    }

    /// A file was read: an article (`failure` nil) or not, and why.
    func read(_ path: String, bytes: UInt64, failure: String?) {
        guard showsLine || verbose else { return }
        let line = verbose ? (failure.map { "failed \(path): \($0)\n" } ?? "indexed \(path)\n") : nil
        update { state in
            state.bytes += bytes
            if failure == nil { state.articles += 1 }
            if let line {
                if state.lineShown { Terminal.writeStandardError("\r\u{1B}[K") }
                state.lineShown = false
                Terminal.writeStandardError(line)
            }
        }
    }

    /// Clears the line: the summary follows.
    func finish() {
        state.withLock { state in
            if state.lineShown { Terminal.writeStandardError("\r\u{1B}[K") }
            state.lineShown = false
        }
    }

    /// Applies `change`, then redraws the line if a tenth of a second has
    /// passed since the last time (the first time at once).
    private func update(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            guard showsLine else { return }
            let now = clock.now
            if let last = state.lastDraw, now - last < .milliseconds(100) { return }
            state.lastDraw = now
            Terminal.writeStandardError("\r\u{1B}[K" + Self.fitted(line(state, now: now)))
            state.lineShown = true
        }
    }

    private func line(_ state: State, now: ContinuousClock.Instant) -> String {
        let elapsed = now - start
        let elapsedSeconds = max(0.001, secondsValue(elapsed))
        var text = "indexing " + format(state.walked)
        if state.countDone {
            text += " of " + format(max(state.counted, state.walked)) + " files"
        } else {
            text += (state.walked == 1 ? " file" : " files") + " (counting: " + format(state.counted) + ")"
        }
        text += " · " + format(Int(Double(state.articles) / elapsedSeconds)) + " articles/s"
        text += " · " + decimal(Double(state.bytes) / 1e6 / elapsedSeconds, 1) + " MB/s"
        if state.countDone, state.walked > 0, state.counted > state.walked {
            let left = elapsedSeconds * Double(state.counted - state.walked) / Double(state.walked)
            text += " · " + Self.clockTime(left) + " left"
        }
        return text
    }

    /// `text` cut to the terminal's width: a line that wraps cannot be
    /// redrawn in place.
    private static func fitted(_ text: String) -> String {
        var size = winsize()
        guard unsafe ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return text }
        let width = Int(size.ws_col) - 1
        return text.count <= width ? text : String(text.prefix(width))
    }

    /// `seconds` as m:ss, or h:mm:ss from an hour.
    static func clockTime(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }
}
