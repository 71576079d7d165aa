/// One news article as Gazette indexes it: where it came from, its title and its body text.
///
/// `title` and `body` are valid UTF-8 (ingestion repairs invalid bytes before an
/// `Article` exists). The body keeps paragraph boundaries as blank lines, so that
/// snippets can stop at them.
public struct Article: Sendable, Equatable {
    /// The file's path as the user named it (relative to the working directory when
    /// the corpus was given as a relative path).
    public var path: String
    public var title: String
    public var body: String
    public var format: SourceFormat
    /// Size of the source file in bytes, kept for incremental updates.
    public var sourceSize: UInt64
    /// Modification time of the source file, in nanoseconds since 1970.
    public var modificationTime: Int64
    /// ``ContentHash`` of the source file's bytes: with the size and time, what
    /// incremental indexing compares to find changed files.
    public var contentHash: UInt64
    /// When the article was published, as its page's metadata or its date
    /// line says; nil when it does not say (never the file's time).
    public var published: PublicationDate?
    /// What else a page says of itself (byline, site, canonical URL, …):
    /// stored with the document (format 7) and shown in results.
    public var metadata = ArticleMetadata()

    public init(
        path: String, title: String, body: String, format: SourceFormat,
        sourceSize: UInt64 = 0, modificationTime: Int64 = 0, contentHash: UInt64 = 0,
        published: PublicationDate? = nil, metadata: ArticleMetadata = ArticleMetadata()
    ) {
        self.published = published
        self.metadata = metadata
        self.path = path
        self.title = title
        self.body = body
        self.format = format
        self.sourceSize = sourceSize
        self.modificationTime = modificationTime
        self.contentHash = contentHash
    }
}

/// The kind of file an article was read from.
public enum SourceFormat: UInt8, Sendable, CaseIterable {
    case text = 0
    case html = 1

    public var name: String {
        switch self {
        case .text: "text"
        case .html: "html"
        }
    }
}

/// What a page's metadata says of the article besides its title and date;
/// each nil when the page does not say.
public struct ArticleMetadata: Sendable, Equatable {
    public var byline: String?
    public var modified: PublicationDate?
    public var site: String?
    public var url: String?
    public var language: String?
    public var description: String?

    public init(
        byline: String? = nil, modified: PublicationDate? = nil, site: String? = nil, url: String? = nil,
        language: String? = nil, description: String? = nil
    ) {
        self.byline = byline
        self.modified = modified
        self.site = site
        self.url = url
        self.language = language
        self.description = description
    }
}
