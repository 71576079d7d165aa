/// A document's number inside one index: dense, starting at 0, in the order the
/// documents were added.
public struct DocumentID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = UInt32(value) }

    public var index: Int { Int(rawValue) }
    public var description: String { "doc \(rawValue)" }

    public static func < (lhs: DocumentID, rhs: DocumentID) -> Bool { lhs.rawValue < rhs.rawValue }
}
