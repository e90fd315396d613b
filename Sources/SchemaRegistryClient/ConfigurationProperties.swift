import Foundation

/// Reading a configuration from the property names the Java and Python Confluent clients use.
extension SchemaRegistryConfiguration {
    /// Builds a configuration from Confluent client properties.
    ///
    /// Both the Java names (`schema.registry.url`, `basic.auth.user.info`, `latest.cache.ttl.sec`, …, with or
    /// without the `schema.registry.` prefix) and the Python names (`url`, `ssl.ca.location`, `timeout`, …) are read.
    /// Properties that are not about the registry client (serializer or Kafka settings) are ignored, so one map can
    /// configure everything; a registry property with an unusable value is an error.
    public init(properties: [String: String]) throws(SchemaRegistryError) {
        var values: [String: String] = [:]
        for (key, value) in properties {
            let name = key.hasPrefix("schema.registry.") && key != "schema.registry.url"
                ? String(key.dropFirst("schema.registry.".count)) : key
            values[name] = value.trimmingCharacters(in: .whitespaces)
        }
        guard let urlList = values["schema.registry.url"] ?? values["url"] else {
            throw .configuration("schema.registry.url (or url) is required")
        }
        self.init(urls: try Self.parseURLs(urlList))

        let basicSource = values["basic.auth.credentials.source"]?.uppercased()
        switch basicSource {
        case nil, "USER_INFO":
            if let userInfo = values["basic.auth.user.info"], !userInfo.isEmpty {
                guard userInfo.contains(":") else {
                    throw .configuration("basic.auth.user.info must be user:password")
                }
                basicAuthUserInfo = userInfo
            }
        case "URL":
            break  // taken from the URL's user:password@ part when requests are made
        default:
            throw .configuration("basic.auth.credentials.source '\(basicSource ?? "")' is not supported (USER_INFO or URL)")
        }

        let bearerSource = values["bearer.auth.credentials.source"]?.uppercased()
        switch bearerSource {
        case nil where values["bearer.auth.token"] == nil:
            break
        case nil, "STATIC_TOKEN":
            guard let token = values["bearer.auth.token"], !token.isEmpty else {
                throw .configuration("bearer.auth.credentials.source STATIC_TOKEN needs bearer.auth.token")
            }
            bearerToken = token
            basicAuthUserInfo = nil
            if let cluster = values["bearer.auth.logical.cluster"] { headers["target-sr-cluster"] = cluster }
            if let pool = values["bearer.auth.identity.pool.id"] { headers["Confluent-Identity-Pool-Id"] = pool }
        default:
            throw .configuration("bearer.auth.credentials.source '\(bearerSource ?? "")' is not supported (STATIC_TOKEN)")
        }

        if let seconds = try Self.number(values, "timeout") { requestTimeout = .milliseconds(Int64(seconds * 1000)) }
        for key in ["request.timeout.ms", "http.read.timeout.ms"] {
            if let milliseconds = try Self.number(values, key) { requestTimeout = .milliseconds(Int64(milliseconds)) }
        }

        tlsCAFile = values["ssl.ca.location"] ?? values["ssl.truststore.location"]
        tlsCertificateFile = values["ssl.certificate.location"] ?? values["ssl.keystore.location"]
        tlsKeyFile = values["ssl.key.location"]
        if tlsKeyFile != nil && tlsCertificateFile == nil {
            throw .configuration("ssl.key.location needs ssl.certificate.location")
        }

        for key in ["latest.cache.ttl.sec", "cache.latest.ttl.sec"] {
            // Java uses -1 for "never expires".
            if let seconds = try Self.number(values, key) { latestCacheTTL = seconds < 0 ? nil : .seconds(seconds) }
        }
        for key in ["missing.cache.ttl.sec", "missing.id.cache.ttl.sec", "missing.schema.cache.ttl.sec"] {
            if let seconds = try Self.number(values, key) { negativeCacheTTL = .seconds(max(0, seconds)) }
        }
    }

    private static func number(_ values: [String: String], _ key: String) throws(SchemaRegistryError) -> Double? {
        guard let text = values[key] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw .configuration("\(key) must be a number, not '\(text)'")
        }
        return value
    }
}
