/// What a route answers, free of any transport: a status, headers and the body's bytes.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let contentType: String
    /// Headers beyond Content-Type, such as `WWW-Authenticate`.
    public var headers: [(name: String, value: String)] = []
    public let body: ResponseBody

    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.init(status: status, contentType: contentType, body: .owned(body), headers: headers)
    }

    public init(status: Int, contentType: String, body: ResponseBody, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// The same answer with its bytes in a `SharedBytes`, for an answer kept and served many times.
    func sharingBody() -> HTTPResponse {
        guard case .owned(let bytes) = body else { return self }
        return HTTPResponse(status: status, contentType: contentType, body: .shared(SharedBytes(bytes)), headers: headers)
    }
}

/// A response body: bytes of its own, or bytes shared by every answer that carries them.
public enum ResponseBody: Sendable {
    case owned([UInt8])
    /// Immutable bytes made once (a cached answer); a transport may send them without a copy.
    case shared(SharedBytes)

    public var bytes: [UInt8] {
        switch self {
        case .owned(let bytes): bytes
        case .shared(let shared): shared.array
        }
    }

    public var count: Int {
        switch self {
        case .owned(let bytes): bytes.count
        case .shared(let shared): shared.count
        }
    }
}

/// Bytes that never change once made, in memory of their own: whoever holds a reference may read them in place,
/// as the HTTP layer does while a connection sends them.
public final class SharedBytes: @unchecked Sendable {
    // @unchecked: `start` is written once in init and only read afterwards.
    let start: UnsafeMutableRawPointer
    public let count: Int

    public init(_ bytes: [UInt8]) {
        count = bytes.count
        start = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { start.copyMemory(from: base, byteCount: source.count) }
        }
    }

    /// A copy of the bytes.
    public var array: [UInt8] { Array(UnsafeRawBufferPointer(start: start, count: count)) }

    deinit { start.deallocate() }
}
