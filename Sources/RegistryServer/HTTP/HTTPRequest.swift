/// One HTTP request as the routes see it: the body is complete and the target is already split and decoded.
public struct HTTPRequest: Sendable {
    /// The request method as sent, for example `GET`.
    public let method: String
    /// The path split on `/` before percent-decoding, so an encoded slash (`%2F`) stays inside its segment.
    public let pathSegments: [String]
    /// Query parameters, percent-decoded; when a name repeats, the first value wins (as with JAX-RS `@QueryParam`).
    public let query: [String: String]
    /// Every value of each query parameter in order, for the few that take a list (`key` and `value` of
    /// `/subjects/{subject}/metadata`).
    public let queryLists: [String: [String]]
    /// The media type of the body without parameters, lowercased; nil when the client sent none.
    public let contentType: String?
    /// The `charset` parameter of the body's media type, lowercased; nil when the client named none.
    public let charset: String?
    /// The `Accept` header as sent; nil when absent.
    public let accept: String?
    public let body: [UInt8]
    /// The `Authorization` header as sent; nil when absent.
    public let authorization: String?
    /// The `X-Request-ID` header as sent; nil when absent.
    public let requestID: String?

    public init(method: String, pathSegments: [String], query: [String: String], queryLists: [String: [String]]? = nil,
                contentType: String?, charset: String? = nil, body: [UInt8], authorization: String? = nil,
                requestID: String? = nil, accept: String? = nil) {
        self.method = method
        self.pathSegments = pathSegments
        self.query = query
        self.queryLists = queryLists ?? query.mapValues { [$0] }
        self.contentType = contentType
        self.charset = charset
        self.accept = accept
        self.body = body
        self.authorization = authorization
        self.requestID = requestID
    }

    /// Builds a request from the raw request target (`/subjects/a%2Fb/versions?deleted=true`).
    public init(method: String, target: String, contentType: String?, body: [UInt8], authorization: String? = nil,
                requestID: String? = nil, accept: String? = nil) {
        let (path, queryString) = RequestTarget.split(target)
        self.init(
            method: method, pathSegments: RequestTarget.pathSegments(path), query: RequestTarget.queryParameters(queryString),
            queryLists: RequestTarget.queryLists(queryString),
            contentType: contentType.map(RequestTarget.mediaType), charset: contentType.flatMap(RequestTarget.charset),
            body: body, authorization: authorization, requestID: requestID, accept: accept)
    }

    /// The same request with another body, as read in UTF-8.
    func with(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(
            method: method, pathSegments: pathSegments, query: query, queryLists: queryLists, contentType: contentType,
            charset: nil, body: body,
            authorization: authorization, requestID: requestID, accept: accept)
    }
}

/// Parsing of the raw request target. Kept apart from the server so it can be tested without a socket.
enum RequestTarget {
    static func split(_ target: String) -> (path: Substring, query: Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }

    /// The segments of the path, each percent-decoded on its own. The leading slash and one trailing slash
    /// delimit nothing; any other empty segment is kept so that `/subjects//versions` matches no route.
    static func pathSegments(_ path: Substring) -> [String] {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.first?.isEmpty == true { segments.removeFirst() }
        if segments.last?.isEmpty == true { segments.removeLast() }
        return segments.map { percentDecoded($0, plusIsSpace: false) }
    }

    static func queryParameters(_ query: Substring) -> [String: String] {
        queryLists(query).mapValues { $0[0] }
    }

    static func queryLists(_ query: Substring) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring, value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            parameters[percentDecoded(name, plusIsSpace: true), default: []].append(percentDecoded(value, plusIsSpace: true))
        }
        return parameters
    }

    /// `text/plain; charset="UTF-16"` gives `utf-16`.
    static func charset(_ header: String) -> String? {
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "charset" else { continue }
            var value = String(pair[1].trimmingSpaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.lowercased()
        }
        return nil
    }

    /// `application/JSON; charset=utf-8` becomes `application/json`.
    static func mediaType(_ header: String) -> String {
        let type = header.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingSpaces.lowercased()
    }

    /// Decodes `%XX` escapes; a malformed escape is kept as written and invalid UTF-8 becomes U+FFFD,
    /// so a hostile path can never fail the request before routing.
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                if first != utf8.endIndex {
                    let second = utf8.index(after: first)
                    if second != utf8.endIndex, let high = hexValue(utf8[first]), let low = hexValue(utf8[second]) {
                        bytes.append(high << 4 | low)
                        index = utf8.index(after: second)
                        continue
                    }
                }
                bytes.append(byte)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
