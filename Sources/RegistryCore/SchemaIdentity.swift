import Avro
import JSON
import Crypto
import RegistryModel

/// What makes two registered schemas the same schema: their normalized text, references,
/// metadata and rule set. The MD5 of that, written as a UUID, is the schema's guid.
enum SchemaIdentity {
    static func guid(normalizedSchema: String, references: [SchemaReference], metadata: JSONValue?, ruleSet: JSONValue?) -> String {
        var text = normalizedSchema
        for reference in references {
            text += "\u{0}ref\u{0}\(reference.name)\u{0}\(reference.subject)\u{0}\(reference.version)"
        }
        if let metadata { text += "\u{0}metadata\u{0}" + JSONWriter.write(sortingKeys(metadata)) }
        if let ruleSet { text += "\u{0}ruleSet\u{0}" + JSONWriter.write(sortingKeys(ruleSet)) }
        let digest = Array(Insecure.MD5.hash(data: Array(text.utf8)))
        let hex = digest.hexString
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The same JSON with every object's members in key order, so member order does not change identity.
    static func sortingKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            let members = object.members.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: sortingKeys($0.value)) }
            return .object(JSONObject(members))
        case .array(let elements):
            return .array(elements.map(sortingKeys))
        default:
            return value
        }
    }
}

extension AvroSchema {
    /// The schema's JSON, and its normalized form: custom properties in key order and aliases sorted, so
    /// schemas that differ only in the order of those compare equal. Everything that carries meaning (docs,
    /// defaults, logical types) stays. The JSON tree is built once, and written once when normalizing
    /// changes nothing (no custom properties or aliases out of order), as for most schemas.
    func jsonTexts() -> (json: String, normalized: String) {
        let tree = jsonValue
        let normalizedTree = Normalizer.normalize(schemaNode: tree)
        let normalized = JSONWriter.write(normalizedTree)
        return (normalizedTree == tree ? normalized : JSONWriter.write(tree), normalized)
    }
}

private enum Normalizer {
    /// Keys whose position the schema writer fixes; everything else is a custom property.
    static let structuralKeys: Set<String> = [
        "type", "name", "namespace", "doc", "fields", "symbols", "items", "values", "size", "default", "order", "aliases",
    ]

    static func normalize(schemaNode: JSONValue) -> JSONValue {
        switch schemaNode {
        case .array(let branches):
            return .array(branches.map(normalize(schemaNode:)))
        case .object(let object):
            var fixed: [JSONObject.Member] = []
            var custom: [JSONObject.Member] = []
            for member in object.members {
                guard structuralKeys.contains(member.key) else {
                    custom.append(member)
                    continue
                }
                var value = member.value
                switch member.key {
                case "type", "items", "values": value = normalize(schemaNode: value)
                case "fields": value = .array((value.arrayValue ?? []).map(normalize(schemaNode:)))
                case "aliases": value = .array((value.arrayValue ?? []).sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") })
                default: break
                }
                fixed.append(JSONObject.Member(key: member.key, value: value))
            }
            custom.sort { $0.key < $1.key }
            return .object(JSONObject(fixed + custom))
        default:
            return schemaNode
        }
    }
}
