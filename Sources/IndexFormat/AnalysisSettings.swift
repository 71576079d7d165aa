import NewsCore

/// How a segment's text was analysed, and the actors it knows
/// (IndexFileFormat.md, "Analysis"): a query must analyse its words exactly as
/// indexing did, and resolve actor names through the same gazetteer, even when
/// the binary's bundled gazetteer or the user's actors file has changed since.
///
/// AnalysisFile := Header, Flags u8, StemmerLength VInt, Stemmer, TitleWeight VInt,
///                 LeadWeight VInt, BodyWeight VInt, GazetteerLength VInt, Gazetteer,
///                 LearnedCount VInt, Learned^LearnedCount, Footer
/// Learned := IDLength VInt, ID, Kind u8, NameLength VInt, Name
public struct AnalysisSettings: Sendable, Equatable {
    /// What every query needs to analyse its words.
    public var header: AnalysisHeader
    /// The effective gazetteer, in the actors-file format (bundled merged with the user's).
    public var gazetteer: String
    /// Actors learned from the text: ID, kind code (`ActorKind.code`), display name.
    public var learned: [LearnedActor]

    public struct LearnedActor: Sendable, Equatable {
        public var id: String
        public var kind: UInt8
        public var name: String

        public init(id: String, kind: UInt8, name: String) {
            self.id = id
            self.kind = kind
            self.name = name
        }
    }

    public init(header: AnalysisHeader, gazetteer: String, learned: [LearnedActor]) {
        self.header = header
        self.gazetteer = gazetteer
        self.learned = learned
    }

    /// Writes the analysis file of a segment.
    public func write(path: String, segmentID: SegmentID) throws(IndexError) -> (length: Int, checksum: UInt32) {
        var writer = AnalysisFileWriter(header: header, gazetteer: gazetteer)
        for actor in learned {
            writer.addLearned(id: Array(actor.id.utf8).span, kind: actor.kind, name: Array(actor.name.utf8).span)
        }
        return try writer.write(path: path, segmentID: segmentID)
    }
}

/// Writes an analysis file, its learned actors given one at a time, as
/// bytes: a merge streams hundreds of thousands of them from its inputs
/// without making a String of each.
public struct AnalysisFileWriter {
    public let header: AnalysisHeader
    public let gazetteer: String
    private var learned: [UInt8] = []
    public private(set) var learnedCount = 0

    public init(header: AnalysisHeader, gazetteer: String) {
        self.header = header
        self.gazetteer = gazetteer
    }

    /// Adds a learned actor; IDs come in increasing bytewise order.
    public mutating func addLearned(id: Span<UInt8>, kind: UInt8, name: Span<UInt8>) {
        learned.appendVInt(UInt64(id.count))
        learned.append(id)
        learned.append(kind)
        learned.appendVInt(UInt64(name.count))
        learned.append(name)
        learnedCount += 1
    }

    public func write(path: String, segmentID: SegmentID) throws(IndexError) -> (length: Int, checksum: UInt32) {
        let file = try IndexFileWriter(path: path, kind: .analysis, segmentID: segmentID)
        // Built in memory and written at once: tens of thousands of learned
        // actors would otherwise cost a writer call per field.
        var body: [UInt8] = []
        body.append(
            (header.abbreviationsJoined ? 4 : 0) | (header.recognisesActors ? 2 : 0) | (header.stemmer.isEmpty ? 0 : 1))
        func string(_ value: String) {
            body.appendVInt(UInt64(value.utf8.count))
            body.append(contentsOf: value.utf8)
        }
        string(header.stemmer)
        body.appendVInt(UInt64(header.zoneWeights.title))
        body.appendVInt(UInt64(header.zoneWeights.lead))
        body.appendVInt(UInt64(header.zoneWeights.body))
        string(gazetteer)
        body.appendVInt(UInt64(learnedCount))
        try file.write(body)
        try file.write(learned)
        return try file.finish()
    }
}

/// The start of the analysis file: what every query needs to analyse its words.
public struct AnalysisHeader: Sendable, Equatable {
    /// The Snowball algorithm ("english"), or "" for no stemming.
    public var stemmer: String
    /// Whether actors were recognised.
    public var recognisesActors: Bool
    /// Term-frequency weights of actor mentions in the title, the lead and the rest.
    public var zoneWeights: ZoneWeights
    /// Whether abbreviations of single letters were indexed without their
    /// periods ("U.N." as `un`), as the tokenizer does since format 5. An
    /// index without it holds `u.n`, which today's queries do not ask for:
    /// `gazette index` rebuilds it.
    public var abbreviationsJoined: Bool

    public init(stemmer: String, recognisesActors: Bool, zoneWeights: ZoneWeights, abbreviationsJoined: Bool = true) {
        self.stemmer = stemmer
        self.recognisesActors = recognisesActors
        self.zoneWeights = zoneWeights
        self.abbreviationsJoined = abbreviationsJoined
    }
}

/// Reads a segment's analysis file. Opening reads only the header fields
/// (a keyword query needs nothing else); the gazetteer and the learned actors,
/// tens of thousands of names on a large index, are read only when an actor
/// query asks for them (``gazetteerText(verifying:)``, then
/// ``learnedActors(at:)``; ``settings()`` reads everything). A search reads
/// them structurally checked, without the file's CRC (15 MB on the 1M index:
/// 10 ms of each actor query's process); what is written from them (a
/// merge, a new segment's settings) checksums the whole file first, so damage
/// is never copied under a fresh checksum. `verify` checksums every file.
public struct AnalysisFileReader: Sendable {
    public let file: MappedFile
    public let header: AnalysisHeader
    /// Where the gazetteer's length starts.
    private let actorsOffset: Int

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (fileHeader, start) = try IndexFileHeader.read(from: file, expecting: .analysis)
        try checkSegment(fileHeader, segmentID, file)
        var cursor = AnalysisCursor(file: file, offset: start)
        guard cursor.offset < cursor.limit else { throw IndexError.corrupt("analysis file is empty", path: file.path) }
        let flags = try file.byte(at: cursor.offset)
        cursor.offset += 1
        guard flags & ~7 == 0 else {
            throw IndexError.corrupt("unknown analysis flags", path: file.path, offset: cursor.offset)
        }
        let stemmer = try cursor.string("the stemmer name")
        guard (flags & 1 == 1) == !stemmer.isEmpty else {
            throw IndexError.corrupt(
                "stemming flag disagrees with the stemmer name", path: file.path, offset: cursor.offset)
        }
        let weights = ZoneWeights(title: try cursor.weight(), lead: try cursor.weight(), body: try cursor.weight())
        header = AnalysisHeader(
            stemmer: stemmer, recognisesActors: flags & 2 == 2, zoneWeights: weights,
            abbreviationsJoined: flags & 4 == 4)
        actorsOffset = cursor.offset
    }

    /// Everything in the file, checksummed in full first.
    public func settings() throws(IndexError) -> AnalysisSettings {
        let (gazetteer, learnedOffset) = try gazetteerText()
        return AnalysisSettings(header: header, gazetteer: gazetteer, learned: try learnedActors(at: learnedOffset))
    }

    /// The gazetteer text (the file checksummed in full first when
    /// `verifying`), and where the learned actors start.
    public func gazetteerText(verifying: Bool = true) throws(IndexError) -> (text: String, learnedOffset: Int) {
        if verifying { try IndexFileFooter.verify(file) }
        var cursor = AnalysisCursor(file: file, offset: actorsOffset)
        return (try cursor.string("the gazetteer"), cursor.offset)
    }

    /// Where the learned actors start (the file checksummed in full first),
    /// the gazetteer skipped, not decoded: what a merge needs of each input.
    public func learnedOffset() throws(IndexError) -> Int {
        try IndexFileFooter.verify(file)
        var cursor = AnalysisCursor(file: file, offset: actorsOffset)
        cursor.offset += try cursor.count("the gazetteer", maximum: cursor.limit)
        return cursor.offset
    }

    /// The learned actors, read from `offset` (from ``gazetteerText(verifying:)``).
    public func learnedActors(at offset: Int) throws(IndexError) -> [AnalysisSettings.LearnedActor] {
        var cursor = AnalysisCursor(file: file, offset: offset)
        let learnedCount = try cursor.count("the learned actors", maximum: cursor.limit)
        var learned: [AnalysisSettings.LearnedActor] = []
        learned.reserveCapacity(learnedCount)
        for _ in 0..<learnedCount {
            let id = try cursor.string("an actor ID")
            guard cursor.offset < cursor.limit else {
                throw IndexError.corrupt("learned actor cut short", path: file.path)
            }
            let kind = try file.byte(at: cursor.offset)
            cursor.offset += 1
            learned.append(AnalysisSettings.LearnedActor(id: id, kind: kind, name: try cursor.string("an actor name")))
        }
        guard cursor.offset == cursor.limit else {
            throw IndexError.corrupt(
                "unexpected bytes after the learned actors", path: file.path, offset: cursor.offset)
        }
        return learned
    }
}

/// A segment's learned actors one at a time, as bytes, in increasing ID
/// order: what a merge reads, with no String made.
public struct LearnedActorCursor {
    private var cursor: AnalysisCursor
    private var remaining: Int
    public private(set) var id: [UInt8] = []
    public private(set) var kind: UInt8 = 0
    public private(set) var name: [UInt8] = []

    /// Opens the learned actors of `reader`'s file (checksummed in full first).
    public init(_ reader: AnalysisFileReader) throws(IndexError) {
        cursor = AnalysisCursor(file: reader.file, offset: try reader.learnedOffset())
        remaining = try cursor.count("the learned actors", maximum: cursor.limit)
    }

    public mutating func next() throws(IndexError) -> Bool {
        guard remaining > 0 else {
            guard cursor.offset == cursor.limit else {
                throw IndexError.corrupt(
                    "unexpected bytes after the learned actors", path: cursor.file.path, offset: cursor.offset)
            }
            return false
        }
        id = try cursor.bytes("an actor ID")
        guard cursor.offset < cursor.limit else {
            throw IndexError.corrupt("learned actor cut short", path: cursor.file.path)
        }
        kind = try cursor.file.byte(at: cursor.offset)
        cursor.offset += 1
        name = try cursor.bytes("an actor name")
        remaining -= 1
        return true
    }
}

/// Reads the analysis file's fields in order, every length checked against the file.
struct AnalysisCursor {
    let file: MappedFile
    var offset: Int
    let limit: Int

    init(file: MappedFile, offset: Int) {
        self.file = file
        self.offset = offset
        limit = file.count - IndexFileFooter.length
    }

    mutating func count(_ what: String, maximum: Int) throws(IndexError) -> Int {
        let value = try file.vint(at: &offset, limit: limit)
        guard value <= UInt64(maximum), value <= UInt64(limit - offset) else {
            throw IndexError.corrupt("\(what) runs past the end of the file", path: file.path, offset: offset)
        }
        return Int(value)
    }

    mutating func string(_ what: String) throws(IndexError) -> String {
        String(decoding: try bytes(what), as: UTF8.self)
    }

    mutating func bytes(_ what: String) throws(IndexError) -> [UInt8] {
        let length = try count(what, maximum: limit)
        let bytes = try file.bytes(at: offset, count: length)
        offset += length
        return bytes
    }

    mutating func weight() throws(IndexError) -> UInt32 {
        let value = try file.vint(at: &offset, limit: limit)
        guard value >= 1, value <= 100 else {
            throw IndexError.corrupt("zone weight \(value) out of range", path: file.path, offset: offset)
        }
        return UInt32(value)
    }
}
