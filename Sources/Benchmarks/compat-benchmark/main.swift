// Times a FULL_TRANSITIVE check of a new version of a 50-field record against 1,000 previous
// versions, with every schema parsed once up front, as the registry keeps them; then the same through
// the registry itself (RegistryCore over SQLite, in-process): registering a new version against 1,000
// versions against registering one against a single version, and the heap that 1,000 kept versions take.
// Run it through scripts/bench-compat.sh (release build).
import Avro
import Foundation
import RegistryCore
import RegistryModel
import RegistrySQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let versionCount = 1_000
let repetitions = 15

/// Version `number` of the record: 49 fields shared by every version (every Avro kind, named types
/// included) plus one field of its own, all with defaults, so each version is FULL compatible with
/// every other and the check has to walk all of them.
func schemaText(version number: Int) -> String {
    var fields: [String] = []
    for index in 0..<49 {
        let type: String
        let defaultValue: String
        switch index % 10 {
        case 0: (type, defaultValue) = (#""int""#, "0")
        case 1: (type, defaultValue) = (#""long""#, "0")
        case 2: (type, defaultValue) = (#""string""#, #""""#)
        case 3: (type, defaultValue) = (#"["null","string"]"#, "null")
        case 4: (type, defaultValue) = (#""double""#, "0.0")
        case 5: (type, defaultValue) = (#""boolean""#, "false")
        case 6: (type, defaultValue) = (#"{"type":"array","items":"string"}"#, "[]")
        case 7: (type, defaultValue) = (#"{"type":"map","values":"long"}"#, "{}")
        case 8:
            type = index == 8
                ? #"{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED","CANCELLED"],"default":"NEW"}"#
                : #""Status""#
            defaultValue = #""NEW""#
        default:
            type = index == 9
                ? #"{"type":"record","name":"Address","fields":[{"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":["null","string"],"default":null}]}"#
                : #""Address""#
            defaultValue = #"{"street":"","city":"","zip":null}"#
        }
        fields.append(#"{"name":"field_\#(index)","type":\#(type),"default":\#(defaultValue)}"#)
    }
    fields.append(#"{"name":"added_in_v\#(number)","type":["null","long"],"default":null}"#)
    return #"{"type":"record","name":"Order","namespace":"com.example","fields":[\#(fields.joined(separator: ","))]}"#
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
}

/// CPU time of this thread in milliseconds: unlike the wall clock, it does not count time spent
/// waiting for a core on a busy machine.
func threadCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let clock = ContinuousClock()
let texts = (1...versionCount + 1).map(schemaText(version:))

// `--write-dir DIR` writes the same history as files for the command-line benchmark and for Java's
// (shared/tools/avro-java/compat-bench.sh): v0001.avsc … v1000.avsc and new.avsc.
if let flag = CommandLine.arguments.firstIndex(of: "--write-dir"), flag + 1 < CommandLine.arguments.count {
    let directory = CommandLine.arguments[flag + 1]
    func write(_ text: String, _ name: String) {
        guard let file = fopen("\(directory)/\(name)", "w") else { fatalError("cannot write \(directory)/\(name)") }
        fputs(text, file)
        fclose(file)
    }
    for number in 1...versionCount {
        var name = String(number)
        while name.count < 4 { name = "0" + name }
        write(texts[number - 1], "v\(name).avsc")
    }
    write(texts[versionCount], "new.avsc")
    exit(0)
}

// Memory first, before other parses leave freed pages for these to reuse.
/// Resident memory in bytes (Linux), to measure what the kept versions take.
func heapInUse() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

let heapBefore = heapInUse()
let kept = texts[..<versionCount].map { PreparedForCompatibility(try! AvroSchema(parsing: $0)) }
let heapPerVersion = Double(heapInUse() - heapBefore) / Double(versionCount)
precondition(kept.count == versionCount)
// The same versions prepared through one cache, as the command line reads a history: repeated fields share
// their storage (the cache's own tables counted).
let cachedHeapBefore = heapInUse()
let keptCache = SchemaParseCache()
let keptThroughCache = texts[..<versionCount].map { try! PreparedForCompatibility(parsing: Array($0.utf8), cache: keptCache) }
let cachedHeapPerVersion = Double(heapInUse() - cachedHeapBefore) / Double(versionCount)
precondition(keptThroughCache.count == versionCount)

// Reference measured in the same run: parsing every schema once, the least a check that
// re-parsed its inputs would pay.
var parsed: [AvroSchema] = []
var parseTimes: [Double] = [], parseCPUTimes: [Double] = []
for _ in 0..<5 {
    let start = clock.now, cpuStart = threadCPUMilliseconds()
    parsed = texts.map { try! AvroSchema(parsing: $0) }
    parseCPUTimes.append(threadCPUMilliseconds() - cpuStart)
    parseTimes.append(milliseconds(clock.now - start))
}
// The same with one cache of fields, as the command line parses a history (shared fields parsed once).
var cachedParseCPUTimes: [Double] = []
let utf8Texts = texts.map { Array($0.utf8) }
for _ in 0..<5 {
    let cache = SchemaParseCache()
    let cpuStart = threadCPUMilliseconds()
    let again = utf8Texts.map { try! AvroSchema(parsing: $0, cache: cache) }
    cachedParseCPUTimes.append(threadCPUMilliseconds() - cpuStart)
    precondition(again == parsed)
}
var bytesParseCPUTimes: [Double] = []
for _ in 0..<5 {
    let cpuStart = threadCPUMilliseconds()
    _ = utf8Texts.map { try! AvroSchema(parsing: $0) }
    bytesParseCPUTimes.append(threadCPUMilliseconds() - cpuStart)
}
let new = parsed[versionCount]
let previous = Array(parsed[..<versionCount].reversed())

var checkTimes: [Double] = []
var checkCPUTimes: [Double] = []
var failures = 0
for _ in 0..<repetitions {
    let start = clock.now, cpuStart = threadCPUMilliseconds()
    failures += CompatibilityLevel.fullTransitive.check(new, against: previous).count
    checkCPUTimes.append(threadCPUMilliseconds() - cpuStart)
    checkTimes.append(milliseconds(clock.now - start))
}
precondition(failures == 0, "the benchmark history must be FULL_TRANSITIVE compatible")

// The registry's way: versions kept prepared in memory, identical root fields skipped.
let preparedNew = PreparedForCompatibility(new), preparedPrevious = previous.map(PreparedForCompatibility.init)
var preparedTimes: [Double] = []
for _ in 0..<repetitions {
    let start = clock.now
    failures += CompatibilityLevel.fullTransitive.check(preparedNew, against: preparedPrevious).count
    preparedTimes.append(milliseconds(clock.now - start))
}
precondition(failures == 0, "the benchmark history must be FULL_TRANSITIVE compatible")
let prepareStart = clock.now
_ = parsed.map(PreparedForCompatibility.init)
let prepareTime = milliseconds(clock.now - prepareStart)

let check = median(checkTimes), parse = median(parseTimes)
func format(_ value: Double, _ digits: Int = 2) -> String {
    let scale = [1.0, 10, 100, 1000][digits]
    return String((value * scale).rounded() / scale)
}
print("compat-benchmark: new 50-field record vs \(versionCount) previous versions, FULL_TRANSITIVE (\(2 * versionCount) reader/writer checks)")
print("  full check:            \(format(check)) ms wall, \(format(median(checkCPUTimes))) ms CPU (medians of \(repetitions); target < 20 ms)")
print("  per reader/writer pair: \(format(check * 1000 / Double(2 * versionCount), 1)) µs")
print("  reference, parsing the \(versionCount + 1) schemas once: \(format(parse)) ms wall, \(format(median(parseCPUTimes))) ms CPU (min \(format(parseCPUTimes.min()!)))")
print("  parsing the same bytes: \(format(median(bytesParseCPUTimes))) ms CPU; with a SchemaParseCache: \(format(median(cachedParseCPUTimes))) ms CPU")
print("  check / parse ratio:   \(format(check / parse, 3))")
print("  prepared versions (digests of root field types, identical fields skipped): \(format(median(preparedTimes))) ms;"
      + " \(format(median(preparedTimes) / check, 3)) of the plain check; preparing the \(versionCount + 1) versions once: \(format(prepareTime)) ms")

// MARK: - The registry: a registration against 1,000 versions against one against a single version


let folder = FileManager.default.temporaryDirectory.appendingPathComponent("compat-benchmark-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: folder) }
try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let registry = try! Registry(store: SQLiteRegistryStore(path: folder.appendingPathComponent("registry.db").path))
func register(_ subject: String, _ text: String) {
    _ = try! registry.register(subject: subject, SchemaRequest(schema: text), normalize: false)
}
// Loaded without checks, then checked at FULL_TRANSITIVE like any subject that kept its history.
_ = try! registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
for text in texts[..<versionCount] { register("many", text) }
let registryRounds = 21
for round in 0..<registryRounds { register("one-\(round)", texts[0]) }
_ = try! registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .fullTransitive))
// The first check against the loaded history parses nothing: registrations keep their parses.
var againstOne: [Double] = [], againstMany: [Double] = []
for round in 0..<registryRounds {
    // Each registration is a new schema (a new field), so each one is parsed, checked and stored.
    let one = schemaText(version: 2_000 + round), many = schemaText(version: 3_000 + round)
    var start = clock.now
    register("one-\(round)", one)
    againstOne.append(milliseconds(clock.now - start))
    start = clock.now
    register("many", many)
    againstMany.append(milliseconds(clock.now - start))
}
let extra = median(againstMany) - median(againstOne)
print("registry (RegistryCore over SQLite, in-process), FULL_TRANSITIVE, medians of \(registryRounds):")
print("  register against 1 version: \(format(median(againstOne))) ms; against \(versionCount) versions: \(format(median(againstMany))) ms")
print("  extra for \(versionCount - 1) more versions: \(format(extra)) ms (target <= 5 ms); min-to-min: \(format(againstMany.min()! - againstOne.min()!)) ms")
print("  resident memory for \(versionCount) parsed versions kept prepared: \(format(heapPerVersion * Double(versionCount) / 1_048_576)) MiB (\(format(heapPerVersion / 1024, 1)) KiB per version)")
print("  the same prepared through one SchemaParseCache (shared fields stored once): \(format(cachedHeapPerVersion * Double(versionCount) / 1_048_576)) MiB (\(format(cachedHeapPerVersion / 1024, 1)) KiB per version)")
