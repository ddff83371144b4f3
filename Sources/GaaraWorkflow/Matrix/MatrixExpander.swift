import GaaraExpressions

/// Expands a `strategy.matrix` into its combinations with GitHub's semantics: the cartesian product
/// of the vectors (in key order), minus every combination an `exclude` entry matches, then each
/// `include` entry merged into every combination whose original values it does not contradict, or
/// added as a new combination when it fits none.
public enum MatrixExpander {
    /// GitHub's limit on the jobs one matrix generates.
    public static let maximumCombinations = 256

    /// A malformed matrix value.
    public struct Failure: Error, Sendable, Equatable {
        /// What is wrong.
        public let message: String
    }

    /// Expands an evaluated matrix object into ordered combinations.
    public static func expand(_ matrix: ExpressionValue) throws(Failure) -> [ExpressionObject] {
        guard case .object(let object) = matrix else {
            throw Failure(message: "the matrix must be an object, found \(matrix.kindName.lowercased())")
        }
        var vectors: [(String, [ExpressionValue])] = []
        var include: [ExpressionObject] = []
        var exclude: [ExpressionObject] = []
        for (key, value) in zip(object.keys, object.values) {
            switch key.lowercased() {
            case "include": include = try entries(value, key)
            case "exclude": exclude = try entries(value, key)
            default:
                guard case .array(let array) = value else {
                    throw Failure(message: "matrix vector '\(key)' must be an array, found \(value.kindName.lowercased())")
                }
                if array.elements.isEmpty { throw Failure(message: "matrix vector '\(key)' holds no values") }
                vectors.append((key, array.elements))
            }
        }
        var combinations: [[(String, ExpressionValue)]] = vectors.isEmpty ? [] : [[]]
        for (key, values) in vectors {
            var next: [[(String, ExpressionValue)]] = []
            next.reserveCapacity(combinations.count * values.count)
            for combination in combinations {
                for value in values { next.append(combination + [(key, value)]) }
            }
            combinations = next
            if combinations.count > 65_536 {
                throw Failure(message: "the matrix generates more than \(maximumCombinations) jobs")
            }
        }
        combinations.removeAll { combination in
            exclude.contains { entry in
                zip(entry.keys, entry.values).allSatisfy { key, value in
                    combination.first { $0.0.lowercased() == key.lowercased() }.map { deepEquals($0.1, value) } ?? false
                }
            }
        }
        let originalKeys = Set(vectors.map { $0.0.lowercased() })
        var extended = combinations.map { ExtendedCombination(original: $0) }
        for entry in include {
            var matched = false
            for index in extended.indices {
                let fits = zip(entry.keys, entry.values).allSatisfy { key, value in
                    guard originalKeys.contains(key.lowercased()) else { return true }
                    return extended[index].original.first { $0.0.lowercased() == key.lowercased() }.map { deepEquals($0.1, value) } ?? false
                }
                if fits, !vectors.isEmpty {
                    matched = true
                    for (key, value) in zip(entry.keys, entry.values) where !originalKeys.contains(key.lowercased()) {
                        extended[index].added.removeAll { $0.0.lowercased() == key.lowercased() }
                        extended[index].added.append((key, value))
                    }
                }
            }
            if !matched {
                extended.append(ExtendedCombination(original: Array(zip(entry.keys, entry.values))))
            }
        }
        if extended.count > maximumCombinations {
            throw Failure(message: "the matrix generates \(extended.count) jobs; GitHub's limit is \(maximumCombinations) per workflow run")
        }
        return extended.map { ExpressionObject($0.original + $0.added) }
    }

    private struct ExtendedCombination {
        var original: [(String, ExpressionValue)]
        var added: [(String, ExpressionValue)] = []
    }

    private static func entries(_ value: ExpressionValue, _ key: String) throws(Failure) -> [ExpressionObject] {
        guard case .array(let array) = value else {
            throw Failure(message: "matrix '\(key)' must be an array of objects, found \(value.kindName.lowercased())")
        }
        var result: [ExpressionObject] = []
        for element in array.elements {
            guard case .object(let object) = element else {
                throw Failure(message: "each matrix '\(key)' entry must be an object, found \(element.kindName.lowercased())")
            }
            result.append(object)
        }
        return result
    }

    /// Structural equality (strings case-sensitive), as matrix matching needs.
    public static func deepEquals(_ left: ExpressionValue, _ right: ExpressionValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.elements.count == b.elements.count && zip(a.elements, b.elements).allSatisfy { deepEquals($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a.keys, a.values).allSatisfy { key, value in b[key].map { deepEquals(value, $0) } ?? false }
        default: return false
        }
    }
}
