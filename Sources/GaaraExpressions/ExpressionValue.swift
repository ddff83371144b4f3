/// A value of the GitHub Actions expression language.
///
/// Arrays and objects are reference types, as in GitHub's implementation: two of them are equal
/// under `==` only when they are the same instance (`fromJSON('[]') == fromJSON('[]')` is false).
public enum ExpressionValue: Sendable {
    /// `null`, also the result of reading a missing property.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Every number is a double, as in JavaScript.
    case number(Double)
    /// A string.
    case string(String)
    /// An array (also the result of a `*` filter).
    case array(ExpressionArray)
    /// An object with case-insensitive keys.
    case object(ExpressionObject)
}

/// An immutable array of expression values, compared by identity.
public final class ExpressionArray: Sendable {
    /// The elements, in order.
    public let elements: [ExpressionValue]

    /// Creates an array holding `elements`.
    public init(_ elements: [ExpressionValue]) {
        self.elements = elements
    }
}

/// An immutable object of expression values with ordered keys and case-insensitive lookup.
public final class ExpressionObject: Sendable {
    /// The keys in insertion order, as written.
    public let keys: [String]
    /// The values, parallel to `keys`.
    public let values: [ExpressionValue]
    private let index: [String: Int]

    /// Creates an object from ordered pairs; a later pair replaces an earlier one with the same key
    /// (compared case-insensitively), keeping the first position.
    public init(_ pairs: [(String, ExpressionValue)]) {
        var keys: [String] = []
        var values: [ExpressionValue] = []
        var index: [String: Int] = [:]
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            let folded = key.lowercased()
            if let existing = index[folded] {
                values[existing] = value
            } else {
                index[folded] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
        self.keys = keys
        self.values = values
        self.index = index
    }

    /// The value stored under `key`, compared case-insensitively.
    public subscript(key: String) -> ExpressionValue? {
        if let position = index[key] ?? index[key.lowercased()] {
            return values[position]
        }
        return nil
    }

    /// The key-value pairs in order.
    public var pairs: [(key: String, value: ExpressionValue)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    /// The number of keys.
    public var count: Int { keys.count }
}

extension ExpressionValue {
    /// Builds an array value.
    public static func array(_ elements: [ExpressionValue]) -> ExpressionValue {
        .array(ExpressionArray(elements))
    }

    /// Builds an object value from ordered pairs.
    public static func object(_ pairs: [(String, ExpressionValue)]) -> ExpressionValue {
        .object(ExpressionObject(pairs))
    }

    /// Builds an object value from a dictionary, keys sorted for a stable order.
    public static func object(_ dictionary: [String: ExpressionValue]) -> ExpressionValue {
        .object(ExpressionObject(dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    /// Builds an object whose values are all strings.
    public static func strings(_ dictionary: [String: String]) -> ExpressionValue {
        .object(dictionary.mapValues { ExpressionValue.string($0) })
    }

    /// The kind of the value, as GitHub names it in messages.
    public var kindName: String {
        switch self {
        case .null: "Null"
        case .bool: "Boolean"
        case .number: "Number"
        case .string: "String"
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// False for `false`, `0`, `-0`, `NaN`, `""` and `null`; true for everything else, arrays and objects included.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    /// True for null, booleans, numbers and strings.
    public var isPrimitive: Bool {
        switch self {
        case .null, .bool, .number, .string: true
        case .array, .object: false
        }
    }

    /// Reads a property of an object (case-insensitively); nil for other kinds or a missing key.
    public subscript(key: String) -> ExpressionValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The string payload when the value is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
