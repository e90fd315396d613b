import Avro
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The few REST calls `compat --registry` makes to a Confluent-compatible registry.
struct CompatRegistry {
    /// The registry's URL without credentials, safe to show in messages.
    let baseURL: URL
    /// Basic credentials given in the URL (`http://user:password@host`), sent with every request.
    private let authorization: String?

    init(_ url: String) throws(CompatError) {
        guard var components = URLComponents(string: url.hasSuffix("/") ? String(url.dropLast()) : url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https", components.host != nil
        else { throw CompatError("--registry: '\(url)' is not an http(s) URL") }
        if let user = components.user {
            let credentials = "\(user.removingPercentEncoding ?? user):\(components.password?.removingPercentEncoding ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
        } else {
            authorization = nil
        }
        components.user = nil
        components.password = nil
        guard let baseURL = components.url else { throw CompatError("--registry: '\(url)' is not an http(s) URL") }
        self.baseURL = baseURL
    }

    /// The registry's own verdict at the subject's configured level (`POST /compatibility/subjects/S/versions`).
    func check(schemaText: String, subject: String) async throws(CompatError) -> (compatible: Bool, messages: [String]) {
        struct Verdict: Decodable {
            let isCompatible: Bool
            let messages: [String]?
        }
        let body = try encode(["schema": schemaText])
        guard let verdict: Verdict = try await request("POST", "compatibility/subjects/\(escape(subject))/versions?verbose=true", body: body)
        else { return (true, []) }  // no such subject: nothing to be incompatible with
        return (verdict.isCompatible, verdict.messages ?? [])
    }

    /// The subject's live versions, newest first, parsed as stored schemas (`GET /subjects/S/versions[/N]`).
    func versions(of subject: String) async throws(CompatError) -> [(name: String, schema: AvroSchema)] {
        guard let numbers: [Int] = try await request("GET", "subjects/\(escape(subject))/versions") else { return [] }
        var schemas: [(name: String, schema: AvroSchema)] = []
        for number in numbers.sorted(by: >) {
            schemas.append(("\(subject) version \(number)", try await schema(subject: subject, version: number)))
        }
        return schemas
    }

    private struct StoredVersion: Decodable {
        struct Reference: Decodable {
            let subject: String
            let version: Int
        }
        let schema: String
        let schemaType: String?
        let references: [Reference]?
    }

    private func schema(subject: String, version: Int, depth: Int = 0) async throws(CompatError) -> AvroSchema {
        guard depth < 32 else { throw CompatError("registry: schema references nest too deeply at \(subject) version \(version)") }
        guard let stored: StoredVersion = try await request("GET", "subjects/\(escape(subject))/versions/\(version)") else {
            throw CompatError("registry: \(subject) version \(version) disappeared while reading it")
        }
        guard (stored.schemaType ?? "AVRO") == "AVRO" else {
            throw CompatError("registry: \(subject) version \(version) is a \(stored.schemaType ?? "") schema, not Avro")
        }
        var references: [AvroSchema] = []
        for reference in stored.references ?? [] {
            references.append(try await schema(subject: reference.subject, version: reference.version, depth: depth + 1))
        }
        do {
            return try AvroSchema(parsing: stored.schema, references: references, options: .lenient)
        } catch {
            throw CompatError("registry: \(subject) version \(version) is not a valid schema: \(error.message)")
        }
    }

    /// Sends a request and decodes the answer; nil when the registry says the subject does not exist.
    private func request<Answer: Decodable>(_ method: String, _ path: String, body: Data? = nil) async throws(CompatError) -> Answer? {
        guard let url = URL(string: "\(baseURL.absoluteString)/\(path)") else { throw CompatError("registry: bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("application/vnd.schemaregistry.v1+json, application/json", forHTTPHeaderField: "Accept")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CompatError("registry: cannot reach \(baseURL.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let error = try? Self.decoder.decode(ErrorBody.self, from: data)
            if status == 404, error?.errorCode == 40401 { return nil }
            let detail = error.map { "\($0.message) (error \($0.errorCode))" } ?? "HTTP \(status)"
            throw CompatError("registry: \(method) \(url.path): \(detail)")
        }
        do {
            return try Self.decoder.decode(Answer.self, from: data)
        } catch {
            throw CompatError("registry: \(method) \(url.path): unexpected answer \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Confluent's error shape.
    private struct ErrorBody: Decodable {
        let errorCode: Int
        let message: String
    }

    private func encode(_ body: [String: String]) throws(CompatError) -> Data {
        do { return try JSONEncoder().encode(body) } catch { throw CompatError("cannot encode the request: \(error)") }
    }

    /// A subject as one path segment.
    private func escape(_ subject: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return subject.addingPercentEncoding(withAllowedCharacters: allowed) ?? subject
    }
}
