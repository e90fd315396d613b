import Dispatch
import Foundation
@testable import RegistryServer
import Synchronization
import Testing

/// Requests that may write are answered on blocking threads, so a write waiting for its commit
/// neither holds up reads on the same polling thread nor is cut off when the server stops.
@Suite struct BlockingWorkTests {
    /// Answers GET at once; holds every POST until `release`.
    final class HoldingResponder: HTTPResponder {
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        let postsAnswered = Atomic(0)

        func respond(to request: HTTPRequest) -> HTTPResponse {
            if request.method == "POST" {
                entered.signal()
                gate.wait()
                postsAnswered.add(1, ordering: .relaxed)
                return HTTPResponse(status: 200, contentType: "text/plain", body: Array("written".utf8))
            }
            return HTTPResponse(status: 200, contentType: "text/plain", body: Array("read".utf8))
        }

        func payloadTooLarge(limit: Int) -> HTTPResponse { HTTPResponse(status: 413, contentType: "text/plain", body: []) }
        func clientCertificateRequired() -> HTTPResponse { HTTPResponse(status: 403, contentType: "text/plain", body: []) }
    }

    /// Sends a POST on its own thread and returns a way to collect its reply.
    func postInBackground(port: Int) -> () -> HTTPReply? {
        let reply = Mutex<HTTPReply?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let connection = HTTPConnection(port: port)
            let answer = try? connection.send("POST", "/write", body: Array("{}".utf8))
            reply.withLock { $0 = answer }
            done.signal()
        }.start()
        return {
            _ = done.wait(timeout: .now() + 15)
            return reply.withLock { $0 }
        }
    }

    @Test func aWaitingWriteDoesNotHoldUpReadsOnTheOnlyPollingThread() throws {
        let responder = HoldingResponder()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(port: 0, threads: 1, blockingThreads: 2), responder: responder)
        defer { server.stop() }
        let port = Int(server.port)
        let write = postInBackground(port: port)
        responder.entered.wait()

        let read = try HTTPConnection(port: port).send("GET", "/read")
        #expect(read.status == 200 && read.text == "read")
        #expect(responder.postsAnswered.load(ordering: .relaxed) == 0)

        responder.gate.signal()
        let written = write()
        #expect(written?.status == 200 && written?.text == "written")
    }

    @Test func thePoolRunsEverythingSubmittedBeforeShutDownAndRefusesWhatComesAfter() {
        let pool = BlockingWorkPool(threads: 2)
        let ran = Atomic(0)
        let submitted = (0..<50).filter { _ in pool.submit { Thread.sleep(forTimeInterval: 0.001); ran.add(1, ordering: .relaxed) } }
        pool.shutDown()
        #expect(submitted.count == 50)
        #expect(ran.load(ordering: .relaxed) == 50)
        #expect(!pool.submit { ran.add(1, ordering: .relaxed) })
        #expect(ran.load(ordering: .relaxed) == 50)
    }

    @Test func stopWaitsForAWriteInProgressAndSendsItsAnswer() throws {
        let responder = HoldingResponder()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(port: 0, threads: 1, blockingThreads: 1), responder: responder)
        let write = postInBackground(port: Int(server.port))
        responder.entered.wait()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { responder.gate.signal() }
        server.stop()
        #expect(responder.postsAnswered.load(ordering: .relaxed) == 1)
        #expect(write()?.text == "written")
    }
}
