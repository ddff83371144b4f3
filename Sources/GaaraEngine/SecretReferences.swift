import GaaraWorkflow

/// Where a workflow uses a secret: `secrets.NAME` or `secrets['NAME']` inside a `${{ }}`,
/// anywhere in the file (steps, `env`, `with`, a reusable workflow call's `secrets:`).
public struct SecretReference: Sendable, Equatable {
    /// The secret's name as written.
    public let name: String
    /// Where the name is written.
    public let location: SourceLocation
    /// The job whose part of the file holds it (nil above `jobs:`).
    public let job: String?
    /// That job's environment when its name is literal (no expression).
    public let environment: String?
}

/// Finds the secrets a workflow file uses (for `gaara secret check`).
public enum SecretReferences {
    /// Every use of a secret in `text`, in file order, attributed to the job of `workflow` whose
    /// id is written last before it. `GITHUB_TOKEN` is left out: every run has one.
    public static func find(in text: String, workflow: Workflow?) -> [SecretReference] {
        let scalars = Array(text.unicodeScalars)
        var references: [SecretReference] = []
        var line = 1
        var column = 1
        var index = 0
        var inExpression = false
        let jobs = (workflow?.jobs ?? []).sorted { $0.location < $1.location }
        func advance(_ count: Int) {
            for _ in 0..<count where index < scalars.count {
                if scalars[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }
        func starts(_ literal: String) -> Bool {
            let wanted = Array(literal.unicodeScalars)
            guard index + wanted.count <= scalars.count else { return false }
            return Array(scalars[index..<(index + wanted.count)]) == wanted
        }
        while index < scalars.count {
            if !inExpression {
                if starts("${{") {
                    inExpression = true
                    advance(3)
                } else {
                    advance(1)
                }
                continue
            }
            if starts("}}") {
                inExpression = false
                advance(2)
                continue
            }
            let before = index > 0 ? scalars[index - 1] : " "
            if starts("secrets"), !isNamePart(before), before != "." {
                let saved = (index, line, column)
                advance(7)
                var name: String?
                var location = SourceLocation(line: line, column: column + 1)
                if index < scalars.count, scalars[index] == "." {
                    advance(1)
                    var text = ""
                    while index < scalars.count, isNamePart(scalars[index]) {
                        text.unicodeScalars.append(scalars[index])
                        advance(1)
                    }
                    name = text.isEmpty ? nil : text
                } else if index + 1 < scalars.count, scalars[index] == "[", scalars[index + 1] == "'" || scalars[index + 1] == "\"" {
                    let quote = scalars[index + 1]
                    advance(2)
                    location = SourceLocation(line: line, column: column)
                    var text = ""
                    while index < scalars.count, scalars[index] != quote, scalars[index] != "\n" {
                        text.unicodeScalars.append(scalars[index])
                        advance(1)
                    }
                    name = text.isEmpty ? nil : text
                }
                if let name, name.uppercased() != "GITHUB_TOKEN" {
                    let job = jobs.last { $0.location.line <= saved.1 }
                    let environment = job?.environment.flatMap { $0.name.template.hasExpressions ? nil : $0.name.raw }
                    references.append(SecretReference(name: name, location: location, job: job?.id, environment: environment))
                }
                if index == saved.0 { advance(1) }
                continue
            }
            advance(1)
        }
        return references
    }

    private static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "-" || (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar)
    }
}
