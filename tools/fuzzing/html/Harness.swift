// libFuzzer harness: HTML ingestion (prefilter, libxml2, reader view,
// metadata, encodings), as `gazette index` reads a page. Built and run by
// tools/fuzz; see tools/fuzzing/README.md.
import CFuzzer
import NewsCore
import NewsIngest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The same bytes as a page and as a text file: both paths take any input.
    for (path, format) in [("fuzz.html", SourceFormat.html), ("fuzz.txt", .text)] {
        if case .article(let article, _) = ArticleReader().read(bytes: bytes, path: path, format: format) {
            // What indexing relies on: text that is valid UTF-8, with no NUL.
            precondition(!article.body.utf8.contains(0) && !article.title.utf8.contains(0), "NUL in the text")
        }
    }
    return 0
}

/// The program's entry (SwiftPM links main to `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_html_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
