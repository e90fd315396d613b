@testable import RegistryServer
import Testing

/// Jersey's choice among the types Confluent's resources produce.
@Suite struct MediaTypeNegotiationTests {
    private func chosen(_ accept: String?) -> String? { MediaTypeNegotiation.responseType(accept: accept) }

    @Test func noPreferenceGetsTheRegistrysOwnType() {
        for accept in [nil, "", "*/*", "application/*", "application/*; q=0.3"] {
            #expect(chosen(accept) == "application/vnd.schemaregistry.v1+json", "\(accept ?? "nil")")
        }
    }

    @Test func aSupportedTypeIsAnsweredInThatType() {
        #expect(chosen("application/json") == "application/json")
        #expect(chosen("application/vnd.schemaregistry+json") == "application/vnd.schemaregistry+json")
        #expect(chosen("Application/JSON; charset=utf-8") == "application/json")
        // What confluent-kafka-python sends.
        #expect(
            chosen("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json")
                == "application/vnd.schemaregistry.v1+json")
    }

    @Test func theClientsQualityDecidesAndTheServersBreaksTies() {
        #expect(chosen("application/json, application/vnd.schemaregistry.v1+json; q=0.9") == "application/json")
        #expect(chosen("application/json; q=0.5, application/vnd.schemaregistry+json; q=0.5") == "application/vnd.schemaregistry+json")
        #expect(chosen("text/html, application/json; q=0.1") == "application/json")
    }

    @Test func nothingAcceptableIsNil() {
        for accept in ["application/vnd.schemaregistry.v2+json", "text/plain", "text/*", "application/xml", "application/json; q=0",
                       "*/json", "nonsense"] {
            #expect(chosen(accept) == nil, "\(accept)")
        }
    }
}
