import ArgumentParser
import Avro
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde

/// What `encode` and `decode` share: reading input lines, hex, and reporting per-line failures.
enum SerdeCommandSupport {
    static func client(_ options: RegistryOptions) throws -> SchemaRegistryClient {
        do {
            return try options.client()
        } catch {
            throw usageError("cannot use the registry '\(options.registry ?? "")': \(error)")
        }
    }

    static func readSchemaFile(_ path: String) throws -> (text: String, schema: AvroSchema) {
        guard let data = FileManager.default.contents(atPath: path) else { throw usageError("cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return (text, try AvroSchema(parsing: text))
        } catch {
            throw usageError("\(path) is not a valid Avro schema: \(error.message)")
        }
    }

    /// Every line of standard input, without line endings; blank lines are skipped by the callers.
    static func inputLines() -> [String] {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8).filter { $0 != UInt8(ascii: " ") }
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func writeError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func usageError(_ message: String) -> ExitCode {
        writeError(message)
        return ExitCode(2)
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
