import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a route answers: a status and a body, or a response prepared once and shared.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let contentType: String
    public let body: [UInt8]
    /// Headers beyond Content-Type, such as `WWW-Authenticate`.
    public var headers: [(name: String, value: String)] = []
    /// Set for responses built once and queued many times (immutable data such as a schema by id).
    let prepared: PreparedResponse?

    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.prepared = nil
    }

    /// Wraps a prepared response; `body` is left empty since the bytes are already in `prepared`.
    public init(_ prepared: PreparedResponse) {
        self.status = prepared.status
        self.contentType = prepared.contentType
        self.body = []
        self.prepared = prepared
    }
}

/// A response whose bytes and libmicrohttpd response object are built once.
///
/// libmicrohttpd reference-counts response objects under a lock, so one object may be queued
/// from every pool thread at once; queuing it costs no copy. The bytes live in one buffer that
/// libmicrohttpd reads in place and frees itself when its last reference goes, which may be after
/// this object is gone while a connection is still sending them.
public final class PreparedResponse: @unchecked Sendable {
    public let status: Int
    public let contentType: String
    /// The size of the body in bytes.
    public let byteCount: Int
    // Immutable after init; the handle is only passed to MHD_queue_response, which is thread-safe for shared
    // responses. `bytes` stays valid while `handle` holds libmicrohttpd's reference, that is until deinit.
    private let bytes: UnsafeMutableRawPointer
    let handle: OpaquePointer?

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        byteCount = body.count
        let buffer = malloc(max(1, body.count))!
        body.withUnsafeBytes { source in
            if let start = source.baseAddress { buffer.copyMemory(from: start, byteCount: source.count) }
        }
        let response = MHD_create_response_from_buffer_with_free_callback(body.count, buffer, free)
        if let response {
            MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, contentType)
        } else {
            free(buffer)
        }
        bytes = buffer
        handle = response
    }

    /// A response of its own that reads this object's bytes in place, so that it can carry extra headers;
    /// this object must stay alive until libmicrohttpd has sent it.
    func makeUnsharedHandle(headers: [(name: String, value: String)]) -> OpaquePointer? {
        guard handle != nil, let response = MHD_create_response_from_buffer(byteCount, bytes, .RESPMEM_PERSISTENT) else {
            return nil
        }
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, contentType)
        for header in headers { MHD_add_response_header(response, header.name, header.value) }
        return response
    }

    /// A copy of the body (empty if libmicrohttpd could not create the response).
    public var body: [UInt8] {
        guard handle != nil else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: byteCount))
    }

    deinit {
        if let handle { MHD_destroy_response(handle) }
    }
}

/// A libmicrohttpd response holding a copy of `body`; nil only when memory runs out.
func makeMHDResponse(contentType: String, body: [UInt8], headers: [(name: String, value: String)],
                     closesConnection: Bool) -> OpaquePointer? {
    var body = body
    let response = body.withUnsafeMutableBytes { buffer in
        MHD_create_response_from_buffer(buffer.count, buffer.baseAddress, .RESPMEM_MUST_COPY)
    }
    guard let response else { return nil }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, contentType)
    for header in headers { MHD_add_response_header(response, header.name, header.value) }
    if closesConnection { MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close") }
    return response
}
