import Testing

@testable import GaaraAlertCore

/// Annotation templates: `$value` in its three forms, `$labels.NAME`, and the mistakes a loader reports.
struct AlertTemplateTests {
    /// The labels templates see.
    static let labels: AlertLabels = ["service": "api", "environment": "production"]

    @Test(arguments: [
        ("{{ $value }}", 0.0731, "0.0731"),
        ("{{ $value }}", 512.3, "512.3"),
        ("{{ $value }}", 512.34, "512.3"),
        ("{{ $value }}", 3, "3"),
        ("{{ $value }}", 0.1 + 0.2, "0.3"),
        ("{{ $value }}", 12345.678, "12346"),
        ("{{ $value }}", -0.5, "-0.5"),
        ("{{ $value }}", 0.000012344, "0.00001234"),
        ("{{ $value }}", .nan, "NaN"),
        ("{{ $value | percent }}", 0.0731, "7.31%"),
        ("{{$value|percent}}", 1, "100%"),
        ("{{ $value | ms }}", 512.3, "512 ms"),
        ("{{ $value | ms }}", 0.42, "0.42 ms"),
        ("error rate {{ $value | percent }} on {{ $labels.service }} ({{ $labels.environment }})", 0.05, "error rate 5% on api (production)"),
        ("{{ $labels.team }}!", 0, "!"),
        ("no template, {braces} kept", 0, "no template, {braces} kept"),
    ])
    func renders(_ text: String, _ value: Double, _ expected: String) throws {
        #expect(try AlertTemplate.parse(text).render(value: value, labels: Self.labels) == expected)
        #expect(AlertTemplate.render(text, value: value, labels: Self.labels) == expected)
    }

    @Test(arguments: [
        ("{{ $value | hours }}", 0, "unknown template '{{ $value | hours }}'"),
        ("at {{ .Value }}", 3, "unknown template '{{ .Value }}'"),
        ("{{ $labels.a-b }}", 0, "unknown template '{{ $labels.a-b }}'"),
        ("x {{ $value", 2, "'{{' is not closed with '}}'"),
    ])
    func reportsUnknownOrUnclosedTemplates(_ text: String, _ offset: Int, _ start: String) {
        do {
            _ = try AlertTemplate.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.offset == offset)
            #expect(error.message.hasPrefix(start), "\(error.message)")
        }
        #expect(AlertTemplate.render(text, value: 1, labels: [:]) == text, "an invalid template goes out as written")
    }
}
