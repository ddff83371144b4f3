import Testing

@testable import GaaraImageCore

/// The Handlebars subset: `isRawStatement` (ported from meta.test.ts › isRawStatement, extended) and rendering.
/// The expectations beyond upstream's were computed with handlebars 4.7.7 on the same templates and values.
struct TemplateTests {
    /// meta.test.ts › isRawStatement (the first five), then more shapes checked against handlebars.
    @Test(arguments: [
        ("{{ raw }}.{{ version }}", false), ("{{ version }},{{raw }.", false), ("{{ raw }}", true), ("{{ raw}}", true), ("{{raw}}", true),
        ("{{{raw}}}", true), ("{{~raw~}}", true), ("{{raw 'x' y=1}}", true), ("{{'raw'}}", false), ("{{raw.x}}", false), ("{{this.raw}}", true),
        ("{{#raw}}{{/raw}}", false), ("{{raw}} ", false), ("{{@raw}}", true), ("{{[raw]}}", true), ("{{! c }}{{raw}}", false),
        ("{{raw (x)}}", true),
    ])
    func isRawStatement(_ pattern: String, _ expected: Bool) {
        #expect(DockerMetadata.isRawStatement(pattern) == expected)
    }

    /// The values the rendering tests see.
    static let values: [String: TemplateValue] = [
        "a": .string("x<y&\"z'`="), "n": .number(0), "one": .number(1.5), "arr": .array([.number(1), .string("b"), .null]),
        "obj": .object(["k": .string("v")]), "f": .boolean(false), "t": .boolean(true), "e": .string(""), "s": .string("text"),
    ]

    /// Escaping, literals, paths, white-space control, comments and escaped mustaches, as handlebars renders them.
    @Test(arguments: [
        ("{{a}}", "x&lt;y&amp;&quot;z&#x27;&#x60;&#x3D;"), ("{{{a}}}", "x<y&\"z'`="), ("{{&a}}", "x<y&\"z'`="), ("{{n}}", "0"), ("{{one}}", "1.5"),
        ("{{arr}}", "1,b,"), ("{{arr.length}}", "3"), ("{{arr.[0]}}", "1"), ("{{obj}}", "[object Object]"), ("{{obj.k}}", "v"), ("{{f}}", "false"),
        ("{{t}}", "true"), ("{{e}}", ""), ("{{missing}}", ""), ("{{missing.deep}}", ""), (#"\{{a}} {{s}}"#, "{{a}} text"), (#"\\{{s}}"#, #"\text"#),
        ("a {{~s~}} b", "atextb"), ("a {{~{s}~}} b", "atextb"), ("{{! c }}x", "x"), ("  {{! c }}  \nline", "line"), ("{{!-- a }} b --}}y", "y"),
        ("{{s.length}}", "4"), ("{{s.[1]}}", "e"), ("{{[s]}}", "text"), ("{{'s'}}", "text"), ("{{this.s}}", "text"), ("{{./s}}", "text"),
        ("{{this}}", "[object Object]"), ("x\n  {{~! c ~}}\n  y", "xy"), (#"{{s}}\"#, #"text\"#), ("{{s   }}", "text"), ("{{missing key='v'}}", ""),
        ("{{1}}", ""), ("{{true}}", ""), (#"a\{{b\{{c}}d"#, "a{{b{{c}}d"),
    ])
    func renders(_ template: String, _ expected: String) throws {
        #expect(try TemplateRenderer.render(template, context: Self.values) == expected)
    }

    /// Syntax errors fail as in handlebars; blocks, partials, decorators, data variables, parent paths and
    /// subexpressions fail because Gaara does not render them.
    @Test(arguments: [
        "{{arr.1}}", "{{s", "{{}}", "{{#if s}}x{{/if}}", "{{> partial}}", "{{@root.s}}", "{{../s}}", "{{s (x)}}", "{{else}}", "{{*decorator}}",
        "{{{{raw}}}}x{{{{/raw}}}}", "{{lookup obj 'k'}}", "{{s foo=1 'x'}}", "{{s.this}}",
    ])
    func refuses(_ template: String) {
        #expect(throws: Failure.self) { try TemplateRenderer.render(template, context: Self.values) }
    }

    /// The message says what Gaara does not support.
    @Test func unsupportedConstructsAreNamed() {
        #expect(throws: Failure.message("Handlebars block helpers ({{#...}}) are not supported by Gaara")) {
            try TemplateRenderer.render("{{#if s}}x{{/if}}", context: Self.values)
        }
    }
}
