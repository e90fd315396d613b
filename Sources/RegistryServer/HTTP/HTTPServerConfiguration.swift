/// Answers complete requests. Called concurrently from the server's pool threads.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) -> HTTPResponse
    /// The answer to a request whose body is larger than the configured limit.
    func payloadTooLarge(limit: Int) -> HTTPResponse
    /// The answer to a TLS client without a certificate signed by the trusted client CA (the connection then closes).
    func clientCertificateRequired() -> HTTPResponse
}

public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 address or a host name to bind to.
    public var host: String
    /// 0 binds a free port; read it back from `HTTPServer.port`.
    public var port: UInt16
    /// Threads that accept, read and answer requests (each runs handlers to completion).
    public var threads: Int
    /// Threads that answer requests that may change state (every method but GET and HEAD). Such a
    /// request waits for its commit to reach the disk; waiting here keeps the polling threads serving
    /// reads, and writes waiting at the same time are committed together.
    public var blockingThreads: Int
    /// Request bodies larger than this are answered with `payloadTooLarge` and the connection is closed.
    public var maxBodyBytes: Int
    /// Idle keep-alive connections, and connections that stop sending mid-request, are closed after this many seconds.
    public var idleTimeoutSeconds: Int
    /// Connections open at once; more are accepted and closed at once.
    public var connectionLimit: Int
    /// Connections open at once from one IP address; 0 means no per-address limit.
    public var perIPConnectionLimit: Int
    /// Bytes each connection may use for the request line and headers (and its read buffer); larger heads get 431.
    public var connectionMemoryBytes: Int
    /// nil serves plain HTTP.
    public var tls: TLSConfiguration?

    public init(host: String = "127.0.0.1", port: UInt16 = 8081, threads: Int = 4, blockingThreads: Int = 32,
                maxBodyBytes: Int = 16 << 20,
                idleTimeoutSeconds: Int = 60, connectionLimit: Int = 1000, perIPConnectionLimit: Int = 256,
                connectionMemoryBytes: Int = 32 << 10, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.threads = threads
        self.blockingThreads = blockingThreads
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionMemoryBytes = connectionMemoryBytes
        self.tls = tls
    }
}

public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    case unresolvableHost(String)
    case startFailed(host: String, port: UInt16)
    case invalidTLS(String)

    public var description: String {
        switch self {
        case .unresolvableHost(let host): "cannot resolve the listen address '\(host)'"
        case .startFailed(let host, let port):
            "cannot listen on \(host):\(port) (address in use or not available; libmicrohttpd logged the cause)"
        case .invalidTLS(let reason): reason
        }
    }
}
