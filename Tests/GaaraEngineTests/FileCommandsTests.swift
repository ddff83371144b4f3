import GaaraEngine
import Testing

/// A `GITHUB_ENV` / `GITHUB_OUTPUT` file → its entries in order, as `name=value` with `\n` kept.
/// Forms from GitHub's "Workflow commands" page (multiline strings with a delimiter).
let fileCommandCases: [(String, [String])] = [
    ("", []),
    ("NAME=value", ["NAME=value"]),
    ("A=1\nB=2\n", ["A=1", "B=2"]),
    ("A=1\r\nB=2\r\n", ["A=1", "B=2"]),
    ("\n\nA=1\n\n", ["A=1"]),
    ("A=", ["A="]),
    ("A=x=y", ["A=x=y"]),
    ("A= spaced ", ["A= spaced "]),
    ("A=1\nA=2", ["A=1", "A=2"]),
    ("A=x<<y", ["A=x<<y"]),
    ("JSON<<EOF\n{\n  \"a\": 1\n}\nEOF\n", ["JSON={\n  \"a\": 1\n}"]),
    ("M<<EOF\nEOF", ["M="]),
    ("M<<EOF\n\nEOF", ["M="]),
    ("M<<EOF\r\nline 1\r\nline 2\r\nEOF\r\n", ["M=line 1\nline 2"]),
    ("M<<ghadelimiter_1234\nEOF\nghadelimiter_1234\nN=2", ["M=EOF", "N=2"]),
    ("M<<EOF\n EOF\nEOF", ["M= EOF"]),
    ("A=1\nM<<END\nx=y\nEND\nB=2", ["A=1", "M=x=y", "B=2"]),
    ("M<<=EOF\nv\n=EOF", ["M=v"]),
]

/// A malformed file → a part of the error (with the line it names).
let malformedFileCommandCases: [(String, String)] = [
    ("M<<EOF\nno end", "the delimiter 'EOF' for 'M' never appears"),
    ("M<<EOF\nalmost\nEOF \n", "never appears"),
    ("M<<\nvalue\n", "line 1: the delimiter after '<<' is empty"),
    ("<<EOF\nx\nEOF", "line 1: a name is missing before '<<'"),
    ("=value", "line 1: a name is missing before '='"),
    ("A=1\njust words", "line 2: expected 'name=value' or 'name<<DELIMITER', found 'just words'"),
]

@Test(arguments: fileCommandCases)
func fileCommandsParseKeyValues(_ text: String, _ expected: [String]) throws {
    let entries = try FileCommands.parseKeyValues(text)
    #expect(entries.map { "\($0.0)=\($0.1)" } == expected, "\(text.debugDescription)")
}

@Test(arguments: malformedFileCommandCases)
func malformedFileCommandsFail(_ text: String, _ message: String) {
    let error = #expect(throws: FileCommands.Failure.self) { try FileCommands.parseKeyValues(text) }
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
}

@Test(arguments: [
    ("/opt/tool/bin\n", ["/opt/tool/bin"]), ("a\n\n  \nb\r\n", ["a", "b"]), ("", []), ("/with space/bin", ["/with space/bin"]),
])
func githubPathHasOneDirectoryPerLine(_ text: String, _ expected: [String]) {
    #expect(FileCommands.parsePath(text) == expected)
}

/// An output line → the command it is (`name|key=value,...|message`), or nil when it is plain output.
/// Escapes from GitHub's runner: `%25`, `%0D`, `%0A` everywhere, `%3A` and `%2C` in properties.
let workflowCommandCases: [(String, String?)] = [
    ("plain output", nil),
    (":: not a command", nil),
    ("::warning no end", nil),
    ("::bad!name::x", nil),
    ("::::empty name", nil),
    ("::add-mask::hunter2", "add-mask||hunter2"),
    ("::add-mask::", "add-mask||"),
    ("::set-output name=result::42", "set-output|name=result|42"),
    ("::set-output name=multi::a%0Ab%0D%0Ac", "set-output|name=multi|a\nb\r\nc"),
    ("::error file=app.swift,line=10,col=5::Something broke", "error|col=5,file=app.swift,line=10|Something broke"),
    ("::error file=a%3Ab.swift,title=x%2Cy%25::100%25 sure", "error|file=a:b.swift,title=x,y%|100% sure"),
    ("::warning title=T%0ASecond::msg:: with colons", "warning|title=T\nSecond|msg:: with colons"),
    ("::notice::%250A stays escaped once", "notice||%0A stays escaped once"),
    ("::group::Build", "group||Build"),
    ("::endgroup::", "endgroup||"),
    ("::debug::details", "debug||details"),
    ("::error file = spaced.swift , line=1::m", "error|file= spaced.swift ,line=1|m"),
    ("::error noequals,line=3::m", "error|line=3|m"),
    ("::stop-commands::token-123", "stop-commands||token-123"),
]

@Test(arguments: workflowCommandCases)
func workflowCommandsParse(_ line: String, _ expected: String?) {
    let rendered = WorkflowCommand.parse(line[...]).map { command in
        command.name + "|" + command.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "|"
            + command.message
    }
    #expect(rendered == expected, "\(line)")
}

/// An annotation command → its level, location and title; other commands are no annotations.
@Test(
    arguments: [
        ("::error file=a.swift,line=3,col=7,title=Oops::m", "error a.swift:3:7 Oops m"),
        ("::warning::no location", "warning -:-:- - no location"),
        ("::notice file=b,line=x::bad line", "notice b:-:- - bad line"),
        ("::debug::not an annotation", nil), ("::add-mask::x", nil), ("::group::x", nil),
    ] as [(String, String?)])
func annotationsComeFromErrorWarningAndNotice(_ line: String, _ expected: String?) throws {
    let command = try #require(WorkflowCommand.parse(line[...]))
    let rendered = Annotation(command).map { annotation in
        let location = [annotation.file, annotation.line.map(String.init), annotation.column.map(String.init)].map { $0 ?? "-" }
        return "\(annotation.level.rawValue) \(location.joined(separator: ":")) \(annotation.title ?? "-") \(annotation.message)"
    }
    #expect(rendered == expected)
}
