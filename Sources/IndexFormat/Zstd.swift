import CZstd

/// Zstandard frames (RFC 8878) through libzstd: the document store's blocks.
///
/// Each side owns one libzstd context, reused from frame to frame, and frees it
/// in `deinit`; a context is not thread-safe, so neither class is `Sendable`.
/// Pointers into Swift arrays and the mapped file live only inside the
/// `with…` closures that lend them.
enum Zstd {
    /// Compresses whole blocks into single frames that carry their content size
    /// and a content checksum (four bytes of XXH64), so that a damaged block is
    /// caught by the decoder even where the file's CRC is not checked.
    @safe final class Compressor {
        // SAFETY (@safe): the one unsafe member, the context, is private: a
        // context returned by ZSTD_createCCtx, owned by this object alone,
        // live from init to deinit (its only release), never nil.
        private let context: OpaquePointer

        /// - Parameter level: zstd's compression level (1...ZSTD_maxCLevel()).
        init(level: Int32) {
            // SAFETY: ZSTD_createCCtx takes no arguments; nil only when malloc fails.
            guard let context = unsafe ZSTD_createCCtx() else {
                fatalError("zstd: cannot allocate a compression context (out of memory)")
            }
            unsafe self.context = context
            // SAFETY: `context` is a live context. Both parameters are stable
            // API, and in range (level checked by the caller, flag 0 or 1), so
            // neither call can fail.
            unsafe ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            unsafe ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        }

        deinit {
            // SAFETY: the context is live and this is its only release.
            unsafe ZSTD_freeCCtx(context)
        }

        /// Replaces `frame` with one zstd frame holding `input`.
        func compress(_ input: [UInt8], into frame: inout [UInt8]) {
            let bound = ZSTD_compressBound(input.count)
            frame.removeAll(keepingCapacity: true)
            frame.append(contentsOf: repeatElement(0, count: bound))
            let written = unsafe frame.withUnsafeMutableBytes { output in
                unsafe input.withUnsafeBytes { source in
                    // SAFETY: `output` is `bound` writable bytes and `source`
                    // input.count readable ones, both live for this call; libzstd
                    // writes at most the capacity it is given and keeps neither
                    // pointer. `context` is live.
                    unsafe ZSTD_compress2(context, output.baseAddress, output.count, source.baseAddress, source.count)
                }
            }
            // With a ZSTD_compressBound-sized output, compression cannot fail
            // (zstd.h) except for lack of memory.
            precondition(ZSTD_isError(written) == 0, "zstd: \(Zstd.errorName(written))")
            frame.removeLast(frame.count - written)
        }
    }

    /// Decompresses frames from the mapped file, checking their sizes and checksums.
    @safe final class Decompressor {
        // SAFETY (@safe): as for Compressor: a private context from
        // ZSTD_createDCtx, owned, live from init to deinit (its only release).
        private let context: OpaquePointer

        init() {
            // SAFETY: ZSTD_createDCtx takes no arguments; nil only when malloc fails.
            guard let context = unsafe ZSTD_createDCtx() else {
                fatalError("zstd: cannot allocate a decompression context (out of memory)")
            }
            unsafe self.context = context
        }

        deinit {
            // SAFETY: the context is live and this is its only release.
            unsafe ZSTD_freeDCtx(context)
        }

        /// Decodes the single zstd frame `frame` into exactly `length` bytes.
        /// - Returns: the bytes, or a message saying why the frame is bad.
        func decompress(_ frame: Span<UInt8>, length: Int) -> Result<[UInt8], Zstd.Failure> {
            // The frame's own header must state the length the block header gives,
            // so that a damaged length is caught before anything is allocated.
            let declared = unsafe frame.withUnsafeBufferPointer { bytes in
                // SAFETY: `bytes` is the span's memory, readable for this call;
                // libzstd reads at most bytes.count bytes of it and keeps no pointer.
                unsafe ZSTD_getFrameContentSize(bytes.baseAddress, bytes.count)
            }
            guard declared == UInt64(length) else {
                return .failure(
                    Failure(
                        message: declared >= ZSTD_CONTENTSIZE_ERROR
                            ? "is not a zstd frame with a content size"
                            : "holds \(declared) bytes but its header says \(length)"))
            }
            var failure: Failure? = nil
            let output = unsafe [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                let result = unsafe frame.withUnsafeBufferPointer { source in
                    // SAFETY: `buffer` is `length` writable bytes, `source` the
                    // span's readable ones, both live for this call; libzstd
                    // writes at most buffer.count bytes, keeps neither pointer,
                    // and reports an error (never writes past) when the frame
                    // needs more room. `context` is live.
                    unsafe ZSTD_decompressDCtx(
                        context, buffer.baseAddress, buffer.count, source.baseAddress, source.count)
                }
                if ZSTD_isError(result) != 0 {
                    failure = Failure(message: "does not decompress (zstd: \(Zstd.errorName(result)))")
                    initialized = 0
                } else if result != length {
                    failure = Failure(message: "decompresses to \(result) bytes, not \(length)")
                    initialized = 0
                } else {
                    // SAFETY: libzstd initialised the first `result` == length bytes.
                    initialized = result
                }
            }
            if let failure { return .failure(failure) }
            return .success(output)
        }
    }

    /// Why a frame could not be decoded; the caller adds the file and offset.
    struct Failure: Error {
        var message: String
    }

    /// libzstd's name for an error code.
    static func errorName(_ code: Int) -> String {
        // SAFETY: ZSTD_getErrorName returns a pointer to a static, NUL-terminated
        // string (never nil), which String(cString:) copies.
        unsafe String(cString: ZSTD_getErrorName(code))
    }

    /// How many uncompressed bytes one compressed byte can at most stand for.
    /// A zstd block of up to 128 KiB costs at least 4 bytes (an RLE block: a
    /// 3-byte header and the byte), so no frame decodes to more than 32 768
    /// times its size (100 MB of zeros at level 19: 3 084 bytes, 32 425 : 1).
    /// Twice that, to be safe; a block header claiming more is damage.
    static let maximumRatio = 1 << 16
}
