/// A YAML node with its source location: the tree the workflow decoder reads.
public struct YAMLNode: Sendable {
    /// How a scalar was written; plain scalars are the only ones typed as null, bool or number.
    public enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    /// A mapping entry; keys keep their own location.
    public struct Pair: Sendable {
        /// The key node (a scalar in every workflow).
        public let key: YAMLNode
        /// The value node.
        public let value: YAMLNode
    }

    /// The content of a node.
    public enum Content: Sendable {
        /// A scalar's text and style.
        case scalar(String, ScalarStyle)
        /// A sequence's items in order.
        case sequence([YAMLNode])
        /// A mapping's entries in order.
        case mapping([Pair])
    }

    /// What the node holds.
    public let content: Content
    /// Where the node starts.
    public let location: SourceLocation
    /// An explicit tag such as `!!str`, if one was written.
    public let tag: String?

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation, tag: String? = nil) {
        self.content = content
        self.location = location
        self.tag = tag
    }
}

extension YAMLNode {
    /// The resolved type of a scalar under YAML 1.2's core schema.
    public enum ScalarType: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
    }

    /// The scalar's text, nil for collections.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The scalar's style, nil for collections.
    public var scalarStyle: ScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The mapping entries, nil for other kinds.
    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The sequence items, nil for other kinds.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// Looks a mapping key up.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalarText == key }?.value
    }

    /// The type of a scalar: quoted and block scalars are strings; plain scalars follow the core schema.
    public var scalarType: ScalarType? {
        guard case .scalar(let text, let style) = content else { return nil }
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str", "!!str": return .string(text)
            default: break
            }
        }
        guard style == .plain else { return .string(text) }
        return Self.resolvePlain(text)
    }

    /// Resolves a plain scalar under YAML 1.2's core schema.
    static func resolvePlain(_ text: String) -> ScalarType {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let scalars = text.unicodeScalars
        let digits: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        if !body.isEmpty, body.unicodeScalars.allSatisfy(digits), let value = Int(text) { return .int(value) }
        if text.hasPrefix("0x"), scalars.count > 2, let value = Int(text.dropFirst(2), radix: 16) { return .int(value) }
        if text.hasPrefix("0o"), scalars.count > 2, let value = Int(text.dropFirst(2), radix: 8) { return .int(value) }
        if isCoreFloat(body), let value = Double(text.hasSuffix(".") ? String(text.dropLast()) : text) { return .float(value) }
        return .string(text)
    }

    /// `(\.[0-9]+ | [0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isCoreFloat(_ body: Substring) -> Bool {
        let chars = Array(body.unicodeScalars)
        var index = 0
        var mantissaDigits = 0
        while index < chars.count, ("0"..."9").contains(chars[index]) {
            index += 1
            mantissaDigits += 1
        }
        if index < chars.count, chars[index] == "." {
            index += 1
            while index < chars.count, ("0"..."9").contains(chars[index]) {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return false }
        if index < chars.count, chars[index] == "e" || chars[index] == "E" {
            index += 1
            if index < chars.count, chars[index] == "+" || chars[index] == "-" { index += 1 }
            var exponentDigits = 0
            while index < chars.count, ("0"..."9").contains(chars[index]) {
                index += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return false }
        }
        return index == chars.count
    }

    /// A short name of the node's kind for messages.
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .scalar:
            switch scalarType {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .float: return "a number"
            default: return "a string"
            }
        }
    }
}
