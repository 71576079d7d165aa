import Dispatch
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
        var published: [PublicationDate?] = []
        var next: Int32 = 0
        for input in inputs {
            var map = [Int32](repeating: -1, count: Int(input.documentCount))
            for document in 0..<input.documentCount where !input.isDeleted(document) {
                map[Int(document)] = next
                next += 1
                lengths.append(try input.lengths.length(of: document))
                published.append(try input.lengths.published(document))
            }
            maps.append(map)
        }
        guard next > 0 else { return nil }
        let segment = try SegmentWriter(directory: directory, number: number)
        // The stored documents (decompressed and compressed again: about half
        // a merge's work) are copied on a thread of their own while this one
        // merges the postings: the two touch different files.
        let copy = DocumentCopy(segment: segment, inputs: inputs, maps: maps)
        let copied = DispatchSemaphore(value: 0)
        DispatchQueue(label: "gazette.merge.documents").async {
            copy.run()
            copied.signal()
        }
        let analysis: AnalysisFileWriter
        do throws(IndexError) {
            analysis = try mergeTermsAndSources(into: segment, maps: maps, lengths: lengths)
        } catch {
            copied.wait()
            throw error
        }
        copied.wait()
        if let error = copy.error { throw error }
        for input in inputs { input.releaseResidentPages() }
        return try segment.finish(documentLengths: lengths, published: published, analysis: analysis)
    }

    /// Copies the live stored documents of every input into the segment, in
    /// order. Runs on its own thread during a merge.
    ///
    /// `@unchecked Sendable`: the copying thread uses only the segment's
    /// document store (``SegmentWriter/addStoredDocument(_:)``), which nothing
    /// else touches until `run` has returned and the merging thread has
    /// waited for it; inputs and maps are only read.
    private final class DocumentCopy: @unchecked Sendable {
        let segment: SegmentWriter
        let inputs: [SegmentReader]
        let maps: [[Int32]]
        var error: IndexError? = nil

        init(segment: SegmentWriter, inputs: [SegmentReader], maps: [[Int32]]) {
            self.segment = segment
            self.inputs = inputs
            self.maps = maps
        }

        func run() {
            do throws(IndexError) {
                for (input, map) in zip(inputs, maps) {
                    // In order through one cursor: each compressed block is decompressed once.
                    var articles = DocumentStore.Cursor(input.documents)
                    for document in 0..<input.documentCount where map[Int(document)] >= 0 {
                        try segment.addStoredDocument(try articles.article(document))
                    }
                    input.documents.file.releaseResidentPages()
                }
            } catch {
                self.error = error
            }
        }
    }

    /// Writes the sources, the terms with their postings and positions, and
    /// prepares the analysis file (its learned actors streamed from the inputs).
    private func mergeTermsAndSources(
        into segment: SegmentWriter, maps: [[Int32]], lengths: [UInt32]
    ) throws(IndexError) -> AnalysisFileWriter {
        // The live documents' sources, merged in walk order, renumbered.
        var sources = try MergedSourceCursor(segments: inputs)
        while try sources.next() {
            let path = sources.path
            segment.addSource(
                path: path.span, document: UInt32(maps[sources.segment][Int(sources.document)]), size: sources.size,
                modificationTime: sources.modificationTime, contentHash: sources.contentHash)
        }
        for input in inputs { input.sourcesFile.releaseResidentPages() }

        // The learned actors the merged postings still name, once each, in
        // bytewise ID order (as a segment built from text lists them): each
        // input lists its own in that order, as the actor terms come, so
        // both are merged as they go, with no actor held in memory.
        var analysis = AnalysisFileWriter(header: settings.header, gazetteer: settings.gazetteer)
        var learned: [LearnedActorCursor] = []
        var learnedValid: [Bool] = []
        for input in inputs {
            var cursor = try LearnedActorCursor(input.analysisFile)
            learnedValid.append(try cursor.next())
            learned.append(cursor)
        }
        let terms = try segment.termsWriter(lengths: lengths)
        var cursors = MultiTermCursor(inputs.map(\.terms))
        // Bytes of input postings and positions read since the inputs' pages
        // were last released (see MappedFile.releaseResidentPages).
        var readSinceRelease = 0
        var raw: [UInt8] = []
        while let (term, members) = try cursors.next() {
            var encoder = PostingsEncoder()
            for (input, info) in members {
                readSinceRelease += info.postingsLength + info.positionsLength
                var postings = try inputs[input].postings(for: info)
                while try postings.next() {
                    let document = maps[input][Int(postings.document)]
                    guard document >= 0 else { continue }
                    // Positions are copied as stored: they do not depend on
                    // the document's number (no decoding, no array per posting).
                    raw.removeAll(keepingCapacity: true)
                    try postings.rawPositions(into: &raw)
                    encoder.add(
                        document: UInt32(document), frequency: postings.frequency, rawPositions: raw.span,
                        length: lengths[Int(document)])
                }
            }
            if readSinceRelease >= 8 << 20 {
                for input in inputs {
                    input.postings.releaseResidentPages()
                    input.positions.releaseResidentPages()
                    input.terms.file.releaseResidentPages()
                }
                readSinceRelease = 0
            }
            guard encoder.documentFrequency > 0 else { continue }
            try terms.add(bytes: term[...], encoder: encoder)
            guard term.first == ActorTerm.prefix else { continue }
            let id = term.span.extracting(1...)
            var found = false
            for index in learned.indices {
                while learnedValid[index] {
                    let learnedID = learned[index].id
                    let order = compareBytes(learnedID.span, id)
                    if order > 0 { break }
                    if order == 0 && !found {
                        let name = learned[index].name
                        analysis.addLearned(id: id, kind: learned[index].kind, name: name.span)
                        found = true
                    }
                    learnedValid[index] = try learned[index].next()
                }
            }
        }
        try terms.finish()
        return analysis
    }
}
