import Foundation

/// HTML building blocks of the dashboard: escaping, the page layout, status badges, and logs
/// rendered with their ANSI colours and `::group::` folds.
enum DashboardHTML {
    /// `text` with `& < > " '` as entities. Works on the UTF-8 bytes (each of those is one byte),
    /// copying the runs between them whole: a page holds megabytes of log.
    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var html: [UInt8] = []
            html.reserveCapacity(bytes.count + 16)
            appendEscaped(bytes, to: &html)
            return String(decoding: html, as: UTF8.self)
        }
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to html: inout [UInt8]) {
        var start = 0
        for index in 0..<bytes.count {
            let entity: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default: continue
            }
            html.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            entity.withUTF8Buffer { html.append(contentsOf: $0) }
            start = index + 1
        }
        html.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
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
        <body><header><a class="brand" href="/">Gaara</a><nav><a href="/">Runs</a><a href="/repos">Repositories</a><a href="/approvals">Approvals</a><a href="/audit">Audit</a><a href="/deliveries">Deliveries</a>\
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

    /// A step log as HTML: escaped, ANSI SGR colours as spans, `##[group]` as folded `<details>`;
    /// with `raw`, the "download the raw log" of ``LogLimits``' markers links there.
    static func log(_ text: String, raw: String? = nil) -> String {
        var html = ""
        var openGroups = 0
        // Split on the newline byte, not on characters: a page holds megabytes of log.
        for bytes in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = Substring(bytes)
            if line.hasPrefix("##[group]") {
                html += "<details class=\"group\"><summary>\(ansi(String(line.dropFirst(9))))</summary>"
                openGroups += 1
            } else if line.hasPrefix("##[endgroup]") {
                if openGroups > 0 {
                    html += "</details>"
                    openGroups -= 1
                }
            } else if line.hasPrefix("##[gaara]") {
                html += "<div class=\"line note\">\(linked(ansi(String(line.dropFirst(9))), raw: raw))</div>"
            } else if line.hasPrefix("##[job] ") {
                html += "<div class=\"line jobhead\">\(escape(String(line.dropFirst(8))))</div>"
            } else if !line.isEmpty {
                html += "<div class=\"line\">\(line.hasSuffix(cutSuffix) ? linked(ansi(String(line)), raw: raw) : ansi(String(line)))</div>"
            }
        }
        html += String(repeating: "</details>", count: openGroups)
        return html
    }

    /// How the markers of ``LogLimits`` end.
    private static let cutSuffix = "; download the raw log]"

    /// `html` with a marker's "download the raw log" made a link to `raw`.
    private static func linked(_ html: String, raw: String?) -> String {
        guard let raw, html.hasSuffix(escape(cutSuffix)) else { return html }
        return String(html.dropLast(escape(cutSuffix).count)) + "; <a href=\"\(escape(raw))\">download the raw log</a>]"
    }

    /// Escapes a line and turns SGR escape sequences into spans (other escapes are dropped).
    static func ansi(_ line: String) -> String {
        var line = line
        return line.withUTF8 { bytes in
            var html: [UInt8] = []
            html.reserveCapacity(bytes.count + 16)
            var classes: [String] = []
            var spanOpen = false
            // Text goes out escaped up to each escape sequence, which is dropped or becomes a span.
            var textStart = 0
            var index = 0
            while index < bytes.count {
                guard bytes[index] == 0x1B else {
                    index += 1
                    continue
                }
                appendEscaped(UnsafeBufferPointer(rebasing: bytes[textStart..<index]), to: &html)
                index += 1
                textStart = index
                guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { continue }
                index += 1
                let parametersStart = index
                var final: UInt8?
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if (0x40...0x7E).contains(byte) {
                        final = byte
                        break
                    }
                }
                textStart = index
                guard final == UInt8(ascii: "m") else { continue }
                let parameters = String(decoding: UnsafeBufferPointer(rebasing: bytes[parametersStart..<(index - 1)]), as: UTF8.self)
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
                if spanOpen { html += "</span>".utf8 }
                spanOpen = !classes.isEmpty
                if spanOpen { html += "<span class=\"\(classes.joined(separator: " "))\">".utf8 }
            }
            appendEscaped(UnsafeBufferPointer(rebasing: bytes[textStart..<bytes.count]), to: &html)
            if spanOpen { html += "</span>".utf8 }
            return String(decoding: html, as: UTF8.self)
        }
    }
}
