import IndexFormat
import NewsCore
import TextAnalysis

/// Merges segments into one: their live documents, in order, renumbered from
/// 0; every term's postings concatenated with the new numbers; deleted
/// documents dropped for good.
///
/// Memory stays small whatever the segments' size: one term's postings at a
/// time, plus a number per input document.
struct SegmentMerger {
    let inputs: [SegmentReader]
    let settings: AnalysisSettings

    /// Writes the merged segment; nil when no input has a live document.
    func write(directory: String, number: UInt64) throws(IndexError) -> WrittenSegment? {
        // New document numbers: -1 for a deleted document.
        var maps: [[Int32]] = []
        var lengths: [UInt32] = []
        var next: Int32 = 0
        for input in inputs {
            var map = [Int32](repeating: -1, count: Int(input.documentCount))
            for document in 0..<input.documentCount where !input.isDeleted(document) {
                map[Int(document)] = next
                next += 1
                lengths.append(try input.lengths.length(of: document))
            }
            maps.append(map)
        }
        guard next > 0 else { return nil }
        let segment = try SegmentWriter(directory: directory, number: number)
        for (input, map) in zip(inputs, maps) {
            let sources = try input.sources()
            // In order through one cursor: each compressed block is decompressed once.
            var articles = DocumentStore.Cursor(input.documents)
            for document in 0..<input.documentCount where map[Int(document)] >= 0 {
                try segment.addDocument(try articles.article(document), source: sources[Int(document)])
            }
            input.documents.file.releaseResidentPages()
        }

        let terms = try segment.termsWriter()
        var actorIDs = Set<String>()
        var cursors = MultiTermCursor(inputs.map(\.terms))
        // Bytes of input postings and positions read since the inputs' pages
        // were last released (see MappedFile.releaseResidentPages).
        var readSinceRelease = 0
        while let (term, members) = try cursors.next() {
            var encoder = PostingsEncoder()
            for (input, info) in members {
                readSinceRelease += info.postingsLength + info.positionsLength
                var postings = try inputs[input].postings(for: info)
                while try postings.next() {
                    let document = maps[input][Int(postings.document)]
                    guard document >= 0 else { continue }
                    let positions = try postings.positions()
                    encoder.add(
                        document: UInt32(document), positions: positions[...],
                        length: lengths[Int(document)])
                }
            }
            if readSinceRelease >= 32 << 20 {
                for input in inputs {
                    input.postings.releaseResidentPages()
                    input.positions.releaseResidentPages()
                    input.terms.file.releaseResidentPages()
                }
                readSinceRelease = 0
            }
            guard encoder.documentFrequency > 0 else { continue }
            if let id = ActorTerm.id(term) { actorIDs.insert(id) }
            try terms.add(bytes: term[...], encoder: encoder)
        }
        try terms.finish()

        // The learned actors the merged postings still name, once each, in
        // bytewise ID order (as a segment built from text lists them).
        var learned: [String: AnalysisSettings.LearnedActor] = [:]
        for input in inputs {
            for actor in try input.analysisFile.settings().learned where actorIDs.contains(actor.id) {
                if learned[actor.id] == nil { learned[actor.id] = actor }
            }
        }
        var merged = settings
        merged.learned = learned.values.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        return try segment.finish(documentLengths: lengths, analysis: merged)
    }
}
