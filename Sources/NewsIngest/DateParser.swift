import NewsCore

/// Reads the publication dates that news pages and articles write, on bytes.
///
/// ``parse(_:)`` takes a whole value (a `<meta>` content, a JSON-LD
/// `datePublished`, a `<time datetime>`, a date line less its label) and
/// succeeds only if every byte of it is part of the date:
/// - ISO 8601 and RFC 3339: `2024-06-02`, `2024-06-02T10:15:00Z`,
///   `2024-06-02 10:15:00+03:00`, `2024-06-02T10:15:00.000-0400`, `2024/06/02`;
/// - written out, in any order of day, month name and year, with an optional
///   weekday and time: `June 2, 2024`, `Sunday, 2 June 2024 10:15 GMT`
///   (RFC 2822), `Nov 2, 2013 3:45 pm`, `26-FEB-1987 15:01:01.79`
///   (Reuters), `2nd of June 2024`.
///
/// Numeric day-month orders other than year first (`02/06/2024`) are
/// refused: the same bytes are June 2 in London and February 6 in New York.
/// A zone is an offset, `Z`, `UTC`/`GMT`, or a North American or central
/// European abbreviation; a time with no zone (or `ET`, whose offset depends
/// on the season) is kept as written. Years run from 1800 to 2199 when
/// written out, so that a line of numbers is not read as a date.
public enum DateParser {
    /// The date in `text`, or nil if `text` is anything more or less than a date.
    public static func parse(_ text: some Collection<UInt8>) -> PublicationDate? {
        var bytes = Array(text)
        trim(&bytes)
        guard !bytes.isEmpty, bytes.count <= 120 else { return nil }
        return iso(bytes) ?? written(bytes)
    }

    public static func parse(_ text: String) -> PublicationDate? { parse(text.utf8) }

    /// Labels a date line may start with, lower case: "Published: June 2, 2024".
    /// "Updated" is not one: an update's date is not the publication's.
    static let lineLabels: [[UInt8]] = [
        "first published on", "first published", "published on", "published", "posted on", "posted",
        "publication date", "date published", "dated", "date", "filed",
    ].map { Array($0.utf8) }

    /// Lines of a plain-text body looked at for a date line: the date of an
    /// article comes at its top, under the title, or not at all.
    static let dateLineWindow = 8

    /// The publication date of a plain-text article: the first of the body's
    /// first ``dateLineWindow`` non-empty lines that is a date, possibly
    /// after a label ("Published: …", "Date - …") or beside a byline and
    /// other parts separated by `|`, `·` or `•` ("By Jane Doe | June 2, 2024").
    ///
    /// `line` is the byte range of the line (its line break included) when
    /// the line is nothing but the date and its label: ingestion takes such
    /// a line out of the body, as it takes a page's `<meta>` date out of
    /// its text, so that the story's first sentence stays its lead.
    public static func dateLine(in body: [UInt8]) -> (date: PublicationDate, line: Range<Int>?)? {
        var seen = 0
        var start = 0
        while start < body.count && seen < dateLineWindow {
            var end = start
            while end < body.count, body[end] != 0x0A { end += 1 }
            let next = min(end + 1, body.count)
            defer { start = next }
            // Blank lines do not count; long ones and those without a
            // four-digit year (every date read here has one) are passed over
            // before anything is copied: most articles' first lines are text.
            var blank = true
            var digits = 0
            var hasYear = false
            for k in start..<end {
                let byte = body[k]
                if byte != 0x20 && byte != 0x09 && byte != 0x0D { blank = false }
                if byte >= 0x30 && byte <= 0x39 {
                    digits += 1
                } else {
                    if digits == 4 { hasYear = true }
                    digits = 0
                }
            }
            if digits == 4 { hasYear = true }
            if blank { continue }
            seen += 1
            guard hasYear, end - start <= 160 else { continue }
            var line = Array(body[start..<end])
            trim(&line)
            let parts = parts(of: line)
            for part in parts {
                if let date = parse(withoutLabel(part)) { return (date, parts.count == 1 ? start..<next : nil) }
            }
        }
        return nil
    }

    // MARK: ISO 8601

    private static func iso(_ b: [UInt8]) -> PublicationDate? {
        var i = 0
        guard let year = number(b, &i, digits: 4...4), i < b.count,
            b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "/")
        else { return nil }
        let separator = b[i]
        i += 1
        guard let month = number(b, &i, digits: 1...2), i < b.count, b[i] == separator else { return nil }
        i += 1
        guard let dayOfMonth = number(b, &i, digits: 1...2),
            let day = CalendarDay(year: year, month: month, day: dayOfMonth)
        else { return nil }
        if i == b.count { return PublicationDate(day: day) }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 else { return nil }
        i += 1
        guard let (seconds, _) = clock(b, &i, allowMeridiem: false) else { return nil }
        while i < b.count, b[i] == 0x20 { i += 1 }
        let offset: Int16?
        if i == b.count {
            offset = nil
        } else {
            guard let zone = zone(b, &i), i == b.count else { return nil }
            offset = zone
        }
        return PublicationDate(
            seconds: Int64(day.number) * 86_400 + Int64(seconds) - Int64(offset ?? 0) * 60, offsetMinutes: offset ?? 0)
    }

    /// `H:MM`, `H:MM:SS`, `H:MM:SS.fff`, with `am`/`pm` when allowed: seconds since midnight.
    private static func clock(_ b: [UInt8], _ i: inout Int, allowMeridiem: Bool) -> (Int, Bool)? {
        guard var hour = number(b, &i, digits: 1...2), i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let minute = number(b, &i, digits: 2...2), minute < 60 else { return nil }
        var second = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = number(b, &i, digits: 2...2), s <= 60 else { return nil }
            second = min(s, 59)
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                guard number(b, &i, digits: 1...9) != nil else { return nil }
            }
        }
        var meridiem = false
        if allowMeridiem {
            var j = i
            while j < b.count, b[j] == 0x20 { j += 1 }
            let word = letters(b, &j, keepingPeriods: true)
            if word == Array("am".utf8) || word == Array("a.m.".utf8) || word == Array("pm".utf8)
                || word == Array("p.m.".utf8)
            {
                guard (1...12).contains(hour) else { return nil }
                if word[0] == UInt8(ascii: "a") {
                    hour = hour == 12 ? 0 : hour
                } else {
                    hour = hour == 12 ? 12 : hour + 12
                }
                i = j
                meridiem = true
            }
        }
        guard hour < 24 else { return nil }
        return (hour * 3600 + minute * 60 + second, meridiem)
    }

    /// `Z`, `+03:00`, `-0400`, `+03`, or a zone name (``zoneNames``): minutes east of UTC.
    private static func zone(_ b: [UInt8], _ i: inout Int) -> Int16? {
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
            return 0
        }
        if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let negative = b[i] == UInt8(ascii: "-")
            i += 1
            guard let hours = number(b, &i, digits: 2...2, exact: false) else { return nil }
            var minutes = 0
            if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
            if i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                guard let m = number(b, &i, digits: 2...2), m < 60 else { return nil }
                minutes = m
            }
            let total = hours * 60 + minutes
            guard total <= Int(PublicationDate.maximumOffsetMinutes) else { return nil }
            return Int16(negative ? -total : total)
        }
        let name = letters(b, &i, keepingPeriods: false)
        guard let offset = zoneNames[name] else { return nil }
        // "GMT+1", "UTC-05:00".
        if offset == 0, i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let negative = b[i] == UInt8(ascii: "-")
            i += 1
            guard let hours = number(b, &i, digits: 1...2), hours <= 18 else { return nil }
            var minutes = 0
            if i < b.count, b[i] == UInt8(ascii: ":") {
                i += 1
                guard let m = number(b, &i, digits: 2...2), m < 60 else { return nil }
                minutes = m
            }
            return Int16(negative ? -(hours * 60 + minutes) : hours * 60 + minutes)
        }
        return offset
    }

    /// Zone names with a fixed offset, lower case.
    static let zoneNames: [[UInt8]: Int16] = {
        let names: [(String, Int16)] = [
            ("utc", 0), ("gmt", 0), ("ut", 0), ("z", 0),
            ("est", -300), ("edt", -240), ("cst", -360), ("cdt", -300),
            ("mst", -420), ("mdt", -360), ("pst", -480), ("pdt", -420),
            ("bst", 60), ("cet", 60), ("cest", 120), ("eet", 120), ("eest", 180), ("wet", 0), ("west", 60),
        ]
        return Dictionary(uniqueKeysWithValues: names.map { (Array($0.0.utf8), $0.1) })
    }()

    // MARK: Written out

    /// Month names and their abbreviations (English), lower case: month number.
    static let months: [[UInt8]: Int] = {
        let names = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]
        var table: [[UInt8]: Int] = [:]
        for (index, name) in names.enumerated() {
            table[Array(name.utf8)] = index + 1
            table[Array(name.utf8.prefix(3))] = index + 1
        }
        table[Array("sept".utf8)] = 9
        return table
    }()

    static let weekdays: Set<[UInt8]> = Set(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].flatMap { name in
            [Array(name.utf8), Array(name.utf8.prefix(3))]
        } + ["tues", "thur", "thurs"].map { Array($0.utf8) })

    /// Words that may join a written date's parts: "2nd of June", "June 2, 2024 at 10:15".
    static let connectors: Set<[UInt8]> = Set(["of", "at", "the", "on"].map { Array($0.utf8) })

    /// Zone words that name no fixed offset (the season decides): the time is kept as written.
    static let seasonalZones: Set<[UInt8]> = Set(["et", "ct", "mt", "pt"].map { Array($0.utf8) })

    private static func written(_ b: [UInt8]) -> PublicationDate? {
        var year: Int? = nil
        var month: Int? = nil
        var dayOfMonth: Int? = nil
        var seconds: Int? = nil
        var offset: Int16? = nil
        var i = 0
        while i < b.count {
            let byte = b[i]
            // An offset after the time: "10:15 -0500", "10:15 +03:00".
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"), seconds != nil, offset == nil, i + 1 < b.count,
                b[i + 1] >= 0x30, b[i + 1] <= 0x39
            {
                guard let zone = zone(b, &i) else { return nil }
                offset = zone
                continue
            }
            if byte == 0x20 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: ".")
            {
                i += 1
                continue
            }
            if byte >= 0x30 && byte <= 0x39 {
                var j = i
                guard let value = number(b, &j, digits: 1...4) else { return nil }
                if j < b.count, b[j] == UInt8(ascii: ":") {
                    guard seconds == nil, let (clockSeconds, _) = clock(b, &i, allowMeridiem: true) else { return nil }
                    seconds = clockSeconds
                    continue
                }
                if j - i == 4 {
                    guard year == nil, (1800...2199).contains(value) else { return nil }
                    year = value
                } else {
                    guard dayOfMonth == nil, (1...31).contains(value) else { return nil }
                    dayOfMonth = value
                    // Ordinal suffixes: 1st, 2nd, 3rd, 4th.
                    var k = j
                    let suffix = letters(b, &k, keepingPeriods: false)
                    if ["st", "nd", "rd", "th"].contains(where: { Array($0.utf8) == suffix }) { j = k }
                }
                i = j
                continue
            }
            var j = i
            let word = letters(b, &j, keepingPeriods: false)
            guard !word.isEmpty else { return nil }
            if let m = months[word] {
                guard month == nil else { return nil }
                month = m
            } else if weekdays.contains(word) || connectors.contains(word) {
                // Read past.
            } else if seconds != nil, offset == nil, seasonalZones.contains(word) {
                // Kept as written.
            } else if seconds != nil, offset == nil {
                var k = i
                guard let zone = zone(b, &k) else { return nil }
                offset = zone
                j = k
            } else {
                return nil
            }
            i = j
        }
        guard let year, let month, let dayOfMonth, let day = CalendarDay(year: year, month: month, day: dayOfMonth)
        else { return nil }
        guard let seconds else { return PublicationDate(day: day) }
        return PublicationDate(
            seconds: Int64(day.number) * 86_400 + Int64(seconds) - Int64(offset ?? 0) * 60, offsetMinutes: offset ?? 0)
    }

    // MARK: Bytes

    /// A run of `digits` ASCII digits at `i` (no more), as a number.
    /// With `exact` false, more digits may follow (an offset's hours in "-0400").
    private static func number(_ b: [UInt8], _ i: inout Int, digits: ClosedRange<Int>, exact: Bool = true) -> Int? {
        var j = i
        var value = 0
        while j < b.count, b[j] >= 0x30, b[j] <= 0x39, j - i < digits.upperBound {
            value = value * 10 + Int(b[j] - 0x30)
            j += 1
        }
        guard digits.contains(j - i), !exact || !(j < b.count && b[j] >= 0x30 && b[j] <= 0x39) else { return nil }
        i = j
        return value
    }

    /// A run of ASCII letters at `i`, lower-cased (with `keepingPeriods`,
    /// periods too: "a.m."); a trailing period of an abbreviation ("Jun.") is read past.
    private static func letters(_ b: [UInt8], _ i: inout Int, keepingPeriods: Bool) -> [UInt8] {
        var word: [UInt8] = []
        while i < b.count {
            let byte = b[i] | 0x20
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") {
                word.append(byte)
            } else if keepingPeriods && b[i] == UInt8(ascii: ".") && !word.isEmpty {
                word.append(b[i])
            } else {
                break
            }
            i += 1
        }
        return word
    }

    private static func trim(_ bytes: inout [UInt8]) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        let lead = bytes.prefix(while: isSpace).count
        if lead > 0 { bytes.removeFirst(lead) }
        // No-break spaces (U+00A0) as spaces.
        var k = 0
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        while k < bytes.count {
            if bytes[k] == 0xC2, k + 1 < bytes.count, bytes[k + 1] == 0xA0 {
                out.append(0x20)
                k += 2
            } else {
                out.append(bytes[k])
                k += 1
            }
        }
        bytes = out
    }

    /// The parts of a line between separators: `|`, `·`, `•`, `–`, `—`.
    private static let separators: [[UInt8]] = ["|", "·", "•", "–", "—"].map { Array($0.utf8) }

    private static func parts(of line: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var k = 0
        outer: while k < line.count {
            for separator in separators where line.hasBytes(separator, at: k) {
                parts.append(current)
                current = []
                k += separator.count
                continue outer
            }
            current.append(line[k])
            k += 1
        }
        parts.append(current)
        return parts
    }

    /// `part` less a leading label (``lineLabels``) and the `:` or `-` after it.
    private static func withoutLabel(_ part: [UInt8]) -> [UInt8] {
        var bytes = part
        trim(&bytes)
        for label in lineLabels where bytes.hasBytes(label, at: 0, ignoringCase: true) {
            var k = label.count
            let next = k < bytes.count ? bytes[k].asciiLowercased : 0
            guard !(next >= 0x61 && next <= 0x7A) else { continue }
            while k < bytes.count, bytes[k] == 0x20 || bytes[k] == UInt8(ascii: ":") || bytes[k] == UInt8(ascii: "-") {
                k += 1
            }
            return Array(bytes[k...])
        }
        return bytes
    }
}
