import Foundation

/// The user name and password of an `Authorization: Basic ...` header (RFC 7617), decoded as UTF-8.
struct BasicCredentials: Sendable {
    let username: String
    let password: String
    /// The decoded `username:password` bytes, which identify the pair in the credential cache.
    let token: [UInt8]

    /// Longer headers are not credentials anyone typed; refusing them bounds the work per request.
    static let maximumHeaderLength = 8192

    init?(authorizationHeader header: String) {
        guard header.utf8.count <= Self.maximumHeaderLength else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " "),
              trimmed[..<space].lowercased() == "basic",
              let decoded = Data(base64Encoded: trimmed[trimmed.index(after: space)...].trimmingCharacters(in: .whitespaces)),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
              let username = String(data: decoded[..<colon], encoding: .utf8),
              let password = String(data: decoded[decoded.index(after: colon)...], encoding: .utf8)
        else { return nil }
        self.username = username
        self.password = password
        token = Array(decoded)
    }
}
