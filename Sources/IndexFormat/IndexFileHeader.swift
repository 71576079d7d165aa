/// The files of one segment and of a commit (IndexFileFormat.md, "Files").
public enum IndexFileKind: String, CaseIterable, Sendable {
    case manifest = "gazette.manifest"
    case terms = "gazette.terms"
    case postings = "gazette.postings"
    case positions = "gazette.positions"
    case norms = "gazette.norms"
    case documents = "gazette.documents"
    case analysis = "gazette.analysis"
    case sources = "gazette.sources"
    case deletions = "gazette.deletions"

    /// The file-name extension of a segment file.
    public var fileExtension: String {
        switch self {
        case .manifest: ""
        case .terms: "terms"
        case .postings: "postings"
        case .positions: "positions"
        case .norms: "norms"
        case .documents: "docs"
        case .analysis: "analysis"
        case .sources: "sources"
        case .deletions: "del"
        }
    }

    /// The files every segment has, written once with it (a segment's
    /// deletions file is the only one that changes after, so it is named by
    /// generation as well: see ``Manifest``).
    public static let segmentFiles: [IndexFileKind] = [
        .terms, .postings, .positions, .norms, .documents, .analysis, .sources,
    ]
}

/// A 16-byte random identifier written into every file of a segment and into
/// the manifest, so that a file from another commit can never be mistaken for
/// one of this commit's (Lucene's segment id plays the same role).
public struct SegmentID: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16)
        self.bytes = bytes
    }

    public static func random() -> SegmentID {
        var generator = SystemRandomNumberGenerator()
        return SegmentID(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// Header := Magic, NameLength, Name, Version, SegmentID
///
/// Magic is 0x47 0x5A 0x45 0x54 ("GZET"); Name is the file kind in ASCII (at
/// most 255 bytes); Version is a little-endian UInt32; SegmentID is 16 bytes.
public struct IndexFileHeader: Equatable, Sendable {
    public static let magic: [UInt8] = Array("GZET".utf8)
    /// The format version this build writes. History in IndexFileFormat.md.
    public static let currentVersion: UInt32 = 7
    /// The oldest version this build reads.
    public static let oldestSupportedVersion: UInt32 = 3

    public var kind: IndexFileKind
    public var version: UInt32
    public var segmentID: SegmentID

    public init(kind: IndexFileKind, version: UInt32, segmentID: SegmentID) {
        self.kind = kind
        self.version = version
        self.segmentID = segmentID
    }

    public var encodedLength: Int { 4 + 1 + kind.rawValue.utf8.count + 4 + 16 }

    public func encode(into out: inout [UInt8]) {
        out.append(contentsOf: Self.magic)
        out.append(UInt8(kind.rawValue.utf8.count))
        out.append(contentsOf: kind.rawValue.utf8)
        out.appendUInt32(version)
        out.append(contentsOf: segmentID.bytes)
    }

    /// Reads and checks the header of `file`, which must be of `kind`.
    /// - Returns: the header and the offset of the first byte after it.
    public static func read(
        from file: MappedFile, expecting kind: IndexFileKind
    ) throws(IndexError) -> (IndexFileHeader, Int) {
        let path = file.path
        guard file.count >= 4, try file.bytes(at: 0, count: 4) == magic else {
            throw IndexError.corrupt("not a Gazette index file (bad magic number)", path: path, offset: 0)
        }
        let nameLength = Int(try file.byte(at: 4))
        let name = String(decoding: try file.bytes(at: 5, count: nameLength), as: UTF8.self)
        guard name == kind.rawValue else {
            throw IndexError.corrupt("expected a \(kind.rawValue) file, found \"\(name)\"", path: path, offset: 5)
        }
        var offset = 5 + nameLength
        let version = try file.uint32(at: offset)
        if version < oldestSupportedVersion {
            throw IndexError(
                .formatTooOld,
                "format version \(version) is older than this Gazette reads (\(oldestSupportedVersion)...\(currentVersion)); rebuild the index",
                path: path)
        }
        if version > currentVersion {
            throw IndexError(
                .formatTooNew,
                "format version \(version) is newer than this Gazette reads (up to \(currentVersion)); upgrade Gazette",
                path: path)
        }
        offset += 4
        let id = SegmentID(bytes: try file.bytes(at: offset, count: 16))
        offset += 16
        return (IndexFileHeader(kind: kind, version: version, segmentID: id), offset)
    }
}

/// Footer := FooterMagic, AlgorithmID, Checksum
///
/// FooterMagic is the bitwise complement of "GZET" read as a little-endian
/// UInt32; AlgorithmID 0 is CRC-32 (IEEE); Checksum is the CRC-32 of every byte
/// of the file before it. 12 bytes in all.
public enum IndexFileFooter {
    public static let magic: UInt32 = ~0x5445_5A47
    public static let algorithmCRC32: UInt32 = 0
    public static let length = 12

    /// Checks the footer's structure (cheap: 12 bytes) and returns the stored checksum
    /// and the offset where the footer starts (the end of the file's body).
    public static func read(from file: MappedFile) throws(IndexError) -> (checksum: UInt32, bodyEnd: Int) {
        let start = file.count - length
        guard start >= 0 else { throw IndexError.corrupt("file is too short for a footer", path: file.path) }
        guard try file.uint32(at: start) == magic else {
            throw IndexError.corrupt(
                "bad footer magic number: the file is truncated or overwritten", path: file.path, offset: start)
        }
        let algorithm = try file.uint32(at: start + 4)
        guard algorithm == algorithmCRC32 else {
            throw IndexError.corrupt("unknown checksum algorithm \(algorithm)", path: file.path, offset: start + 4)
        }
        return (try file.uint32(at: start + 8), start)
    }

    /// Recomputes the CRC over the whole file and compares it with the footer.
    /// Reads every byte: used at open for small files and by `gazette check`.
    public static func verify(_ file: MappedFile) throws(IndexError) {
        let (stored, _) = try read(from: file)
        let actual = try file.checksum(at: 0, count: file.count - 4)
        guard actual == stored else {
            throw IndexError.corrupt(
                "checksum mismatch (stored \(hex(stored)), computed \(hex(actual))): the file is damaged",
                path: file.path)
        }
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
