import Hummingbird

extension TriggerError {
    /// The HTTP answer to a refused trigger: the one place its kind becomes a status.
    var httpError: HTTPError {
        let status: HTTPResponse.Status =
            switch kind {
            case .invalidUpdate: .badRequest
            case .unknownWorkflow: .notFound
            case .unknownRef, .unacceptedWorkflow, .invalidInputs: .unprocessableContent
            }
        return HTTPError(status, message: description)
    }
}

extension CIServer {
    /// Runs a trigger for a route handler, answering its refusal with the status that fits.
    func triggering<Result>(_ trigger: () async throws -> Result) async throws -> Result {
        do {
            return try await trigger()
        } catch let error as TriggerError {
            throw error.httpError
        }
    }
}
