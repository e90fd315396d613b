/// Answers complete requests. Called concurrently from the server's pool threads.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) -> HTTPResponse
    /// The answer to a request whose body is larger than the configured limit.
    func payloadTooLarge(limit: Int) -> HTTPResponse
}

public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 address or a host name to bind to.
    public var host: String
    /// 0 binds a free port; read it back from `HTTPServer.port`.
    public var port: UInt16
    /// Threads that accept, read and answer requests (each runs handlers to completion).
    public var threads: Int
    /// Request bodies larger than this are answered with `payloadTooLarge` and the connection is closed.
    public var maxBodyBytes: Int
    /// Idle keep-alive connections are closed after this many seconds.
    public var idleTimeoutSeconds: Int

    public init(host: String = "127.0.0.1", port: UInt16 = 8081, threads: Int = 4, maxBodyBytes: Int = 16 << 20,
                idleTimeoutSeconds: Int = 60) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }
}

public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    case unresolvableHost(String)
    case startFailed(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .unresolvableHost(let host): "cannot resolve the listen address '\(host)'"
        case .startFailed(let host, let port):
            "cannot listen on \(host):\(port) (address in use or not available; libmicrohttpd logged the cause)"
        }
    }
}
