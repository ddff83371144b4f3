/// Reading `metric OP threshold`, the one form of `expr` a rule takes.
extension AlertCondition {
    /// Reads `error_rate > 1%`, `latency_p95_ms >= 500ms`, `cpu > 0.8`, `deployment_failed > 0`.
    ///
    /// The threshold is a number, a percentage (`1%` is 0.01) or a duration, which is taken in
    /// the metric's unit: milliseconds for a name ending in `_ms`, seconds for one ending in
    /// `_seconds` (a duration against any other metric is an error, as its unit is unknown).
    public static func parse(_ text: String) throws(AlertSyntaxError) -> AlertCondition {
        var scanner = TextScanner(text)
        scanner.skipSpaces()
        let metricStart = scanner.offset
        let metric = scanner.take { LabelText.isNamePart($0) || $0 == ":" }
        guard let first = metric.unicodeScalars.first, LabelText.isNameStart(first) || first == ":" else {
            throw AlertSyntaxError(
                "expected a metric name (error_rate, latency_p95_ms, cpu, ...)\(scanner.found(at: metricStart))", at: metricStart)
        }
        scanner.skipSpaces()
        let operatorStart = scanner.offset
        let symbol = scanner.take { "<>=!~".unicodeScalars.contains($0) }
        guard !symbol.isEmpty else {
            throw AlertSyntaxError(
                "expected a comparison (>, >=, <, <=, ==, !=) after '\(metric)'\(scanner.found(at: operatorStart))", at: operatorStart)
        }
        guard let comparison = ComparisonOperator(rawValue: symbol) else {
            let hint = ["=": "==", "=>": ">=", "=<": "<=", "<>": "!="][symbol].map { " (did you mean '\($0)'?)" } ?? ""
            throw AlertSyntaxError("unknown operator '\(symbol)'\(hint); use >, >=, <, <=, == or !=", at: operatorStart)
        }
        scanner.skipSpaces()
        let thresholdStart = scanner.offset
        let token = scanner.take { $0 != " " && $0 != "\t" }
        guard !token.isEmpty else {
            throw AlertSyntaxError("expected a threshold after '\(symbol)' (0.01, 1%, 500ms)", at: thresholdStart)
        }
        let threshold = try Self.threshold(token, metric: metric, at: thresholdStart)
        scanner.skipSpaces()
        if !scanner.atEnd {
            throw AlertSyntaxError(
                "unexpected '\(scanner.rest)' after the threshold; a rule compares one metric with one value", at: scanner.offset)
        }
        return AlertCondition(metric: metric, comparison, threshold)
    }

    /// A number with an optional unit (`%`, `ms`, `s`, `m`, `h`), in the metric's unit.
    static func threshold(_ token: String, metric: String, at start: Int) throws(AlertSyntaxError) -> Double {
        let scalars = Array(token.unicodeScalars)
        var end = 0
        let digits: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        if end < scalars.count, scalars[end] == "-" || scalars[end] == "+" { end += 1 }
        while end < scalars.count, digits(scalars[end]) || scalars[end] == "." { end += 1 }
        // An exponent only when digits follow, so that a unit never reads as one.
        if end + 1 < scalars.count, scalars[end] == "e" || scalars[end] == "E",
            digits(scalars[end + 1]) || (end + 2 < scalars.count && "+-".unicodeScalars.contains(scalars[end + 1]) && digits(scalars[end + 2]))
        {
            end += 2
            while end < scalars.count, digits(scalars[end]) { end += 1 }
        }
        let number = String(String.UnicodeScalarView(scalars[..<end]))
        guard let value = Double(number), value.isFinite else {
            throw AlertSyntaxError("'\(token)' is not a number; write a threshold like 0.01, 1%, 500ms or 80%", at: start)
        }
        let unit = String(String.UnicodeScalarView(scalars[end...]))
        let seconds: Double
        switch unit {
        case "": return value
        case "%": return value / 100
        case "ms": seconds = value / 1000
        case "s": seconds = value
        case "m": seconds = value * 60
        case "h": seconds = value * 3600
        default: throw AlertSyntaxError("unknown unit '\(unit)'; use %, ms, s, m or h, or none", at: start + end)
        }
        if metric.hasSuffix("_ms") { return seconds * 1000 }
        if metric.hasSuffix("_seconds") { return seconds }
        throw AlertSyntaxError(
            "a duration needs a metric measured in time (its name ending in _ms or _seconds); '\(metric)' has no unit", at: start + end)
    }
}

/// A cursor over a text's Unicode scalars, counting offsets as diagnostics do.
struct TextScanner {
    /// The text, scalar by scalar.
    let scalars: [Unicode.Scalar]
    private(set) var offset = 0

    /// A scanner at the start of `text`.
    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Whether every scalar has been consumed.
    var atEnd: Bool { offset >= scalars.count }

    /// The scalar at the cursor, nil at the end.
    var current: Unicode.Scalar? { atEnd ? nil : scalars[offset] }

    /// What is left, as text.
    var rest: String { String(String.UnicodeScalarView(scalars[min(offset, scalars.count)...])) }

    /// Moves past spaces and tabs.
    mutating func skipSpaces() {
        while let scalar = current, scalar == " " || scalar == "\t" { offset += 1 }
    }

    /// Moves past one scalar.
    mutating func advance() {
        offset += 1
    }

    /// Consumes scalars while `accept` holds and returns them.
    mutating func take(while accept: (Unicode.Scalar) -> Bool) -> String {
        let start = offset
        while let scalar = current, accept(scalar) { offset += 1 }
        return String(String.UnicodeScalarView(scalars[start..<offset]))
    }

    /// `, found 'x'` for the scalar at `offset`, or `, found the end` past it.
    func found(at offset: Int) -> String {
        offset < scalars.count ? ", found '\(scalars[offset])'" : ""
    }
}
