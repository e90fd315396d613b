import JSON
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An answer from the server: status, headers (names lowercased) and body.
struct HTTPReply {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON; `.null` when it is not JSON, so a test expectation fails instead of crashing.
    var json: JSONValue { (try? JSONParser.parse(bytes: body)) ?? .null }

    /// `error_code` of a Confluent error body.
    var errorCode: Int? { json.objectValue?["error_code"]?.numberValue?.int64Value.map(Int.init) }
    var message: String? { json.objectValue?["message"]?.stringValue }
}

struct HTTPClientError: Error, CustomStringConvertible {
    let description: String
}

/// A small blocking HTTP/1.1 client on one TCP connection, reused across requests (keep-alive).
///
/// Written on raw sockets so tests can see exactly what goes over the wire: whether the connection
/// stays open, what happens to an oversized body, and how a percent-encoded path is sent.
final class HTTPConnection {
    private var descriptor: Int32 = -1
    let port: Int
    private var pending: [UInt8] = []
    /// How many TCP connections this client has opened.
    private(set) var connectionsOpened = 0

    init(port: Int) { self.port = port }

    deinit { close() }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
        pending = []
    }

    private func connect() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPClientError(description: "socket failed") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw HTTPClientError(description: "cannot connect to port \(port)")
        }
        descriptor = fd
        connectionsOpened += 1
    }

    /// Sends a request (the target is sent exactly as given) and reads the answer.
    func send(_ method: String, _ target: String, body: [UInt8]? = nil,
              contentType: String? = "application/vnd.schemaregistry.v1+json", headers: [String: String] = [:]) throws -> HTTPReply {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if let body {
            if let contentType { head += "Content-Type: \(contentType)\r\n" }
            head += "Content-Length: \(body.count)\r\n"
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try write(Array(head.utf8) + (body ?? []))
        return try readReply(method: method)
    }

    func send(_ method: String, _ target: String, json: JSONValue) throws -> HTTPReply {
        try send(method, target, body: Array(JSONWriter.write(json).utf8))
    }

    /// Writes raw bytes on the connection (opening it if needed).
    func write(_ bytes: [UInt8]) throws {
        if descriptor < 0 { try connect() }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 {
                throw HTTPClientError(description: "write failed (errno \(errno))")
            }
            offset += written
        }
    }

    /// Reads one response; `method` tells whether a body follows (not for HEAD).
    func readReply(method: String = "GET") throws -> HTTPReply {
        guard let headerEnd = try readUntil([13, 10, 13, 10]) else {
            throw HTTPClientError(description: "connection closed before a response")
        }
        let head = String(decoding: pending[..<headerEnd], as: UTF8.self)
        pending.removeFirst(headerEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw HTTPClientError(description: "bad status line: \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = method == "HEAD" ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while pending.count < length {
            guard try fill() else { throw HTTPClientError(description: "connection closed inside a body") }
        }
        let body = Array(pending[..<length])
        pending.removeFirst(length)
        if headers["connection"]?.lowercased() == "close" { close() }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    /// True when the server has closed the connection (reads end of stream within `timeout` seconds).
    func serverClosed(within timeout: Int) -> Bool {
        guard descriptor >= 0 else { return true }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK)) <= 0
    }

    /// True when something (data or the end of the stream) can be read within `timeout` seconds.
    func canRead(within timeout: Double) -> Bool {
        guard descriptor >= 0 else { return true }
        if !pending.isEmpty { return true }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, Int32(timeout * 1000)) > 0
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int? {
        var searchFrom = 0
        while true {
            if pending.count >= marker.count {
                for start in searchFrom...(pending.count - marker.count) where pending[start..<start + marker.count].elementsEqual(marker) {
                    return start
                }
                searchFrom = pending.count - marker.count + 1
            }
            guard try fill() else { return nil }
        }
    }

    private func fill() throws -> Bool {
        guard descriptor >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw HTTPClientError(description: "read failed (errno \(errno))") }
        if count == 0 { return false }
        pending.append(contentsOf: buffer[..<count])
        return true
    }
}

/// Percent-encodes a subject for a path segment the way clients do (everything but unreserved characters).
func encodedSegment(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
