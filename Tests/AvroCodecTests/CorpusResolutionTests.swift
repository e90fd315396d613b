import Avro
@testable import AvroCodec
import Foundation
import TestSupport
import Testing

/// The typed decoder's resolution against the generic path's over every compatible pair of the
/// compatibility corpus for which a writer value can be generated: a value of the writer schema is
/// encoded, then read as the reader schema by both paths, which must agree.
@Suite struct CorpusResolutionTests {
    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads what the generic path read (the task-local `expected`, a value of the reader schema `type`) with
    /// the Swift types a user would declare for it: records, arrays and maps through containers, optionals
    /// for null, and for a union the branch the value has.
    struct Probe: Decodable {
        struct Context {
            let schema: AvroSchema
            let type: AvroType
            let expected: AvroValue
        }

        @TaskLocal static var context: Context?
        let value: AvroValue

        struct Mismatch: Error {}

        init(from decoder: any Decoder) throws {
            let context = Self.context!
            let schema = context.schema
            func child<T>(_ type: AvroType, _ expected: AvroValue, _ body: () throws -> T) rethrows -> T {
                try Self.$context.withValue(Context(schema: schema, type: type, expected: expected), operation: body)
            }
            /// The reader type itself, or the branch of a reader union that matches.
            func branch(_ matches: (AvroType) -> Bool) throws -> AvroType {
                let type = schema.resolve(context.type)
                if case .union(let branches) = type {
                    guard let found = branches.first(where: { matches(schema.resolve($0)) }) else { throw Mismatch() }
                    return schema.resolve(found)
                }
                guard matches(type) else { throw Mismatch() }
                return type
            }
            let single = { try decoder.singleValueContainer() }
            switch context.expected {
            case .null:
                guard try single().decodeNil() else { throw Mismatch() }
                value = .null
            case .boolean: value = .boolean(try single().decode(Bool.self))
            case .int: value = .int(try single().decode(Int32.self))
            case .long: value = .long(try single().decode(Int64.self))
            case .float: value = .float(try single().decode(Float.self))
            case .double: value = .double(try single().decode(Double.self))
            case .string: value = .string(try single().decode(String.self))
            case .enumSymbol: value = .enumSymbol(try single().decode(String.self))
            case .bytes: value = .bytes(Array(try single().decode(Data.self)))
            case .fixed: value = .fixed(try single().decode([UInt8].self))
            case .decimal: value = .decimal(try single().decode(AvroDecimal.self))
            case .uuid: value = .uuid(try single().decode(UUID.self))
            case .date: value = .date(try single().decode(Date.self))
            case .timestamp: value = .timestamp(try single().decode(Date.self))
            case .record(let expected):
                guard case .record(let record) = try branch({ if case .record(let r) = $0 { r.name.fullName == expected.name } else { false } }) else {
                    throw Mismatch()
                }
                let container = try decoder.container(keyedBy: AnyKey.self)
                // Named, so that re-encoding into a reader union picks this branch rather than the first one of that shape.
                value = .record(AvroRecord(name: record.name.fullName, fields: try zip(record.fields, expected.fields).map { field, expectedField in
                    AvroRecord.Field(field.name, try child(field.type, expectedField.value) {
                        try container.decode(Probe.self, forKey: AnyKey(stringValue: field.name)).value
                    })
                }))
            case .array(let expected):
                guard case .array(let items, _) = try branch({ if case .array = $0 { true } else { false } }) else { throw Mismatch() }
                var container = try decoder.unkeyedContainer()
                var elements: [AvroValue] = []
                while !container.isAtEnd {
                    guard elements.count < expected.count else { throw Mismatch() }
                    elements.append(try child(items, expected[elements.count]) { try container.decode(Probe.self).value })
                }
                value = .array(elements)
            case .map(let expected):
                guard case .map(let values, _) = try branch({ if case .map = $0 { true } else { false } }) else { throw Mismatch() }
                let container = try decoder.container(keyedBy: AnyKey.self)
                var entries: [String: AvroValue] = [:]
                for key in container.allKeys {
                    guard let expectedValue = expected[key.stringValue] else { throw Mismatch() }
                    entries[key.stringValue] = try child(values, expectedValue) { try container.decode(Probe.self, forKey: key).value }
                }
                value = .map(entries)
            }
        }
    }

    /// The Java-parity corpus has a valid fixed of 2,147,483,639 bytes: its value, which the test holds about
    /// eleven times over (generated, encoded, decoded by both paths, re-encoded), took the process past 20 GB.
    static let largestSampledFixed = 1 << 16

    /// A value of `type`, or nil when none can be made within a few levels (a record that must recurse) or it
    /// would hold a fixed larger than `largestSampledFixed`.
    static func sample(_ type: AvroType, in schema: AvroSchema, depth: Int = 0) -> AvroValue? {
        guard depth < 6 else { return nil }
        switch schema.resolve(type) {
        case .primitive(let primitive, _):
            switch primitive {
            case .null: return .null
            case .boolean: return .boolean(true)
            case .int: return .int(7)
            case .long: return .long(-9)
            case .float: return .float(1.5)
            case .double: return .double(-2.25)
            case .bytes: return .bytes([1, 2])
            case .string: return .string("s")
            }
        case .fixed(let fixed):
            guard fixed.size <= largestSampledFixed else { return nil }
            return .fixed(Array(repeating: 1, count: fixed.size))
        case .enumeration(let enumeration): return enumeration.symbols.last.map(AvroValue.enumSymbol)
        case .array(let items, _): return .array(sample(items, in: schema, depth: depth + 1).map { [$0, $0] } ?? [])
        case .map(let values, _): return .map(sample(values, in: schema, depth: depth + 1).map { ["a": $0, "b": $0] } ?? [:])
        case .union(let branches):
            // The last branch that can be made, so unions with null first still carry a value.
            return branches.reversed().lazy.compactMap { sample($0, in: schema, depth: depth + 1) }.first
        case .record(let record):
            var fields: [AvroRecord.Field] = []
            for field in record.fields {
                guard let value = sample(field.type, in: schema, depth: depth + 1) else { return nil }
                fields.append(.init(field.name, value))
            }
            return .record(AvroRecord(name: record.name.fullName, fields: fields))
        case .reference:
            return nil
        }
    }

    @Test func typedResolutionAgreesOverTheCorpus() throws {
        var compared = 0, streamed = 0
        for corpusCase in CorpusCase.all where corpusCase.oracle.isCompatible && !corpusCase.isInvalid {
            guard let (reader, writer) = try? corpusCase.schemas(), let resolution = try? AvroResolution(writer: writer, reader: reader),
                let codec = try? AvroCodec(schema: writer), let written = Self.sample(writer.root, in: writer),
                let bytes = try? codec.encode(written)
            else { continue }
            let readerCodec = try AvroCodec(schema: reader)
            guard let expected = try? resolution.project(codec.decode(bytes)) else {
                // A pair the checker passes whose data still cannot be read (a union branch without a match): both fail.
                let context = Probe.Context(schema: reader, type: reader.root, expected: .null)
                #expect(throws: AvroCodecError.self, "\(corpusCase.id)") {
                    try Probe.$context.withValue(context) { try codec.decode(Probe.self, from: bytes, resolution: resolution) }
                }
                continue
            }
            let context = Probe.Context(schema: reader, type: reader.root, expected: expected)
            let read = try Probe.$context.withValue(context) {
                try bytes.withUnsafeBytes { try codec.streamedDecode(Probe.self, from: $0, plan: resolution.decodePlan) }
            }
            if let read {
                // Compared as the reader's bytes: a default can be a NaN, which is not equal to itself.
                #expect(try readerCodec.encode(read.value) == readerCodec.encode(expected), "\(corpusCase.id)")
                streamed += 1
            }
            // The public entry point falls back to the generic path where the stream cannot go; it agrees either way.
            let viaPublic = try Probe.$context.withValue(context) { try codec.decode(Probe.self, from: bytes, resolution: resolution) }
            #expect(try readerCodec.encode(viaPublic.value) == readerCodec.encode(expected), "\(corpusCase.id)")
            compared += 1
        }
        // The corpus has a few hundred compatible pairs; most must be read by the stream itself.
        #expect(compared > 100)
        #expect(streamed * 10 > compared * 7, "streamed \(streamed) of \(compared)")
    }
}
