/// Where alert samples come from (an I/O seam the adapters implement): the router's windows per
/// service, the deploy records, this machine's `/proc`.
public protocol MetricSource: Sendable {
    /// The current samples.
    func samples() async -> [MetricSample]
}
