import ArgumentParser
import GazetteCLI
import IndexFormat
import Indexing

struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Merge the index into one segment, dropping deleted documents.",
        discussion: """
            Searches keep running on the previous commit while the merge runs, and see the merged \
            index once it commits. Like `index`, it takes the index's write lock.
            """)

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let writer = try IndexWriter(mergingIn: location.path)
            // The commit the writer opened (it holds the lock: nothing changes it meanwhile).
            guard let before = writer.base?.manifest else { return }
            guard try writer.optimize() else {
                print(
                    json
                        ? result(merged: false, before: before, after: before, seconds: clock.now - start)
                        : "\(location.path): already one segment with no deleted documents; nothing to do")
                return
            }
            let after = try Manifest.read(directory: location.path)
            if json {
                print(result(merged: true, before: before, after: after, seconds: clock.now - start))
                return
            }
            print(
                "\(location.path): merged \(before.segments.count) segment\(before.segments.count == 1 ? "" : "s") into 1 in \(seconds(clock.now - start)); \(format(Int(after.liveCount))) documents, \(format(Int(before.deletedCount))) deleted dropped (commit \(after.generation))"
            )
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }

    private func result(merged: Bool, before: Manifest, after: Manifest, seconds: Duration) -> String {
        "{\"index\": \(JSONOutput.string(location.path)), \"merged\": \(merged), "
            + "\"segments_before\": \(before.segments.count), \"segments\": \(after.segments.count), "
            + "\"documents\": \(after.liveCount), \"deleted_dropped\": \(merged ? before.deletedCount : 0), "
            + "\"generation\": \(after.generation), \"seconds\": \(decimal(secondsValue(seconds), 3))}"
    }
}
