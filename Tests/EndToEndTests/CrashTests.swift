import Foundation
import TestSupport
import Testing

/// SIGKILL at random moments: whatever the moment, the index opens, every
/// checksum holds and the structure verifies, and it holds exactly one commit's documents (issue "An index
/// built for millions of articles", item 7; `tools/crash_soak.sh` is the long run).
@Suite("Crash safety")
struct CrashTests {
    /// The documents of the two corpora, as `gazette verify` counts them.
    static let firstCount = 5
    static let secondCount = 300

    @Test("an indexer killed at random moments leaves the last commit, whole")
    func killedIndexer() throws {
        let directory = try TemporaryDirectory("gazette-crash")
        defer { directory.remove() }
        // Two corpora that share no word but their own marker.
        for k in 0..<Self.firstCount {
            try directory.write("first/\(k).txt", "Alphamarker story \(k)\n\nThe first corpus, item \(k).")
        }
        for k in 0..<Self.secondCount {
            try directory.write(
                "second/\(k).txt",
                "Betamarker report \(k)\n\n" + String(repeating: "Tehran said the talks in Geneva went on. ", count: 20)
                    + "Item \(k).")
        }
        let index = directory.url("index")
        // One whole run first, timed: the kills are spread over its length
        // (and a little past it), whatever the speed of the machine.
        let whole = try microseconds { () throws in
            #expect(try CLI.run(["index", "second", "--index", index, "--quiet"], in: directory.path).status == 0)
        }
        let span = whole * 6 / 5
        #expect(try CLI.run(["index", "first", "--index", index, "--quiet"], in: directory.path).status == 0)

        let wanted = 8
        // Anywhere from start-up to a fifth past the end of a whole run.
        let (interrupted, kills) = try killRepeatedly(
            ["index", directory.url("second"), "--index", index, "--quiet"], wanted: wanted, seed: 20_261_130,
            delay: { $0.next() % max(span, 1) }
        ) {
            let check = try CLI.run(["verify", "--index", index], in: directory.path)
            #expect(check.status == 0, "verify after a kill: \(check.stderr)")
            let first = try CLI.run(["search", "alphamarker", "--index", index, "--limit", "0"], in: directory.path)
            let second = try CLI.run(["search", "betamarker", "--index", index, "--limit", "0"], in: directory.path)
            if check.stdout.contains(" \(Self.firstCount) documents") {
                // Killed before the commit: the first corpus, and nothing of the second.
                #expect(first.status == 0 && second.status == 1)
            } else {
                // Killed after it: the second corpus, whole, and nothing of the first.
                #expect(check.stdout.contains(" \(Self.secondCount) documents"), "\(check.stdout)")
                #expect(first.status == 1 && second.status == 0)
                // Back to the first corpus for the next kill.
                #expect(try CLI.run(["index", "first", "--index", index, "--quiet"], in: directory.path).status == 0)
            }
        }
        // Kills must land while the indexer runs, or the test tests nothing.
        #expect(interrupted >= wanted, "only \(interrupted) of \(kills) kills interrupted the indexer")
    }

    @Test("an optimize killed at random moments leaves the last commit, whole")
    func killedMerge() throws {
        let directory = try TemporaryDirectory("gazette-crash-merge")
        defer { directory.remove() }
        let index = directory.url("index")
        /// Four runs that add 50 files each: four segments, none merged yet.
        func segmented() throws {
            try? FileManager.default.removeItem(atPath: index)
            try? FileManager.default.removeItem(atPath: directory.url("news"))
            for batch in 0..<4 {
                for k in 0..<50 {
                    try directory.write(
                        "news/\(batch)/\(k).txt",
                        "Gammamarker \(batch)-\(k)\n\n"
                            + String(repeating: "Tehran said the talks in Geneva went on. ", count: 30))
                }
                let run = try CLI.run(
                    ["index", "news", "--index", index, "--quiet", "--threads", "1"], in: directory.path)
                #expect(run.status == 0, "\(run.stderr)")
            }
        }
        try segmented()
        let whole = try microseconds { () throws in
            #expect(try CLI.run(["optimize", "--index", index], in: directory.path).status == 0)
        }
        try segmented()

        let wanted = 5
        // Kills between a fifth and the whole of a run's time, most of them
        // after start-up, inside the merge.
        let (interrupted, kills) = try killRepeatedly(
            ["optimize", "--index", index], wanted: wanted, seed: 20_261_201,
            delay: { whole / 5 + $0.next() % max(whole * 4 / 5, 1) }
        ) {
            let check = try CLI.run(["verify", "--index", index], in: directory.path)
            #expect(check.status == 0, "verify after a kill: \(check.stderr)")
            // Before the merge's commit four segments, after it one: the same 200 documents.
            #expect(check.stdout.contains(" 200 documents (0 deleted) in "), "\(check.stdout)")
            let found = try CLI.run(
                ["search", "gammamarker", "--index", index, "--limit", "0", "--json"], in: directory.path)
            #expect(found.stdout.contains("\"total\": 200"), "\(found.stdout.prefix(200))")
            if check.stdout.contains(" in 1 segment,") { try segmented() }
        }
        #expect(interrupted >= wanted, "only \(interrupted) of \(kills) kills interrupted the merge")
    }
}

/// How long `body` takes, in microseconds.
func microseconds(_ body: () throws -> Void) rethrows -> UInt64 {
    let started = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - started
    return UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
}

/// Runs `gazette arguments` and SIGKILLs it after `delay` microseconds (drawn
/// from a generator seeded with `seed`, so a failure can be replayed), then
/// calls `check`; again, until `wanted` kills have landed while the run was
/// going (the machine's load changes how long a run takes), at most 5 ×
/// `wanted` times.
func killRepeatedly(
    _ arguments: [String], wanted: Int, seed: UInt64, delay: (inout SplitMix) -> UInt64, check: () throws -> Void
) throws -> (interrupted: Int, kills: Int) {
    var random = SplitMix(seed: seed)
    var interrupted = 0
    var kills = 0
    while interrupted < wanted && kills < 5 * wanted {
        kills += 1
        let child = try Child(arguments)
        usleep(UInt32(delay(&random)))
        if child.kill() { interrupted += 1 }
        try check()
    }
    return (interrupted, kills)
}

/// A `gazette` run started with posix_spawn, to be killed: Foundation's
/// `Process` sometimes never notices a SIGKILLed child's exit on Linux (its
/// `waitUntilExit` then hangs on a reaped zombie), so kills are waited for
/// with `waitpid` here.
struct Child {
    let pid: pid_t

    init(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([CLI.binary] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, CLI.binary, &actions, nil, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        self.pid = pid
    }

    /// Kills the run with SIGKILL and waits for it; whether it was still running.
    func kill() -> Bool {
        var status: Int32 = 0
        let running = waitpid(pid, &status, WNOHANG) == 0
        if running {
            Glibc.kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        return running
    }
}
