import Foundation

/// HTML building blocks of the dashboard: escaping, the page layout, status badges, and logs
/// rendered with their ANSI colours and `::group::` folds.
enum DashboardHTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Percent-encodes a query value.
    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// The page around `body`.
    static func page(title: String, body: String, script: String? = nil) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Gaara</title><link rel="stylesheet" href="/static/app.css"></head>
        <body><header><a class="brand" href="/">Gaara</a><nav><a href="/">Runs</a><a href="/repos">Repositories</a>\
        <a href="/api/openapi.json">API</a><a href="/logout">Sign out</a></nav></header>
        <main>\(body)</main>
        \(script.map { "<script src=\"/static/app.js\"></script><script>\($0)</script>" } ?? "")
        </body></html>
        """
    }

    /// A coloured badge for a status or conclusion.
    static func badge(status: String, conclusion: String?) -> String {
        let label = conclusion ?? status
        return "<span class=\"badge \(escape(label))\" data-status=\"\(escape(label))\">\(escape(label))</span>"
    }

    /// `1m 05s`, `3.2s`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? "\(whole / 3600)h \(whole % 3600 / 60)m" : "\(whole / 60)m \(String(format: "%02d", whole % 60))s"
    }

    /// A step log as HTML: escaped, ANSI SGR colours as spans, `##[group]` as folded `<details>`.
    static func log(_ text: String) -> String {
        var html = ""
        var openGroups = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("##[group]") {
                html += "<details class=\"group\"><summary>\(ansi(String(line.dropFirst(9))))</summary>"
                openGroups += 1
            } else if line.hasPrefix("##[endgroup]") {
                if openGroups > 0 {
                    html += "</details>"
                    openGroups -= 1
                }
            } else if line.hasPrefix("##[gaara]") {
                html += "<div class=\"line note\">\(ansi(String(line.dropFirst(9))))</div>"
            } else if line.hasPrefix("##[job] ") {
                html += "<div class=\"line jobhead\">\(escape(String(line.dropFirst(8))))</div>"
            } else if !line.isEmpty {
                html += "<div class=\"line\">\(ansi(String(line)))</div>"
            }
        }
        html += String(repeating: "</details>", count: openGroups)
        return html
    }

    /// Escapes a line and turns SGR escape sequences into spans (other escapes are dropped).
    static func ansi(_ line: String) -> String {
        var html = ""
        var classes: [String] = []
        var spanOpen = false
        var scalars = Array(line.unicodeScalars)[...]
        var text = ""
        func flush() {
            guard !text.isEmpty else { return }
            html += escape(text)
            text = ""
        }
        while let scalar = scalars.popFirst() {
            guard scalar == "\u{1B}" else {
                text.unicodeScalars.append(scalar)
                continue
            }
            guard scalars.first == "[" else { continue }
            scalars.removeFirst()
            var parameters = ""
            var final: Unicode.Scalar?
            while let next = scalars.popFirst() {
                if (0x40...0x7E).contains(next.value) {
                    final = next
                    break
                }
                parameters.unicodeScalars.append(next)
            }
            guard final == "m" else { continue }
            flush()
            for code in parameters.split(separator: ";", omittingEmptySubsequences: false).map({ Int($0) ?? 0 }) {
                switch code {
                case 0: classes = []
                case 1: classes.append("b")
                case 3: classes.append("i")
                case 4: classes.append("u")
                case 30...37, 90...97: classes = classes.filter { !$0.hasPrefix("f") } + ["f\(code)"]
                case 39: classes = classes.filter { !$0.hasPrefix("f") }
                case 40...47, 100...107: classes = classes.filter { !$0.hasPrefix("g") } + ["g\(code)"]
                case 49: classes = classes.filter { !$0.hasPrefix("g") }
                default: break
                }
            }
            if spanOpen { html += "</span>" }
            spanOpen = !classes.isEmpty
            if spanOpen { html += "<span class=\"\(classes.joined(separator: " "))\">" }
        }
        flush()
        if spanOpen { html += "</span>" }
        return html
    }
}
