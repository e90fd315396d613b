import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 responder on 127.0.0.1 that answers with canned Confluent responses and records every request,
/// so client tests can count network calls, look at headers and provoke errors without a registry.
final class CannedRegistry: Sendable {
    struct Request: Sendable {
        var method: String
        /// Path and query as sent, still percent-encoded.
        var target: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: String
    }

    enum Answer: Sendable {
        case json(status: Int, body: String)
        /// Accept the request and never answer (until the responder stops), to provoke a timeout.
        case silence
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// What the listening threads share; the registry object itself stays free to be released, which stops them.
    private let core: Core

    init(_ handler: @escaping @Sendable (Request) -> Answer) throws {
        let (socket, port) = try Self.openListener()
        self.port = port
        core = Core(listener: socket, handler: handler)
        let core = core
        let thread = Thread { core.acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    var requests: [Request] { core.lock.withLock { core.recorded } }
    var requestCount: Int { requests.count }

    func stop() { core.stop() }

    /// A port on which nothing listens: connecting to it is refused.
    static func closedPort() throws -> Int {
        let (socket, port) = try openListener()
        close(socket)
        return port
    }

    private static func openListener() throws -> (Int32, Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }


    private final class Core: @unchecked Sendable {
        let listener: Int32
        let handler: @Sendable (Request) -> Answer
        let lock = NSLock()
        var recorded: [Request] = []
        var stopped = false

        init(listener: Int32, handler: @escaping @Sendable (Request) -> Answer) {
            self.listener = listener
            self.handler = handler
        }

        func stop() {
            let first = lock.withLock {
                defer { stopped = true }
                return !stopped
            }
            // Only wakes the accept loop, which closes the listener itself: closing it here could let its number be
            // reused by another test's socket while the loop still calls accept on it.
            if first { shutdown(listener, Int32(SHUT_RDWR)) }
        }

        #if canImport(Glibc)
        static let noSignal = Int32(MSG_NOSIGNAL)
        #else
        static let noSignal: Int32 = 0
        #endif

        func acceptLoop() {
            defer { close(listener) }
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR && !lock.withLock({ stopped }) { continue }
                    return
                }
                if lock.withLock({ stopped }) {
                    close(connection)
                    return
                }
                let thread = Thread { self.serve(connection) }
                thread.start()
            }
        }

        private func serve(_ connection: Int32) {
            defer { close(connection) }
            guard let request = CannedRegistry.read(connection) else { return }
            lock.withLock { recorded.append(request) }
            switch handler(request) {
            case .silence:
                while !lock.withLock({ stopped }) { usleep(20_000) }
            case .json(let status, let body):
                let bytes = Array(body.utf8)
                let head = "HTTP/1.1 \(status) Canned\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
                    + "Content-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
                let response = Array(head.utf8) + bytes
                var sent = 0
                while sent < response.count {
                    let n = response[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Self.noSignal) }
                    if n <= 0 { return }
                    sent += n
                }
            }
        }
    }

    fileprivate static func read(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let end = headerEnd, data.count >= end + contentLength { break }
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data += buffer[0..<n]
            if headerEnd == nil, let range = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
        }
        guard let end = headerEnd else { return nil }
        let head = String(decoding: data[..<(end - 4)], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let requestLine = lines.first else { return nil }
        let words = requestLine.split(separator: " ")
        guard words.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return Request(
            method: String(words[0]), target: String(words[1]), headers: headers,
            body: String(decoding: data[end...], as: UTF8.self))
    }
}
