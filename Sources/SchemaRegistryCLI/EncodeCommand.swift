import ArgumentParser
import Avro
import JSON
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde

/// `schema-registry encode`: JSON records in, Confluent wire-format messages out.
public struct EncodeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode JSON records into Confluent wire-format Avro messages.",
        discussion: """
            Reads one record per line from standard input, in the Avro specification's JSON encoding \
            (a union value is null or {"type": value}; bytes and fixed are strings of code points 0-255), \
            and writes one message per line as hex, or the messages back to back with --raw. \
            With --schema the schema is registered under the subject (if new); without it the subject's \
            latest version is used. Exit status: 0 all records encoded, 1 some record failed (reported \
            on stderr with its line number), 2 usage, schema or registry error.
            """)

    @OptionGroup(title: "Registry")
    var connection: RegistryOptions

    @Option(name: .long, help: "The subject to register the schema under or take its latest version from.")
    var subject: String

    @Option(name: .long, help: "A file holding the Avro schema to write with.")
    var schema: String?

    @Flag(name: .long, help: "Write the binary messages back to back instead of one hex line each.")
    var raw = false

    public init() {}

    public func validate() throws { try connection.requireRegistry() }

    public func run() async throws {
        let client = try SerdeCommandSupport.client(connection)
        let subject = self.subject
        let schemaText: String
        let autoRegister: Bool
        if let path = schema {
            schemaText = try SerdeCommandSupport.readSchemaFile(path).text
            autoRegister = true
        } else {
            do {
                schemaText = try await client.latestVersion(subject: subject).schema.schema
            } catch {
                throw SerdeCommandSupport.usageError("cannot get the latest version of '\(subject)': \(error)")
            }
            autoRegister = false
        }
        let serializer: AvroSerializer
        let codec: AvroCodec
        do {
            serializer = try AvroSerializer(
                client: client, schema: schemaText,
                configuration: .init(autoRegisterSchemas: autoRegister, subjectNameStrategy: .custom { _, _, _ in subject }))
            codec = try AvroCodec(schema: AvroSchema(parsing: schemaText))
        } catch {
            throw SerdeCommandSupport.usageError("unusable schema: \(error)")
        }

        var failures = 0
        for (number, line) in SerdeCommandSupport.inputLines().enumerated() where !line.allSatisfy(\.isWhitespace) {
            do {
                let json = try JSONParser.parse(line)
                let value = try codec.value(fromJSON: json)
                guard let message = try await serializer.serialize(value, topic: subject) else { continue }
                if raw {
                    FileHandle.standardOutput.write(Data(message))
                } else {
                    SerdeCommandSupport.write(SerdeCommandSupport.hex(message) + "\n")
                }
            } catch let error as SerdeError {
                if case .registry = error { throw SerdeCommandSupport.usageError("\(error)") }
                SerdeCommandSupport.writeError("line \(number + 1): \(error)")
                failures += 1
            } catch {
                SerdeCommandSupport.writeError("line \(number + 1): \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
