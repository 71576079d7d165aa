/// When an article was published, as the article states it: an instant with
/// the UTC offset it was written in, or only a calendar day.
///
/// The offset is kept so that the day a reader sees is the day the article
/// gives: "2024-03-31T23:30:00-05:00" is March 31, although it is April 1 in
/// UTC. `date:` ranges compare these local days (``day``). A time written
/// without an offset is kept as written, as if it were UTC.
public struct PublicationDate: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z; for a day without a time, that day's
    /// midnight UTC.
    public var seconds: Int64
    /// Minutes east of UTC the article wrote its time in; nil for a day
    /// without a time.
    public var offsetMinutes: Int16?

    public init(seconds: Int64, offsetMinutes: Int16?) {
        self.seconds = seconds
        self.offsetMinutes = offsetMinutes
    }

    /// A day without a time.
    public init(day: CalendarDay) {
        seconds = Int64(day.number) * 86_400
        offsetMinutes = nil
    }

    /// The calendar day the article gives: its local date.
    public var day: CalendarDay {
        // Saturating, so that no value (a damaged one included) traps here.
        let (sum, overflow) = seconds.addingReportingOverflow(Int64(offsetMinutes ?? 0) * 60)
        let local = overflow ? (seconds < 0 ? Int64.min : Int64.max) : sum
        return CalendarDay(number: Int32(clamping: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }

    /// ISO 8601: `2024-03-31` for a day, `2024-03-31T23:30:00-05:00` (or `Z`) for an instant.
    public var iso8601: String {
        guard let offsetMinutes else { return day.iso8601 }
        let local = seconds &+ Int64(offsetMinutes) * 60  // wrapping: the date is checked where it is read
        let second = Int(((local % 86_400) + 86_400) % 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = day.iso8601 + "T" + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60)
        if offsetMinutes == 0 {
            text += "Z"
        } else {
            let magnitude = Int(offsetMinutes.magnitude)
            text += (offsetMinutes < 0 ? "-" : "+") + two(magnitude / 60) + ":" + two(magnitude % 60)
        }
        return text
    }

    public static func < (a: PublicationDate, b: PublicationDate) -> Bool { a.seconds < b.seconds }

    /// The widest offset in use anywhere (UTC-12 to UTC+14), with room; an
    /// offset beyond it is not a real time zone.
    public static let maximumOffsetMinutes: Int16 = 18 * 60

    /// The instants a date can hold: years 1 to 9999 (``CalendarDay``'s),
    /// with a day's worth of margin for the offset. What the index reads
    /// outside them is damage, not a date.
    public static let validSeconds: ClosedRange<Int64> = -62_135_683_200...253_402_387_199
}

/// A day of the proleptic Gregorian calendar, counted from 1970-01-01.
public struct CalendarDay: Sendable, Hashable, Comparable, Strideable {
    public var number: Int32

    public init(number: Int32) { self.number = number }

    /// The day `year`-`month`-`day`, or nil if there is none (February 30,
    /// month 13, a year outside 1–9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        // Days from civil: count years from March, so that the leap day ends the year.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400  // y ≥ 0 here
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        number = Int32(era * 146_097 + dayOfEra - 719_468)
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(number) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2024-03-31`.
    public var iso8601: String {
        let (year, month, day) = components
        func pad(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.number < b.number }
    public func distance(to other: CalendarDay) -> Int32 { other.number - number }
    public func advanced(by n: Int32) -> CalendarDay { CalendarDay(number: number + n) }
}
