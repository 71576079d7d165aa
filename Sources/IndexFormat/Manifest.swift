/// One segment of a commit: an immutable set of files holding some of the
/// index's documents, plus the deletions file that marks those of them that
/// were deleted or replaced since (IndexFileFormat.md, "MANIFEST").
public struct SegmentInfo: Equatable, Sendable {
    /// Names the segment's files: `seg-<number>.<ext>`.
    public var number: UInt64
    /// Written into every file of the segment, so that no file of another
    /// segment can stand in for one of its own.
    public var id: SegmentID
    /// Documents written into the segment, deleted ones included.
    public var documentCount: UInt32
    public var deletedCount: UInt32
    /// The commit generation that wrote the current deletions file, or 0 when
    /// none of the segment's documents is deleted.
    public var deletionsGeneration: UInt64

    public init(
        number: UInt64, id: SegmentID, documentCount: UInt32, deletedCount: UInt32 = 0,
        deletionsGeneration: UInt64 = 0
    ) {
        self.number = number
        self.id = id
        self.documentCount = documentCount
        self.deletedCount = deletedCount
        self.deletionsGeneration = deletionsGeneration
    }

    public var liveCount: UInt32 { documentCount - deletedCount }

    public func fileName(_ kind: IndexFileKind) -> String { Self.fileName(number: number, kind) }

    /// `seg-<number>.<ext>`: the name of segment `number`'s file of `kind`.
    public static func fileName(number: UInt64, _ kind: IndexFileKind) -> String {
        precondition(kind != .deletions && kind != .manifest)
        return Manifest.paddedName(number) + "." + kind.fileExtension
    }

    /// `seg-<number>_<generation>.del`, or nil when nothing is deleted.
    public var deletionsFileName: String? {
        deletionsGeneration == 0
            ? nil
            : Manifest.paddedName(number) + "_" + Manifest.digits(deletionsGeneration) + "."
                + IndexFileKind.deletions.fileExtension
    }

    /// Every file of the segment, as of this commit.
    public var fileNames: [String] {
        IndexFileKind.segmentFiles.map(fileName) + (deletionsFileName.map { [$0] } ?? [])
    }
}

/// A file that could not be indexed, remembered so that the next
/// `gazette index` skips it while it stays as it was (same size and
/// modification time), and retries it once it changes.
public struct FailedFile: Equatable, Sendable {
    public var path: String
    public var size: UInt64
    public var modificationTime: Int64
    public var reason: String

    public init(path: String, size: UInt64, modificationTime: Int64, reason: String) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
        self.reason = reason
    }
}

/// The commit point of an index: its segments, every file they consist of
/// with its length and checksum, and the files that failed to index
/// (IndexFileFormat.md, "MANIFEST").
///
/// Manifest := Header, Generation u64, SegmentCount u32, Segment^SegmentCount,
///             FileCount u32, FileEntry^FileCount, FailedCount u32, Failed^FailedCount, Footer
/// Segment := Number u64, SegmentID (16 bytes), DocumentCount u32, DeletedCount u32,
///            DeletionsGeneration u64
/// FileEntry := NameLength u8, Name, Length u64, Checksum u32
/// Failed := PathLength VInt, Path, Size VInt, ModificationTime VInt (two's complement),
///           ReasonLength VInt, Reason
///
/// A reader opens `MANIFEST` and nothing else by name: files that a manifest
/// does not list (a half-written segment, leftovers of a crash) are invisible
/// to it, and the next commit deletes them.
public struct Manifest: Equatable, Sendable {
    public static let fileName = "MANIFEST"

    public struct FileEntry: Equatable, Sendable {
        public var name: String
        public var length: UInt64
        public var checksum: UInt32

        public init(name: String, length: UInt64, checksum: UInt32) {
            self.name = name
            self.length = length
            self.checksum = checksum
        }
    }

    /// Increases with each commit.
    public var generation: UInt64
    /// The manifest file's own header ID (a commit has no segment of its own).
    public var commitID: SegmentID
    public var segments: [SegmentInfo]
    public var files: [FileEntry]
    public var failed: [FailedFile]

    public init(
        generation: UInt64, commitID: SegmentID = .random(), segments: [SegmentInfo], files: [FileEntry],
        failed: [FailedFile] = []
    ) {
        self.generation = generation
        self.commitID = commitID
        self.segments = segments
        self.files = files
        self.failed = failed
    }

    /// Documents in the index, deleted ones included (Lucene's `maxDoc`).
    public var documentCount: UInt32 { segments.reduce(0) { $0 + $1.documentCount } }
    /// Documents a search can find.
    public var liveCount: UInt32 { segments.reduce(0) { $0 + $1.liveCount } }
    public var deletedCount: UInt32 { segments.reduce(0) { $0 + $1.deletedCount } }

    static func digits(_ value: UInt64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 8 - text.count)) + text
    }

    static func paddedName(_ number: UInt64) -> String { "seg-" + digits(number) }

    public func entry(named name: String) -> FileEntry? {
        files.first { $0.name == name }
    }

    /// Writes the manifest to `path` (the caller renames it into place).
    func write(to path: String) throws(IndexError) {
        let writer = try IndexFileWriter(path: path, kind: .manifest, segmentID: commitID)
        var bytes: [UInt8] = []
        bytes.appendUInt64(generation)
        bytes.appendUInt32(UInt32(segments.count))
        for segment in segments {
            bytes.appendUInt64(segment.number)
            bytes.append(contentsOf: segment.id.bytes)
            bytes.appendUInt32(segment.documentCount)
            bytes.appendUInt32(segment.deletedCount)
            bytes.appendUInt64(segment.deletionsGeneration)
        }
        bytes.appendUInt32(UInt32(files.count))
        for file in files {
            let name = Array(file.name.utf8)
            precondition(name.count < 256, "index file names are short")
            bytes.append(UInt8(name.count))
            bytes.append(contentsOf: name)
            bytes.appendUInt64(file.length)
            bytes.appendUInt32(file.checksum)
        }
        bytes.appendUInt32(UInt32(failed.count))
        for item in failed {
            bytes.appendVInt(UInt64(item.path.utf8.count))
            bytes.append(contentsOf: item.path.utf8)
            bytes.appendVInt(item.size)
            bytes.appendVInt(UInt64(bitPattern: item.modificationTime))
            bytes.appendVInt(UInt64(item.reason.utf8.count))
            bytes.append(contentsOf: item.reason.utf8)
        }
        try writer.write(bytes)
        try writer.finish()
    }

    /// Reads and fully verifies `directory/MANIFEST`.
    public static func read(directory: String) throws(IndexError) -> Manifest {
        let path = directory + "/" + fileName
        guard FileSystem.fileExists(path) else {
            throw IndexError(.indexNotFound, "no index here (no \(fileName))", path: directory)
        }
        let file = try MappedFile(path: path)
        try IndexFileFooter.verify(file)
        let (header, start) = try IndexFileHeader.read(from: file, expecting: .manifest)
        let end = file.count - IndexFileFooter.length
        var offset = start
        func count(_ what: String, limit: Int) throws(IndexError) -> Int {
            let value = Int(try file.uint32(at: offset))
            guard value <= limit else {
                throw IndexError.corrupt("implausible \(what) count \(value)", path: path, offset: offset)
            }
            offset += 4
            return value
        }
        func text(_ what: String) throws(IndexError) -> String {
            let length = try file.vint(at: &offset, limit: end)
            guard length <= UInt64(end - offset) else {
                throw IndexError.corrupt("\(what) runs past the end", path: path, offset: offset)
            }
            let value = String(decoding: try file.bytes(at: offset, count: Int(length)), as: UTF8.self)
            offset += Int(length)
            return value
        }
        let generation = try file.uint64(at: offset)
        offset += 8
        var segments: [SegmentInfo] = []
        for _ in 0..<(try count("segment", limit: 1 << 20)) {
            let number = try file.uint64(at: offset)
            let id = SegmentID(bytes: try file.bytes(at: offset + 8, count: 16))
            let documents = try file.uint32(at: offset + 24)
            let deleted = try file.uint32(at: offset + 28)
            let deletions = try file.uint64(at: offset + 32)
            guard deleted <= documents, (deleted == 0) == (deletions == 0), number > 0 else {
                throw IndexError.corrupt("segment \(number) has inconsistent counts", path: path, offset: offset)
            }
            segments.append(
                SegmentInfo(
                    number: number, id: id, documentCount: documents, deletedCount: deleted,
                    deletionsGeneration: deletions))
            offset += 40
        }
        guard segments.reduce(UInt64(0), { $0 + UInt64($1.documentCount) }) < UInt64(UInt32.max) else {
            throw IndexError.corrupt("the segments hold more documents than an index can", path: path)
        }
        var files: [FileEntry] = []
        for _ in 0..<(try count("file", limit: 1 << 24)) {
            let nameLength = Int(try file.byte(at: offset))
            let name = String(decoding: try file.bytes(at: offset + 1, count: nameLength), as: UTF8.self)
            offset += 1 + nameLength
            let length = try file.uint64(at: offset)
            let checksum = try file.uint32(at: offset + 8)
            offset += 12
            guard isIndexFile(name) else {
                throw IndexError.corrupt("bad file name \"\(name)\"", path: path, offset: offset)
            }
            files.append(FileEntry(name: name, length: length, checksum: checksum))
        }
        var failed: [FailedFile] = []
        for _ in 0..<(try count("failed-file", limit: 1 << 24)) {
            let failedPath = try text("a failed file's path")
            let size = try file.vint(at: &offset, limit: end)
            let time = Int64(bitPattern: try file.vint(at: &offset, limit: end))
            let reason = try text("a failed file's reason")
            failed.append(FailedFile(path: failedPath, size: size, modificationTime: time, reason: reason))
        }
        guard offset == end else {
            throw IndexError.corrupt("unexpected bytes after the failed-file list", path: path, offset: offset)
        }
        let manifest = Manifest(
            generation: generation, commitID: header.segmentID, segments: segments, files: files, failed: failed)
        let listed = Set(files.map(\.name))
        for segment in segments {
            for name in segment.fileNames where !listed.contains(name) {
                throw IndexError.corrupt("segment \(segment.number) has no entry for \(name)", path: path)
            }
        }
        return manifest
    }

    /// Makes this manifest the index's commit point, atomically:
    /// write `MANIFEST.tmp`, fsync it, rename it over `MANIFEST`, fsync the directory.
    /// A crash at any step leaves either the previous manifest or this one.
    /// Then deletes the index files this commit does not list: earlier
    /// segments and deletions, and a crashed writer's leftovers (readers that
    /// still have them mapped keep reading them: unlinking does not unmap; a
    /// reader caught between reading the old manifest and mapping its files
    /// retries, see ``IndexReader``).
    public func commit(directory: String) throws(IndexError) {
        let temporary = directory + "/" + Self.fileName + ".tmp"
        try write(to: temporary)
        try FileSystem.rename(temporary, to: directory + "/" + Self.fileName)
        try FileSystem.syncDirectory(directory)
        let keep = Set(files.map(\.name))
        for name in (try? FileSystem.listDirectory(directory)) ?? []
        where Self.isIndexFile(name) && !keep.contains(name) {
            FileSystem.remove(directory + "/" + name)
        }
    }

    /// The numbers in an index file's name: `seg-<number>.<segment extension>`
    /// or `seg-<number>_<generation>.del`, each number of 8 to 18 digits; nil
    /// for any other name, so that a user's own `seg-notes.txt` beside an
    /// index is never deleted.
    public static func numbers(inFileName name: String) -> (number: UInt64, generation: UInt64?)? {
        let bytes = Array(name.utf8)
        guard bytes.starts(with: Array("seg-".utf8)) else { return nil }
        var index = 4
        func number() -> UInt64? {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard (8...18).contains(index - start) else { return nil }
            return UInt64(String(decoding: bytes[start..<index], as: UTF8.self))
        }
        guard let segment = number(), index < bytes.count else { return nil }
        var generation: UInt64? = nil
        if bytes[index] == 0x5F {  // "_"
            index += 1
            guard let value = number(), index < bytes.count else { return nil }
            generation = value
        }
        guard bytes[index] == 0x2E else { return nil }  // "."
        let ext = String(decoding: bytes[(index + 1)...], as: UTF8.self)
        if generation != nil {
            return ext == IndexFileKind.deletions.fileExtension ? (segment, generation) : nil
        }
        return IndexFileKind.segmentFiles.contains(where: { $0.fileExtension == ext }) ? (segment, nil) : nil
    }

    public static func isIndexFile(_ name: String) -> Bool { numbers(inFileName: name) != nil }

    /// A number above every generation and segment number the index has used,
    /// committed or left on disk by a crashed writer: new files never
    /// overwrite a file that some manifest may name.
    public static func highestNumberUsed(directory: String) -> UInt64 {
        var highest: UInt64 = 0
        if let manifest = try? read(directory: directory) {
            highest = max(manifest.generation, manifest.segments.map(\.number).max() ?? 0)
        }
        for name in (try? FileSystem.listDirectory(directory)) ?? [] {
            if let (number, generation) = numbers(inFileName: name) {
                highest = max(highest, number, generation ?? 0)
            }
        }
        return highest
    }
}
