/// How a serializer picks the subject a schema is registered under, as Confluent's serializers do.
public enum SubjectNameStrategy: Sendable {
    /// `<topic>-key` or `<topic>-value` (the default).
    case topicName
    /// The record's full name.
    case recordName
    /// `<topic>-<record full name>`.
    case topicRecordName
    /// Your own rule, given the topic, whether the message key is being serialized, and the record's full name
    /// (nil when the schema is not a named type).
    case custom(@Sendable (_ topic: String, _ isKey: Bool, _ recordName: String?) -> String)

    public func subject(topic: String, isKey: Bool, recordName: String?) throws(SerdeError) -> String {
        switch self {
        case .topicName:
            return "\(topic)-\(isKey ? "key" : "value")"
        case .recordName:
            guard let recordName else { throw .unusableSchema("the record name strategy needs a named schema") }
            return recordName
        case .topicRecordName:
            guard let recordName else { throw .unusableSchema("the topic-record name strategy needs a named schema") }
            return "\(topic)-\(recordName)"
        case .custom(let rule):
            return rule(topic, isKey, recordName)
        }
    }
}
