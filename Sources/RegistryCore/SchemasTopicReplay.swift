import Avro
import JSON
import RegistryModel

/// A registry rebuilt from the records of a `_schemas` topic, applied one by one in the topic's order as Confluent's
/// reader applies them at start-up, so that later records win. From confluentinc/schema-registry, under
/// `core/src/main/java/io/confluent/kafka/schemaregistry/`:
/// - `storage/KafkaStoreReaderThread.doWork`: a NOOP key is skipped; a value replaces what the key held, a tombstone
///   (null value) removes it, unless `validateUpdate` refuses the record, which is then ignored.
/// - `storage/serialization/SchemaRegistrySerializer`: the key's `keytype` picks the key and value classes
///   (`SchemaKey`/`SchemaValue`, `ConfigKey`/`ConfigValue`, `ModeKey`/`ModeValue`, `DeleteSubjectKey`/`…Value`,
///   `ClearSubjectKey`/`…Value`, `NoopKey`, `ContextKey`); an unknown key type stops the reader; a SCHEMA key's
///   `magic` must be 0 or 1.
/// - `storage/KafkaStoreMessageHandler.validateUpdate`: a SCHEMA value whose id, in its context, already names a
///   version holding different schema text is ignored; a CONFIG or MODE value without a subject takes the key's.
/// - `KafkaStoreMessageHandler.handleUpdate`: DELETE_SUBJECT soft-deletes versions 1 through its `version`;
///   CLEAR_SUBJECT removes the soft-deleted versions of a subject, of a context (`:.ctx:`) or of all (null or
///   `:.__GLOBAL:`), through `InMemoryCache.clearSubjects`; other tombstones only remove their key.
/// - `id/IncrementalIdGenerator.schemaRegistered`: the highest id of each context rises with every SCHEMA value
///   applied, soft-deleted or later tombstoned ones included, so ids once given are never given again.
///
/// A schema exists while a version holds it: one only hard-deleted versions held is gone, its id still counted.
/// CONTEXT and ASSOC records (context names, Confluent Cloud associations) carry nothing this registry keeps, and
/// config members other than `compatibilityLevel` and `normalize` are not kept. A value Confluent could not read
/// (an unknown compatibility level or mode, a missing id) is an error here rather than a record quietly skipped:
/// a restore takes all of a dump or none of it.
public enum SchemasTopicReplay {
    /// What `records` leave behind, and a note for each record Confluent's reader would have ignored. A version
    /// holding a schema that is not Avro is an error, or with `skippingNonAvro` left out with a note; its id still
    /// counts as given.
    public static func contents(
        of records: [SchemasTopicRecords.Record], unit: String = "line", skippingNonAvro: Bool = false
    ) throws(DumpError) -> (contents: StoreContents, ignored: [String]) {
        var state = State()
        var ignored: [String] = []
        for record in records {
            do throws(WireShapeError) {
                if let clash = try apply(record, to: &state) {
                    ignored.append("\(unit) \(record.position): id \(clash.id) already names another schema (\(clash.holder.subject) "
                        + "version \(clash.holder.version)); Confluent ignores this record")
                }
            } catch {
                throw DumpError(unit: unit, position: record.position, error.message)
            }
        }
        if skippingNonAvro { ignored += state.removeNonAvro(unit: unit) }
        return (try state.contents(unit: unit), ignored)
    }

    /// Applies one record; when Confluent's reader would ignore it, the id it gives and the version already holding
    /// that id.
    private static func apply(_ record: SchemasTopicRecords.Record, to state: inout State) throws(WireShapeError)
        -> (id: Int, holder: SubjectVersion)?
    {
        guard case .object(let key) = record.key else { throw WireShapeError("the key must be a JSON object") }
        let keyType = key["keytype"]?.stringValue
        func required<T>(_ value: T?, _ what: String) throws(WireShapeError) -> T {
            guard let value else { throw WireShapeError("the \(keyType ?? "") \(what)") }
            return value
        }
        /// The value of a DELETE_SUBJECT or CLEAR_SUBJECT record; nil for a tombstone, which only removes its key.
        func subjectValue() throws(WireShapeError) -> JSONObject? {
            guard let value = record.value else { return nil }
            guard case .object(let object) = value else { throw WireShapeError("a \(keyType ?? "") value must be a JSON object") }
            return object
        }
        switch keyType {
        case "SCHEMA":
            let magic = try JacksonFields.int32(key, "magic") ?? 0
            guard magic == 0 || magic == 1 else { throw WireShapeError("a SCHEMA key's magic must be 0 or 1, not \(magic)") }
            let subject = try required(try JacksonFields.string(key, "subject"), "key has no subject")
            let at = SubjectVersion(
                subject: QualifiedSubject(parsing: subject).qualified,
                version: try required(try JacksonFields.int32(key, "version"), "key has no version"))
            guard let value = record.value else {
                state.tombstone(at)
                return nil
            }
            let (schema, valueSubject) = try TopicSchema.read(json: value, position: record.position)
            if let holder = state.clash(schema, subject: valueSubject ?? at.subject) { return (schema.id, holder) }
            state.register(schema, at: at)
        case "CONFIG":
            let subject = try JacksonFields.string(key, "subject")
            state.configs[subject] = try record.value.flatMap { value throws(WireShapeError) in try config(json: value) }
        case "MODE":
            let subject = try JacksonFields.string(key, "subject")
            state.modes[subject] = try record.value.map { value throws(WireShapeError) in try mode(json: value) }
        case "DELETE_SUBJECT":
            guard let value = try subjectValue() else { break }
            let subject = try required(try JacksonFields.string(value, "subject"), "value has no subject")
            let version = try required(try JacksonFields.int32(value, "version"), "value has no version")
            state.softDelete(QualifiedSubject(parsing: subject).qualified, through: version)
        case "CLEAR_SUBJECT":
            guard let value = try subjectValue() else { break }
            state.clear(try JacksonFields.string(value, "subject"))
        case "NOOP", "CONTEXT", "ASSOC":
            break
        case let other:
            throw WireShapeError("unknown keytype \(other.map { "'\($0)'" } ?? "(none)")")
        }
        return nil
    }

    private static func config(json: JSONValue) throws(WireShapeError) -> CompatibilityConfig? {
        let members = try CompatibilityConfig.members(json: json)
        var config = CompatibilityConfig(normalize: members.normalize)
        if let level = members.level {
            guard let parsed = CompatibilityLevel(rawValue: level) else { throw WireShapeError("unknown compatibilityLevel '\(level)'") }
            config.compatibilityLevel = parsed
        }
        // A config of members this registry does not keep replaces the one before it all the same.
        return config.compatibilityLevel == nil && config.normalize == nil ? nil : config
    }

    private static func mode(json: JSONValue) throws(WireShapeError) -> RegistryMode {
        guard case .object(let object) = json, let name = try JacksonFields.string(object, "mode") else {
            throw WireShapeError("the MODE value has no mode")
        }
        guard let mode = RegistryMode(rawValue: name) else { throw WireShapeError("unknown mode '\(name)'") }
        return mode
    }
}

/// A SCHEMA record's value: Confluent's `SchemaValue`.
private struct TopicSchema {
    var id: Int
    var schemaType: String
    var schema: String
    var references: [SchemaReference]
    var metadata: JSONValue?
    var ruleSet: JSONValue?
    var deleted: Bool
    /// The record that wrote it.
    var position: Int

    var isAvro: Bool { schemaType.uppercased() == "AVRO" }

    /// The value and the subject it names, which Confluent checks ids against.
    static func read(json: JSONValue, position: Int) throws(WireShapeError) -> (TopicSchema, String?) {
        guard case .object(let object) = json else { throw WireShapeError("a SCHEMA value must be a JSON object") }
        guard let id = try JacksonFields.int32(object, "id") else { throw WireShapeError("the SCHEMA value has no id") }
        guard let schema = try JacksonFields.string(object, "schema") else { throw WireShapeError("the SCHEMA value has no schema") }
        let deleted: Bool
        switch object["deleted"] {
        case nil, .null?: deleted = false
        case .bool(let flag)?: deleted = flag
        default: throw WireShapeError("'deleted' must be a boolean")
        }
        let value = TopicSchema(
            id: id, schemaType: try JacksonFields.string(object, "schemaType") ?? "AVRO", schema: schema,
            references: try SchemaReference.list(json: object["references"]), metadata: JacksonFields.nonNull(object["metadata"]),
            ruleSet: JacksonFields.nonNull(object["ruleSet"]), deleted: deleted, position: position)
        return (value, try JacksonFields.string(object, "subject"))
    }
}

/// The reader's local store and the two indexes of it the replay needs.
private struct State {
    /// SCHEMA keys: versions by subject.
    var versions: [String: [Int: TopicSchema]] = [:]
    /// Confluent's `InMemoryCache.guidToSubjectVersions`: for each id, the subjects whose versions were given it,
    /// first given first, each with the last such version. Like Confluent's, it is not cleaned when a version is
    /// given another id, and only tombstones and CLEAR_SUBJECT remove from it.
    var holders: [ContextId: [SubjectVersion]] = [:]
    var configs: [String?: CompatibilityConfig] = [:]
    var modes: [String?: RegistryMode] = [:]
    var maxIds: [String: Int] = [:]

    /// The version already holding `schema`'s id with other schema text, which makes Confluent ignore the record
    /// (`validateUpdate` looks at the first holder only).
    func clash(_ schema: TopicSchema, subject: String) -> SubjectVersion? {
        let key = ContextId(context: QualifiedSubject.context(of: subject), id: schema.id)
        guard let first = holders[key]?.first, let held = versions[first.subject]?[first.version], held.schema != schema.schema
        else { return nil }
        return first
    }

    mutating func register(_ schema: TopicSchema, at key: SubjectVersion) {
        versions[key.subject, default: [:]][key.version] = schema
        let context = QualifiedSubject.context(of: key.subject)
        maxIds[context] = max(maxIds[context] ?? 1, schema.id)
        hold(ContextId(context: context, id: schema.id), by: key)
    }

    mutating func hold(_ id: ContextId, by key: SubjectVersion) {
        if let index = holders[id]?.firstIndex(where: { $0.subject == key.subject }) {
            holders[id]![index] = key
        } else {
            holders[id, default: []].append(key)
        }
    }

    mutating func tombstone(_ key: SubjectVersion) {
        guard let old = versions[key.subject]?.removeValue(forKey: key.version) else { return }
        if versions[key.subject]?.isEmpty == true { versions[key.subject] = nil }
        let id = ContextId(context: QualifiedSubject.context(of: key.subject), id: old.id)
        holders[id]?.removeAll { $0 == key }
        if holders[id]?.isEmpty == true { holders[id] = nil }
    }

    mutating func softDelete(_ subject: String, through last: Int) {
        for (version, schema) in versions[subject] ?? [:] where version >= 1 && version <= last && !schema.deleted {
            versions[subject]![version]!.deleted = true
            hold(ContextId(context: QualifiedSubject.context(of: subject), id: schema.id), by: SubjectVersion(subject: subject, version: version))
        }
    }

    /// Confluent's `InMemoryCache.clearSubjects` with its `matchingSubjectPredicate`.
    mutating func clear(_ pattern: String?) {
        func matches(_ subject: String) -> Bool {
            guard let pattern else { return true }
            if pattern == subject { return true }
            let scope = QualifiedSubject(parsing: pattern)
            return scope.name.isEmpty
                && (scope.context == QualifiedSubject.globalContext || scope.context == QualifiedSubject.context(of: subject))
        }
        let context = pattern.map(QualifiedSubject.context(of:)) ?? QualifiedSubject.defaultContext
        for id in holders.keys where id.context == context {
            holders[id]!.removeAll { key in
                matches(key.subject) && versions[key.subject]?[key.version]?.deleted != false
            }
            if holders[id]!.isEmpty { holders[id] = nil }
        }
        for subject in versions.keys where matches(subject) {
            versions[subject] = versions[subject]!.filter { !$0.value.deleted }
            if versions[subject]!.isEmpty { versions[subject] = nil }
        }
    }

    /// Drops the versions holding schemas other than Avro, with a note for each.
    mutating func removeNonAvro(unit: String) -> [String] {
        var notes: [String] = []
        for (subject, byVersion) in versions.sorted(by: { $0.key < $1.key }) {
            for (version, schema) in byVersion.sorted(by: { $0.key < $1.key }) where !schema.isAvro {
                notes.append(
                    "\(unit) \(schema.position): \(subject) version \(version) (id \(schema.id)) holds a \(schema.schemaType) schema; "
                        + "skipped")
                versions[subject]![version] = nil
            }
            if versions[subject]!.isEmpty { versions[subject] = nil }
        }
        return notes
    }

    /// The registry left: every version, and each schema a version holds, in the form the last record that wrote
    /// it gave.
    func contents(unit: String) throws(DumpError) -> StoreContents {
        var contents = StoreContents(configs: configs, modes: modes, maxSchemaIds: maxIds)
        var schemas: [ContextId: TopicSchema] = [:]
        for (subject, byVersion) in versions {
            let context = QualifiedSubject.context(of: subject)
            for (version, schema) in byVersion {
                contents.versions.append(StoredVersion(subject: subject, version: version, schemaId: schema.id, deleted: schema.deleted))
                let key = ContextId(context: context, id: schema.id)
                if schemas[key].map({ $0.position < schema.position }) ?? true { schemas[key] = schema }
            }
        }
        contents.versions.sort { ($0.subject, $0.version) < ($1.subject, $1.version) }
        var identities = SchemaIdentities(schemas: schemas, versions: versions, unit: unit)
        for key in schemas.keys.sorted() {
            let schema = schemas[key]!
            contents.schemas.append(StoredSchema(
                id: key.id, context: key.context, guid: try identities.guid(key), schema: schema.schema,
                references: schema.references, metadata: schema.metadata, ruleSet: schema.ruleSet))
        }
        return contents
    }
}

/// Each replayed schema's guid, as the registry computes it on registration: it needs the schema parsed, and so the
/// schemas it references parsed first.
private struct SchemaIdentities {
    let schemas: [ContextId: TopicSchema]
    let versions: [String: [Int: TopicSchema]]
    let unit: String
    var parsed: [ContextId: AvroSchema] = [:]

    init(schemas: [ContextId: TopicSchema], versions: [String: [Int: TopicSchema]], unit: String) {
        self.schemas = schemas
        self.versions = versions
        self.unit = unit
    }

    mutating func guid(_ key: ContextId) throws(DumpError) -> String {
        let schema = schemas[key]!
        let normalized = try parse(key, depth: 0).jsonTexts().normalized
        return SchemaIdentity.guid(
            normalizedSchema: normalized, references: schema.references, metadata: schema.metadata, ruleSet: schema.ruleSet)
    }

    private mutating func parse(_ key: ContextId, depth: Int) throws(DumpError) -> AvroSchema {
        if let done = parsed[key] { return done }
        let schema = schemas[key]!
        func fail(_ message: String) -> DumpError {
            DumpError(unit: unit, position: schema.position, "schema id \(key.id) in context \(key.context): \(message)")
        }
        guard schema.isAvro else {
            throw fail("a \(schema.schemaType) schema; this registry holds Avro schemas only")
        }
        guard depth < 64 else { throw fail("references nest more than 64 levels deep, or in a cycle") }
        var referenced: [AvroSchema] = []
        for reference in schema.references {
            let target = SubjectVersion(subject: StoredSchema.qualify(reference.subject, in: key.context), version: reference.version)
            guard let held = versions[target.subject]?[target.version] else {
                throw fail(
                    "its reference '\(reference.name)' names \(target.subject) version \(target.version), which the dump does not hold")
            }
            referenced.append(try parse(ContextId(context: QualifiedSubject.context(of: target.subject), id: held.id), depth: depth + 1))
        }
        do {
            let result = try AvroSchema(parsing: schema.schema, references: referenced, options: .lenient)
            parsed[key] = result
            return result
        } catch {
            throw fail("the schema does not parse: \(error.message)")
        }
    }
}
