import Foundation
import GaaraAPI
import GaaraStore
import HummingbirdTesting
import NIOCore
import Testing

@testable import GaaraServer

/// The API through the composition root, in process (Hummingbird's router test client): the same
/// application `gaara serve` runs, without a port or a process.
struct InProcessAPITests {
    static func makeServer() throws -> (CIServer, URL) {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-inprocess-\(UUID().uuidString)")
        var configuration = ServerConfiguration(dataDirectory: data, executable: "/bin/true")
        configuration.isolation = .none
        return (try CIServer(configuration: configuration), data)
    }

    @Test func theAPIAnswersInProcessWithTheSharedTypes() async throws {
        let (server, data) = try Self.makeServer()
        defer { try? FileManager.default.removeItem(at: data) }
        let app = try await server.buildApplication()
        let (token, _) = try await server.tokens.create(name: "ci", role: .admin)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/tokens", method: .get) { response in
                #expect(response.status == .unauthorized)
                let error = try? APICoding.decode(ErrorBody.self, from: Data(buffer: response.body))
                #expect(error?.error.message.isEmpty == false)
            }
            try await client.execute(uri: "/api/tokens", method: .get, headers: [.authorization: "Bearer " + token]) { response in
                #expect(response.status == .ok)
                let tokens = (try? APICoding.decode([TokenJSON].self, from: Data(buffer: response.body))) ?? []
                #expect(tokens.map(\.name).contains("ci"))
                #expect(tokens.allSatisfy { $0.token == nil }, "a token's value is shown once, at creation")
            }
            try await client.execute(uri: "/api/deliveries?state=lost", method: .get, headers: [.authorization: "Bearer " + token]) {
                response in
                #expect(response.status == .badRequest)
            }
            let body = try APICoding.encode(CreateRepositoryBody(name: "app", upstream: "octo/app"))
            try await client.execute(
                uri: "/api/repos", method: .post, headers: [.authorization: "Bearer " + token, .contentType: "application/json"],
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .created)
                let repository = try? APICoding.decode(RepositoryJSON.self, from: Data(buffer: response.body))
                #expect(repository?.name == "app" && repository?.upstream == "octo/app" && repository?.defaultBranch == "main")
            }
        }
    }
}
