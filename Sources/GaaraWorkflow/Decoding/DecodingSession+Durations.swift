/// Durations as deploy.yml and alerts.yml write them.
extension DecodingSession {
    /// Seconds from `30s`, `2m`, `1h30m`, `500ms` or a number; an error at the node when it is none of these.
    mutating func duration(_ node: YAMLNode, _ what: String) -> Double? {
        guard let text = node.scalarText, node.items == nil, let seconds = DeployConfigLoader.seconds(text) else {
            error(
                "\(what) must be a duration (30s, 2m, 1h30m, 500ms) or seconds, found \(node.scalarText.map { "'\($0)'" } ?? node.kindDescription)",
                at: node.location)
            return nil
        }
        return seconds
    }

    /// A duration above 0.
    mutating func positiveDuration(_ node: YAMLNode, _ what: String) -> Double? {
        guard let seconds = duration(node, what) else { return nil }
        guard seconds > 0 else {
            error("\(what) must be longer than 0", at: node.location)
            return nil
        }
        return seconds
    }
}
