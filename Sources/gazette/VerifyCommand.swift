import ArgumentParser
import GazetteCLI
import IndexFormat

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every checksum and structural invariant of the index (reads all of it).",
        discussion: """
            Checks every file's checksum, then decodes every segment: the terms' order, each \
            term's postings and positions against its dictionary entry, every stored document, \
            source and deletion mark, and the analysis file. The first damage found is named with its file and offset (exit 65). \
            `gazette check` is the same command.
            """,
        aliases: ["check"])

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print the result as one JSON object (with \"ok\": false and the error when the index is damaged).")
    var json = false

    func run() throws {
        do {
            let reader = try IndexReader(directory: location.path)
            try reader.verifyChecksums()
            let report = try reader.verifyStructure()
            if json {
                print(
                    "{\"index\": \(JSONOutput.string(location.path)), \"ok\": true, \"generation\": \(reader.manifest.generation), "
                        + "\"documents\": \(reader.liveCount), \"deleted\": \(reader.manifest.deletedCount), "
                        + "\"segments\": \(reader.segments.count), \"bytes\": \(reader.sizeOnDisk), "
                        + "\"postings\": \(report.postings), \"positions\": \(report.positions)}")
                return
            }
            print(
                "\(location.path): OK, commit \(reader.manifest.generation), \(format(Int(reader.liveCount))) documents (\(format(Int(reader.manifest.deletedCount))) deleted) in \(reader.segments.count) segment\(reader.segments.count == 1 ? "" : "s"), \(bytes(reader.sizeOnDisk))"
            )
            print(
                "  every checksum, and \(format(report.postings)) postings with \(format(Int(report.positions))) positions, decoded and consistent"
            )
        } catch {
            if json {
                print(
                    "{\"index\": \(JSONOutput.string(location.path)), \"ok\": false, \"error\": \(JSONOutput.string("\(error)"))}"
                )
            }
            throw Terminal.fail(error, index: location.path)
        }
    }
}
