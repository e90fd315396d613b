// Serialize + deserialize with warm caches: our serializer pair on AvroValue (the generic path) against
// libavro alone on the 10-field Trade record, and the pair on Codable types (the typed path) for Trade, a
// small and a large record, round trip and each direction alone. scripts/bench-serde.sh runs this next to
// Apache Avro Java and the Python client and prints the ratios; run it through that script (release
// build, a real registry).
import Avro
import AvroCodec
import CAvro
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde

/// The benchmark record: strings, longs, doubles, an enum, an array and a nullable union.
enum Trade {
    static let schemaText = """
        {"type":"record","name":"Trade","namespace":"bench","fields":[
          {"name":"id","type":"long"},
          {"name":"symbol","type":"string"},
          {"name":"venue","type":"string"},
          {"name":"trader","type":"string"},
          {"name":"quantity","type":"long"},
          {"name":"price","type":"double"},
          {"name":"fee","type":"double"},
          {"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"note","type":["null","string"]}
        ]}
        """

    static let value: AvroValue = .record(AvroRecord([
        "id": .long(1_234_567_890), "symbol": "ACME", "venue": "XNYS", "trader": "alice@example.com",
        "quantity": .long(500), "price": .double(187.25), "fee": .double(0.35), "side": .enumSymbol("BUY"),
        "tags": .array(["block", "dark"]), "note": .string("partial fill"),
    ]))
}

/// Process CPU time in seconds. The benchmark counts CPU time rather than wall time because it runs
/// on a shared machine: cases measured one after another then see the same cost for the same work
/// even when the load changes between them (the Python side does the same with `time.process_time`).
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Runs `body` in batches for about `seconds` of CPU time after a warm-up and prints operations per CPU second.
func measure(_ label: String, seconds: Double, _ body: () throws -> Void) rethrows {
    for _ in 0..<2_000 { try body() }
    let start = cpuSeconds()
    var operations = 0
    while cpuSeconds() - start < seconds {
        for _ in 0..<1_000 { try body() }
        operations += 1_000
    }
    report(label, operations, cpuSeconds() - start)
}

/// The async twin, for the serializer pair. The serializers run on the caller's executor: no executor hops.
func measureAsync(_ label: String, seconds: Double, _ body: () async throws -> Void) async rethrows {
    for _ in 0..<2_000 { try await body() }
    let start = cpuSeconds()
    var operations = 0
    while cpuSeconds() - start < seconds {
        for _ in 0..<1_000 { try await body() }
        operations += 1_000
    }
    report(label, operations, cpuSeconds() - start)
}

func report(_ label: String, _ operations: Int, _ seconds: Double) {
    print("\(label) \(Int(Double(operations) / seconds))")
}

/// The same record through libavro's generic value API only: set each field, write, read, get each field.
final class LibavroAlone {
    let schema: avro_schema_t
    let iface: UnsafeMutablePointer<avro_value_iface_t>
    let out = UnsafeMutablePointer<avro_value_t>.allocate(capacity: 1)
    let back = UnsafeMutablePointer<avro_value_t>.allocate(capacity: 1)
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
    let writer: avro_writer_t
    let reader: avro_reader_t
    var checksum = 0

    init(_ text: String) {
        var parsed: avro_schema_t?
        _ = text.withCString { avro_schema_from_json_length($0, text.utf8.count, &parsed) }
        schema = parsed!
        iface = avro_generic_class_from_schema(schema)!
        _ = cavro_generic_value_new(iface, out)
        _ = cavro_generic_value_new(iface, back)
        writer = avro_writer_memory(buffer, 4096)
        reader = avro_reader_memory(buffer, 4096)
    }

    func setString(_ record: UnsafeMutablePointer<avro_value_t>, _ index: Int, _ text: String) {
        var field = avro_value_t()
        _ = cavro_get_by_index(record, index, &field, nil)
        _ = text.withCString { cavro_set_string_len(&field, $0, text.utf8.count + 1) }
    }

    func roundTrip() {
        _ = cavro_reset(out)
        var field = avro_value_t()
        _ = cavro_get_by_index(out, 0, &field, nil); _ = cavro_set_long(&field, 1_234_567_890)
        setString(out, 1, "ACME")
        setString(out, 2, "XNYS")
        setString(out, 3, "alice@example.com")
        _ = cavro_get_by_index(out, 4, &field, nil); _ = cavro_set_long(&field, 500)
        _ = cavro_get_by_index(out, 5, &field, nil); _ = cavro_set_double(&field, 187.25)
        _ = cavro_get_by_index(out, 6, &field, nil); _ = cavro_set_double(&field, 0.35)
        _ = cavro_get_by_index(out, 7, &field, nil); _ = cavro_set_enum(&field, 0)
        _ = cavro_get_by_index(out, 8, &field, nil)
        var item = avro_value_t()
        for tag in ["block", "dark"] {
            _ = cavro_append(&field, &item, nil)
            _ = tag.withCString { cavro_set_string_len(&item, $0, tag.utf8.count + 1) }
        }
        _ = cavro_get_by_index(out, 9, &field, nil)
        var branch = avro_value_t()
        _ = cavro_set_branch(&field, 1, &branch)
        _ = "partial fill".withCString { cavro_set_string_len(&branch, $0, 13) }
        avro_writer_reset(writer)
        _ = avro_value_write(writer, out)
        let size = avro_writer_tell(writer)

        // avro_value_read resets `back` itself.
        avro_reader_memory_set_source(reader, buffer, size)
        _ = avro_value_read(reader, back)
        var long: Int64 = 0, double: Double = 0, symbol: Int32 = 0, count = 0
        var text: UnsafePointer<CChar>?, length = 0
        _ = cavro_get_by_index(back, 0, &field, nil); _ = cavro_get_long(&field, &long)
        for index in 1...3 {
            _ = cavro_get_by_index(back, index, &field, nil); _ = cavro_get_string(&field, &text, &length)
            checksum &+= length
        }
        _ = cavro_get_by_index(back, 4, &field, nil); _ = cavro_get_long(&field, &long)
        _ = cavro_get_by_index(back, 5, &field, nil); _ = cavro_get_double(&field, &double)
        _ = cavro_get_by_index(back, 6, &field, nil); _ = cavro_get_double(&field, &double)
        _ = cavro_get_by_index(back, 7, &field, nil); _ = cavro_get_enum(&field, &symbol)
        _ = cavro_get_by_index(back, 8, &field, nil); _ = cavro_get_size(&field, &count)
        for index in 0..<count {
            _ = cavro_get_by_index(&field, index, &item, nil); _ = cavro_get_string(&item, &text, &length)
            checksum &+= length
        }
        _ = cavro_get_by_index(back, 9, &field, nil); _ = cavro_get_current_branch(&field, &branch)
        _ = cavro_get_string(&branch, &text, &length)
        checksum &+= length &+ Int(long) &+ Int(symbol) &+ Int(double)
    }
}

var registryURL: String?
var seconds = 3.0
/// `--profile CASE --iterations N` runs one case (libavro, ours, codec, encode, decode, typed, typed-encode,
/// typed-decode) N times untimed, for profilers: the difference in CPU time (`perf stat -e task-clock`) or
/// instructions between two N gives the cost per operation without startup or warm-up.
var profileCase: String?
var iterations = 0
/// `--rss N` instead runs N typed round trips of Trade (and N / 10 of Large) and prints the resident set size
/// after the first tenth and at the end, to show the typed path keeps no memory per message.
var rssRoundTrips: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--registry": registryURL = arguments.popFirst()
    case "--seconds": seconds = arguments.popFirst().flatMap(Double.init) ?? seconds
    case "--profile": profileCase = arguments.popFirst()
    case "--iterations": iterations = arguments.popFirst().flatMap(Int.init) ?? iterations
    case "--rss": rssRoundTrips = arguments.popFirst().flatMap(Int.init)
    // `--schema trade|small|large` prints that record's schema, so the Java side reads the very same text.
    case "--schema":
        switch arguments.popFirst() {
        case "trade": print(Trade.schemaText)
        case "small": print(SmallRecord.schemaText)
        case "large": print(LargeRecord.schemaText)
        default:
            print("unknown record (trade, small, large)")
            exit(2)
        }
        exit(0)
    default: break
    }
}
guard let registryURL else {
    print("usage: serde-benchmark --registry URL [--seconds S]")
    exit(2)
}

/// Keeps results alive so the optimizer cannot drop the work.
final class Sink: @unchecked Sendable {
    var total = 0
}

/// A Codable record's round trip through the serializer pair (`typed_<name>_ops`, or `typed_ops` for Trade),
/// the same through `AvroValue` (`…_via_value_ops`), and serialize and deserialize alone (`…_encode_ops`,
/// `…_decode_ops`).
func measureTyped<T: Codable & Equatable>(
    _ label: String, _ value: T, schema: String, client: SchemaRegistryClient, seconds: Double, sink: Sink
) async throws {
    let serializer = try AvroSerializer(client: client, schema: schema)
    let deserializer = AvroDeserializer(client: client)
    let topic = "bench-\(label)-\(UInt32.random(in: 0...UInt32.max))"
    let framed = try await serializer.serialize(value, topic: topic)!
    guard try await deserializer.deserialize(T.self, from: framed) == value else {
        print("typed round trip mismatch for \(label)")
        exit(1)
    }
    print("\(label)_bytes \(framed.count)")
    try await measureAsync("\(label)_ops", seconds: seconds) {
        let bytes = try await serializer.serialize(value, topic: topic)!
        if try await deserializer.deserialize(T.self, from: bytes) != nil { sink.total &+= 1 }
    }
    // The same Codable round trip the way it went before the typed path: through an `AvroValue` both ways.
    try await measureAsync("\(label)_via_value_ops", seconds: seconds) {
        let bytes = try await serializer.serialize(try AvroValueEncoder().encode(value), topic: topic)!
        if let read = try await deserializer.deserialize(bytes), try AvroValueDecoder().decode(T.self, from: read) == value { sink.total &+= 1 }
    }
    try await measureAsync("\(label)_encode_ops", seconds: seconds) { sink.total &+= try await serializer.serialize(value, topic: topic)!.count }
    try await measureAsync("\(label)_decode_ops", seconds: seconds) {
        if try await deserializer.deserialize(T.self, from: framed) != nil { sink.total &+= 1 }
    }
}

/// The process's resident set size in KiB, from /proc/self/statm.
func residentKiB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

/// Typed round trips of `value`, printing `rss_<label>_first_tenth`, `rss_<label>_end` (KiB) and `rss_<label>_growth_percent`.
func checkResidentSize<T: Codable & Equatable>(_ label: String, _ value: T, schema: String, client: SchemaRegistryClient, roundTrips: Int) async throws {
    let serializer = try AvroSerializer(client: client, schema: schema)
    let deserializer = AvroDeserializer(client: client)
    let topic = "rss-\(label)-\(UInt32.random(in: 0...UInt32.max))"
    var checked = 0
    var firstTenth = 0
    for round in 1...roundTrips {
        let bytes = try await serializer.serialize(value, topic: topic)
        if try await deserializer.deserialize(T.self, from: bytes) == value { checked += 1 }
        if round == roundTrips / 10 { firstTenth = residentKiB() }
    }
    let end = residentKiB()
    guard checked == roundTrips else {
        print("rss round trips disagree for \(label)")
        exit(1)
    }
    print("rss_\(label)_round_trips \(roundTrips)")
    print("rss_\(label)_first_tenth_kib \(firstTenth)")
    print("rss_\(label)_end_kib \(end)")
    print("rss_\(label)_growth_percent \(String(format: "%.1f", Double(end - firstTenth) * 100 / Double(max(firstTenth, 1))))")
}

/// Everything below runs in a nonisolated function: top-level code in main.swift is on the main actor,
/// and awaiting the serializers from there would hop executors on every call.
func run(registryURL: String, seconds: Double, profileCase: String?, iterations: Int, rssRoundTrips: Int?) async throws {
    let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: registryURL))
    if let rssRoundTrips {
        try await checkResidentSize("typed", TradeRecord.value, schema: Trade.schemaText, client: client, roundTrips: rssRoundTrips)
        try await checkResidentSize("typed_large", LargeRecord.value, schema: LargeRecord.schemaText, client: client, roundTrips: rssRoundTrips / 10)
        return
    }
    let serializer = try AvroSerializer(client: client, schema: Trade.schemaText)
    let deserializer = AvroDeserializer(client: client)
    let topic = "bench-\(UInt32.random(in: 0...UInt32.max))"
    let framed = try await serializer.serialize(Trade.value, topic: topic)!
    guard try await deserializer.deserialize(framed) == Trade.value else {
        print("round trip mismatch")
        exit(1)
    }
    print("message_bytes \(framed.count)")
    // The typed path writes the same bytes as the generic one (Trade has no map, whose order could differ).
    guard try await serializer.serialize(TradeRecord.value, topic: topic) == framed,
        try await deserializer.deserialize(TradeRecord.self, from: framed) == TradeRecord.value
    else {
        print("typed path disagrees with the generic path")
        exit(1)
    }

    let libavro = LibavroAlone(Trade.schemaText)
    let codec = try AvroCodec(schema: AvroSchema(parsing: Trade.schemaText))
    var sink = 0
    if let profileCase {
        switch profileCase {
        case "libavro":
            for _ in 0..<iterations { libavro.roundTrip() }
        case "ours":
            for _ in 0..<iterations {
                let bytes = try await serializer.serialize(Trade.value, topic: topic)!
                if case .record(let record) = try await deserializer.deserialize(bytes) { sink &+= record.fields.count }
            }
        case "codec":
            for _ in 0..<iterations {
                let bytes = try codec.encode(Trade.value)
                if case .record(let record) = try codec.decode(bytes) { sink &+= record.fields.count }
            }
        case "encode":
            for _ in 0..<iterations { sink &+= try codec.encode(Trade.value).count }
        case "decode":
            let encoded = try codec.encode(Trade.value)
            for _ in 0..<iterations {
                if case .record(let record) = try codec.decode(encoded) { sink &+= record.fields.count }
            }
        case "typed":
            for _ in 0..<iterations {
                let bytes = try await serializer.serialize(TradeRecord.value, topic: topic)!
                if let trade = try await deserializer.deserialize(TradeRecord.self, from: bytes) { sink &+= trade.tags.count }
            }
        case "typed-encode":
            for _ in 0..<iterations { sink &+= try await serializer.serialize(TradeRecord.value, topic: topic)!.count }
        case "typed-decode":
            for _ in 0..<iterations {
                if let trade = try await deserializer.deserialize(TradeRecord.self, from: framed) { sink &+= trade.tags.count }
            }
        default:
            print("unknown profile case \(profileCase)")
            exit(2)
        }
        print("checksum \(libavro.checksum &+ sink)")
        return
    }
    measure("libavro_ops", seconds: seconds) { libavro.roundTrip() }
    try await measureAsync("ours_ops", seconds: seconds) {
        let bytes = try await serializer.serialize(Trade.value, topic: topic)!
        if case .record(let record) = try await deserializer.deserialize(bytes) { sink &+= record.fields.count }
    }
    try measure("codec_ops", seconds: seconds) {
        let bytes = try codec.encode(Trade.value)
        if case .record(let record) = try codec.decode(bytes) { sink &+= record.fields.count }
    }
    // Each direction alone, to see where the time goes.
    try measure("codec_encode_ops", seconds: seconds) { sink &+= try codec.encode(Trade.value).count }
    let encoded = try codec.encode(Trade.value)
    try measure("codec_decode_ops", seconds: seconds) {
        if case .record(let record) = try codec.decode(encoded) { sink &+= record.fields.count }
    }
    // Codable alone on Trade, no Avro work: the floor under any Codable serializer (see CodableFloor.swift).
    let floor = FloorSink()
    try measure("codable_floor_encode_ops", seconds: seconds) { try TradeRecord.value.encode(to: FloorEncoder(sink: floor)) }
    try measure("codable_floor_decode_ops", seconds: seconds) { floor.total &+= try TradeRecord(from: FloorDecoder(sink: floor)).tags.count }
    let typedSink = Sink()
    try await measureTyped("typed", TradeRecord.value, schema: Trade.schemaText, client: client, seconds: seconds, sink: typedSink)
    try await measureTyped("typed_small", SmallRecord.value, schema: SmallRecord.schemaText, client: client, seconds: seconds, sink: typedSink)
    try await measureTyped("typed_large", LargeRecord.value, schema: LargeRecord.schemaText, client: client, seconds: seconds, sink: typedSink)
    print("checksum \(libavro.checksum &+ sink &+ typedSink.total &+ floor.total)")
}

try await run(registryURL: registryURL, seconds: seconds, profileCase: profileCase, iterations: iterations, rssRoundTrips: rssRoundTrips)
