import Foundation

/// How a `SchemaRegistryClient` reaches its registry and how long it trusts what it cached.
public struct SchemaRegistryConfiguration: Sendable {
    /// Registry base URLs, tried in order when one cannot be reached (never on an HTTP error answer).
    public var urls: [URL]
    /// `user:password` for HTTP basic authentication (`basic.auth.user.info`).
    public var basicAuthUserInfo: String?
    /// A static bearer token (`bearer.auth.token`), sent as `Authorization: Bearer …`.
    public var bearerToken: String?
    /// Extra headers sent with every request (for example a Confluent Cloud logical cluster id).
    public var headers: [String: String]
    /// The longest one request to one URL may take, connection included.
    public var requestTimeout: Duration
    /// A PEM file of certificate authorities to trust instead of the system ones (`ssl.ca.location`).
    public var tlsCAFile: String?
    /// A PEM client certificate for mutual TLS (`ssl.certificate.location`).
    public var tlsCertificateFile: String?
    /// The PEM private key of `tlsCertificateFile` (`ssl.key.location`).
    public var tlsKeyFile: String?
    /// How long the latest version of a subject is trusted; nil keeps it until the client is dropped.
    public var latestCacheTTL: Duration?
    /// How long a "not found" answer for an id, subject or version is remembered; zero disables it.
    public var negativeCacheTTL: Duration

    public static let defaultRequestTimeout: Duration = .seconds(30)
    public static let defaultNegativeCacheTTL: Duration = .seconds(1)

    public init(
        urls: [URL],
        basicAuthUserInfo: String? = nil,
        bearerToken: String? = nil,
        headers: [String: String] = [:],
        requestTimeout: Duration = defaultRequestTimeout,
        tlsCAFile: String? = nil,
        tlsCertificateFile: String? = nil,
        tlsKeyFile: String? = nil,
        latestCacheTTL: Duration? = nil,
        negativeCacheTTL: Duration = defaultNegativeCacheTTL
    ) {
        self.urls = urls
        self.basicAuthUserInfo = basicAuthUserInfo
        self.bearerToken = bearerToken
        self.headers = headers
        self.requestTimeout = requestTimeout
        self.tlsCAFile = tlsCAFile
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
        self.latestCacheTTL = latestCacheTTL
        self.negativeCacheTTL = negativeCacheTTL
    }

    /// A configuration for one or more comma-separated URLs, as `schema.registry.url` takes them.
    public init(url: String) throws(SchemaRegistryError) {
        self.init(urls: try Self.parseURLs(url))
    }

    static func parseURLs(_ list: String) throws(SchemaRegistryError) -> [URL] {
        let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw .configuration("no schema registry URL given") }
        var urls: [URL] = []
        for part in parts {
            guard let url = URL(string: part), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                url.host != nil
            else { throw .configuration("'\(part)' is not an http or https URL") }
            urls.append(url)
        }
        return urls
    }
}
