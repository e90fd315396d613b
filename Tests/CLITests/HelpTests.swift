import Foundation
import TestSupport
import Testing

@Suite("schema-registry command line")
struct HelpTests {
    @Test("--help lists the command and exits 0")
    func help() throws {
        let result = try runCLI(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("schema-registry"))
    }
}
