import Foundation
import IndexFormat
import NewsCore
import TestSupport
import Testing

/// Writes a small segment by hand: three documents, three terms.
func writeSampleSegment(in directory: String) throws -> Manifest {
    let writer = try newSegmentWriter(in: directory)
    let articles = [
        Article(
            path: "a.txt", title: "Alpha", body: "alpha beta", format: .text, sourceSize: 11, modificationTime: 100),
        Article(
            path: "b.html", title: "Beta", body: "beta beta gamma", format: .html, sourceSize: 22, modificationTime: -5),
        Article(path: "c.txt", title: "Ünïcode", body: "gamma — ✓", format: .text),
    ]
    for article in articles { try writer.addDocument(article) }
    var alpha = PostingsEncoder()
    alpha.add(document: 0, positions: [0, 1], length: 3)
    var beta = PostingsEncoder()
    beta.add(document: 0, positions: [2], length: 3)
    beta.add(document: 1, positions: [0, 17, 18], length: 20)
    var gamma = PostingsEncoder()
    gamma.add(document: 1, positions: [19], length: 20)
    gamma.add(document: 2, positions: [300], length: 301)
    let terms: [(bytes: [UInt8], encoder: PostingsEncoder)] = [
        (Array("alpha".utf8), alpha), (Array("beta".utf8), beta), (Array("gamma".utf8), gamma),
    ]
    try writer.writeTerms(count: terms.count, lengths: [3, 20, 301]) { (terms[$0].bytes[...], terms[$0].encoder) }
    return try commitSegment(writer, documentLengths: [3, 20, 301], published: samplePublished)
}

/// The sample documents' publication dates: an instant west of UTC, none, a day.
let samplePublished: [PublicationDate?] = [
    PublicationDate(seconds: 1_711_945_800, offsetMinutes: -300), nil,
    PublicationDate(day: CalendarDay(year: 1987, month: 2, day: 26)!),
]

/// A new segment writer for `directory`, numbered past every file there.
func newSegmentWriter(in directory: String) throws -> SegmentWriter {
    try SegmentWriter(directory: directory, number: Manifest.highestNumberUsed(directory: directory) + 1)
}

/// Finishes `writer`'s segment and commits it as the index's only segment.
func commitSegment(
    _ writer: SegmentWriter, documentLengths: [UInt32], published: [PublicationDate?]? = nil,
    analysis: AnalysisSettings = sampleAnalysis
) throws -> Manifest {
    let written = try writer.finish(
        documentLengths: documentLengths,
        published: published ?? Array(repeating: nil, count: documentLengths.count), analysis: analysis)
    let manifest = Manifest(generation: writer.number + 1, segments: [written.info], files: written.files)
    try manifest.commit(directory: writer.directory)
    return manifest
}

/// Analysis settings with a two-actor gazetteer and one learned actor.
let sampleAnalysis = AnalysisSettings(
    header: AnalysisHeader(
        stemmer: "english", recognisesActors: true, zoneWeights: ZoneWeights(title: 3, lead: 2, body: 1)),
    gazetteer: "IRN country Iran\n  capital: Tehran\n\nQUDS armed-group Quds Force\n  parent: IRN\n",
    learned: [.init(id: "p:nasser-kanaani", kind: 4, name: "Nasser Kanaani")])

@Suite("Index format")
struct FormatTests {
    @Test("write then read: dictionary, postings, positions, norms and documents round-trip")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = try writeSampleSegment(in: directory.path)
        // Segment 1, committed as generation 2: segments and commits draw on one counter.
        #expect(manifest.segments.map(\.number) == [1])
        #expect(manifest.generation == 2)
        #expect(manifest.documentCount == 3)

        let reader = try IndexReader(directory: directory.path)
        try reader.verifyChecksums()
        #expect(reader.segments[0].terms.count == 3)
        #expect(try reader.segments[0].terms.term(at: 1) == Array("beta".utf8))
        #expect(try reader.segments[0].terms.lookup(Array("delta".utf8)) == nil)
        #expect(try reader.segments[0].terms.lookup(Array("aaa".utf8)) == nil)
        #expect(try reader.segments[0].terms.lookup(Array("zzz".utf8)) == nil)

        let beta = try #require(try reader.segments[0].terms.lookup(Array("beta".utf8)))
        #expect(beta.documentFrequency == 2)
        #expect(beta.totalTermFrequency == 4)
        var cursor = try reader.segments[0].postings(for: beta)
        #expect(try cursor.next())
        #expect(cursor.document == 0 && cursor.frequency == 1)
        // Skip doc 0's positions without reading them.
        #expect(try cursor.next())
        #expect(cursor.document == 1 && cursor.frequency == 3)
        #expect(try cursor.positions() == [0, 17, 18])
        #expect(try !cursor.next())

        let gamma = try #require(try reader.segments[0].terms.lookup(Array("gamma".utf8)))
        var gammaCursor = try reader.segments[0].postings(for: gamma)
        #expect(try gammaCursor.next())
        #expect(try gammaCursor.positions() == [19])
        #expect(try gammaCursor.next())
        #expect(gammaCursor.document == 2)
        #expect(try gammaCursor.positions() == [300])

        #expect(try reader.segments[0].lengths.length(of: 1) == 20)
        #expect(reader.segments[0].lengths.sumOfLengths == 324)
        #expect(reader.segments[0].lengths.averageLength == 108)
        #expect(reader.segments[0].lengths.hasDates && reader.hasDates)
        #expect(try (0..<3).map { try reader.segments[0].lengths.published($0) } == samplePublished)
        #expect(try reader.article(0).published?.iso8601 == "2024-03-31T23:30:00-05:00")
        #expect(try reader.article(2).published?.iso8601 == "1987-02-26")
        #expect(try reader.article(1).published == nil)

        #expect(try reader.segments[0].analysisFile.settings() == sampleAnalysis)

        let second = try reader.segments[0].documents.article(1)
        #expect(
            second
                == Article(
                    path: "b.html", title: "Beta", body: "beta beta gamma", format: .html, sourceSize: 22,
                    modificationTime: -5))
        #expect(try reader.segments[0].documents.article(2).title == "Ünïcode")
        #expect(throws: IndexError.self) { try reader.segments[0].documents.article(3) }
    }

    @Test("a second commit replaces the first and removes its files")
    func secondCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try writeSampleSegment(in: directory.path)
        let first = try IndexReader(directory: directory.path)
        let manifest = try writeSampleSegment(in: directory.path)
        #expect(manifest.generation == 4)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!names.contains { $0.hasPrefix("seg-00000001") })
        // A reader opened before the commit still reads its own (unlinked, still mapped) files.
        #expect(try first.segments[0].documents.article(0).path == "a.txt")
        #expect(try IndexReader(directory: directory.path).manifest.generation == 4)
    }

    @Test("a crash before the manifest is renamed leaves the old commit readable")
    func crashBeforeRename() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try writeSampleSegment(in: directory.path)
        // Simulate a writer that died mid-commit: next generation's files half written, a stray MANIFEST.tmp.
        try directory.write("seg-00000003.terms", "partial")
        try directory.write("seg-00000001_00000003.del", "partial")
        try directory.write("MANIFEST.tmp", "partial")
        let reader = try IndexReader(directory: directory.path)
        #expect(reader.manifest.generation == 2)
        try reader.verifyChecksums()
        // The next commit skips past the leftover numbers and cleans them up.
        let next = try writeSampleSegment(in: directory.path)
        #expect(next.segments.map(\.number) == [4])
        #expect(next.generation == 5)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/seg-00000003.terms"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/seg-00000001_00000003.del"))
    }

    @Test("no manifest: indexNotFound")
    func missing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: IndexError.self) { try IndexReader(directory: directory.path) }
        #expect(error.code == .indexNotFound)
    }

    @Test("the write lock keeps a second writer out")
    func lock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let held = try WriteLock(directory: directory.path)
        _ = held
        // flock locks belong to open file descriptions, so a second open in the same process conflicts too.
        let error = try #require(throws: IndexError.self) { try WriteLock(directory: directory.path) }
        #expect(error.code == .locked)
        // The message names the holder: this process, and the command it runs.
        let message = "\(error)"
        #expect(message.contains("pid \(getpid()) on "))
        #expect(message.contains(CommandLine.arguments[0].split(separator: "/").last.map(String.init) ?? "?"))
    }

    @Test("a lock taken after its holder is gone is granted, and names the new holder")
    func staleLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do { _ = try WriteLock(directory: directory.path) }  // taken and dropped: the file stays behind
        let lock = try WriteLock(directory: directory.path)
        _ = lock
        let text = String(decoding: try FileSystem.readFile(directory.path + "/write.lock"), as: UTF8.self)
        #expect(text.hasPrefix("pid \(getpid()) on "))
    }
}

@Suite("Corruption")
struct CorruptionTests {
    /// Opens the index, then runs the full check, returning the first error.
    func openAndVerify(_ directory: String) -> IndexError? {
        do {
            let reader = try IndexReader(directory: directory)
            try reader.verifyChecksums()
            return nil
        } catch {
            return error
        }
    }

    /// Writes the sample segment; the name and path of its file of `kind`.
    func sampleFile(_ kind: IndexFileKind, in directory: TemporaryDirectory) throws -> (String, String) {
        let manifest = try writeSampleSegment(in: directory.path)
        let name =
            kind == .manifest
            ? Manifest.fileName : manifest.segments[0].fileName(kind)
        return (name, directory.path + "/" + name)
    }

    @Test("truncating any file is detected", arguments: IndexFileKind.segmentFiles + [.manifest])
    func truncate(kind: IndexFileKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (name, path) = try sampleFile(kind, in: directory)
        let bytes = try readBytes(path)
        try writeBytes(path, Array(bytes.dropLast(5)))
        let error = try #require(openAndVerify(directory.path))
        #expect(error.code == .corruptIndex)
        #expect(error.description.contains(name))
    }

    @Test("flipping a byte anywhere in any file is detected", arguments: IndexFileKind.segmentFiles + [.manifest])
    func flip(kind: IndexFileKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (name, path) = try sampleFile(kind, in: directory)
        let original = try readBytes(path)
        // Every byte position, one at a time: header, body, trailer, footer.
        for offset in 0..<original.count {
            var bytes = original
            bytes[offset] ^= 0x20
            try writeBytes(path, bytes)
            let error = openAndVerify(directory.path)
            #expect(error != nil, "flip at \(offset) of \(name) went unnoticed")
            if let error { #expect([.corruptIndex, .formatTooNew, .formatTooOld].contains(error.code)) }
        }
    }

    @Test(
        "a version this build does not read is refused by name",
        arguments: [(UInt8(99), IndexError.Code.formatTooNew), (0, .formatTooOld)])
    func version(value: UInt8, expected: IndexError.Code) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try writeSampleSegment(in: directory.path)
        let path = directory.path + "/" + Manifest.fileName
        var bytes = try readBytes(path)
        // Version follows magic (4), name length (1) and name.
        bytes[5 + IndexFileKind.manifest.rawValue.utf8.count] = value
        // Re-seal the checksum so that only the version is wrong, as a real
        // manifest from another Gazette release would be.
        reseal(&bytes)
        try writeBytes(path, bytes)
        let error = try #require(openAndVerify(directory.path))
        #expect(error.code == expected)
    }
}

@Suite("Verify: structure beyond checksums")
struct StructureTests {
    @Test("a whole segment decodes: every term, posting, position and document")
    func intact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try writeSampleSegment(in: directory.path)
        let report = try IndexReader(directory: directory.path).verifyStructure()
        // alpha: doc 0 at 0, 1; beta: doc 0 at 2, doc 1 at 0, 17, 18; gamma: doc 1 at 19, doc 2 at 300.
        #expect(report.terms == 3 && report.postings == 5 && report.positions == 8 && report.documents == 3)
    }

    /// A value of the sample's term dictionary to damage: where it lies, in
    /// the one block of the sample's three terms (alpha, beta, gamma).
    enum TermsDamage: CaseIterable, Sendable {
        /// beta's document frequency: 2 → 1 leaves a posting unread.
        case documentFrequency
        /// beta's total term frequency: 4 → 5.
        case totalTermFrequency
        /// gamma's first byte: "gamma" becomes "aamma", before "beta".
        case order

        /// The offset of the byte to change, its new value, and the file the error names.
        func change(_ layout: TermsFileLayout) -> (offset: Int, value: UInt8, file: String) {
            switch self {
            // beta's info entry starts with DocFreq << 2 | flags (its frequency differs: then
            // TotalTermFreq).
            case .documentFrequency:
                (layout.infoEntries[0][1][0], UInt8(1 << 2 | layout.infoHeads[0][1] & 3), "postings")
            case .totalTermFrequency: (layout.infoEntries[0][1][1], 5, "postings")
            case .order: (layout.termEntries[0][2].suffixOffset, UInt8(ascii: "a"), "terms")
            }
        }
    }

    @Test(
        "damage sealed with fresh checksums is still found, in the file it is in",
        arguments: TermsDamage.allCases)
    func sealedDamage(damage: TermsDamage) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var manifest = try writeSampleSegment(in: directory.path)
        let name = manifest.segments[0].fileName(.terms)
        let path = directory.path + "/" + name
        var bytes = try readBytes(path)
        let (offset, value, file) = damage.change(TermsFileLayout(bytes))
        bytes[offset] = value
        // Re-seal: a fresh footer checksum, and the manifest's copy of it.
        let crc = reseal(&bytes)
        try writeBytes(path, bytes)
        let index = try #require(manifest.files.firstIndex { $0.name == name })
        manifest.files[index].checksum = crc
        try manifest.commit(directory: directory.path)

        let reader = try IndexReader(directory: directory.path)
        try reader.verifyChecksums()  // every checksum holds
        let error = try #require(throws: IndexError.self) { try reader.verifyStructure() }
        #expect(error.code == .corruptIndex)
        #expect("\(error)".contains(".\(file)"), "\(error)")
    }
}

/// Writes a fresh CRC-32 into the last four bytes of a file's bytes (the
/// footer's checksum, over everything before it), so that only a deliberate
/// change is wrong; returns it.
@discardableResult
func reseal(_ bytes: inout [UInt8]) -> UInt32 {
    let crc = CRC32.checksum(Array(bytes.dropLast(4)))
    for k in 0..<4 { bytes[bytes.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    return crc
}

@Suite("Encodings")
struct EncodingTests {
    @Test("CRC-32 matches the standard check value")
    func crc() {
        // The CRC-32/ISO-HDLC check value of "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        var incremental = CRC32()
        incremental.update(Array("12345".utf8))
        incremental.update(Array("6789".utf8))
        #expect(incremental.value == 0xCBF4_3926)
    }

    @Test("VInts round-trip at every width")
    func vint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let values: [UInt64] = [0, 1, 127, 128, 255, 16_383, 16_384, 1 << 35, UInt64.max]
        var bytes: [UInt8] = []
        for value in values { bytes.appendVInt(value) }
        let path = try directory.write("v", bytes: bytes)
        let file = try MappedFile(path: path)
        var offset = 0
        for value in values { #expect(try file.vint(at: &offset, limit: bytes.count) == value) }
        #expect(offset == bytes.count)
        var past = bytes.count - 1
        #expect(throws: IndexError.self) { try file.vint(at: &past, limit: bytes.count - 1) }
    }
}
