import ArgumentParser
import IndexFormat
import Indexing
import TextAnalysis

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
            let reader = try IndexReader(directory: location.path)
            let before = reader.manifest
            // The writer must analyse as the index did, or it would rebuild it.
            let settings = try reader.segments.first?.analysisFile.settings()
            var gazetteer: Gazetteer? = nil
            if let settings, settings.header.recognisesActors {
                gazetteer = try Gazetteer(parsing: settings.gazetteer, path: "the index's gazetteer")
            }
            let analyzer = Analyzer(
                stemming: settings.map { !$0.header.stemmer.isEmpty } ?? true, gazetteer: gazetteer,
                zoneWeights: settings?.header.zoneWeights ?? .standard)
            let writer = try IndexWriter(directory: location.path, analyzer: analyzer)
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
