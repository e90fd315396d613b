import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange with one registry URL, below failover, authentication and JSON.
struct HTTPRequest: Sendable {
    var method: String
    /// Path and query, already percent-encoded, starting with "/".
    var pathAndQuery: String
    var headers: [String: String]
    var body: [UInt8]?
}

struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

/// Why no HTTP response came back; both kinds make the client try the next URL.
enum TransportFailure: Error {
    case unreachable(String)
    case timedOut(String)
}

protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, to baseURL: URL, timeout: Duration) async throws(TransportFailure) -> HTTPResponse
}

/// The portable transport: Foundation's URLSession.
final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    func send(_ request: HTTPRequest, to baseURL: URL, timeout: Duration) async throws(TransportFailure) -> HTTPResponse {
        guard let url = URL(string: Self.join(baseURL, request.pathAndQuery)) else {
            throw .unreachable("cannot form a URL from \(baseURL) and \(request.pathAndQuery)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        #if canImport(FoundationNetworking)
        // FoundationNetworking truncates the interval to whole seconds, and zero fires at once: round up instead.
        urlRequest.timeoutInterval = max(1, timeout.seconds.rounded(.up))
        #else
        urlRequest.timeoutInterval = timeout.seconds
        #endif
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        do {
            let (data, response) = try await session.data(for: urlRequest)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return HTTPResponse(status: status, body: [UInt8](data))
        } catch let error as URLError where error.code == .timedOut {
            throw .timedOut("\(url.absoluteString): no answer within \(timeout)")
        } catch {
            throw .unreachable("\(url.absoluteString): \(error.localizedDescription)")
        }
    }

    static func join(_ base: URL, _ pathAndQuery: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + pathAndQuery
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
