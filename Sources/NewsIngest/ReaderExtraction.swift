import NewsCore

/// Finds a page's article in its ``PageTree`` and writes the article's text,
/// leaving out navigation, teasers, share bars and the rest of the chrome.
///
/// The method is Readability's (Mozilla's Firefox Reader View, Apache-2.0),
/// written anew on our tree: the html-pages gold was made with it, and its
/// rules look at structure and wording, never at a particular site.
///
/// 1. **Reshape** as a browser's reader would: a run of two or more `<br>`
///    starts a paragraph; inline content directly in a `<div>` becomes a
///    paragraph; a `<div>` holding one paragraph is that paragraph; a
///    `<div>` with no paragraph-like element inside is one.
/// 2. **Walk** the page, dropping the byline (kept as metadata), a heading
///    that repeats the title, and elements whose class or id names site
///    furniture ("menu", "related", "comment", …) or whose `role` is
///    navigation, menu, complementary, alert or dialog.
/// 3. **Score** each paragraph of 25 characters or more (`p`, `pre`, `td`,
///    `section`, `h2`–`h6`): 1, plus one per comma, plus one per 100
///    characters (at most 3), given to its parent in full, its grandparent
///    by half, and the next three ancestors by a third of their level.
///    Each ancestor starts from its tag (`div` +5, lists −3, headings −5)
///    and its class and id (+25 for "article", "content", "story", …; −25
///    for "comment", "share", "sidebar", …), and ends multiplied by the
///    share of its text that is not link text.
/// 4. **Choose** the best-scored ancestor, moving up when three other
///    near-best candidates share an ancestor with it, or when its parent
///    scores at least as well; then add its siblings that score at least a
///    fifth as well (more with the same class), and sibling paragraphs that
///    read as prose (over 80 characters with few links, or a sentence with none).
/// 5. **Clean** what was chosen: share widgets, negatively named headings,
///    and tables, lists, `div`s and forms that look like boilerplate (more
///    links than text, more images than paragraphs, inputs, embeds, no text).
/// 6. **Retry** with fewer rules (keep furniture-named elements, then ignore
///    class names, then clean nothing) while the article has fewer than 500
///    characters, and keep the longest result. A page where even that finds
///    nothing gives its whole body, so a page never silently loses its text.
struct ReaderExtraction {
    private var tree: PageTree
    private let title: [UInt8]
    /// The first byline found in the text (an element named "byline" or
    /// "author", or `rel=author`), if any.
    private(set) var byline: String?

    /// The page's `<body>` (the document when it has none).
    private let body: Int32

    init(tree: PageTree, title: String) {
        self.tree = tree
        self.title = Array(title.utf8)
        let order = tree.preorder()
        body = order.first { tree.nodes[Int($0)].tag == .body } ?? 0
        reshape(order)
    }

    struct Rules: OptionSet {
        let rawValue: UInt8
        static let stripUnlikely = Rules(rawValue: 1)
        static let weighClasses = Rules(rawValue: 2)
        static let cleanConditionally = Rules(rawValue: 4)
        static let all: Rules = [.stripUnlikely, .weighClasses, .cleanConditionally]
    }

    /// Below this many characters an extraction is retried with fewer rules (Readability's `charThreshold`).
    static let retryBelow: Int32 = 500

    /// The article's text: paragraphs separated by blank lines.
    mutating func text() -> [UInt8] {
        var best: (text: [UInt8], length: Int32)? = nil
        for rules: Rules in [.all, [.weighClasses, .cleanConditionally], [.cleanConditionally], []] {
            let attempt = extract(rules)
            if attempt.length >= Self.retryBelow { return attempt.text }
            if best == nil || attempt.length > best!.length { best = attempt }
        }
        if let best, best.length > 0 { return best.text }
        // Nothing scored: the whole body, as read.
        return write(roots: [body], kept: [Bool](repeating: true, count: tree.nodes.count))
    }

    // MARK: Reshaping (once per page)

    private func isPhrasing(_ index: Int32) -> Bool { tree.nodes[Int(index)].isPhrasing }

    private func isBlankText(_ index: Int32) -> Bool {
        tree.nodes[Int(index)].tag == .text && tree.isWhitespace(index)
    }

    /// Full-page text and link lengths, before anything is dropped.
    private var pageLength: [Int32] = []
    private var pageLinkLength: [Float] = []

    /// `order`: the page's nodes in document order, as read.
    private mutating func reshape(_ order: [Int32]) {
        // Inline-only and block-inside marks, children before parents.
        for index in order.reversed() {
            var inlineOnly = true
            var blockInside = false
            var child = tree.nodes[Int(index)].firstChild
            while child >= 0 {
                let node = tree.nodes[Int(child)]
                if !node.isPhrasing { inlineOnly = false }
                if node.tag.isBlockForDivision || node.hints.contains(.hasBlockInside) { blockInside = true }
                child = node.next
            }
            if inlineOnly { tree.nodes[Int(index)].hints.insert(.inlineOnly) }
            if blockInside { tree.nodes[Int(index)].hints.insert(.hasBlockInside) }
        }
        for index in order where tree.nodes[Int(index)].tag != .text { replaceBreaks(in: index) }
        // One order for the rest: a <div> giving way to its paragraph keeps
        // parents before children in it.
        let reshaped = tree.preorder()
        measurePage(reshaped)
        var replacements: [Int32: Int32] = [:]
        for index in reshaped where tree.nodes[Int(index)].tag == .div {
            if let paragraph = reshapeDivision(index) { replacements[index] = paragraph }
        }
        // Each parent re-linked once, whatever the number of its children
        // that gave way (one by one, a page of 100,000 such siblings would
        // take quadratic time).
        var parents: Set<Int32> = []
        for division in replacements.keys { parents.insert(tree.nodes[Int(division)].parent) }
        for parent in parents {
            tree.setChildren(parent, tree.children(parent).map { replacements[$0] ?? $0 })
        }
        markDataTables(reshaped)
    }

    /// `<br><br>` starts a paragraph that runs over the inline content after
    /// it, up to the next `<br><br>` or block; a `<p>` that gets such
    /// paragraphs becomes a `<div>`.
    private mutating func replaceBreaks(in parent: Int32) {
        var hasBreak = false
        var child = tree.nodes[Int(parent)].firstChild
        while child >= 0 {
            if tree.nodes[Int(child)].tag == .br {
                hasBreak = true
                break
            }
            child = tree.nodes[Int(child)].next
        }
        guard hasBreak else { return }
        let kids = tree.children(parent)
        func nextNonBlank(_ from: Int) -> Int {
            var k = from
            while k < kids.count, isBlankText(kids[k]) { k += 1 }
            return k
        }
        var out: [Int32] = []
        var made = false
        var i = 0
        while i < kids.count {
            let kid = kids[i]
            let j = nextNonBlank(i + 1)
            guard tree.nodes[Int(kid)].tag == .br, j < kids.count, tree.nodes[Int(kids[j])].tag == .br else {
                out.append(kid)
                i += 1
                continue
            }
            var m = j
            while m < kids.count, tree.nodes[Int(kids[m])].tag == .br || isBlankText(kids[m]) { m += 1 }
            var inside: [Int32] = []
            while m < kids.count {
                let next = kids[m]
                if tree.nodes[Int(next)].tag == .br {
                    let q = nextNonBlank(m + 1)
                    if q < kids.count, tree.nodes[Int(kids[q])].tag == .br { break }
                }
                if !isPhrasing(next) { break }
                inside.append(next)
                m += 1
            }
            while let last = inside.last, tree.isWhitespace(last) { inside.removeLast() }
            let paragraph = tree.make(.p)
            tree.setChildren(paragraph, inside)
            out.append(paragraph)
            made = true
            i = m
        }
        guard made else { return }
        tree.setChildren(parent, out)
        if tree.nodes[Int(parent)].tag == .p { tree.nodes[Int(parent)].tag = .div }
    }

    private mutating func measurePage(_ order: [Int32]) {
        pageLength = [Int32](repeating: 0, count: tree.nodes.count)
        pageLinkLength = [Float](repeating: 0, count: tree.nodes.count)
        for index in order.reversed() {
            let node = tree.nodes[Int(index)]
            if node.tag == .text { pageLength[Int(index)] = node.length }
            guard node.parent >= 0 else { continue }
            pageLength[Int(node.parent)] += pageLength[Int(index)]
            pageLinkLength[Int(node.parent)] +=
                node.tag == .a ? Float(pageLength[Int(index)]) * linkWeight(node) : pageLinkLength[Int(index)]
        }
    }

    private func linkWeight(_ node: PageNode) -> Float { node.hints.contains(.pageLink) ? 0.3 : 1 }

    /// Inline runs of a `<div>` become paragraphs; a `<div>` that is one
    /// paragraph (with few links) gives way to it (returned, for the caller
    /// to put in its place); one with no paragraph-like element inside
    /// becomes a paragraph.
    private mutating func reshapeDivision(_ division: Int32) -> Int32? {
        // Most <div>s hold no inline content of their own: they are judged
        // on their links, with no list of children made.
        var needsParagraphs = false
        var child = tree.nodes[Int(division)].firstChild
        while child >= 0 {
            if isPhrasing(child), !tree.isWhitespace(child) {
                needsParagraphs = true
                break
            }
            child = tree.nodes[Int(child)].next
        }
        if !needsParagraphs { return judgeDivision(division, made: false) }
        let kids = tree.children(division)
        var out: [Int32] = []
        var paragraph: Int32 = -1
        var inside: [Int32] = []
        var made = false
        func close() {
            while let last = inside.last, tree.isWhitespace(last) { inside.removeLast() }
            tree.setChildren(paragraph, inside)
            paragraph = -1
            inside = []
        }
        for kid in kids {
            if isPhrasing(kid) {
                if paragraph >= 0 {
                    inside.append(kid)
                } else if !tree.isWhitespace(kid) {
                    paragraph = tree.make(.p)
                    inside = [kid]
                    out.append(paragraph)
                    made = true
                } else {
                    out.append(kid)
                }
            } else {
                if paragraph >= 0 { close() }
                out.append(kid)
            }
        }
        if paragraph >= 0 { close() }
        if made { tree.setChildren(division, out) }
        return judgeDivision(division, made: made)
    }

    /// A `<div>` after its inline runs became paragraphs (`made`): it gives
    /// way to its one paragraph, becomes one, or stays.
    private mutating func judgeDivision(_ division: Int32, made: Bool) -> Int32? {
        var elements = 0
        var only: Int32 = -1
        var hasText = false
        var kid = tree.nodes[Int(division)].firstChild
        while kid >= 0 {
            if tree.nodes[Int(kid)].tag == .text {
                if !tree.isWhitespace(kid) { hasText = true }
            } else {
                elements += 1
                only = kid
            }
            kid = tree.nodes[Int(kid)].next
        }
        let length = pageLength[Int(division)]
        let linkDensity = length > 0 ? pageLinkLength[Int(division)] / Float(length) : 0
        if elements == 1, !hasText, tree.nodes[Int(only)].tag == .p, linkDensity < 0.25 {
            // The <div> gives its place to its paragraph, which takes its
            // class and role: a reader judges the <div> (a byline, site
            // furniture) before it gives way.
            tree.nodes[Int(only)].hints.formUnion(tree.nodes[Int(division)].hints)
            if tree.nodes[Int(only)].classHash == 0 {
                tree.nodes[Int(only)].classHash = tree.nodes[Int(division)].classHash
            }
            return only
        }
        if !made, !tree.nodes[Int(division)].hints.contains(.hasBlockInside) {
            tree.nodes[Int(division)].tag = .p
        }
        return nil
    }

    /// Tables of data (kept whole) against tables of layout, as a reader judges them.
    /// `order`: every table of the page is in it.
    private mutating func markDataTables(_ order: [Int32]) {
        for table in order where tree.nodes[Int(table)].tag == .table {
            let hints = tree.nodes[Int(table)].hints
            var isData: Bool
            if hints.contains(.layoutTable) {
                isData = false
            } else if hints.contains(.summarizedTable) {
                isData = true
            } else {
                var rows = 0
                var columns = 0
                var structure = false
                var nested = false
                // A nested table's own rows are not looked into: it makes
                // this table layout (unless it has structure), and walking
                // each table's whole subtree would be quadratic in nesting.
                var index = tree.next(after: table, under: table)
                while index >= 0 {
                    let node = tree.nodes[Int(index)]
                    if node.tag == .table {
                        nested = true
                        index = tree.next(after: index, under: table, enteringChildren: false)
                        continue
                    }
                    defer { index = tree.next(after: index, under: table) }
                    switch node.tag {
                    case .caption where node.firstChild >= 0, .tableMeta, .th: structure = true
                    case .tr:
                        rows += 1
                        var cells = 0
                        var cell = node.firstChild
                        while cell >= 0 {
                            if tree.nodes[Int(cell)].tag == .td || tree.nodes[Int(cell)].tag == .th { cells += 1 }
                            cell = tree.nodes[Int(cell)].next
                        }
                        columns = max(columns, cells)
                    default: break
                    }
                }
                isData = structure || (!nested && (rows >= 10 || columns > 4 || rows * columns > 10))
            }
            if isData { tree.nodes[Int(table)].hints.insert(.dataTable) }
        }
        // Down the tree as it now is (with the paragraphs made from inline runs).
        for index in tree.preorder() {
            let parent = tree.nodes[Int(index)].parent
            guard parent >= 0 else { continue }
            let parentHints = tree.nodes[Int(parent)].hints
            if parentHints.contains(.inDataTable) || parentHints.contains(.dataTable) {
                tree.nodes[Int(index)].hints.insert(.inDataTable)
            }
        }
    }

    // MARK: One attempt

    /// Per attempt: which nodes are still in, and their text measures.
    private var kept: [Bool] = []
    private var length: [Int32] = []
    private var commas: [Int32] = []
    private var linkLength: [Float] = []
    private var elementChildren: [Int32] = []
    private var score: [Float] = []
    private var isCandidate: [Bool] = []

    private mutating func extract(_ rules: Rules) -> (text: [UInt8], length: Int32) {
        let count = tree.nodes.count
        kept = [Bool](repeating: false, count: count)
        length = [Int32](repeating: 0, count: count)
        commas = [Int32](repeating: 0, count: count)
        linkLength = [Float](repeating: 0, count: count)
        elementChildren = [Int32](repeating: 0, count: count)
        score = [Float](repeating: 0, count: count)
        isCandidate = [Bool](repeating: false, count: count)

        // 2. Walk, dropping what no reader reads; note the paragraphs to score.
        var live: [Int32] = []
        var paragraphs: [Int32] = []
        var node: Int32 = 0
        while node >= 0 {
            let keep = visit(node, rules)
            if keep {
                kept[Int(node)] = true
                live.append(node)
                switch tree.nodes[Int(node)].tag {
                case .section, .h2, .h3, .h4, .h5, .h6, .p, .td, .pre: paragraphs.append(node)
                default: break
                }
            }
            node = tree.next(after: node, under: 0, enteringChildren: keep)
        }
        // Children before parents (the arrays start at zero: only text has measures of its own).
        for index in live.reversed() {
            if tree.nodes[Int(index)].tag == .text { resetMeasures(index) }
            addToParent(index)
        }

        // 3. Score.
        var candidates: [Int32] = []
        for paragraph in paragraphs {
            let textLength = length[Int(paragraph)]
            guard textLength >= 25 else { continue }
            let points = 1 + Float(commas[Int(paragraph)] + 1) + Float(min(textLength / 100, 3))
            var ancestor = tree.nodes[Int(paragraph)].parent
            var level = 0
            while ancestor >= 0, level < 5 {
                let parent = tree.nodes[Int(ancestor)].parent
                if ancestor > 0, parent > 0 {
                    if !isCandidate[Int(ancestor)] {
                        initialize(ancestor, rules)
                        candidates.append(ancestor)
                    }
                    let divider: Float = level == 0 ? 1 : (level == 1 ? 2 : Float(level * 3))
                    score[Int(ancestor)] += points / divider
                }
                ancestor = parent
                level += 1
            }
        }
        var top: [Int32] = []
        for candidate in candidates {
            score[Int(candidate)] *= 1 - linkDensity(candidate)
            let value = score[Int(candidate)]
            if let slot = top.firstIndex(where: { value > score[Int($0)] }) {
                top.insert(candidate, at: slot)
                if top.count > 5 { top.removeLast() }
            } else if top.count < 5 {
                top.append(candidate)
            }
        }

        // 4. Choose.
        let roots: [Int32]
        var wholeBody = false
        if let first = top.first, tree.nodes[Int(first)].tag != .body {
            roots = chooseArticle(top: top, rules)
        } else {
            wholeBody = true
            roots = [kept[Int(body)] ? body : 0]
        }

        // 5. Clean.
        clean(roots, rules, wholeBody: wholeBody)
        var total: Int32 = 0
        for root in roots where kept[Int(root)] { total += length[Int(root)] }
        return (write(roots: roots, kept: kept), total)
    }

    /// Whether the walk keeps `index` (and looks inside it).
    private mutating func visit(_ index: Int32, _ rules: Rules) -> Bool {
        let node = tree.nodes[Int(index)]
        guard node.tag != .text, node.tag != .document else { return true }
        if byline == nil, node.hints.contains(.byline) {
            let text = textOf(index, limit: 400)
            let characters = text.count { $0 & 0xC0 != 0x80 }
            if characters > 0, characters < 100 {
                // The author's name alone when the markup marks it.
                var name: Int32? = nil
                var next = tree.next(after: index, under: index)
                var visited = 0
                while next >= 0, visited < 400 {
                    if tree.nodes[Int(next)].hints.contains(.itempropName) {
                        name = next
                        break
                    }
                    next = tree.next(after: next, under: index)
                    visited += 1
                }
                byline = String(decoding: name.map { textOf($0, limit: 400) } ?? text, as: UTF8.self)
                return false
            }
        }
        if node.tag == .h1 || node.tag == .h2, !title.isEmpty, pageLength[Int(index)] < 400,
            Self.similarity(title, textOf(index, limit: 2000)) > 0.75
        {
            return false
        }
        if rules.contains(.stripUnlikely) {
            if node.hints.contains(.unlikely), !node.hints.contains(.maybeCandidate), node.tag != .body,
                node.tag != .a, !hasAncestor(index, .table, within: 3), !hasAncestor(index, .code, within: 3)
            {
                return false
            }
            if node.hints.contains(.unlikelyRole) { return false }
        }
        return true
    }

    private mutating func initialize(_ index: Int32, _ rules: Rules) {
        isCandidate[Int(index)] = true
        var value: Float
        switch tree.nodes[Int(index)].tag {
        case .div: value = 5
        case .pre, .td, .blockquote: value = 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: value = -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: value = -5
        default: value = 0
        }
        score[Int(index)] = value + Float(classWeight(index, rules))
    }

    private func classWeight(_ index: Int32, _ rules: Rules) -> Int {
        guard rules.contains(.weighClasses) else { return 0 }
        let hints = tree.nodes[Int(index)].hints
        var weight = 0
        if hints.contains(.classNegative) { weight -= 25 }
        if hints.contains(.classPositive) { weight += 25 }
        if hints.contains(.idNegative) { weight -= 25 }
        if hints.contains(.idPositive) { weight += 25 }
        return weight
    }

    private func linkDensity(_ index: Int32) -> Float {
        let textLength = length[Int(index)]
        return textLength > 0 ? linkLength[Int(index)] / Float(textLength) : 0
    }

    private func hasAncestor(_ index: Int32, _ tag: PageTag, within depth: Int) -> Bool {
        var node = tree.nodes[Int(index)].parent
        var level = 1
        while node >= 0, level <= depth {
            if tree.nodes[Int(node)].tag == tag { return true }
            node = tree.nodes[Int(node)].parent
            level += 1
        }
        return false
    }

    private func ancestors(_ index: Int32) -> Set<Int32> {
        var out: Set<Int32> = []
        var node = tree.nodes[Int(index)].parent
        while node >= 0 {
            out.insert(node)
            node = tree.nodes[Int(node)].parent
        }
        return out
    }

    /// The kept element children of `index`, in order.
    private func keptElements(_ index: Int32) -> [Int32] {
        var out: [Int32] = []
        var child = tree.nodes[Int(index)].firstChild
        while child >= 0 {
            if kept[Int(child)], tree.nodes[Int(child)].tag != .text { out.append(child) }
            child = tree.nodes[Int(child)].next
        }
        return out
    }

    private mutating func chooseArticle(top: [Int32], _ rules: Rules) -> [Int32] {
        var best = top[0]
        let nodes = tree.nodes
        let isBody = { (index: Int32) in index <= 0 || nodes[Int(index)].tag == .body }
        // Near-best candidates that agree on an ancestor: the article is that ancestor.
        let alternatives = top.dropFirst().filter { score[Int($0)] / score[Int(best)] >= 0.75 }.map(ancestors)
        if alternatives.count >= 3 {
            var parent = tree.nodes[Int(best)].parent
            while !isBody(parent) {
                if alternatives.count(where: { $0.contains(parent) }) >= 3 {
                    best = parent
                    break
                }
                parent = tree.nodes[Int(parent)].parent
            }
        }
        if !isCandidate[Int(best)] { initialize(best, rules) }
        // A parent that scores as well holds more of the article.
        var parent = tree.nodes[Int(best)].parent
        var lastScore = score[Int(best)]
        let threshold = lastScore / 3
        while !isBody(parent) {
            if !isCandidate[Int(parent)] {
                parent = tree.nodes[Int(parent)].parent
                continue
            }
            let parentScore = score[Int(parent)]
            if parentScore < threshold { break }
            if parentScore > lastScore {
                best = parent
                break
            }
            lastScore = parentScore
            parent = tree.nodes[Int(parent)].parent
        }
        parent = tree.nodes[Int(best)].parent
        while !isBody(parent), elementChildren[Int(parent)] == 1 {
            best = parent
            parent = tree.nodes[Int(best)].parent
        }
        if !isCandidate[Int(best)] { initialize(best, rules) }
        guard parent >= 0 else { return [best] }

        // Siblings that belong to the article.
        let bestScore = score[Int(best)]
        let siblingThreshold = max(10, bestScore * 0.2)
        let bestClass = tree.nodes[Int(best)].classHash
        var roots: [Int32] = []
        for sibling in keptElements(parent) {
            var append = sibling == best
            if !append {
                let bonus = bestClass != 0 && tree.nodes[Int(sibling)].classHash == bestClass ? bestScore * 0.2 : 0
                if isCandidate[Int(sibling)], score[Int(sibling)] + bonus >= siblingThreshold {
                    append = true
                } else if tree.nodes[Int(sibling)].tag == .p {
                    let density = linkDensity(sibling)
                    let textLength = length[Int(sibling)]
                    if textLength > 80, density < 0.25 {
                        append = true
                    } else if textLength < 80, textLength > 0, density == 0 {
                        append = Self.endsSentence(textOf(sibling, limit: 400))
                    }
                }
            }
            if append { roots.append(sibling) }
        }
        return roots
    }

    /// A sentence's end: a full stop followed by a space or the end.
    private static func endsSentence(_ text: [UInt8]) -> Bool {
        for k in text.indices where text[k] == UInt8(ascii: ".") {
            if k + 1 == text.count || text[k + 1] == 0x20 { return true }
        }
        return false
    }

    // MARK: Cleaning

    private struct Measures {
        var paragraphs: Int32 = 0
        var images: Int32 = 0
        var listItems: Int32 = 0
        var inputs: Int32 = 0
        var embeds: Int32 = 0
        var headingLength: Int32 = 0
        var textishLength: Int32 = 0
        var listLength: Int32 = 0
        var hasDataTable = false
    }

    private mutating func clean(_ roots: [Int32], _ rules: Rules, wholeBody: Bool) {
        // Footers and asides, share widgets inside the article (not the
        // article's own blocks), and headings named like boilerplate.
        for root in roots {
            for index in keptPreorder(root) where kept[Int(index)] {
                let node = tree.nodes[Int(index)]
                if node.tag == .footer || node.tag == .aside {
                    drop(index)
                } else if index != root, node.hints.contains(.share), length[Int(index)] < Self.retryBelow {
                    drop(index)
                } else if node.tag == .h1 || node.tag == .h2, classWeight(index, rules) < 0 {
                    drop(index)
                }
            }
        }
        // Children before parents: each container is judged on what is left inside it.
        var order: [Int32] = []
        for root in roots { order.append(contentsOf: keptPreorder(root)) }
        var measures = [Measures](repeating: Measures(), count: tree.nodes.count)
        for index in order { resetMeasures(index) }
        for index in order.reversed() {
            let node = tree.nodes[Int(index)]
            let judged: Bool
            switch node.tag {
            case .table, .ul, .div, .form, .fieldset: judged = true
            default: judged = wholeBody && node.tag == .body
            }
            if judged, rules.contains(.cleanConditionally), isBoilerplate(index, measures[Int(index)], rules) {
                drop(index)
                continue
            }
            guard node.parent >= 0, roots.contains(index) == false else { continue }
            addToParent(index)
            let parent = Int(node.parent)
            let own = measures[Int(index)]
            var sum = measures[parent]
            sum.paragraphs += own.paragraphs + (node.tag == .p ? 1 : 0)
            sum.images += own.images + (node.tag == .img ? 1 : 0)
            sum.listItems += own.listItems + (node.tag == .li ? 1 : 0)
            sum.inputs += own.inputs + (node.tag == .input ? 1 : 0)
            sum.embeds += own.embeds + (node.tag == .embed ? 1 : 0)
            sum.headingLength += node.tag.isHeading ? length[Int(index)] : own.headingLength
            sum.textishLength += node.tag.isTextish ? length[Int(index)] : own.textishLength
            sum.listLength += node.tag == .ul || node.tag == .ol ? length[Int(index)] : own.listLength
            sum.hasDataTable =
                sum.hasDataTable || own.hasDataTable || (node.tag == .table && node.hints.contains(.dataTable))
            measures[parent] = sum
        }
    }

    /// Sets a text node's measures to its own; clears an element's, to be
    /// summed from its children (each added by ``addToParent(_:)``).
    private mutating func resetMeasures(_ index: Int32) {
        let node = tree.nodes[Int(index)]
        length[Int(index)] = node.tag == .text ? node.length : 0
        commas[Int(index)] = node.tag == .text ? node.commas : 0
        linkLength[Int(index)] = 0
        elementChildren[Int(index)] = 0
    }

    /// Adds `index`'s text measures to its parent's: its length and
    /// commas, its link text (all of it, weighted, for a link), and one
    /// element child.
    private mutating func addToParent(_ index: Int32) {
        let node = tree.nodes[Int(index)]
        guard node.parent >= 0 else { return }
        let parent = Int(node.parent)
        length[parent] += length[Int(index)]
        commas[parent] += commas[Int(index)]
        linkLength[parent] += node.tag == .a ? Float(length[Int(index)]) * linkWeight(node) : linkLength[Int(index)]
        if node.tag != .text { elementChildren[parent] += 1 }
    }

    private mutating func drop(_ index: Int32) { kept[Int(index)] = false }

    /// The kept nodes under `root` (itself first), in document order.
    private func keptPreorder(_ root: Int32) -> [Int32] {
        var out: [Int32] = []
        var node = root
        while node >= 0 {
            let isKept = kept[Int(node)]
            if isKept { out.append(node) }
            node = tree.next(after: node, under: root, enteringChildren: isKept)
        }
        return out
    }

    /// Whether a table, list, `div` or form inside the article is boilerplate.
    private func isBoilerplate(_ index: Int32, _ inside: Measures, _ rules: Rules) -> Bool {
        let node = tree.nodes[Int(index)]
        let textLength = length[Int(index)]
        var isList = node.tag == .ul || node.tag == .ol
        if !isList, textLength > 0 { isList = Float(inside.listLength) / Float(textLength) > 0.9 }
        if node.tag == .table, node.hints.contains(.dataTable) { return false }
        if node.hints.contains(.inDataTable) || hasAncestor(index, .code, within: 3) || inside.hasDataTable {
            return false
        }
        let weight = classWeight(index, rules)
        if weight < 0 { return true }
        guard commas[Int(index)] < 10 else { return false }
        let paragraphs = inside.paragraphs
        let images = inside.images
        let listItems = inside.listItems - 100
        let headingDensity = textLength > 0 ? Float(inside.headingLength) / Float(textLength) : 0
        let textDensity = textLength > 0 ? Float(inside.textishLength) / Float(textLength) : 0
        let density = linkDensity(index)
        // An advertisement label sits within a few elements of its block:
        // looking further for each of a deep chain of blocks would be slow.
        if textLength < 30, Self.isPlaceholder(textOf(index, limit: 120, nodes: 16)) { return true }
        let inFigure = hasAncestor(index, .figure, within: 3)
        let remove =
            (!inFigure && images > 1 && Float(paragraphs) / Float(images) < 0.5)
            || (!isList && listItems > paragraphs)
            || (inside.inputs > paragraphs / 3)
            || (!isList && !inFigure && headingDensity < 0.9 && textLength < 25 && (images == 0 || images > 2)
                && density > 0)
            || (!isList && weight < 25 && density > 0.2)
            || (weight >= 25 && density > 0.5)
            || (inside.embeds == 1 && textLength < 75) || inside.embeds > 1
            || (images == 0 && textDensity == 0)
        if isList, remove {
            // A list of pictures stays.
            for child in keptElements(index) where elementChildren[Int(child)] > 1 { return true }
            if images == inside.listItems { return false }
        }
        return remove
    }

    /// Text that is only an advertisement label or a loading notice
    /// (Readability's words), compared on bytes, ASCII case ignored.
    private static func isPlaceholder(_ text: [UInt8]) -> Bool {
        guard !text.isEmpty, text.count <= 20 else { return false }
        var word = text.map(\.asciiLowercased)
        if word.count > 3, word.suffix(3) == [0x2E, 0x2E, 0x2E] {
            word.removeLast(3)  // "..."
        } else if word.count > 3, word.suffix(3) == [0xE2, 0x80, 0xA6] {
            word.removeLast(3)  // "…"
        }
        return placeholders.contains(word)
    }

    private static let placeholders: Set<[UInt8]> = Set(
        [
            "ad", "advertising", "advertisement", "pub", "publicité", "werbung", "广告", "реклама", "Реклама", "anuncio",
            "loading", "正在加载", "загрузка", "Загрузка", "chargement", "cargando",
        ].map { Array($0.utf8) })

    // MARK: Text

    /// The text under `index`, white space collapsed and trimmed: at most
    /// about `limit` bytes, read from at most `nodes` nodes (4 × `limit`
    /// unless given), so that a deep chain of elements is never walked again
    /// for each of its levels.
    private func textOf(_ index: Int32, limit: Int, nodes maximumNodes: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var pendingSpace = false
        var visited = 0
        var node = index
        let maximumNodes = maximumNodes ?? 4 * limit
        while node >= 0, visited < maximumNodes, out.count <= limit {
            visited += 1
            let current = tree.nodes[Int(node)]
            if current.tag == .text {
                for k in Int(current.start)..<Int(current.end) {
                    let byte = tree.bytes[k]
                    if byte.isHTMLSpace {
                        pendingSpace = !out.isEmpty
                        continue
                    }
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
            }
            node = tree.next(after: node, under: index)
        }
        return out
    }

    /// How much of `b`'s words `a` has (Readability's `textSimilarity`): one
    /// minus the share of `b`'s text in words `a` lacks. Words are runs of
    /// letters and digits (any non-ASCII byte counts as a letter), lower-cased.
    static func similarity(_ a: [UInt8], _ b: [UInt8]) -> Float {
        func words(_ bytes: [UInt8]) -> [[UInt8]] {
            var out: [[UInt8]] = []
            var word: [UInt8] = []
            for byte in bytes {
                if byte >= 0x80 || byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") {
                    word.append(byte.asciiLowercased)
                } else if !word.isEmpty {
                    out.append(word)
                    word = []
                }
            }
            if !word.isEmpty { out.append(word) }
            return out
        }
        let wordsA = Set(words(a))
        let wordsB = words(b)
        guard !wordsB.isEmpty else { return 0 }
        let unique = wordsB.filter { !wordsA.contains($0) }
        let joinedLength = { (list: [[UInt8]]) in list.reduce(0) { $0 + $1.count } + max(0, list.count - 1) }
        return 1 - Float(joinedLength(unique)) / Float(joinedLength(wordsB))
    }

    /// The text of `roots` in reading order: block elements end paragraphs
    /// (a blank line between them); white space collapses to one space
    /// except in `<pre>`.
    private func write(roots: [Int32], kept: [Bool]) -> [UInt8] {
        var out: [UInt8] = []
        var paragraph: [UInt8] = []
        var pendingSpace = false
        var preformatted = 0
        func endParagraph() {
            pendingSpace = false
            while let last = paragraph.last, last == 0x20 || last == 0x0A { paragraph.removeLast() }
            guard !paragraph.isEmpty else { return }
            if !out.isEmpty { out.append(contentsOf: [0x0A, 0x0A]) }
            out.append(contentsOf: paragraph)
            paragraph.removeAll(keepingCapacity: true)
        }
        let text = tree.bytes.span
        func firstKept(_ from: Int32) -> Int32 {
            var node = from
            while node >= 0, !kept[Int(node)] { node = tree.nodes[Int(node)].next }
            return node
        }
        for root in roots where kept[Int(root)] {
            var node = root
            descend: while true {
                let element = tree.nodes[Int(node)]
                if element.tag == .text {
                    var k = Int(element.start)
                    let end = Int(element.end)
                    if preformatted > 0 {
                        // As written, but a newline right after <pre>, which HTML drops.
                        if paragraph.isEmpty, k < end, text[k] == 0x0A { k += 1 }
                        if k < end {
                            if pendingSpace { paragraph.append(0x20) }
                            pendingSpace = false
                            paragraph.append(text.extracting(k..<end))
                        }
                    } else {
                        // Runs between white space (a no-break space is white
                        // space here) are copied whole.
                        var run = k
                        while k < end {
                            let byte = text[k]
                            let width =
                                byte.isHTMLSpace ? 1 : (byte == 0xC2 && k + 1 < end && text[k + 1] == 0xA0 ? 2 : 0)
                            guard width > 0 else {
                                k += 1
                                continue
                            }
                            if run < k {
                                if pendingSpace { paragraph.append(0x20) }
                                paragraph.append(text.extracting(run..<k))
                            }
                            pendingSpace = !paragraph.isEmpty
                            k += width
                            run = k
                        }
                        if run < end {
                            if pendingSpace { paragraph.append(0x20) }
                            pendingSpace = false
                            paragraph.append(text.extracting(run..<end))
                        }
                    }
                } else {
                    if element.tag.breaksParagraph { endParagraph() }
                    if element.tag == .pre { preformatted += 1 }
                    let child = firstKept(element.firstChild)
                    if child >= 0 {
                        node = child
                        continue descend
                    }
                }
                // Leave `node` and the ancestors it ends.
                while true {
                    let left = tree.nodes[Int(node)]
                    if left.tag != .text {
                        if left.tag == .pre { preformatted -= 1 }
                        if left.tag.breaksParagraph { endParagraph() }
                    }
                    if node == root { break descend }
                    let next = firstKept(left.next)
                    if next >= 0 {
                        node = next
                        continue descend
                    }
                    node = left.parent
                }
            }
        }
        endParagraph()
        return out
    }
}

extension PageTag {
    /// Elements whose text counts as text, not furniture, when a container is judged.
    var isTextish: Bool {
        switch self {
        case .span, .li, .td, .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul: true
        default: false
        }
    }
}
