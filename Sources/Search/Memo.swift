import NewsCore

/// A value made on first use and kept: a searcher's actor catalog, the
/// catalog's learned actors. Two threads asking at once may both make it; the
/// value is the same either way, so one of them is kept.
final class Memo<Value: Sendable>: Sendable {
    private let value = Locked<Value?>(nil)

    func get<E: Error>(_ make: () throws(E) -> Value) throws(E) -> Value {
        if let made = value.withLock({ $0 }) { return made }
        let made = try make()
        value.withLock { $0 = made }
        return made
    }
}
