import ArgumentParser
import JSON
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde

/// `schema-registry decode`: Confluent wire-format messages in, JSON records out.
public struct DecodeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode Confluent wire-format Avro messages into JSON records.",
        discussion: """
            Reads one hex message per line from standard input (or a single binary message with --raw), \
            fetches each writer schema from the registry by the id in the message, and prints one JSON \
            record per line in the Avro specification's JSON encoding. With --schema the data is read as \
            that reader schema (defaults filled in, enum symbols mapped, numbers promoted). Exit status: \
            0 all messages decoded, 1 some message failed (reported on stderr with its line number), 2 usage error.
            """)

    @OptionGroup(title: "Registry")
    var connection: RegistryOptions

    @Option(name: .long, help: "A file holding a reader schema to project the data onto.")
    var schema: String?

    @Flag(name: .long, help: "Read standard input as one binary message instead of hex lines.")
    var raw = false

    public init() {}

    public func validate() throws { try connection.requireRegistry() }

    public func run() async throws {
        let client = try SerdeCommandSupport.client(connection)
        let reader = try schema.map { try SerdeCommandSupport.readSchemaFile($0).schema }
        let deserializer = AvroDeserializer(client: client, readerSchema: reader)
        let readerCodec: AvroCodec?
        do { readerCodec = try reader.map { try AvroCodec(schema: $0) } } catch {
            throw SerdeCommandSupport.usageError("unusable reader schema: \(error)")
        }

        let messages: [(line: Int, bytes: [UInt8]?)]
        if raw {
            messages = [(1, Array(FileHandle.standardInput.readDataToEndOfFile()))]
        } else {
            messages = SerdeCommandSupport.inputLines().enumerated()
                .filter { !$0.element.allSatisfy(\.isWhitespace) }
                .map { ($0.offset + 1, SerdeCommandSupport.bytes(fromHex: $0.element.trimmingCharacters(in: .whitespaces))) }
        }

        var writerCodecs: [String: AvroCodec] = [:]
        var failures = 0
        for (line, bytes) in messages {
            do {
                guard let bytes else { throw SerdeCommandSupport.DecodeInputError.notHex }
                if bytes.isEmpty {
                    SerdeCommandSupport.write("null\n")  // a tombstone
                    continue
                }
                let message = try await deserializer.decode(bytes)
                let codec: AvroCodec
                if let readerCodec {
                    codec = readerCodec
                } else {
                    let key = message.writerSchema.canonicalForm
                    if let cached = writerCodecs[key] {
                        codec = cached
                    } else {
                        codec = try AvroCodec(schema: message.writerSchema)
                        writerCodecs[key] = codec
                    }
                }
                SerdeCommandSupport.write(JSONWriter.write(try codec.json(from: message.value)) + "\n")
            } catch {
                SerdeCommandSupport.writeError("line \(line): \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

extension SerdeCommandSupport {
    enum DecodeInputError: Error, CustomStringConvertible {
        case notHex
        var description: String { "not a hex-encoded message" }
    }
}
