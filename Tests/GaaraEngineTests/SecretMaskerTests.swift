import GaaraEngine
import Testing

/// The streaming masker: values, their lines, and their base64 forms (issue #21, item 6).
struct SecretMaskerTests {
    /// Base64 by a different method than the masker's (bit by bit), to check it against.
    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bits = Array(text.utf8).flatMap { byte in (0..<8).map { (byte >> (7 - $0)) & 1 } }
        var output = ""
        var index = 0
        while index < bits.count {
            var value = 0
            for offset in 0..<6 { value = value << 1 | Int(index + offset < bits.count ? bits[index + offset] : 0) }
            output.append(alphabet[value])
            index += 6
        }
        return output + String(repeating: "=", count: (4 - output.count % 4) % 4)
    }

    @Test(arguments: [
        ("hunter2", "my password is hunter2!", "my password is ***!"), ("a-b", "a-b-a-b", "***-***"),
        ("line1\nline2", "x line2 y", "x *** y"), ("  ", "two  spaces", "two  spaces"),
    ])
    func masksValuesAndTheirLines(_ secret: String, _ input: String, _ expected: String) {
        #expect(SecretMasker([secret]).mask(input) == expected)
    }

    @Test(arguments: ["hunter2-very-secret", "p@ss", "0123456789", "ünïcødé-sécret"])
    func masksTheBase64OfAValueAtEveryAlignment(_ secret: String) {
        let masker = SecretMasker([secret])
        for prefix in ["", "x", "xy", "xyz"] {
            let encoded = Self.base64(prefix + secret + "tail")
            let masked = masker.mask("data: \(encoded) end")
            // Whatever the alignment, no run of 8 characters that depends on the secret alone survives.
            let forms = SecretMasker.base64Forms(secret).filter { !$0.hasSuffix("=") }
            for form in forms where form.count >= 8 {
                #expect(!masked.contains(form), "\(prefix)+\(secret): \(masked)")
            }
            if secret.utf8.count >= 9 { #expect(masked.contains("***"), "\(prefix)+\(secret): \(masked)") }
        }
        #expect(masker.mask(Self.base64(secret)) == "***")
    }

    @Test func shortValuesAddOnlyTheirOwnEncoding() {
        #expect(SecretMasker.base64Forms("ab").isEmpty)
        #expect(SecretMasker.base64Forms("abc") == ["YWJj"])
        #expect(SecretMasker.base64Forms("abcdef").contains("YWJjZGVm"))
    }
}
