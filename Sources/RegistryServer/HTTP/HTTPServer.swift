import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd: a pool of epoll threads, keep-alive, bodies collected in memory.
public final class HTTPServer: @unchecked Sendable {
    // Everything here is immutable after init or atomic, so the pool threads may read this object freely.
    /// The running daemon's address; 0 once stopped, so that only one `stop` tears it down.
    private let daemonAddress = Atomic<Int>(0)
    private let responder: any HTTPResponder
    private let maxBodyBytes: Int
    private let inFlight = Atomic<Int>(0)
    private let requiresClientCertificate: Bool
    private let connections: ConnectionCount
    private let blockingWork: BlockingWorkPool
    /// The PEM texts handed to libmicrohttpd, which keeps pointers to them: freed only after the daemon stops.
    private let tlsStrings: [UnsafeMutablePointer<CChar>]
    /// The port actually bound (differs from the configured one when that was 0).
    public private(set) var port: UInt16 = 0

    /// `connections` follows the number of open connections.
    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder,
                connections: ConnectionCount = ConnectionCount()) throws(HTTPServerError) {
        self.responder = responder
        self.connections = connections
        self.maxBodyBytes = max(0, configuration.maxBodyBytes)
        blockingWork = BlockingWorkPool(threads: configuration.blockingThreads)
        requiresClientCertificate = configuration.tls?.clientCAPEM != nil
        if let tls = configuration.tls {
            try tls.validate()
            tlsStrings = [tls.keyPEM, tls.certificatePEM, tls.clientCAPEM].compactMap { $0 }.map { strdup($0)! }
        } else {
            tlsStrings = []
        }
        let daemon: OpaquePointer
        do {
            daemon = try start(configuration)
        } catch {
            for string in tlsStrings { free(string) }
            blockingWork.shutDown()
            throw error
        }
        daemonAddress.store(Int(bitPattern: UnsafeRawPointer(daemon)), ordering: .releasing)
        port = Self.boundPort(of: daemon) ?? configuration.port
    }

    deinit {
        stop()
        for string in tlsStrings { free(string) }
    }

    private func start(_ configuration: HTTPServerConfiguration) throws(HTTPServerError) -> OpaquePointer {
        guard var address = SocketAddress(host: configuration.host, port: configuration.port) else {
            throw .unresolvableHost(configuration.host)
        }
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ERROR_LOG.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        if configuration.tls != nil { flags |= MHD_USE_TLS.rawValue }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let started = address.withSockaddr { bindAddress in
            var options = [
                MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, configuration.threads), ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: max(1, configuration.idleTimeoutSeconds), ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_LIMIT, value: max(1, configuration.connectionLimit), ptr_value: nil),
                MHD_OptionItem(option: .PER_IP_CONNECTION_LIMIT, value: max(0, configuration.perIPConnectionLimit), ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: max(4096, configuration.connectionMemoryBytes), ptr_value: nil),
                MHD_OptionItem(option: .URI_LOG_CALLBACK, value: unsafeBitCast(requestStarted, to: Int.self), ptr_value: context),
                MHD_OptionItem(option: .NOTIFY_COMPLETED, value: unsafeBitCast(requestCompleted, to: Int.self), ptr_value: context),
                MHD_OptionItem(option: .NOTIFY_CONNECTION, value: unsafeBitCast(connectionNotified, to: Int.self), ptr_value: context),
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(mutating: bindAddress)),
            ]
            if configuration.tls != nil {
                options.append(MHD_OptionItem(option: .HTTPS_MEM_KEY, value: 0, ptr_value: tlsStrings[0]))
                options.append(MHD_OptionItem(option: .HTTPS_MEM_CERT, value: 0, ptr_value: tlsStrings[1]))
                if tlsStrings.count > 2 {
                    options.append(MHD_OptionItem(option: .HTTPS_MEM_TRUST, value: 0, ptr_value: tlsStrings[2]))
                }
            }
            options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
            return options.withUnsafeMutableBufferPointer { buffer in
                cmhd_start_daemon(flags, configuration.port, accessHandler, context, buffer.baseAddress)
            }
        }
        guard let started else { throw .startFailed(host: configuration.host, port: configuration.port) }
        return started
    }

    /// Stops accepting, lets requests in progress finish (up to `gracePeriod` seconds), then closes every connection.
    public func stop(gracePeriod: Double = 10) {
        let address = daemonAddress.exchange(0, ordering: .acquiringAndReleasing)
        guard address != 0, let daemon = OpaquePointer(bitPattern: address) else { return }
        let listenSocket = MHD_quiesce_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        var waited = 0.0
        while inFlight.load(ordering: .acquiring) > 0 && waited < gracePeriod {
            usleep(5_000)
            waited += 0.005
        }
        // Every suspended connection must be resumed before the daemon stops: wait for their work to end.
        blockingWork.shutDown()
        MHD_stop_daemon(daemon)
    }

    /// How much of an oversized body without a declared length is read and dropped before the connection is cut.
    private static let drainAllowance = 64 << 20

    /// Requests whose headers have arrived and whose response has not been fully sent yet.
    public var requestsInProgress: Int { inFlight.load(ordering: .relaxed) }

    private static func boundPort(of daemon: OpaquePointer) -> UInt16? {
        guard let info = cmhd_daemon_info(daemon, .DAEMON_INFO_LISTEN_FD) else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(info.pointee.listen_fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        return SocketAddress.port(of: storage)
    }

    // MARK: Request life cycle (called on pool threads)

    fileprivate func begin(target: String) -> RequestState {
        inFlight.add(1, ordering: .relaxed)
        return RequestState(target: target)
    }

    fileprivate func end() {
        inFlight.subtract(1, ordering: .releasing)
    }

    fileprivate func connectionChanged(opened: Bool) {
        if opened { connections.opened() } else { connections.closed() }
    }

    fileprivate func handle(connection: OpaquePointer, method: String, state: RequestState, upload: UnsafePointer<CChar>?,
                            uploadSize: UnsafeMutablePointer<Int>) -> MHD_Result {
        // What libmicrohttpd passes in `upload` is taken whole: setting the size to 0 says so.
        let received = uploadSize.pointee
        switch state.phase {
        case .started:
            // Answering on this first call would make libmicrohttpd drop keep-alive; only an oversized
            // declared body is answered now, before it is read, and that connection closes anyway.
            if requiresClientCertificate && !hasVerifiedClientCertificate(connection) {
                state.phase = .answeredEarly
                return queue(responder.clientCertificateRequired(), on: connection, closing: true)
            }
            if let declared = header(connection, "Content-Length").flatMap({ Int($0) }) {
                if declared > maxBodyBytes {
                    state.phase = .answeredEarly
                    return queue(responder.payloadTooLarge(limit: maxBodyBytes), on: connection, closing: true)
                }
                state.body.reserveCapacity(declared)
            }
            state.phase = .receiving
            return .YES
        case .answeredEarly, .answering:
            uploadSize.pointee = 0
            return .YES
        case .answered(let response):
            // Called again after `resume`: the blocking thread's answer is ready.
            state.phase = .answering
            return queue(response, on: connection, closing: false)
        case .discarding(let dropped):
            // libmicrohttpd accepts a response only before the body or after all of it, so a body without a
            // declared length is read to its end and dropped; past a hard cap the connection is cut instead.
            guard received > 0 else { return queue(responder.payloadTooLarge(limit: maxBodyBytes), on: connection, closing: false) }
            uploadSize.pointee = 0
            state.phase = .discarding(dropped: dropped + received)
            return dropped + received > maxBodyBytes + Self.drainAllowance ? .NO : .YES
        case .receiving:
            if received > 0 {
                uploadSize.pointee = 0
                if state.body.count + received > maxBodyBytes {
                    state.phase = .discarding(dropped: state.body.count + received)
                    state.body = []
                } else if let upload {
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: upload, count: received))
                }
                return .YES
            }
            state.phase = .answering
            let request = HTTPRequest(
                method: method, target: state.target, contentType: header(connection, "Content-Type"), body: state.body,
                authorization: header(connection, "Authorization"), requestID: header(connection, "X-Request-ID"),
                accept: header(connection, "Accept"))
            state.body = []
            if method != "GET" && method != "HEAD" {
                answerOnBlockingThread(request, connection: connection, state: state)
                return .YES
            }
            return queue(responder.respond(to: request), on: connection, closing: false)
        }
    }

    /// Suspends the connection while a blocking thread answers `request`, then resumes it; libmicrohttpd
    /// then calls the handler again, which sends the answer. Until then no other thread touches `state`.
    private func answerOnBlockingThread(_ request: HTTPRequest, connection: OpaquePointer, state: RequestState) {
        MHD_suspend_connection(connection)
        let suspended = SuspendedRequest(connection: connection, state: state)
        let answer: @Sendable () -> Void = { [responder] in
            suspended.state.phase = .answered(responder.respond(to: request))
            MHD_resume_connection(suspended.connection)
        }
        // While the server stops, the pool takes no more work and a late request is answered here.
        if !blockingWork.submit(answer) { answer() }
    }

    private func header(_ connection: OpaquePointer, _ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }

    private func queue(_ response: HTTPResponse, on connection: OpaquePointer, closing: Bool) -> MHD_Result {
        guard let handle = makeMHDResponse(response, closesConnection: closing) else { return .NO }
        defer { MHD_destroy_response(handle) }
        return MHD_queue_response(connection, UInt32(response.status), handle)
    }
}

/// A suspended connection and its request, handed to a blocking thread until it resumes the connection.
private struct SuspendedRequest: @unchecked Sendable {
    // @unchecked: while suspended, libmicrohttpd does not touch the connection and calls no handler for
    // it, so the blocking thread is the only one using either until `MHD_resume_connection`, whose
    // lock orders its writes before the handler's next call.
    let connection: OpaquePointer
    let state: RequestState
}

/// Per-request state, created when the request line arrives and freed when libmicrohttpd reports completion.
private final class RequestState {
    /// The request target exactly as sent (not percent-decoded), with its query string.
    let target: String
    var phase = RequestPhase.started
    var body: [UInt8] = []

    init(target: String) { self.target = target }
}

/// Where a request is between libmicrohttpd's calls to the access handler.
private enum RequestPhase {
    /// The headers have arrived and the handler has not been called yet.
    case started
    /// Collecting the body, until a call brings no more of it.
    case receiving
    /// The body outgrew the limit without declaring its length: the rest is read and dropped (`dropped` bytes
    /// so far), then answered with 413.
    case discarding(dropped: Int)
    /// Answered before the body was read; whatever still arrives is ignored and the connection closes.
    case answeredEarly
    /// The request is complete and being answered: on a blocking thread while the connection is suspended,
    /// or already queued.
    case answering
    /// A blocking thread's answer, queued when libmicrohttpd calls the handler again after the resume.
    case answered(HTTPResponse)
}

private typealias URILogCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer?

/// Receives the raw request target before libmicrohttpd decodes it; its result becomes the request's context.
private let requestStarted: URILogCallback = { context, uri, _ in
    guard let context else { return nil }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let target = uri.map { String(cString: $0) } ?? "/"
    return Unmanaged.passRetained(server.begin(target: target)).toOpaque()
}

private let requestCompleted: MHD_RequestCompletedCallback = { context, _, requestContext, _ in
    guard let context, let requestContext, let state = requestContext.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(state).release()
    requestContext.pointee = nil
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().end()
}

private let connectionNotified: MHD_NotifyConnectionCallback = { context, _, _, code in
    guard let context else { return }
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
        .connectionChanged(opened: code == .CONNECTION_NOTIFY_STARTED)
}

private let accessHandler: MHD_AccessHandlerCallback = { context, connection, _, method, _, upload, uploadSize, requestContext in
    guard let context, let connection, let uploadSize, let requestContext, let statePointer = requestContext.pointee else {
        return .NO
    }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let state = Unmanaged<RequestState>.fromOpaque(statePointer).takeUnretainedValue()
    let methodName = method.map { String(cString: $0) } ?? "GET"
    return server.handle(connection: connection, method: methodName, state: state, upload: upload, uploadSize: uploadSize)
}
