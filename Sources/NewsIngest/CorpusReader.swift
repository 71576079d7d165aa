import NewsCore

/// Walks a corpus and reads each file, reporting articles and problems in order.
public struct CorpusReader: Sendable {
    public let root: String
    public let excluded: [String]
    public let reader = ArticleReader()

    /// - Parameter excluded: directories not to walk into (the index's own).
    public init(root: String, excluding excluded: [String] = []) {
        self.root = root
        self.excluded = excluded
    }

    /// What reading the corpus found besides articles.
    public struct Report: Sendable {
        /// Files read (articles and skipped files, not walk problems).
        public var filesSeen = 0
        public var articles = 0
        public var skipped: [IngestProblem] = []
        public var warnings: [IngestProblem] = []
    }

    /// Calls `body` with each article in stable order; `problem` with each
    /// skipped file or warning as it happens. Throws only if `root` itself
    /// cannot be read, or if `body` throws.
    public func read(
        problem: (IngestProblem) -> Void = { _ in },
        _ body: (Article) throws -> Void
    ) throws -> Report {
        let listing = try CorpusWalker(root: root, excluding: excluded).walk()
        var report = Report()
        for item in listing.problems {
            report.skipped.append(item)
            problem(item)
        }
        for (path, status) in listing.files {
            report.filesSeen += 1
            switch reader.read(path: path, status: status) {
            case .article(let article, let warnings):
                for warning in warnings {
                    report.warnings.append(warning)
                    problem(warning)
                }
                try body(article)
                report.articles += 1
            case .skipped(let item):
                report.skipped.append(item)
                problem(item)
            }
        }
        return report
    }
}
