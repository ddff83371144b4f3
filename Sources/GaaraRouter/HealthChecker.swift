import Foundation
import GaaraRouterCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Runs the active health checks: each target of a service with a ``HealthCheck`` gets a `GET` of
/// the check's path every interval; the answers move it through adding → healthy ⇄ unhealthy by the
/// thresholds. Also retires targets no service lists any more once their last request finished.
public struct HealthChecker: Sendable {
    let table: RoutingTable
    let group: any EventLoopGroup

    /// A checker for `table`'s targets, connecting on `group`'s loops.
    public init(table: RoutingTable, group: any EventLoopGroup) {
        self.table = table
        self.group = group
    }

    /// Checks until the task is cancelled.
    public func run() async {
        var due: [TargetAddress: Double] = [:]
        let busy = Busy()
        await withDiscardingTaskGroup { tasks in
            while !Task.isCancelled {
                let now = ProxyHandler.monotonicSeconds()
                table.sweep()
                var wanted: [TargetAddress: HealthCheck] = [:]
                for service in table.snapshot.services {
                    guard let check = service.config.healthCheck else { continue }
                    for group in service.groups { for target in group.targets { wanted[target.address] = check } }
                }
                due = due.filter { wanted[$0.key] != nil }
                for (address, check) in wanted where due[address].map({ now >= $0 }) ?? true {
                    guard let target = table.target(address), busy.set.withLock({ $0.insert(address).inserted }) else { continue }
                    due[address] = now + max(0.05, check.interval)
                    tasks.addTask {
                        let ok = await probe(address, path: check.path, timeout: check.timeout)
                        target.updateHealth { _ = $0.checked(ok: ok, settings: check.settings) }
                        _ = busy.set.withLock { $0.remove(address) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            tasks.cancelAll()
        }
    }

    /// `GET path` on a new connection: true for a 2xx or 3xx answer within `timeout` seconds.
    func probe(_ address: TargetAddress, path: String, timeout: Double) async -> Bool {
        let loop = group.next()
        let promise = loop.makePromise(of: Int.self)
        let deadline = loop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { promise.fail(ChannelError.connectTimeout(.zero)) }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(StatusCatcher(promise: promise))
                }
            }
        bootstrap.connect(host: address.host, port: address.port).whenComplete { result in
            switch result {
            case .success(let channel):
                var headers = HTTPHeaders()
                headers.add(name: "host", value: address.description)
                headers.add(name: "user-agent", value: "gaara-router-health")
                headers.add(name: "connection", value: "close")
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            case .failure(let error):
                promise.fail(error)
            }
        }
        let status = try? await promise.futureResult.get()
        deadline.cancel()
        return status.map { (200..<400).contains($0) } ?? false
    }
}

/// The targets being checked now.
private final class Busy: Sendable {
    let set = Mutex<Set<TargetAddress>>([])
}

/// Completes a promise with the status of the first response head (or fails when the connection closes first).
private final class StatusCatcher: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<Int>

    init(promise: EventLoopPromise<Int>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { promise.succeed(Int(head.status.code)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
