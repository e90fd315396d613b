/// Reader/writer compatibility of Avro schemas, as Apache Avro's Java `SchemaCompatibility` decides it.
public enum SchemaCompatibility {
    /// Every reason `reader` cannot read data written with `writer`; empty when it can.
    public static func incompatibilities(reader: AvroSchema, writer: AvroSchema) -> [Incompatibility] {
        var checker = CompatibilityChecker(reader: reader, writer: writer)
        return checker.check()
    }

    /// The same verdict, skipping root record fields whose types are identical on both sides.
    public static func incompatibilities(reader: PreparedForCompatibility, writer: PreparedForCompatibility) -> [Incompatibility] {
        var checker = CompatibilityChecker(reader: reader, writer: writer)
        return checker.check()
    }
}
