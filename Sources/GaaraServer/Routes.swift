import Crypto
import Foundation
import GaaraAPI
import GaaraDeployCore
import HTTPTypes
import Hummingbird
import Synchronization

/// One documented route: what the OpenAPI document and the authorization test are built from.
struct RouteDescription: Sendable {
    let method: HTTPRequest.Method
    /// OpenAPI-style path (`/api/runs/{id}`).
    let path: String
    let access: Access
    let summary: String
    /// Query parameters it reads.
    let query: [String]
    /// The request body schema name, if it takes one.
    let body: String?
    /// The response schema name (or `text`, `event-stream`, `binary`).
    let response: String
    /// Success status.
    let status: Int
}

/// Collects the routes as they are registered.
final class RouteRegistry: Sendable {
    private let entries = Mutex<[RouteDescription]>([])

    func add(_ route: RouteDescription) { entries.withLock { $0.append(route) } }

    var routes: [RouteDescription] { entries.withLock { $0 } }
}

/// Who is calling.
struct Caller: Sendable {
    /// The role of the presented token, nil without one.
    let role: Role?
    /// The token's name, for `actor` fields.
    let name: String
    /// The stored token's id (nil without one, and for the data directory's `local:` key), so
    /// what it opened can be ended when it is revoked.
    var tokenID: Int64? = nil
}

extension CIServer {
    /// Registers `path` for `method` with its access rule checked before `handler` runs, and documents it.
    func route(
        _ router: Router<BasicRequestContext>, _ registry: RouteRegistry, _ method: HTTPRequest.Method, _ path: String, _ access: Access,
        _ summary: String, query: [String] = [], body: String? = nil, response: String, status: Int = 200,
        _ handler: @escaping @Sendable (Request, BasicRequestContext, Caller) async throws -> Response
    ) {
        registry.add(
            RouteDescription(
                method: method, path: path, access: access, summary: summary, query: query, body: body, response: response, status: status))
        router.on(RouterPath(path), method: method) { [self] request, context in
            let caller = await caller(of: request)
            if case .role(let needed) = access {
                guard let role = caller.role else {
                    throw HTTPError(
                        .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"gaara\""],
                        message: "this route needs a token (Authorization: Bearer …) with role \(needed.rawValue) or higher")
                }
                guard role >= needed else {
                    throw HTTPError(.forbidden, message: "this route needs role \(needed.rawValue) or higher; the token has \(role.rawValue)")
                }
            }
            return try await handler(request, context, caller)
        }
    }

    /// The caller's token from `Authorization: Bearer`, `Authorization: token`, or the dashboard cookie.
    func caller(of request: Request) async -> Caller {
        var token: String?
        if let header = request.headers[.authorization] {
            for prefix in ["Bearer ", "bearer ", "token "] where header.hasPrefix(prefix) { token = String(header.dropFirst(prefix.count)) }
        } else if let cookies = request.headers[.cookie] {
            for part in cookies.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("gaara_token=") { token = String(pair.dropFirst("gaara_token=".count)) }
            }
        }
        if let token, token.hasPrefix("local:") {
            // Only in the Authorization header (never a cookie), and only while fresh.
            guard request.headers[.authorization] != nil, let key = try? hookKey(), Self.isValidLocalToken(token, key: key, now: Date()) else {
                return Caller(role: nil, name: "anonymous")
            }
            return Caller(role: .admin, name: "local")
        }
        guard let token, let role = await tokens.role(of: token) else { return Caller(role: nil, name: "anonymous") }
        let record = try? await store.token(hash: TokenAuthority.hash(token))
        return Caller(role: role, name: record?.name ?? role.rawValue, tokenID: record?.id)
    }
}

extension CIServer {
    /// The admin credential of whoever can read the data directory's `hook.key` (mode 0600 in a
    /// 0700 folder: the server's user, never a step), so `gaara repo add` on the server's machine
    /// needs no token: `local:TIME:` and an HMAC of the time. It is good for five minutes either
    /// side of `time`, so a copy that leaks (a log, a proxy) soon stops working.
    public static func localToken(key: Data, time: Date = Date()) -> String {
        let seconds = Int(time.timeIntervalSince1970)
        return "local:\(seconds):" + localMAC(key: key, seconds: seconds)
    }

    /// Whether `token` is a ``localToken(key:time:)`` of `key` made within five minutes of `now`.
    static func isValidLocalToken(_ token: String, key: Data, now: Date) -> Bool {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Int(parts[1]), abs(Double(seconds) - now.timeIntervalSince1970) <= 300 else { return false }
        return Webhooks.constantTimeEqual(Data(parts[2].utf8), Data(localMAC(key: key, seconds: seconds).utf8))
    }

    private static func localMAC(key: Data, seconds: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("gaara-local-admin:\(seconds)".utf8), using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// Response helpers.
enum Reply {
    /// A JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var data = try APICoding.encode(value)
        data.append(0x0A)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A plain-text response.
    static func text(_ text: String, status: HTTPResponse.Status = .ok, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML page.
    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        text(html, status: status, type: "text/html; charset=utf-8")
    }

    /// Reads and decodes a JSON body: 413 when too large, 400 with the reason when it does not decode.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw HTTPError(.contentTooLarge, message: "the request body is larger than \(limit) bytes")
        }
        do {
            return try APICoding.decode(type, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw HTTPError(.badRequest, message: "invalid JSON body: missing '\(snake(key.stringValue))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw HTTPError(.badRequest, message: "invalid JSON body: wrong type at '\(path(context.codingPath))'")
        } catch let DecodingError.valueNotFound(_, context) {
            throw HTTPError(.badRequest, message: "invalid JSON body: null at '\(path(context.codingPath))'")
        } catch {
            throw HTTPError(.badRequest, message: "invalid JSON body: not a JSON object of the expected shape")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? snake($0.stringValue) }.joined(separator: ".")
    }

    private static func snake(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A path parameter, percent-decoded (`a%20b` is `a b`); empty when absent. The router hands
    /// parameters over as they were in the URL.
    static func parameter(_ context: BasicRequestContext, _ name: String) -> String {
        guard let raw = context.parameters.get(name) else { return "" }
        return raw.removingPercentEncoding ?? raw
    }

    /// `text` percent-encoded as one path segment (unreserved characters stay as they are).
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// An integer path parameter, 400 when it is not one.
    static func integer(_ context: BasicRequestContext, _ name: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let value = Int64(text), value > 0 else {
            throw HTTPError(.badRequest, message: "'\(context.parameters.get(name) ?? "")' is not a valid \(name)")
        }
        return value
    }
}
