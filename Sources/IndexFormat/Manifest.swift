/// The commit point of an index: which segment files make up the index, with
/// their lengths and checksums (IndexFileFormat.md, "MANIFEST").
///
/// Manifest := Header, Generation, DocumentCount, FileCount, FileEntry^FileCount, Footer
/// FileEntry := NameLength, Name, Length, Checksum
///
/// A reader opens `MANIFEST` and nothing else by name: files that a manifest
/// does not list (a half-written next generation, leftovers of a crash) are
/// invisible to it.
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

    /// Increases by one with each commit; names the segment files.
    public var generation: UInt64
    public var segmentID: SegmentID
    public var documentCount: UInt32
    public var files: [FileEntry]

    public init(generation: UInt64, segmentID: SegmentID, documentCount: UInt32, files: [FileEntry]) {
        self.generation = generation
        self.segmentID = segmentID
        self.documentCount = documentCount
        self.files = files
    }

    /// The name of a segment file of generation `generation`: `seg-<generation>.<ext>`.
    public static func segmentFileName(generation: UInt64, kind: IndexFileKind) -> String {
        let digits = String(generation)
        return "seg-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "." + kind.fileExtension
    }

    public func entry(for kind: IndexFileKind) -> FileEntry? {
        let name = Self.segmentFileName(generation: generation, kind: kind)
        return files.first { $0.name == name }
    }

    /// Writes the manifest to `path` (the caller renames it into place).
    func write(to path: String) throws(IndexError) {
        let writer = try IndexFileWriter(path: path, kind: .manifest, segmentID: segmentID)
        try writer.writeUInt64(generation)
        try writer.writeUInt32(documentCount)
        try writer.writeUInt32(UInt32(files.count))
        for file in files {
            let name = Array(file.name.utf8)
            precondition(name.count < 256, "segment file names are short")
            try writer.write(UInt8(name.count))
            try writer.write(name)
            try writer.writeUInt64(file.length)
            try writer.writeUInt32(file.checksum)
        }
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
        var offset = start
        let generation = try file.uint64(at: offset)
        let documentCount = try file.uint32(at: offset + 8)
        let fileCount = Int(try file.uint32(at: offset + 12))
        offset += 16
        guard fileCount <= 64 else {
            throw IndexError.corrupt("implausible file count \(fileCount)", path: path, offset: offset - 4)
        }
        var files: [FileEntry] = []
        for _ in 0..<fileCount {
            let nameLength = Int(try file.byte(at: offset))
            let name = String(decoding: try file.bytes(at: offset + 1, count: nameLength), as: UTF8.self)
            offset += 1 + nameLength
            let length = try file.uint64(at: offset)
            let checksum = try file.uint32(at: offset + 8)
            offset += 12
            guard !name.contains("/"), !name.isEmpty, !name.hasPrefix(".") else {
                throw IndexError.corrupt("bad file name \"\(name)\"", path: path, offset: offset)
            }
            files.append(FileEntry(name: name, length: length, checksum: checksum))
        }
        guard offset == file.count - IndexFileFooter.length else {
            throw IndexError.corrupt("unexpected bytes after the file list", path: path, offset: offset)
        }
        return Manifest(
            generation: generation, segmentID: header.segmentID, documentCount: documentCount, files: files)
    }

    /// Makes this manifest the index's commit point, atomically:
    /// write `MANIFEST.tmp`, fsync it, rename it over `MANIFEST`, fsync the directory.
    /// A crash at any step leaves either the previous manifest or this one.
    /// Then deletes the segment files of earlier generations (readers that still
    /// have them mapped keep reading them: unlinking does not unmap; a reader
    /// caught between reading the old manifest and mapping its files retries,
    /// see ``IndexReader``).
    public func commit(directory: String) throws(IndexError) {
        let temporary = directory + "/" + Self.fileName + ".tmp"
        try write(to: temporary)
        try FileSystem.rename(temporary, to: directory + "/" + Self.fileName)
        try FileSystem.syncDirectory(directory)
        let keep = Set(files.map(\.name))
        for name in (try? FileSystem.listDirectory(directory)) ?? []
        where Self.generation(ofSegmentFile: name) != nil && !keep.contains(name) {
            FileSystem.remove(directory + "/" + name)
        }
    }

    /// The generation in a segment file's name, or nil if `name` is not exactly
    /// `seg-<8 to 18 digits>.<a segment extension>`: only such files are ever
    /// deleted, so a user's own `seg-notes.txt` beside an index is safe.
    public static func generation(ofSegmentFile name: String) -> UInt64? {
        guard name.hasPrefix("seg-"), let dot = name.firstIndex(of: ".") else { return nil }
        let digits = name[name.index(name.startIndex, offsetBy: 4)..<dot]
        let ext = name[name.index(after: dot)...]
        guard (8...18).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            IndexFileKind.segmentFiles.contains(where: { $0.fileExtension == ext })
        else { return nil }
        return UInt64(digits)
    }

    /// The generation to write next in `directory`: one past both the committed
    /// manifest's and any segment file lying there (a crashed writer's), so that a
    /// new commit never overwrites a file that a manifest may name.
    public static func nextGeneration(directory: String) -> UInt64 {
        var highest: UInt64 = 0
        if let manifest = try? read(directory: directory) { highest = manifest.generation }
        for name in (try? FileSystem.listDirectory(directory)) ?? [] {
            if let value = generation(ofSegmentFile: name) { highest = max(highest, value) }
        }
        // Names hold at most 18 digits; a damaged manifest claiming more starts over past them.
        return highest < 999_999_999_999_999_999 ? highest + 1 : 1
    }
}
