/// `String.prototype.localeCompare` as Node (full ICU, root collation, `en-US`) orders label keys: white
/// space, then punctuation and symbols in CLDR's order, then digits, then letters (case-insensitive first,
/// lowercase before uppercase on a tie). Keys are compared on all their characters' primary weights before any
/// case difference counts. Characters outside printable ASCII, tab and line breaks are refused: their weights
/// are not reproduced here.
enum LocaleCollation {
    /// The non-letters in ascending weight, as ICU's root collation orders them.
    private static let order = Array("\t\n\u{0B}\u{0C}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789".unicodeScalars)

    /// The primary weight and case of a character, nil for one not reproduced.
    private static func weight(_ scalar: Unicode.Scalar) -> (primary: Int, upper: Bool)? {
        if let index = order.firstIndex(of: scalar) { return (index, false) }
        if ("a"..."z").contains(scalar) { return (order.count + Int(scalar.value - 0x61), false) }
        if ("A"..."Z").contains(scalar) { return (order.count + Int(scalar.value - 0x41), true) }
        return nil
    }

    /// What a key sorts by: every character's primary weight, then every character's case.
    struct SortKey: Comparable {
        /// The primary weights, in order.
        var primary: [Int]
        /// 1 for an uppercase letter, 0 otherwise, in order.
        var tertiary: [Int]

        /// Primary weights decide; case decides only between keys equal on them.
        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            if lhs.primary != rhs.primary { return lhs.primary.lexicographicallyPrecedes(rhs.primary) }
            return lhs.tertiary.lexicographicallyPrecedes(rhs.tertiary)
        }
    }

    /// The sort key of `text`.
    static func sortKey(_ text: String) throws(Failure) -> SortKey {
        let all = try weights(text)
        return SortKey(primary: all.map(\.primary), tertiary: all.map { $0.upper ? 1 : 0 })
    }

    private static func weights(_ text: String) throws(Failure) -> [(primary: Int, upper: Bool)] {
        var result: [(primary: Int, upper: Bool)] = []
        for scalar in text.unicodeScalars {
            guard let weight = weight(scalar) else {
                throw .message(
                    "the key '\(text)' has a character (U+\(String(scalar.value, radix: 16, uppercase: true))) whose locale ordering is not supported by Gaara"
                )
            }
            result.append(weight)
        }
        return result
    }
}
