import Foundation

/// moment.js's `format` in the English locale, for `{{date 'FORMAT' tz='ZONE'}}` and `{{commit_date ...}}`:
/// the same tokens (`YYYY`, `MM`, `Do`, `HH`, `ww`, `Z`, `[literal]`...), localized formats (`LLL`), escapes
/// (`\Y`) and default format. Time zone names are looked up in the system's time zone database; the zone
/// abbreviation tokens `z` and `zz` are refused (moment-timezone's own data names them).
struct MomentFormat {
    /// The instant in milliseconds since the epoch (moment keeps milliseconds).
    let milliseconds: Int64
    /// The zone's offset from UTC at that instant, in minutes.
    let offsetMinutes: Int
    /// The local date and time in the zone.
    let local: CivilTime

    /// `moment(date).tz(zone)`.
    init(date: Date, timeZone: TimeZone) {
        milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        offsetMinutes = timeZone.secondsFromGMT(for: date) / 60
        local = CivilTime(milliseconds: milliseconds + Int64(offsetMinutes) * 60_000)
    }

    /// moment-timezone's zone lookup: the exact name, else the name in any case (its names are case-insensitive).
    static func timeZone(named name: String) -> TimeZone? {
        if let zone = TimeZone(identifier: name) { return zone }
        let lowered = name.lowercased()
        guard let identifier = TimeZone.knownTimeZoneIdentifiers.first(where: { $0.lowercased() == lowered }) else { return nil }
        return TimeZone(identifier: identifier)
    }

    /// `format(format)`; an empty format is moment's default (`YYYY-MM-DDTHH:mm:ssZ`, or with a literal `Z`
    /// when the offset is zero).
    func format(_ format: String) throws(Failure) -> String {
        let expanded = Self.expandLocalized(format.isEmpty ? (offsetMinutes == 0 ? "YYYY-MM-DDTHH:mm:ss[Z]" : "YYYY-MM-DDTHH:mm:ssZ") : format)
        var output = ""
        for token in Self.tokens(expanded) {
            if let value = try value(of: token) {
                output += value
            } else if token.unicodeScalars.dropLast().contains("[") {
                // `removeFormattingTokens`: text with a `[` followed by anything loses a leading `[` and a
                // trailing `]`; any other text loses its backslashes.
                var scalars = Substring(token).unicodeScalars[...]
                if scalars.first == "[" { scalars = scalars.dropFirst() }
                if scalars.last == "]" { scalars = scalars.dropLast() }
                output += String(scalars)
            } else {
                output += token.replacing("\\", with: "")
            }
        }
        return output
    }

    // MARK: - Tokens

    /// The value of a formatting token, nil for text.
    private func value(of token: String) throws(Failure) -> String? {
        let time = local
        switch token {
        case "M": return String(time.month)
        case "MM": return Self.zeroFill(time.month, 2)
        case "Mo": return Self.ordinal(time.month)
        case "MMM": return String(Self.months[time.month - 1].prefix(3))
        case "MMMM": return Self.months[time.month - 1]
        case "Y": return time.year <= 9999 ? Self.zeroFill(time.year, 4) : "+" + String(time.year)
        case "YY": return Self.zeroFill(time.year % 100, 2)
        case "YYYY": return Self.zeroFill(time.year, 4)
        case "YYYYY": return Self.zeroFill(time.year, 5)
        case "YYYYYY": return Self.zeroFill(time.year, 6, forceSign: true)
        case "w": return String(time.week(firstDay: 0, minimalDays: 6).week)
        case "ww": return Self.zeroFill(time.week(firstDay: 0, minimalDays: 6).week, 2)
        case "wo": return Self.ordinal(time.week(firstDay: 0, minimalDays: 6).week)
        case "W": return String(time.week(firstDay: 1, minimalDays: 4).week)
        case "WW": return Self.zeroFill(time.week(firstDay: 1, minimalDays: 4).week, 2)
        case "Wo": return Self.ordinal(time.week(firstDay: 1, minimalDays: 4).week)
        case "d", "e": return String(time.weekday)
        case "do": return Self.ordinal(time.weekday)
        case "dd": return String(Self.weekdays[time.weekday].prefix(2))
        case "ddd": return String(Self.weekdays[time.weekday].prefix(3))
        case "dddd": return Self.weekdays[time.weekday]
        case "E": return String(time.weekday == 0 ? 7 : time.weekday)
        case "H": return String(time.hour)
        case "HH": return Self.zeroFill(time.hour, 2)
        case "h": return String(Self.twelveHour(time.hour))
        case "hh": return Self.zeroFill(Self.twelveHour(time.hour), 2)
        case "k": return String(time.hour == 0 ? 24 : time.hour)
        case "kk": return Self.zeroFill(time.hour == 0 ? 24 : time.hour, 2)
        case "hmm": return String(Self.twelveHour(time.hour)) + Self.zeroFill(time.minute, 2)
        case "hmmss": return String(Self.twelveHour(time.hour)) + Self.zeroFill(time.minute, 2) + Self.zeroFill(time.second, 2)
        case "Hmm": return String(time.hour) + Self.zeroFill(time.minute, 2)
        case "Hmmss": return String(time.hour) + Self.zeroFill(time.minute, 2) + Self.zeroFill(time.second, 2)
        case "a": return time.hour > 11 ? "pm" : "am"
        case "A": return time.hour > 11 ? "PM" : "AM"
        case "Z", "ZZ":
            let sign = offsetMinutes < 0 ? "-" : "+"
            let magnitude = abs(offsetMinutes)
            return sign + Self.zeroFill(magnitude / 60, 2) + (token == "Z" ? ":" : "") + Self.zeroFill(magnitude % 60, 2)
        case "N", "NN", "NNN", "NNNNN": return time.year > 0 ? "AD" : "BC"
        case "NNNN": return time.year > 0 ? "Anno Domini" : "Before Christ"
        case "y": return String(Self.eraYear(time.year))
        case "yo": return Self.ordinal(Self.eraYear(time.year))
        case "yy": return Self.zeroFill(Self.eraYear(time.year), 2)
        case "yyy": return Self.zeroFill(Self.eraYear(time.year), 3)
        case "yyyy": return Self.zeroFill(Self.eraYear(time.year), 4)
        case "gg": return Self.zeroFill(time.week(firstDay: 0, minimalDays: 6).year % 100, 2)
        case "gggg": return Self.zeroFill(time.week(firstDay: 0, minimalDays: 6).year, 4)
        case "ggggg": return Self.zeroFill(time.week(firstDay: 0, minimalDays: 6).year, 5)
        case "GG": return Self.zeroFill(time.week(firstDay: 1, minimalDays: 4).year % 100, 2)
        case "GGGG": return Self.zeroFill(time.week(firstDay: 1, minimalDays: 4).year, 4)
        case "GGGGG": return Self.zeroFill(time.week(firstDay: 1, minimalDays: 4).year, 5)
        case "Q": return String((time.month + 2) / 3)
        case "Qo": return Self.ordinal((time.month + 2) / 3)
        case "D": return String(time.day)
        case "DD": return Self.zeroFill(time.day, 2)
        case "Do": return Self.ordinal(time.day)
        case "DDD": return String(time.dayOfYear)
        case "DDDD": return Self.zeroFill(time.dayOfYear, 3)
        case "DDDo": return Self.ordinal(time.dayOfYear)
        case "m": return String(time.minute)
        case "mm": return Self.zeroFill(time.minute, 2)
        case "s": return String(time.second)
        case "ss": return Self.zeroFill(time.second, 2)
        case "S": return String(time.millisecond / 100)
        case "SS": return Self.zeroFill(time.millisecond / 10, 2)
        case "SSS": return Self.zeroFill(time.millisecond, 3)
        case "X": return String(Int64((Double(milliseconds) / 1000).rounded(.down)))
        case "x": return String(milliseconds)
        case "z", "zz": throw .message("the date format token '\(token)' (zone name) is not supported by Gaara")
        default:
            if token.count >= 4, token.count <= 9, token.allSatisfy({ $0 == "S" }) {
                var scale = 1
                for _ in 3..<token.count { scale *= 10 }
                return Self.zeroFill(time.millisecond * scale, token.count)
            }
            return nil
        }
    }

    /// `format.match(formattingTokens)`: `[literal]`, an optionally escaped token, or any one character
    /// (line breaks match nothing and vanish, as in moment).
    static func tokens(_ format: String) -> [String] {
        let scalars = Array(format.unicodeScalars)
        var tokens: [String] = []
        var index = 0
        while index < scalars.count {
            if let literal = bracketLiteral(scalars, at: index) {
                tokens.append(text(scalars[index..<literal]))
                index = literal
                continue
            }
            if scalars[index] == "\\", let length = tokenLength(scalars, at: index + 1) {
                tokens.append(text(scalars[index..<(index + 1 + length)]))
                index += 1 + length
                continue
            }
            if let length = tokenLength(scalars, at: index) {
                tokens.append(text(scalars[index..<(index + length)]))
                index += length
                continue
            }
            index += 1
        }
        return tokens
    }

    /// `\[[^\[]*\]`: from a `[` to the last `]` before the next `[`; returns the end, or nil.
    private static func bracketLiteral(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        guard scalars[index] == "[" else { return nil }
        var cursor = index + 1
        var lastClose: Int?
        while cursor < scalars.count, scalars[cursor] != "[" {
            if scalars[cursor] == "]" { lastClose = cursor }
            cursor += 1
        }
        return lastClose.map { $0 + 1 }
    }

    /// The length of the token alternatives of moment's regular expression at `index`, in its order.
    private static func tokenLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        guard index < scalars.count else { return nil }
        func run(_ scalar: Unicode.Scalar, max: Int) -> Int {
            var count = 0
            while index + count < scalars.count, scalars[index + count] == scalar, count < max { count += 1 }
            return count
        }
        func matches(_ text: String) -> Bool {
            var cursor = index
            for scalar in text.unicodeScalars {
                guard cursor < scalars.count, scalars[cursor] == scalar else { return false }
                cursor += 1
            }
            return true
        }
        let first = scalars[index]
        let second = index + 1 < scalars.count ? scalars[index + 1] : nil
        if first == "H" || first == "h", second == "m", index + 2 < scalars.count, scalars[index + 2] == "m" {
            return index + 4 < scalars.count && scalars[index + 3] == "s" && scalars[index + 4] == "s" ? 5 : 3
        }
        if matches("Mo") { return 2 }
        if first == "M" { return run("M", max: 4) }
        if matches("Do") { return 2 }
        if matches("DDDo") { return 4 }
        if first == "D" { return run("D", max: 4) }
        if matches("dd") { return run("d", max: 4) }
        if first == "d" { return second == "o" ? 2 : 1 }
        if first == "w" || first == "W" {
            return second == "o" || second == "|" || second == first ? 2 : 1
        }
        if first == "Q" { return second == "o" ? 2 : 1 }
        if first == "N" { return run("N", max: 5) }
        if first == "Y" {
            let count = run("Y", max: 6)
            if count >= 4 { return count }
            if count >= 2 { return 2 }
        }
        if first == "y" {
            let count = run("y", max: 4)
            if count >= 2 { return count }
            return second == "o" ? 2 : 1
        }
        if first == "g" || first == "G" {
            let count = run(first, max: 5)
            if count >= 4 { return count }
            if count >= 2 { return 2 }
        }
        if first == "h" || first == "H" || first == "k" || first == "m" || first == "s" || first == "z" || first == "Z" {
            return run(first, max: 2)
        }
        if first == "S" { return run("S", max: 9) }
        // `.`: any character but a line terminator.
        return JavaScript.isLineTerminator(first) ? nil : 1
    }

    /// `expandFormat`: `LT`, `LTS`, `L`...`LLLL` and `l`...`llll` replaced by the English formats (six rounds at most).
    static func expandLocalized(_ format: String) -> String {
        var current = format
        for _ in 0..<6 {
            let scalars = Array(current.unicodeScalars)
            var output = ""
            var index = 0
            var changed = false
            while index < scalars.count {
                if let literal = bracketLiteral(scalars, at: index) {
                    output += text(scalars[index..<literal])
                    index = literal
                    continue
                }
                if scalars[index] == "\\", let length = localizedLength(scalars, at: index + 1) {
                    output += text(scalars[index..<(index + 1 + length)])
                    index += 1 + length
                    continue
                }
                if let length = localizedLength(scalars, at: index) {
                    output += longDateFormats[text(scalars[index..<(index + length)])] ?? ""
                    changed = true
                    index += length
                    continue
                }
                output.unicodeScalars.append(scalars[index])
                index += 1
            }
            current = output
            if !changed { break }
        }
        return current
    }

    /// `LTS|LT|LL?L?L?|l{1,4}` at `index`.
    private static func localizedLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        guard index < scalars.count else { return nil }
        if scalars[index] == "L" {
            if index + 1 < scalars.count, scalars[index + 1] == "T" {
                return index + 2 < scalars.count && scalars[index + 2] == "S" ? 3 : 2
            }
            var count = 0
            while index + count < scalars.count, scalars[index + count] == "L", count < 4 { count += 1 }
            return count
        }
        if scalars[index] == "l" {
            var count = 0
            while index + count < scalars.count, scalars[index + count] == "l", count < 4 { count += 1 }
            return count
        }
        return nil
    }

    private static let longDateFormats: [String: String] = [
        "LTS": "h:mm:ss A", "LT": "h:mm A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY", "LLL": "MMMM D, YYYY h:mm A",
        "LLLL": "dddd, MMMM D, YYYY h:mm A", "l": "M/D/YYYY", "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A",
        "llll": "ddd, MMM D, YYYY h:mm A",
    ]

    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// moment's `zeroFill`: pads the magnitude, then the sign (`-` always, `+` when forced).
    private static func zeroFill(_ number: Int, _ width: Int, forceSign: Bool = false) -> String {
        let digits = String(number.magnitude)
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return (number >= 0 ? (forceSign ? "+" : "") : "-") + padding + digits
    }

    /// The English ordinal: `1st`, `2nd`, `3rd`, `11th`, `21st`.
    private static func ordinal(_ number: Int) -> String {
        let last = number % 10
        let suffix = (number % 100) / 10 == 1 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th"
        return String(number) + suffix
    }

    private static func twelveHour(_ hour: Int) -> Int { hour % 12 == 0 ? 12 : hour % 12 }

    /// The year counted in its era (years before 1 count backwards from 1 BC).
    private static func eraYear(_ year: Int) -> Int { year > 0 ? year : 1 - year }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }
}

/// A date and time of the proleptic Gregorian calendar, from milliseconds since the epoch (already shifted to
/// the zone's local time).
struct CivilTime: Equatable {
    /// The year.
    var year: Int
    /// 1 to 12.
    var month: Int
    /// 1 to 31.
    var day: Int
    /// 0 to 23.
    var hour: Int
    /// 0 to 59.
    var minute: Int
    /// 0 to 59.
    var second: Int
    /// 0 to 999.
    var millisecond: Int
    /// 0 for Sunday to 6 for Saturday.
    var weekday: Int
    /// 1 to 366.
    var dayOfYear: Int

    /// Splits an instant (milliseconds since 1970-01-01T00:00:00 in the wanted zone).
    init(milliseconds: Int64) {
        let days = Int((Double(milliseconds) / 86_400_000).rounded(.down))
        let inDay = Int(milliseconds - Int64(days) * 86_400_000)
        (year, month, day) = Self.civil(fromDays: days)
        hour = inDay / 3_600_000
        minute = inDay / 60_000 % 60
        second = inDay / 1000 % 60
        millisecond = inDay % 1000
        weekday = ((days % 7) + 11) % 7
        dayOfYear = days - Self.days(year: year, month: 1, day: 1) + 1
    }

    /// moment's `weekOfYear(mom, dow, doy)`: the week number and its week-year, for weeks starting on
    /// `firstDay` (0 Sunday) whose first week holds January `7 + firstDay - minimalDays`... as moment computes.
    func week(firstDay: Int, minimalDays doy: Int) -> (week: Int, year: Int) {
        let offset = Self.firstWeekOffset(year: year, dow: firstDay, doy: doy)
        let week = Int((Double(dayOfYear - offset - 1) / 7).rounded(.down)) + 1
        if week < 1 {
            return (week + Self.weeksInYear(year - 1, dow: firstDay, doy: doy), year - 1)
        }
        let weeks = Self.weeksInYear(year, dow: firstDay, doy: doy)
        if week > weeks { return (week - weeks, year + 1) }
        return (week, year)
    }

    private static func firstWeekOffset(year: Int, dow: Int, doy: Int) -> Int {
        // The January day always in the first week: 4 for ISO weeks, 1 for the English locale's.
        let fwd = 7 + dow - doy
        let weekday = ((days(year: year, month: 1, day: fwd) % 7) + 11) % 7
        let fwdlw = (7 + weekday - dow) % 7
        return -fwdlw + fwd - 1
    }

    private static func weeksInYear(_ year: Int, dow: Int, doy: Int) -> Int {
        let daysInYear = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365
        return (daysInYear - firstWeekOffset(year: year, dow: dow, doy: doy) + firstWeekOffset(year: year + 1, dow: dow, doy: doy)) / 7
    }

    /// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01 (`civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `toISOString()`: `2020-01-10T00:30:00.000Z` (UTC).
    static func isoString(_ date: Date) -> String {
        let time = CivilTime(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value.magnitude)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let year = (0...9999).contains(time.year) ? pad(time.year, 4) : (time.year < 0 ? "-" : "+") + pad(time.year, 6)
        return "\(year)-\(pad(time.month, 2))-\(pad(time.day, 2))T\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))."
            + "\(pad(time.millisecond, 3))Z"
    }
}
