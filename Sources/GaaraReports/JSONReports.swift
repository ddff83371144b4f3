import GaaraExpressions

/// Reads the JSON security reports: SARIF and the audit formats, into findings.
enum JSONReports {
    /// Detects the format of a parsed document and extracts its findings.
    static func read(_ documents: [ExpressionValue], path: String) throws -> (ReportKind, [Finding]) {
        guard let first = documents.first else { throw ReportError("the file holds no JSON value", offset: 0) }
        if documents.count > 1 {
            if documents.contains(where: { $0["type"]?.stringValue != nil && $0["data"] != nil }) {
                return (.yarnAudit, yarn(documents))
            }
            if documents.allSatisfy(isGovulncheckMessage) { return (.govulncheck, govulncheck(documents)) }
            throw ReportError("several JSON values in one file, but not a yarn audit or govulncheck stream", offset: 0)
        }
        switch first {
        case .object(let object):
            if object["runs"] != nil,
                object["version"]?.stringValue?.hasPrefix("2.") == true || object["$schema"]?.stringValue?.contains("sarif") == true
            {
                return (.sarif, try sarif(first))
            }
            if case .array? = object["results"], object["metrics"] != nil { return (.bandit, bandit(first)) }
            if case .array(let dependencies)? = object["dependencies"],
                dependencies.elements.allSatisfy({ $0["vulns"] != nil || $0["skip_reason"] != nil })
            {
                return (.pipAudit, pipAudit(dependencies.elements))
            }
            if case .array? = object["vulnerabilities"] { return (.safety, safety(first)) }
            if case .object? = object["vulnerabilities"] { return (.npmAudit, npmAudit(first)) }
            if case .object(let advisories)? = object["advisories"] {
                if advisories.values.contains(where: { if case .array = $0 { true } else { false } }) {
                    return (.composerAudit, composer(advisories))
                }
                return (.npmAudit, npmAudit(first))
            }
            if case .array(let results)? = object["results"] {
                if results.elements.contains(where: { $0["packages"] != nil }) || results.elements.isEmpty && object["experimental_config"] != nil {
                    return (.osvScanner, osv(results.elements))
                }
                if results.elements.allSatisfy({ $0["gem"] != nil || $0["type"]?.stringValue == "insecure_source" }) {
                    return (.bundlerAudit, bundler(results.elements))
                }
            }
            throw ReportError("a JSON document of an unknown shape (keys: \(object.keys.prefix(8).joined(separator: ", ")))", offset: 0)
        case .array(let array):
            if array.elements.isEmpty { throw ReportError("an empty JSON array: not a report Gaara knows", offset: 0) }
            if array.elements.allSatisfy(isGovulncheckMessage) { return (.govulncheck, govulncheck(array.elements)) }
            if array.elements.allSatisfy({ $0["name"] != nil && ($0["vulns"] != nil || $0["skip_reason"] != nil) }) {
                return (.pipAudit, pipAudit(array.elements))
            }
            if array.elements.allSatisfy({ if case .array = $0 { true } else { false } }) { return (.safety, safety(first)) }
            throw ReportError("a JSON array of an unknown shape", offset: 0)
        default:
            throw ReportError("a JSON \(first.kindName.lowercased()), not a report", offset: 0)
        }
    }

    static func isGovulncheckMessage(_ value: ExpressionValue) -> Bool {
        guard case .object(let object) = value, object.count >= 1 else { return false }
        return object.keys.allSatisfy { ["config", "progress", "osv", "finding", "SBOM"].contains($0) }
    }

    static func string(_ value: ExpressionValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let text): return text
        case .number: return value.coercedString
        default: return nil
        }
    }

    static func number(_ value: ExpressionValue?) -> Double? {
        guard let value else { return nil }
        switch value {
        case .number(let number): return number
        case .string(let text): return Double(text.trimmingWhitespace())
        default: return nil
        }
    }

    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    // MARK: SARIF

    static func sarif(_ document: ExpressionValue) throws -> [Finding] {
        guard case .array(let runs)? = document["runs"] else { throw ReportError("SARIF without a 'runs' array", offset: 0) }
        var findings: [Finding] = []
        for run in runs.elements {
            let driver = run["tool"]?["driver"]
            let tool = string(driver?["name"]) ?? "sarif"
            var rules: [ExpressionValue] = []
            if case .array(let list)? = driver?["rules"] { rules = list.elements }
            var extensions: [[ExpressionValue]] = []
            if case .array(let list)? = run["tool"]?["extensions"] {
                for component in list.elements {
                    if case .array(let componentRules)? = component["rules"] {
                        extensions.append(componentRules.elements)
                    } else {
                        extensions.append([])
                    }
                }
            }
            guard case .array(let results)? = run["results"] else { continue }
            for result in results.elements {
                if case .array(let suppressions)? = result["suppressions"], !suppressions.elements.isEmpty { continue }
                let ruleID = string(result["ruleId"]) ?? string(result["rule"]?["id"]) ?? ""
                let rule = findRule(result, ruleID: ruleID, rules: rules, extensions: extensions)
                let severity = sarifSeverity(result, rule: rule)
                let location = result["locations"].flatMap { value -> ExpressionValue? in
                    if case .array(let list) = value { return list.elements.first }
                    return nil
                }?["physicalLocation"]
                let uri = string(location?["artifactLocation"]?["uri"]) ?? ""
                let line = number(location?["region"]?["startLine"]).map { Int($0) }
                let message = string(result["message"]?["text"]) ?? string(result["message"]?["markdown"]) ?? ruleID
                var stable = ""
                if case .object(let partial)? = result["partialFingerprints"], let firstKey = partial.keys.sorted().first {
                    stable = string(partial[firstKey]) ?? ""
                } else if case .object(let full)? = result["fingerprints"], let firstKey = full.keys.sorted().first {
                    stable = string(full[firstKey]) ?? ""
                }
                let print = stable.isEmpty ? fingerprint([tool, ruleID, uri, message]) : fingerprint([tool, ruleID, stable])
                findings.append(
                    Finding(
                        severity: severity, tool: tool, rule: ruleID, message: firstLine(message), location: uri, line: line, fingerprint: print))
            }
        }
        return findings
    }

    static func findRule(_ result: ExpressionValue, ruleID: String, rules: [ExpressionValue], extensions: [[ExpressionValue]]) -> ExpressionValue? {
        let reference = result["rule"]
        if let componentIndex = number(reference?["toolComponent"]?["index"]).map({ Int($0) }), componentIndex >= 0, componentIndex < extensions.count
        {
            let list = extensions[componentIndex]
            if let index = number(reference?["index"]).map({ Int($0) }), index >= 0, index < list.count { return list[index] }
            return list.first { string($0["id"]) == ruleID }
        }
        if let index = number(result["ruleIndex"] ?? reference?["index"]).map({ Int($0) }), index >= 0, index < rules.count { return rules[index] }
        if let rule = rules.first(where: { string($0["id"]) == ruleID }) { return rule }
        for list in extensions {
            if let rule = list.first(where: { string($0["id"]) == ruleID }) { return rule }
        }
        return nil
    }

    static func sarifSeverity(_ result: ExpressionValue, rule: ExpressionValue?) -> Severity {
        if let score = number(result["properties"]?["security-severity"]) ?? number(rule?["properties"]?["security-severity"]) {
            return Severity(score: score)
        }
        let levels = ["error", "warning", "note", "none"]
        let level =
            [string(result["level"]), string(rule?["defaultConfiguration"]?["level"])].compactMap { $0?.lowercased() }
            .first { levels.contains($0) } ?? "warning"
        switch level {
        case "error": return .high
        case "note": return .low
        case "none": return .info
        default: return .medium
        }
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    // MARK: Audits

    static func bandit(_ document: ExpressionValue) -> [Finding] {
        guard case .array(let results)? = document["results"] else { return [] }
        return results.elements.map { result in
            let severity: Severity
            switch string(result["issue_severity"])?.uppercased() {
            case "HIGH": severity = .high
            case "MEDIUM": severity = .medium
            case "LOW": severity = .low
            default: severity = .info
            }
            let rule = string(result["test_id"]) ?? ""
            let file = string(result["filename"]) ?? ""
            let text = string(result["issue_text"]) ?? rule
            return Finding(
                severity: severity, tool: "bandit", rule: rule, message: firstLine(text), location: file,
                line: number(result["line_number"]).map { Int($0) },
                fingerprint: fingerprint(["bandit", rule, CoverageData.normalize(file), string(result["code"]) ?? text]))
        }
    }

    static func pipAudit(_ dependencies: [ExpressionValue]) -> [Finding] {
        var findings: [Finding] = []
        for dependency in dependencies {
            guard case .array(let vulns)? = dependency["vulns"] else { continue }
            let name = string(dependency["name"]) ?? ""
            let version = string(dependency["version"]) ?? ""
            for vuln in vulns.elements {
                let id = string(vuln["id"]) ?? ""
                findings.append(
                    Finding(
                        severity: .high, tool: "pip-audit", rule: id,
                        message: firstLine(string(vuln["description"]) ?? "\(name) \(version) is vulnerable"),
                        location: "\(name)==\(version)", line: nil, fingerprint: fingerprint(["pip-audit", name, id])))
            }
        }
        return findings
    }

    static func safety(_ document: ExpressionValue) -> [Finding] {
        var findings: [Finding] = []
        if case .array(let rows) = document {
            for row in rows.elements {
                guard case .array(let fields) = row else { continue }
                let values = fields.elements.map { string($0) ?? "" }
                let name = values.first ?? ""
                let id = values.count > 4 ? values[4] : ""
                findings.append(
                    Finding(
                        severity: .high, tool: "safety", rule: id, message: firstLine(values.count > 3 ? values[3] : name), location: name, line: nil,
                        fingerprint: fingerprint(["safety", name, id])))
            }
            return findings
        }
        guard case .array(let vulnerabilities)? = document["vulnerabilities"] else { return [] }
        for vulnerability in vulnerabilities.elements {
            var severity = Severity.high
            let cvss = vulnerability["severity"]?["cvssv3"]
            if let word = string(cvss?["base_severity"]).flatMap(Severity.init(word:)) {
                severity = word
            } else if let score = number(cvss?["base_score"]) {
                severity = Severity(score: score)
            }
            let name = string(vulnerability["package_name"]) ?? ""
            let id = string(vulnerability["vulnerability_id"]) ?? ""
            findings.append(
                Finding(
                    severity: severity, tool: "safety", rule: id, message: firstLine(string(vulnerability["advisory"]) ?? "\(name) is vulnerable"),
                    location: "\(name)==\(string(vulnerability["analyzed_version"]) ?? "")", line: nil,
                    fingerprint: fingerprint(["safety", name, id])))
        }
        return findings
    }

    static func npmSeverity(_ value: ExpressionValue?) -> Severity {
        string(value).flatMap(Severity.init(word:)) ?? .high
    }

    static func npmAudit(_ document: ExpressionValue) -> [Finding] {
        var findings: [Finding] = []
        if case .object(let vulnerabilities)? = document["vulnerabilities"] {
            for (name, entry) in zip(vulnerabilities.keys, vulnerabilities.values) {
                findings.append(
                    Finding(
                        severity: npmSeverity(entry["severity"]), tool: "npm audit", rule: name,
                        message: "\(name) \(string(entry["range"]) ?? "") is vulnerable",
                        location: name, line: nil, fingerprint: fingerprint(["npm", name])))
            }
        } else if case .object(let advisories)? = document["advisories"] {
            for (id, advisory) in zip(advisories.keys, advisories.values) {
                let module = string(advisory["module_name"]) ?? ""
                findings.append(
                    Finding(
                        severity: npmSeverity(advisory["severity"]), tool: "npm audit", rule: id,
                        message: firstLine(string(advisory["title"]) ?? module),
                        location: module, line: nil, fingerprint: fingerprint(["npm", module, id])))
            }
        }
        return findings
    }

    static func yarn(_ documents: [ExpressionValue]) -> [Finding] {
        var seen = Set<String>()
        var findings: [Finding] = []
        for document in documents where string(document["type"]) == "auditAdvisory" {
            let advisory = document["data"]?["advisory"]
            let id = string(advisory?["id"]) ?? ""
            guard seen.insert(id).inserted else { continue }
            let module = string(advisory?["module_name"]) ?? ""
            findings.append(
                Finding(
                    severity: npmSeverity(advisory?["severity"]), tool: "yarn audit", rule: id,
                    message: firstLine(string(advisory?["title"]) ?? module),
                    location: module, line: nil, fingerprint: fingerprint(["npm", module, id])))
        }
        return findings
    }

    static func bundler(_ results: [ExpressionValue]) -> [Finding] {
        results.compactMap { result in
            let type = string(result["type"]) ?? "unpatched_gem"
            if type == "insecure_source" {
                let source = string(result["source"]) ?? ""
                return Finding(
                    severity: .medium, tool: "bundler-audit", rule: "insecure_source", message: "insecure gem source \(source)", location: source,
                    line: nil, fingerprint: fingerprint(["bundler", source]))
            }
            guard type == "unpatched_gem" else { return nil }
            let advisory = result["advisory"]
            var severity = Severity.high
            if let word = string(advisory?["criticality"]).flatMap(Severity.init(word:)) {
                severity = word
            } else if let score = number(advisory?["cvss_v3"]) ?? number(advisory?["cvss_v2"]) {
                severity = Severity(score: score)
            }
            let gem = string(result["gem"]?["name"]) ?? ""
            let id = string(advisory?["id"]) ?? ""
            return Finding(
                severity: severity, tool: "bundler-audit", rule: id, message: firstLine(string(advisory?["title"]) ?? gem), location: gem, line: nil,
                fingerprint: fingerprint(["bundler", gem, id]))
        }
    }

    static func composer(_ advisories: ExpressionObject) -> [Finding] {
        var findings: [Finding] = []
        for (package, list) in zip(advisories.keys, advisories.values) {
            guard case .array(let entries) = list else { continue }
            for entry in entries.elements {
                let id = string(entry["advisoryId"]) ?? string(entry["cve"]) ?? ""
                findings.append(
                    Finding(
                        severity: string(entry["severity"]).flatMap(Severity.init(word:)) ?? .high, tool: "composer audit", rule: id,
                        message: firstLine(string(entry["title"]) ?? package), location: package, line: nil,
                        fingerprint: fingerprint(["composer", package, id])))
            }
        }
        return findings
    }

    static func govulncheck(_ messages: [ExpressionValue]) -> [Finding] {
        var summaries: [String: String] = [:]
        for message in messages {
            if let osv = message["osv"], let id = string(osv["id"]) { summaries[id] = string(osv["summary"]) ?? id }
        }
        var seen = Set<String>()
        var findings: [Finding] = []
        for message in messages {
            guard let finding = message["finding"], let id = string(finding["osv"]), seen.insert(id).inserted else { continue }
            var module = ""
            if case .array(let trace)? = finding["trace"], let first = trace.elements.first { module = string(first["module"]) ?? "" }
            findings.append(
                Finding(
                    severity: .high, tool: "govulncheck", rule: id, message: firstLine(summaries[id] ?? id), location: module, line: nil,
                    fingerprint: fingerprint(["govulncheck", id])))
        }
        return findings
    }

    static func osv(_ results: [ExpressionValue]) -> [Finding] {
        var findings: [Finding] = []
        for result in results {
            guard case .array(let packages)? = result["packages"] else { continue }
            for package in packages.elements {
                let name = string(package["package"]?["name"]) ?? ""
                var vulnerabilities: [ExpressionValue] = []
                if case .array(let list)? = package["vulnerabilities"] { vulnerabilities = list.elements }
                func databaseSeverity(_ ids: [String]) -> Severity? {
                    let words = vulnerabilities.filter { ids.contains(string($0["id"]) ?? "") }.compactMap {
                        string($0["database_specific"]?["severity"]).flatMap(Severity.init(word:))
                    }
                    return words.max()
                }
                if case .array(let groups)? = package["groups"], !groups.elements.isEmpty {
                    for group in groups.elements {
                        var ids: [String] = []
                        if case .array(let list)? = group["ids"] { ids = list.elements.compactMap { string($0) } }
                        let severity = number(group["max_severity"]).map(Severity.init(score:)) ?? databaseSeverity(ids) ?? .high
                        let id = ids.first ?? ""
                        findings.append(
                            Finding(
                                severity: severity, tool: "osv-scanner", rule: id, message: "\(name): \(ids.joined(separator: ", "))", location: name,
                                line: nil,
                                fingerprint: fingerprint(["osv", name, id])))
                    }
                } else {
                    for vulnerability in vulnerabilities {
                        let id = string(vulnerability["id"]) ?? ""
                        let severity = databaseSeverity([id]) ?? .high
                        findings.append(
                            Finding(
                                severity: severity, tool: "osv-scanner", rule: id, message: firstLine(string(vulnerability["summary"]) ?? id),
                                location: name,
                                line: nil, fingerprint: fingerprint(["osv", name, id])))
                    }
                }
            }
        }
        return findings
    }
}
