/// A POSIX cron schedule as GitHub's `on.schedule` takes it: five fields (minute, hour, day of
/// month, month, day of week) with `*`, lists, ranges, steps and month/day names, in UTC.
public struct Cron: Sendable, Equatable {
    /// An error in a cron expression.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong.
        public let message: String
        /// Zero-based offset in the expression where the faulty field starts.
        public let offset: Int
    }

    /// Minutes (0–59) that match.
    public let minutes: Set<Int>
    /// Hours (0–23).
    public let hours: Set<Int>
    /// Days of the month (1–31).
    public let days: Set<Int>
    /// Months (1–12).
    public let months: Set<Int>
    /// Days of the week (0–6, Sunday is 0).
    public let weekdays: Set<Int>
    let daysRestricted: Bool
    let weekdaysRestricted: Bool

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses a five-field cron expression.
    public init(_ expression: String) throws(SyntaxError) {
        var fields: [(String, Int)] = []
        var current = ""
        var start = 0
        for (offset, character) in expression.enumerated() {
            if character == " " || character == "\t" {
                if !current.isEmpty { fields.append((current, start)) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { fields.append((current, start)) }
        guard fields.count == 5 else {
            throw SyntaxError(message: "a cron expression has 5 fields (minute hour day month weekday), found \(fields.count)", offset: 0)
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [])
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: [])
        days = try Self.field(fields[2], name: "day of month", range: 1...31, names: [])
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, nameBase: 1)
        var weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames)
        if weekdays.remove(7) != nil { weekdays.insert(0) }
        self.weekdays = weekdays
        daysRestricted = fields[2].0 != "*" && fields[2].0 != "?"
        weekdaysRestricted = fields[4].0 != "*" && fields[4].0 != "?"
    }

    private static func field(_ field: (String, Int), name: String, range: ClosedRange<Int>, names: [String], nameBase: Int = 0)
        throws(SyntaxError) -> Set<Int>
    {
        let (text, offset) = field
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw SyntaxError(message: "empty list item in the \(name) field", offset: offset) }
            var rangePart = Substring(part)
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                rangePart = part[..<slash]
                guard let parsed = Int(part[part.index(after: slash)...]), parsed > 0 else {
                    throw SyntaxError(message: "invalid step in the \(name) field: '\(part)'", offset: offset)
                }
                step = parsed
            }
            var low: Int
            var high: Int
            if rangePart == "*" || rangePart == "?" {
                low = range.lowerBound
                high = range.upperBound == 7 ? 6 : range.upperBound
            } else if let dash = rangePart.firstIndex(of: "-") {
                low = try value(rangePart[..<dash], name: name, range: range, names: names, nameBase: nameBase, offset: offset)
                high = try value(
                    rangePart[rangePart.index(after: dash)...], name: name, range: range, names: names, nameBase: nameBase, offset: offset)
                guard low <= high else {
                    throw SyntaxError(message: "the range '\(rangePart)' in the \(name) field is reversed", offset: offset)
                }
            } else {
                low = try value(rangePart, name: name, range: range, names: names, nameBase: nameBase, offset: offset)
                high = part.contains("/") ? (range.upperBound == 7 ? 6 : range.upperBound) : low
            }
            for item in stride(from: low, through: high, by: step) { values.insert(item) }
        }
        return values
    }

    private static func value(_ text: Substring, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int, offset: Int)
        throws(SyntaxError) -> Int
    {
        if let number = Int(text) {
            guard range.contains(number) else {
                throw SyntaxError(
                    message: "\(number) is out of range for the \(name) field (\(range.lowerBound)-\(range.upperBound))", offset: offset)
            }
            return number
        }
        if let position = names.firstIndex(of: text.uppercased()) { return position + nameBase }
        throw SyntaxError(message: "invalid value '\(text)' in the \(name) field", offset: offset)
    }

    /// True when the schedule fires at this UTC minute. When both day of month and day of week
    /// are restricted, either matching is enough, as in POSIX cron.
    public func matches(minute: Int, hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dayMatches = days.contains(day)
        let weekdayMatches = weekdays.contains(weekday)
        if daysRestricted && weekdaysRestricted { return dayMatches || weekdayMatches }
        return dayMatches && weekdayMatches
    }

    /// The first firing time strictly after `epochSeconds` (Unix time, UTC), in Unix seconds;
    /// nil if none within five years (e.g. February 30th).
    public func next(after epochSeconds: Int64) -> Int64? {
        var minute = epochSeconds / 60 + 1
        let limit = minute + 5 * 366 * 24 * 60
        while minute < limit {
            let days = minute / 1440
            let date = CivilDate(daysSinceEpoch: days)
            let weekday = Int((days % 7 + 11) % 7)  // 1970-01-01 was a Thursday (4)
            let dayMatches =
                daysRestricted && weekdaysRestricted
                ? (self.days.contains(date.day) || weekdays.contains(weekday))
                : (self.days.contains(date.day) && weekdays.contains(weekday))
            if !months.contains(date.month) || !dayMatches {
                minute = (days + 1) * 1440
                continue
            }
            let minuteOfDay = Int(minute % 1440)
            let hour = minuteOfDay / 60
            if !hours.contains(hour) {
                minute = days * 1440 + Int64(hour + 1) * 60
                continue
            }
            if minutes.contains(minuteOfDay % 60) { return minute * 60 }
            minute += 1
        }
        return nil
    }
}

/// A proleptic Gregorian date computed from days since 1970-01-01 (Howard Hinnant's algorithm).
public struct CivilDate: Sendable, Equatable {
    /// The year.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Converts days since the Unix epoch.
    public init(daysSinceEpoch: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = Int(doy - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
    }
}
