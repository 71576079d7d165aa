import ArgumentParser
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

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let writer = try IndexWriter(mergingIn: location.path)
            // The commit the writer opened (it holds the lock: nothing changes it meanwhile).
            guard let before = writer.base?.manifest else { return }
            guard try writer.optimize() else {
                print("\(location.path): already one segment with no deleted documents; nothing to do")
                return
            }
            let after = try Manifest.read(directory: location.path)
            print(
                "\(location.path): merged \(before.segments.count) segment\(before.segments.count == 1 ? "" : "s") into 1 in \(seconds(clock.now - start)); \(format(Int(after.liveCount))) documents, \(format(Int(before.deletedCount))) deleted dropped (commit \(after.generation))"
            )
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}
