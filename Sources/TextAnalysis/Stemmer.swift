import CStemmer
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// English Snowball stemming ("attacks" → "attack", "militias" → "militia"),
/// through Debian's libstemmer, with a cache so that each distinct word is
/// stemmed once.
///
/// Only word terms made of ASCII letters (after folding) and at least three
/// bytes long are stemmed: numbers, "u.s", "don't" and words of other scripts
/// pass through, and actor terms never come here (``Analyzer`` keeps them apart,
/// so "United" inside "United States" never becomes "unit").
///
/// libstemmer's stemmer object is not thread-safe, so it lives behind a lock
/// (a spin lock on an atomic flag: Gazette analyses on one thread at a time per
/// stemmer, so the lock is uncontended and `Mutex`'s region rules would only
/// get in the way); ``Analyzer`` takes it once per field, not per word.
///
/// Every unsafe use in this file is marked and explained here.
@safe public final class Stemmer: @unchecked Sendable {
    /// The Snowball algorithm's name, recorded in the index so that queries
    /// stem exactly as indexing did.
    public let algorithm: String
    private let locked = Atomic<Bool>(false)
    // SAFETY (of the unchecked Sendable): `state` is only touched inside
    // `withState`, between acquiring and releasing `locked`.
    private var state: State

    /// A stemmer for `algorithm` ("english"), or nil when libstemmer lacks it.
    public init?(algorithm: String = "english") {
        guard let stemmer = unsafe sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.algorithm = algorithm
        state = unsafe State(stemmer: stemmer)
    }

    /// The stem of one term (for tests and queries).
    public func stem(_ term: String) -> String {
        let bytes = Array(term.utf8)
        var out: [UInt8] = []
        withState { state in state.appendStem(of: bytes.span, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the stem of `term` (a word term, lower-cased and folded) to `out`.
    public func appendStem(of term: Span<UInt8>, to out: inout [UInt8]) {
        withState { state in state.appendStem(of: term, to: &out) }
    }

    /// Runs `body` with exclusive use of the stemmer and its cache.
    func withState<R>(_ body: (inout State) -> R) -> R {
        while !locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            sched_yield()
        }
        defer { locked.store(false, ordering: .releasing) }
        return body(&state)
    }

    /// The stemmer and its cache; reachable only under the lock.
    @safe struct State: ~Copyable {
        private let stemmer: OpaquePointer
        private var cache = TermCache()

        init(stemmer: OpaquePointer) {
            unsafe self.stemmer = stemmer
        }

        deinit {
            // SAFETY: `stemmer` came from sb_stemmer_new, is owned by this
            // state alone and is freed once, here.
            unsafe sb_stemmer_delete(stemmer)
        }

        /// Whether `term` is a candidate: ASCII letters (and apostrophes), three bytes or more.
        @inline(__always)
        static func isStemmable(_ term: Span<UInt8>) -> Bool {
            guard term.count >= 3 else { return false }
            for k in term.indices {
                let byte = term[k]
                if byte &- UInt8(ascii: "a") >= 26 && byte != UInt8(ascii: "'") { return false }
            }
            return true
        }

        /// Appends the stem of `term` to `out`, from the cache when the term has
        /// been seen before; a term that is not stemmed is appended as it is.
        mutating func appendStem(of term: Span<UInt8>, to out: inout [UInt8]) {
            guard Self.isStemmable(term) else {
                out.append(term)
                return
            }
            if cache.append(term, to: &out) { return }
            let stemmer = unsafe self.stemmer
            let start = out.count
            unsafe term.withUnsafeBufferPointer { buffer in
                // SAFETY: libstemmer reads `count` bytes from the buffer, which is
                // valid for the closure; the returned pointer is owned by the
                // stemmer and stays valid until its next call, and we copy
                // `sb_stemmer_length` bytes out of it before returning.
                guard let base = buffer.baseAddress,
                    let stemmed = unsafe sb_stemmer_stem(stemmer, base, Int32(buffer.count))
                else { return }
                let length = Int(unsafe sb_stemmer_length(stemmer))
                unsafe out.append(contentsOf: UnsafeBufferPointer(start: stemmed, count: length))
            }
            // A failed stem (out of memory in C) leaves the word as it is.
            if out.count == start {
                out.append(term)
            }
            cache.insert(term, value: out[start...])
        }
    }
}

/// A bounded map from term bytes to replacement bytes: a ``TermTable`` of keys
/// and one arena of values. It empties itself when full: a cache, not a store.
struct TermCache {
    private var keys = TermTable(capacity: 1 << 12)
    private var values: [UInt8] = []
    private var ranges: [Range<Int>] = []
    static let maximumEntries = 1 << 20

    /// Appends the value cached for `key` to `out`; false when there is none.
    @inline(__always)
    func append(_ key: Span<UInt8>, to out: inout [UInt8]) -> Bool {
        guard let id = keys.find(key) else { return false }
        out.append(contentsOf: values[ranges[id]])
        return true
    }

    /// Caches `value` for `key` (which must be absent).
    mutating func insert(_ key: Span<UInt8>, value: ArraySlice<UInt8>) {
        if keys.count >= Self.maximumEntries {
            keys = TermTable(capacity: 1 << 12)
            values.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
        }
        let id = keys.intern(key)
        precondition(id == ranges.count, "a key cached twice")
        ranges.append(values.count..<values.count + value.count)
        values.append(contentsOf: value)
    }
}
