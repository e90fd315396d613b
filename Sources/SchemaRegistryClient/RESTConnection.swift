import JSON
import Foundation

/// Requests to the registry's REST API: URL failover, authentication headers, JSON bodies and error mapping.
struct RESTConnection: Sendable {
    static let contentType = "application/vnd.schemaregistry.v1+json"
    static let accept = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json"

    let baseURLs: [URL]
    let headers: [String: String]
    let timeout: Duration
    let transport: any HTTPTransport

    init(configuration: SchemaRegistryConfiguration, transport: any HTTPTransport) throws(SchemaRegistryError) {
        guard !configuration.urls.isEmpty else { throw .configuration("no schema registry URL given") }
        var headers = configuration.headers
        headers["Accept"] = Self.accept
        var baseURLs: [URL] = []
        var userInfoInURL: String?
        for url in configuration.urls {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw .configuration("'\(url.absoluteString)' is not an http or https URL")
            }
            let (stripped, userInfo) = Self.splitUserInfo(url)
            baseURLs.append(stripped)
            if userInfoInURL == nil { userInfoInURL = userInfo }
        }
        if let token = configuration.bearerToken {
            if configuration.basicAuthUserInfo != nil {
                throw .configuration("basic.auth.user.info and bearer.auth.token are both set; choose one")
            }
            headers["Authorization"] = "Bearer \(token)"
        } else if let userInfo = configuration.basicAuthUserInfo ?? userInfoInURL {
            headers["Authorization"] = "Basic \(Data(userInfo.utf8).base64EncodedString())"
        }
        for (name, value) in headers where name.isEmpty || (name + value).utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw .configuration("header '\(name)' has an empty name or a line break")
        }
        self.baseURLs = baseURLs
        self.headers = headers
        self.timeout = configuration.requestTimeout
        self.transport = transport
    }

    /// Sends one request, trying each URL in turn until one answers, and returns the parsed JSON body.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil)
        async throws(SchemaRegistryError) -> JSONValue
    {
        var pathAndQuery = path
        if !query.isEmpty {
            pathAndQuery += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        var request = HTTPRequest(method: method, pathAndQuery: pathAndQuery, headers: headers, body: nil)
        if let body {
            request.body = Array(JSONWriter.write(body).utf8)
            request.headers["Content-Type"] = Self.contentType
        }
        var lastFailure = SchemaRegistryError.configuration("no schema registry URL given")
        for baseURL in baseURLs {
            let response: HTTPResponse
            do {
                response = try await transport.send(request, to: baseURL, timeout: timeout)
            } catch {
                let noResponse = SchemaRegistryError.Code.noResponse
                switch error {
                case .unreachable(let message):
                    lastFailure = SchemaRegistryError(kind: .transport, errorCode: noResponse, message: message)
                case .timedOut(let message):
                    lastFailure = SchemaRegistryError(kind: .timeout, errorCode: noResponse, message: message)
                }
                continue
            }
            return try Self.decode(response)
        }
        throw lastFailure
    }

    static func decode(_ response: HTTPResponse) throws(SchemaRegistryError) -> JSONValue {
        let parsed = try? JSONParser.parse(bytes: response.body)
        if (200..<300).contains(response.status) {
            if response.body.isEmpty { return .null }
            guard let parsed else {
                throw .invalidResponse("the body is not JSON: \(preview(response.body))", status: response.status)
            }
            return parsed
        }
        if let code = parsed?["error_code"]?.numberValue?.int64Value, let message = parsed?["message"]?.stringValue {
            throw SchemaRegistryError(kind: .server, errorCode: Int(code), message: message, httpStatus: response.status)
        }
        let message = response.body.isEmpty ? "HTTP \(response.status)" : preview(response.body)
        throw SchemaRegistryError(kind: .server, errorCode: response.status, message: message, httpStatus: response.status)
    }

    private static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }

    /// Percent-encodes a path segment or query component: everything but RFC 3986 unreserved characters.
    static func encode(_ component: String) -> String {
        var out = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// Takes `user:password@` out of a URL (Java's `basic.auth.credentials.source=URL`).
    private static func splitUserInfo(_ url: URL) -> (URL, String?) {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), let user = components.user
        else { return (url, nil) }
        let userInfo = user.removingPercentEncoding.map { u in
            u + ":" + (components.password?.removingPercentEncoding ?? "")
        }
        components.user = nil
        components.password = nil
        return (components.url ?? url, userInfo)
    }
}
