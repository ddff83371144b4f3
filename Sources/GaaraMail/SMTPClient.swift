import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends email over SMTP on SwiftNIO: ``SMTPDialogue`` decides, this moves the bytes — TLS from
/// the start or after STARTTLS through NIOSSL, with the system's certificate authorities (and the
/// settings' own), the server's name checked against its certificate.
public struct SMTPMailer: Mailer {
    /// The server.
    public let settings: SMTPSettings
    let logger: Logger

    /// A mailer for `settings`.
    public init(settings: SMTPSettings, logger: Logger = Logger(label: "gaara.mail")) {
        self.settings = settings
        self.logger = logger
    }

    /// Connects, converses, closes; throws with the kind of failure and the server's reply.
    public func send(_ message: EmailMessage) async throws(MailError) {
        try message.validate()
        let tls: NIOSSLContext?
        do {
            tls = settings.security == .none ? nil : try Self.context(caFile: settings.caFile)
        } catch {
            throw MailError(.tls, "the TLS settings cannot be used", cause: error)
        }
        let credentials = settings.username.map { (username: $0, password: settings.password ?? "") }
        let dialogue = SMTPDialogue(
            name: settings.heloName, security: settings.security, credentials: credentials, sender: EmailMessage.address(of: message.from),
            recipients: message.to.map(EmailMessage.address(of:)), payload: message.rendered())
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: Void.self)
        let host = settings.host
        let serverName = Self.isAddress(host) ? nil : host
        let implicitTLS = settings.security == .tls
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(settings.timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPConnectionHandler(dialogue: dialogue, tls: tls, serverName: serverName, promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: settings.port).get()
        } catch {
            promise.fail(error)
            throw MailError(.connection, "cannot connect to \(host):\(settings.port)", cause: error)
        }
        let timeout = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(settings.timeout * 1000))) {
            promise.fail(MailError(.timeout, "the server did not finish within \(Int(settings.timeout)) s"))
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        do {
            try await promise.futureResult.get()
            logger.debug("mail sent", metadata: ["to": "\(message.to)", "server": "\(host):\(settings.port)"])
        } catch let error as MailError {
            throw error
        } catch {
            throw MailError(.connection, "the connection to \(host):\(settings.port) failed", cause: error)
        }
    }

    static func context(caFile: String?) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile { configuration.additionalTrustRoots = [.file(caFile)] }
        return try NIOSSLContext(configuration: configuration)
    }

    /// An IP address is checked against the certificate's IP names and cannot be sent as SNI.
    static func isAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}

/// Splits the server's bytes into lines, feeds the replies to the dialogue and carries out its actions.
final class SMTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var dialogue: SMTPDialogue
    private var parser = SMTPReplyParser()
    private var pending: [UInt8] = []
    private let tls: NIOSSLContext?
    private let serverName: String?
    private let promise: EventLoopPromise<Void>
    private var completed = false

    init(dialogue: SMTPDialogue, tls: NIOSSLContext?, serverName: String?, promise: EventLoopPromise<Void>) {
        self.dialogue = dialogue
        self.tls = tls
        self.serverName = serverName
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        // A reply longer than this is no reply: RFC 5321 bounds a line to 512 octets.
        guard pending.count < 65536 else { return finish(context, .failure(MailError(.protocol, "the server sent a line over 64 KiB"))) }
        while !completed, let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            do {
                guard let reply = try parser.feed(String(decoding: line, as: UTF8.self)) else { continue }
                perform(dialogue.receive(reply), context)
            } catch {
                finish(context, .failure(error))
            }
        }
    }

    private func perform(_ actions: [SMTPDialogue.Action], _ context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let text):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
            case .startTLS:
                guard let tls else { return finish(context, .failure(MailError(.tls, "STARTTLS without TLS settings"))) }
                do {
                    let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                    try context.pipeline.syncOperations.addHandler(handler, position: .first)
                } catch {
                    return finish(context, .failure(MailError(.tls, "cannot start TLS", cause: error)))
                }
            case .finished:
                finish(context, .success(()))
            case .failed(let kind, let message, let reply):
                finish(context, .failure(MailError(kind, message, reply: reply)))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A server may close right after accepting the message instead of answering QUIT.
        finish(
            context,
            dialogue.delivered ? .success(()) : .failure(MailError(.connection, "the server closed the connection before the message was sent")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let kind: MailError.Kind = error is NIOSSLError || error is BoringSSLError ? .tls : .connection
        finish(context, .failure(MailError(kind, kind == .tls ? "the TLS handshake failed" : "the connection failed", cause: error)))
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<Void, MailError>) {
        guard !completed else { return }
        completed = true
        promise.completeWith(result.mapError { $0 as any Error })
        context.close(promise: nil)
    }
}
