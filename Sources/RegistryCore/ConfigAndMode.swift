import Avro
import RegistryModel

extension CompatibilityConfig {
    /// Parses a level name in any case (`backward`, `FULL_TRANSITIVE`); anything else is 42203.
    public static func level(parsing text: String) throws(RegistryError) -> CompatibilityLevel {
        guard let level = CompatibilityLevel(rawValue: text.trimmingSpaces.uppercased()) else {
            throw .invalidCompatibilityLevel
        }
        return level
    }

    /// The server default when nothing is configured.
    public static let defaultLevel = CompatibilityLevel.backward
}

/// What writes the registry, or a subject, accepts.
public enum RegistryMode: String, Sendable, Hashable, CaseIterable {
    case readWrite = "READWRITE"
    /// Registrations, deletes and config changes fail with 42205.
    case readOnly = "READONLY"
    /// Deprecated synonym of READONLY kept for Confluent clients.
    case readOnlyOverride = "READONLY_OVERRIDE"
    /// Registrations carry their own ids and versions and skip compatibility checks.
    case `import` = "IMPORT"

    /// Parses a mode name in any case; anything else is 42204.
    public init(parsing text: String) throws(RegistryError) {
        guard let mode = RegistryMode(rawValue: text.trimmingSpaces.uppercased()) else { throw .invalidMode }
        self = mode
    }

    var isReadOnly: Bool { self == .readOnly || self == .readOnlyOverride }
}
