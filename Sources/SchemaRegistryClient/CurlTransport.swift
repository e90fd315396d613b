#if os(Linux)
import Foundation
import Glibc
import Locking

/// HTTPS with a private CA and client certificates, through the libcurl that FoundationNetworking already loads.
///
/// On Linux, URLSession cannot be told to trust a CA file or to present a client certificate: it never asks its
/// delegate about server trust or client identities, and reads `URLSessionCertificateAuthorityInfoFile` only on
/// Android. libcurl can do both (`CURLOPT_CAINFO`, `CURLOPT_SSLCERT`, `CURLOPT_SSLKEY`), and `libcurl.so.4` is always
/// present because FoundationNetworking links it, so this transport binds the few functions it needs with `dlsym`
/// instead of adding a build-time dependency on curl's headers.
final class CurlTransport: HTTPTransport {
    struct TLS: Sendable {
        var caFile: String?
        var certificateFile: String?
        var keyFile: String?
    }

    private let library: Curl
    private let tls: TLS
    /// Idle easy handles; reusing them keeps connections (and TLS sessions) alive between requests.
    private let idle = Locked<[OpaquePointer]>([])

    /// True when libcurl could not be loaded (then only URLSession is left).
    static var isUnavailable: Bool { Curl.shared == nil }

    init(tls: TLS) throws(SchemaRegistryError) {
        guard let library = Curl.shared else {
            throw .configuration("TLS files need libcurl (libcurl.so.4), which could not be loaded")
        }
        for path in [tls.caFile, tls.certificateFile, tls.keyFile].compactMap({ $0 }) {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw .configuration("cannot read TLS file '\(path)'")
            }
        }
        self.library = library
        self.tls = tls
    }

    deinit {
        for handle in idle.withLock({ $0 }) { library.cleanup(handle) }
    }

    func send(_ request: HTTPRequest, to baseURL: URL, timeout: Duration) async throws(TransportFailure) -> HTTPResponse {
        let url = URLSessionTransport.join(baseURL, request.pathAndQuery)
        let result: Result<HTTPResponse, TransportFailure> = await withCheckedContinuation { continuation in
            // libcurl's easy interface blocks. A thread of its own keeps it off both the cooperative pool and
            // Dispatch's global queue, which on Linux runs only as many threads as there are cores.
            Thread.detachNewThread {
                continuation.resume(returning: self.perform(request, url: url, timeout: timeout))
            }
        }
        return try result.get()
    }

    private func perform(_ request: HTTPRequest, url: String, timeout: Duration) -> Result<HTTPResponse, TransportFailure> {
        guard let handle = idle.withLock({ $0.popLast() }) ?? library.initHandle() else {
            return .failure(.unreachable("libcurl could not create a handle"))
        }
        library.reset(handle)
        let received = ReceivedBody()
        var errorBuffer = [CChar](repeating: 0, count: Curl.errorSize)
        var headerList: OpaquePointer?
        defer { library.freeList(headerList) }
        let milliseconds = max(1, Int(timeout.seconds * 1000))
        let body = request.body ?? []
        // A non-empty buffer, so libcurl is never given a null POSTFIELDS (which would make it read stdin).
        let bodyStorage = body.isEmpty ? [0] : body

        let code: Int32 = errorBuffer.withUnsafeMutableBufferPointer { errors in
            bodyStorage.withUnsafeBytes { bodyBytes in
                library.set(handle, Curl.optionURL, url)
                library.set(handle, Curl.optionNoSignal, 1)
                library.set(handle, Curl.optionTimeoutMS, milliseconds)
                library.set(handle, Curl.optionConnectTimeoutMS, milliseconds)
                library.set(handle, Curl.optionErrorBuffer, UnsafeRawPointer(errors.baseAddress))
                library.set(handle, Curl.optionCustomRequest, request.method)
                if request.body != nil {
                    library.set(handle, Curl.optionPostFields, bodyBytes.baseAddress)
                    library.set(handle, Curl.optionPostFieldSizeLarge, body.count)
                } else if request.method == "GET" {
                    library.set(handle, Curl.optionHTTPGet, 1)
                }
                // libcurl would otherwise send "Expect: 100-continue" and wait for it on larger bodies.
                for header in request.headers.map({ "\($0.key): \($0.value)" }) + ["Expect:"] {
                    headerList = library.append(headerList, header)
                }
                library.set(handle, Curl.optionHTTPHeader, UnsafeRawPointer(headerList))
                if let caFile = tls.caFile { library.set(handle, Curl.optionCAInfo, caFile) }
                if let certificate = tls.certificateFile {
                    library.set(handle, Curl.optionSSLCert, certificate)
                    library.set(handle, Curl.optionSSLCertType, "PEM")
                }
                if let key = tls.keyFile { library.set(handle, Curl.optionSSLKey, key) }
                library.set(handle, Curl.optionWriteFunction, unsafeBitCast(Curl.collectBody, to: UnsafeRawPointer.self))
                library.set(handle, Curl.optionWriteData, UnsafeRawPointer(Unmanaged.passUnretained(received).toOpaque()))
                return withExtendedLifetime(received) { library.perform(handle) }
            }
        }
        let status = library.responseCode(handle)
        idle.withLock { $0.append(handle) }
        if code == Curl.ok { return .success(HTTPResponse(status: status, body: received.bytes)) }
        if received.overflowed {
            return .failure(.unreachable("\(url): response body larger than \(ReceivedBody.limit >> 20) MiB"))
        }
        let written = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let detail = written.isEmpty ? library.describe(code) : String(decoding: written, as: UTF8.self)
        let message = "\(url): \(detail)"
        return .failure(code == Curl.operationTimedOut ? .timedOut(message) : .unreachable(message))
    }
}

/// The response body as libcurl hands it over, chunk by chunk, on the performing thread.
private final class ReceivedBody {
    /// No registry answer comes near this; a larger body is refused rather than buffered.
    static let limit = 64 << 20
    var bytes: [UInt8] = []
    var overflowed = false
}

/// The handful of libcurl entry points the transport uses, bound at run time.
///
/// `curl_easy_setopt` and `curl_easy_getinfo` are variadic in C; they are called through fixed prototypes with one
/// trailing `long` or pointer argument, which the x86-64 and AArch64 Linux calling conventions pass exactly as the
/// variadic call would.
private struct Curl: @unchecked Sendable {
    typealias SetLong = @convention(c) (OpaquePointer?, Int32, Int) -> Int32
    typealias SetPointer = @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32
    typealias GetLong = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int>?) -> Int32
    typealias WriteCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    static let ok: Int32 = 0
    static let operationTimedOut: Int32 = 28
    static let errorSize = 256
    static let globalAll = 3
    // Option numbers from curl.h: CURLOPTTYPE_LONG 0, OBJECTPOINT 10000, FUNCTIONPOINT 20000, OFF_T 30000.
    static let optionWriteData: Int32 = 10001
    static let optionURL: Int32 = 10002
    static let optionErrorBuffer: Int32 = 10010
    static let optionWriteFunction: Int32 = 20011
    static let optionPostFields: Int32 = 10015
    static let optionHTTPHeader: Int32 = 10023
    static let optionSSLCert: Int32 = 10025
    static let optionCustomRequest: Int32 = 10036
    static let optionCAInfo: Int32 = 10065
    static let optionHTTPGet: Int32 = 80
    static let optionSSLCertType: Int32 = 10086
    static let optionSSLKey: Int32 = 10087
    static let optionNoSignal: Int32 = 99
    static let optionTimeoutMS: Int32 = 155
    static let optionConnectTimeoutMS: Int32 = 156
    static let optionPostFieldSizeLarge: Int32 = 30120
    static let infoResponseCode: Int32 = 0x200000 + 2

    static let collectBody: WriteCallback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let length = size * count
        let received = Unmanaged<ReceivedBody>.fromOpaque(context).takeUnretainedValue()
        guard received.bytes.count + length <= ReceivedBody.limit else {
            received.overflowed = true
            return 0  // makes libcurl abort the transfer
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            received.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    static let shared: Curl? = Curl()

    private let easyInit: @convention(c) () -> OpaquePointer?
    private let easyCleanup: @convention(c) (OpaquePointer?) -> Void
    private let easyReset: @convention(c) (OpaquePointer?) -> Void
    private let easyPerform: @convention(c) (OpaquePointer?) -> Int32
    private let easyStrerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    private let setLong: SetLong
    private let setPointer: SetPointer
    private let getLong: GetLong
    private let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    private let slistFree: @convention(c) (OpaquePointer?) -> Void

    private init?() {
        guard let library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_GLOBAL) else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        guard let easyInit = symbol("curl_easy_init", as: (@convention(c) () -> OpaquePointer?).self),
            let easyCleanup = symbol("curl_easy_cleanup", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let easyReset = symbol("curl_easy_reset", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let easyPerform = symbol("curl_easy_perform", as: (@convention(c) (OpaquePointer?) -> Int32).self),
            let easyStrerror = symbol("curl_easy_strerror", as: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
            let setLong = symbol("curl_easy_setopt", as: SetLong.self),
            let setPointer = symbol("curl_easy_setopt", as: SetPointer.self),
            let getLong = symbol("curl_easy_getinfo", as: GetLong.self),
            let slistAppend = symbol(
                "curl_slist_append", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?).self),
            let slistFree = symbol("curl_slist_free_all", as: (@convention(c) (OpaquePointer?) -> Void).self),
            let globalInit = symbol("curl_global_init", as: (@convention(c) (Int) -> Int32).self)
        else { return nil }
        // Before libcurl 7.84, letting curl_easy_init do this implicitly is not thread-safe; `shared` runs once.
        guard globalInit(Self.globalAll) == Self.ok else { return nil }
        self.easyInit = easyInit
        self.easyCleanup = easyCleanup
        self.easyReset = easyReset
        self.easyPerform = easyPerform
        self.easyStrerror = easyStrerror
        self.setLong = setLong
        self.setPointer = setPointer
        self.getLong = getLong
        self.slistAppend = slistAppend
        self.slistFree = slistFree
    }

    func initHandle() -> OpaquePointer? { easyInit() }
    func cleanup(_ handle: OpaquePointer) { easyCleanup(handle) }
    func reset(_ handle: OpaquePointer) { easyReset(handle) }
    func perform(_ handle: OpaquePointer) -> Int32 { easyPerform(handle) }

    func describe(_ code: Int32) -> String {
        easyStrerror(code).map { String(cString: $0) } ?? "libcurl error \(code)"
    }

    func set(_ handle: OpaquePointer, _ option: Int32, _ value: Int) { _ = setLong(handle, option, value) }
    func set(_ handle: OpaquePointer, _ option: Int32, _ value: UnsafeRawPointer?) { _ = setPointer(handle, option, value) }

    /// String options: libcurl copies the string (since 7.17), so a temporary C string is enough.
    func set(_ handle: OpaquePointer, _ option: Int32, _ value: String) {
        value.withCString { _ = setPointer(handle, option, UnsafeRawPointer($0)) }
    }

    func append(_ list: OpaquePointer?, _ line: String) -> OpaquePointer? {
        line.withCString { slistAppend(list, $0) } ?? list
    }

    func freeList(_ list: OpaquePointer?) {
        if let list { slistFree(list) }
    }

    func responseCode(_ handle: OpaquePointer) -> Int {
        var code = 0
        _ = getLong(handle, Self.infoResponseCode, &code)
        return code
    }
}
#endif
