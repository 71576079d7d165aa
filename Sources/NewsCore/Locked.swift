#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value that threads share, behind a pthread mutex: Gazette's lock for
/// shared state (``Stemmer`` alone spins on an atomic flag of its own).
///
/// Why not the standard library's `Synchronization.Mutex`: on Linux its
/// contended path is a priority-inheritance futex (`FUTEX_LOCK_PI`) taken
/// inside the uninstrumented `libswiftSynchronization.so`. ThreadSanitizer
/// sees only the inlined fast path, so whenever two threads do contend it
/// misses the hand-over and reports a "Swift access race" on the value the
/// lock guards. A correct four-thread append under `Mutex` is reported every
/// time (see `LockedTests`); with reports like that in every run, a real race
/// would go unseen. ThreadSanitizer intercepts `pthread_mutex_lock`, so it
/// sees every acquisition of this lock. (The PI futex is also the slower of
/// the two under contention, swiftlang/swift#88440; none of Gazette's locks is
/// hot enough for that to matter.)
///
/// The interface is `Mutex`'s: the value goes in and out as `sending`, so the
/// compiler checks what crosses threads as it does for `Mutex`.
@safe public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    // @unchecked: `value` is only reached inside `withLock`, while `mutex` is
    // held, and the `sending` signatures keep it disconnected from any
    // caller's state, as `Mutex` does.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ initialValue: consuming sending Value) {
        value = initialValue
        // SAFETY: a pthread mutex must not move once initialised, so it lives
        // in memory of its own, allocated here and freed in `deinit`, never
        // copied.
        unsafe mutex = .allocate(capacity: 1)
        unsafe mutex.initialize(to: pthread_mutex_t())
        let status = unsafe pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        // SAFETY: nothing holds the lock: holding it takes a reference to self.
        unsafe pthread_mutex_destroy(mutex)
        unsafe mutex.deinitialize(count: 1)
        unsafe mutex.deallocate()
    }

    /// Runs `body` with the lock held and the value lent to it.
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        // SAFETY: `mutex` was initialised in `init` and lives until `deinit`.
        let locked = unsafe pthread_mutex_lock(mutex)
        precondition(locked == 0, "pthread_mutex_lock failed: \(locked)")
        defer {
            // SAFETY: as above; this thread holds the lock.
            let unlocked = unsafe pthread_mutex_unlock(mutex)
            precondition(unlocked == 0, "pthread_mutex_unlock failed: \(unlocked)")
        }
        return try body(&value)
    }
}
