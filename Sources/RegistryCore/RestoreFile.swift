/// The files `schema-registry restore` reads, told apart by how they start: a registry export (`RegistryExport`), or
/// a dump of a `_schemas` topic in one of `SchemasTopicRecords.Format`, replayed by `SchemasTopicReplay`.
public enum RestoreFile {
    /// The registry `text` holds, and notes on the records of a dump that Confluent would have ignored (and with
    /// `skippingNonAvro`, on the non-Avro versions left out).
    public static func contents(parsing text: String, skippingNonAvro: Bool = false) throws(ExportError)
        -> (contents: StoreContents, notes: [String])
    {
        guard !text.allSatisfy(\.isWhitespace) else { throw ExportError("the file is empty") }
        do throws(DumpError) {
            if let replayed = try replayedDump(text, skippingNonAvro: skippingNonAvro) { return (replayed.contents, replayed.ignored) }
        } catch {
            throw ExportError(error.description)
        }
        return (try RegistryExport.contents(parsing: text), [])
    }

    /// Nil when `text` is not a dump.
    private static func replayedDump(_ text: String, skippingNonAvro: Bool) throws(DumpError) -> (contents: StoreContents, ignored: [String])? {
        guard let format = try SchemasTopicRecords.format(of: text) else { return nil }
        let records = try SchemasTopicRecords.records(in: text, format: format)
        guard !records.isEmpty else { throw DumpError(unit: format.unit, position: nil, "the dump holds no records") }
        return try SchemasTopicReplay.contents(of: records, unit: format.unit, skippingNonAvro: skippingNonAvro)
    }
}
