#if canImport(Glibc)
import Glibc
#endif

/// The function libFuzzer calls with each input: bytes and count; returns 0.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

private typealias RunDriver = @convention(c) (
    UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, FuzzTarget
) -> CInt

/// Hands the process to libFuzzer's driver with `target` as the function under test.
///
/// SwiftPM links an executable target with `main` aliased to the module's own entry point, so libFuzzer's
/// `main` is never used; instead the entry point calls `LLVMFuzzerRunDriver`, which `scripts/fuzz.sh` keeps
/// in the link (`--undefined`) and exports (`--export-dynamic-symbol`) so it can be found here.
public func runFuzzer(_ target: FuzzTarget) -> Never {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") else {
        let message = "LLVMFuzzerRunDriver not found: build with scripts/fuzz.sh (-sanitize=fuzzer)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    let run = unsafeBitCast(symbol, to: RunDriver.self)
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(run(&argc, &argv, target))
}

/// The fuzzer's input as a buffer (libFuzzer may pass a null pointer for an empty input).
public func inputBytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: count > 0 ? data : nil, count: count)
}
