/// Picks the media type of an answer from a request's `Accept` header, as Jersey does for Confluent's resources.
///
/// Confluent's resources produce `application/vnd.schemaregistry.v1+json`, `application/vnd.schemaregistry+json`
/// (`qs=0.9`) and `application/json` (`qs=0.5`). JAX-RS combines each acceptable type with each produced one and
/// ranks the results by specificity, then the client's `q`, then the server's `qs`; a concrete produced type always
/// wins over a wildcard, so in effect the client's `q` decides and `qs` breaks ties. No match is 406.
enum MediaTypeNegotiation {
    struct Produced: Sendable {
        let type: String
        let subtype: String
        let serverQuality: Double
        var name: String { "\(type)/\(subtype)" }
    }

    static let produced: [Produced] = [
        Produced(type: "application", subtype: "vnd.schemaregistry.v1+json", serverQuality: 1),
        Produced(type: "application", subtype: "vnd.schemaregistry+json", serverQuality: 0.9),
        Produced(type: "application", subtype: "json", serverQuality: 0.5),
    ]

    /// The media type to answer with, or nil when nothing the server produces is acceptable.
    /// No `Accept` header (or an empty one) accepts everything.
    static func responseType(accept: String?) -> String? {
        guard let accept, !accept.allSatisfy(\.isWhitespace) else { return produced[0].name }
        var best: (clientQuality: Double, serverQuality: Double, name: String)?
        for range in accept.split(separator: ",") {
            guard let acceptable = Acceptable(parsing: range), acceptable.quality > 0 else { continue }
            for candidate in produced where acceptable.matches(candidate) {
                let ranking = (acceptable.quality, candidate.serverQuality, candidate.name)
                if let current = best, (current.clientQuality, current.serverQuality) >= (ranking.0, ranking.1) { continue }
                best = ranking
            }
        }
        return best?.name
    }

    /// One media range of an `Accept` header: `type/subtype` (either may be `*`) with its `q`.
    private struct Acceptable {
        let type: Substring
        let subtype: Substring
        let quality: Double

        init?(parsing range: Substring) {
            let parts = range.split(separator: ";")
            guard let mediaRange = parts.first else { return nil }
            let names = mediaRange.trimmingWhitespace.lowercased().split(separator: "/", omittingEmptySubsequences: false)
            guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty else { return nil }
            type = names[0]
            subtype = names[1]
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "q" else { continue }
                guard let value = Double(pair[1].trimmingWhitespace), (0...1).contains(value) else { return nil }
                quality = value
            }
            self.quality = quality
        }

        func matches(_ candidate: Produced) -> Bool {
            (type == "*" || type == candidate.type) && (subtype == "*" || subtype == candidate.subtype)
                && !(type == "*" && subtype != "*")
        }
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
