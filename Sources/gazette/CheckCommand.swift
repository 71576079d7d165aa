import ArgumentParser
import IndexFormat

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every checksum of the index (reads all of it).")

    @OptionGroup var location: IndexLocation

    func run() throws {
        do {
            let reader = try IndexReader(directory: location.path)
            try reader.verifyChecksums()
            print(
                "\(location.path): OK, commit \(reader.manifest.generation), \(format(Int(reader.documentCount))) documents, \(format(reader.terms.count)) terms, \(bytes(reader.sizeOnDisk))"
            )
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}
