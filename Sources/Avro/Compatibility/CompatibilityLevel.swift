/// How a new version of a subject must relate to the versions before it (Confluent's compatibility levels).
public enum CompatibilityLevel: String, Sendable, CaseIterable, Codable {
    case none = "NONE"
    /// The new schema reads data written with the latest version.
    case backward = "BACKWARD"
    /// The new schema reads data written with every previous version.
    case backwardTransitive = "BACKWARD_TRANSITIVE"
    /// The latest version reads data written with the new schema.
    case forward = "FORWARD"
    /// Every previous version reads data written with the new schema.
    case forwardTransitive = "FORWARD_TRANSITIVE"
    /// Backward and forward with the latest version.
    case full = "FULL"
    /// Backward and forward with every previous version.
    case fullTransitive = "FULL_TRANSITIVE"
}

/// Which way data flows in one reader/writer check of a level.
public enum CompatibilityDirection: String, Sendable {
    /// The new schema reads data written with the old one.
    case backward
    /// The old schema reads data written with the new one.
    case forward
}

/// A previous version the new schema is not compatible with, in one direction.
public struct CompatibilityFailure: Sendable, Hashable {
    /// Index into the `previous` versions passed to `check`, newest first.
    public let previousIndex: Int
    public let direction: CompatibilityDirection
    public let incompatibilities: [Incompatibility]

    public init(previousIndex: Int, direction: CompatibilityDirection, incompatibilities: [Incompatibility]) {
        self.previousIndex = previousIndex
        self.direction = direction
        self.incompatibilities = incompatibilities
    }
}

extension CompatibilityLevel {
    /// The directions this level checks, forward first as the registry reports them.
    public var directions: [CompatibilityDirection] {
        switch self {
        case .none: []
        case .backward, .backwardTransitive: [.backward]
        case .forward, .forwardTransitive: [.forward]
        case .full, .fullTransitive: [.forward, .backward]
        }
    }

    /// Whether every previous version is checked rather than only the latest.
    public var isTransitive: Bool {
        switch self {
        case .backwardTransitive, .forwardTransitive, .fullTransitive: true
        default: false
        }
    }

    /// Checks `new` against `previous` (newest first) as Confluent's registry does.
    ///
    /// For FULL levels the forward failure of a version comes before its backward one. With
    /// `stopAtFirstFailingVersion` the check returns after the first previous version that fails
    /// (what the registry reports). An empty result means compatible.
    public func check(
        _ new: AvroSchema, against previous: [AvroSchema], stopAtFirstFailingVersion: Bool = false
    ) -> [CompatibilityFailure] {
        check(new, against: previous, stopAtFirstFailingVersion: stopAtFirstFailingVersion) {
            SchemaCompatibility.incompatibilities(reader: $0, writer: $1)
        }
    }

    /// The same check over prepared schemas (versions kept in memory), which skips identical root fields.
    public func check(
        _ new: PreparedForCompatibility, against previous: [PreparedForCompatibility], stopAtFirstFailingVersion: Bool = false
    ) -> [CompatibilityFailure] {
        check(new, against: previous, stopAtFirstFailingVersion: stopAtFirstFailingVersion) {
            SchemaCompatibility.incompatibilities(reader: $0, writer: $1)
        }
    }

    private func check<Schema>(
        _ new: Schema, against previous: [Schema], stopAtFirstFailingVersion: Bool,
        incompatibilities: (_ reader: Schema, _ writer: Schema) -> [Incompatibility]
    ) -> [CompatibilityFailure] {
        let checked = isTransitive ? previous[...] : previous.prefix(1)
        var failures: [CompatibilityFailure] = []
        for (index, old) in zip(checked.indices, checked) {
            var versionFailed = false
            for direction in directions {
                let found: [Incompatibility] =
                    switch direction {
                    case .backward: incompatibilities(new, old)
                    case .forward: incompatibilities(old, new)
                    }
                if !found.isEmpty {
                    versionFailed = true
                    failures.append(CompatibilityFailure(previousIndex: index, direction: direction, incompatibilities: found))
                }
            }
            if versionFailed && stopAtFirstFailingVersion { break }
        }
        return failures
    }
}
