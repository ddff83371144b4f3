import Foundation

/// A time series as an SVG line chart, rendered on the server so a page shows it without
/// JavaScript: the line, its axis bounds in words, and markers (a deploy, a rollback) as labelled
/// vertical lines, so a person sees "the error rate went up at web-42, rolled back 20 s later".
public enum SVGChart {
    /// A moment drawn across the chart.
    public struct Marker: Sendable, Equatable {
        /// When (seconds since the epoch).
        public var time: Double
        /// What happened (`web-42 deployed`).
        public var label: String
        /// `deployed` or `rolled-back` (its class: a dashed or a solid line, never colour alone).
        public var kind: String

        /// Creates a marker.
        public init(time: Double, label: String, kind: String) {
            self.time = time
            self.label = label
            self.kind = kind
        }
    }

    static let width = 640.0
    static let height = 160.0
    static let left = 56.0
    static let right = 8.0
    static let top = 20.0
    static let bottom = 22.0

    /// The chart of `points` (time, value) from `from` to `to`, values shown with `format`.
    public static func render(
        title: String, points: [(time: Double, value: Double)], markers: [Marker], from: Double, to: Double, format: (Double) -> String
    ) -> String {
        let span = Swift.max(to - from, 1)
        let peak = points.map(\.value).max() ?? 0
        let top = peak > 0 ? peak * 1.1 : 1
        let plotWidth = width - left - right
        let plotHeight = height - Self.top - bottom
        func x(_ time: Double) -> Double { left + (time - from) / span * plotWidth }
        func y(_ value: Double) -> Double { Self.top + plotHeight - value / top * plotHeight }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(escape(title))">\
            <title>\(escape(title))</title>\
            <text x="\(number(left))" y="14" class="chart-title">\(escape(title))</text>\
            <line x1="\(number(left))" y1="\(number(y(0)))" x2="\(number(width - right))" y2="\(number(y(0)))" class="axis"/>\
            <line x1="\(number(left))" y1="\(number(Self.top))" x2="\(number(left))" y2="\(number(y(0)))" class="axis"/>\
            <text x="\(number(left - 4))" y="\(number(y(0)))" text-anchor="end" class="tick">\(escape(format(0)))</text>\
            <text x="\(number(left - 4))" y="\(number(Self.top + 8))" text-anchor="end" class="tick">\(escape(format(top)))</text>\
            <text x="\(number(left))" y="\(number(height - 6))" class="tick">\(clock(from))</text>\
            <text x="\(number(width - right))" y="\(number(height - 6))" text-anchor="end" class="tick">\(clock(to))</text>
            """
        if points.isEmpty {
            svg +=
                "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(Self.top + plotHeight / 2))\" text-anchor=\"middle\" class=\"tick\">no data</text>"
        } else {
            let line = points.sorted { $0.time < $1.time }.map { "\(number(x($0.time))),\(number(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(line)\" class=\"series\" fill=\"none\"/>"
            // Few points (a fresh series, a sparse one): each as a dot too, so a single minute shows.
            if points.count <= 60 {
                svg += points.map { "<circle cx=\"\(number(x($0.time)))\" cy=\"\(number(y($0.value)))\" r=\"2.5\" class=\"point\"/>" }.joined()
            }
        }
        for marker in markers where marker.time >= from && marker.time <= to {
            let at = number(x(marker.time))
            svg += """
                <g class="marker \(escape(marker.kind))"><title>\(escape(marker.label))</title>\
                <line x1="\(at)" y1="\(number(Self.top))" x2="\(at)" y2="\(number(y(0)))"\(marker.kind == "deployed" ? " stroke-dasharray=\"4 3\"" : "")/>\
                <text x="\(at)" y="\(number(Self.top - 2))" class="tick">\(escape(marker.label))</text></g>
                """
        }
        return svg + "</svg>"
    }

    /// `17:42` in UTC.
    static func clock(_ time: Double) -> String {
        let seconds = Int(time) % 86400
        return String(format: "%02d:%02d", seconds / 3600, seconds % 3600 / 60)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
