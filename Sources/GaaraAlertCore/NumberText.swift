/// Numbers as alert texts show them: short, without an exponent or binary noise
/// (`0.30000000000000004` reads `0.3`). No Foundation formatter is needed for that.
enum NumberText {
    /// `value` rounded to `significant` digits, never rounding away the integer part:
    /// 0.0731 → `0.0731`, 512.34 → `512.3`, 12345.6 → `12346`, 3.0 → `3`.
    static func compact(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return special(value) }
        let magnitude = value.magnitude
        guard magnitude != 0 else { return "0" }
        var decimals: Int
        if magnitude < 1 {
            // The zeros between the point and the first significant digit don't count.
            var scaled = magnitude
            var zeros = 0
            while scaled < 0.1, zeros < 16 {
                scaled *= 10
                zeros += 1
            }
            decimals = zeros + significant
        } else {
            var scaled = magnitude
            var integerDigits = 1
            while scaled >= 10 {
                scaled /= 10
                integerDigits += 1
            }
            decimals = max(0, significant - integerDigits)
        }
        return fixed(value, decimals: decimals)
    }

    /// `value` with at most `decimals` digits after the point, trailing zeros dropped.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return special(value) }
        let decimals = min(max(decimals, 0), 15)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        // Beyond 2^53 the integer arithmetic below is no longer exact; such values are rare
        // enough in alerts to print as Swift does.
        guard scaled < 9e15 else { return String(value) }
        if scaled == 0, value != 0, decimals == 15 { return String(value) }
        let units = Int(scaled)
        let factor = Int(scale)
        var text = String(units / factor)
        let fraction = units % factor
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: decimals - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return value < 0 && units != 0 ? "-" + text : text
    }

    /// `NaN`, `+Inf`, `-Inf`, as Prometheus prints them.
    private static func special(_ value: Double) -> String {
        value.isNaN ? "NaN" : value > 0 ? "+Inf" : "-Inf"
    }
}
