/// Checks of the git names that reach a command line from outside (webhook payloads, the push
/// hook, workflow inputs). A value that passes cannot be read as an option, and is what it claims
/// to be: an object name, a ref name as `git check-ref-format` accepts it, or a clone URL.
public enum GitNames {
    /// Forty zeros: the "no commit" of push updates (`before` of a new ref, `after` of a deleted one).
    public static let zeroSHA = String(repeating: "0", count: 40)

    /// A full object name: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.
    public static func isObjectName(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { isHexDigit($0) }
    }

    /// A ref name by `git check-ref-format`'s rules (`refs/heads/main`, `feature/x`, `v1.0`): no
    /// leading `-` or `/`, no `..`, `@{`, `//`, control characters, space, `~^:?*[\`, no component
    /// starting with `.` or ending with `.lock`, not ending with `/` or `.`, not `@`.
    public static func isRefName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 1024, text != "@", !text.hasPrefix("-"), !text.hasPrefix("/"), !text.hasSuffix("/"),
            !text.hasSuffix("."), !text.contains(".."), !text.contains("@{"), !text.contains("//")
        else { return false }
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return false }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "~"), UInt8(ascii: "^"), UInt8(ascii: ":"), UInt8(ascii: "?"), UInt8(ascii: "*"),
                UInt8(ascii: "["), UInt8(ascii: "\\"):
                return false
            default: continue
            }
        }
        return text.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }

    /// A URL git may fetch from: `https://`, `http://`, `git://`, `ssh://` or `file://` with
    /// something after the scheme, scp-like `user@host:path`, or an absolute path. Never one
    /// starting with `-`, and no whitespace or control characters.
    public static func isCloneURL(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 4096, !text.hasPrefix("-"), !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            return false
        }
        for scheme in ["https://", "http://", "git://", "ssh://", "file://"] where text.lowercased().hasPrefix(scheme) {
            return text.utf8.count > scheme.utf8.count && !text.dropFirst(scheme.count).hasPrefix("-")
        }
        if text.hasPrefix("/") { return true }
        // scp-like: user@host:path (the host must not start with '-': ssh would take it as an option).
        if let colon = text.firstIndex(of: ":"), let at = text.firstIndex(of: "@"), at < colon {
            let host = text[text.index(after: at)..<colon]
            return !host.isEmpty && !host.hasPrefix("-") && !text.hasPrefix("-")
        }
        return false
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
    }
}
