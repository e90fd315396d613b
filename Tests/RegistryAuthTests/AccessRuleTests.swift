import Testing
@testable import RegistryAuth

@Suite struct AccessRuleTests {
    private func user(_ rules: [(AccessOperation, String)]) throws -> AuthenticatedUser {
        AuthenticatedUser(name: "u", rules: try rules.map { try #require(AccessRule(operation: $0.0, pattern: $0.1)) })
    }

    @Test func resourcesRenderAsKarapaceDoes() {
        #expect(AccessResource.subject("orders-value").description == "Subject:orders-value")
        #expect(AccessResource.config.description == "Config:")
    }

    /// Karapace uses Python's `re.match`: the pattern must match at the start, and may stop before the end.
    @Test func patternIsAnchoredAtTheStartOnly() throws {
        let reader = try user([(.read, "Subject:orders")])
        #expect(reader.may(.read, .subject("orders")))
        #expect(reader.may(.read, .subject("orders-value")))
        #expect(!reader.may(.read, .subject("old-orders")))
        #expect(!reader.may(.read, .subject("Orders")))
        #expect(!reader.may(.read, .config))
    }

    @Test func dollarMakesAnExactMatch() throws {
        let reader = try user([(.read, "Subject:orders$")])
        #expect(reader.may(.read, .subject("orders")))
        #expect(!reader.may(.read, .subject("orders-value")))
    }

    @Test func writeImpliesReadButNotTheOtherWayRound() throws {
        let writer = try user([(.write, "Subject:a.*")])
        #expect(writer.may(.write, .subject("abc")))
        #expect(writer.may(.read, .subject("abc")))
        #expect(!writer.may(.write, .subject("b")))
        let reader = try user([(.read, "Subject:a.*")])
        #expect(reader.may(.read, .subject("abc")))
        #expect(!reader.may(.write, .subject("abc")))
    }

    @Test func configNeedsAConfigRule() throws {
        let subjectsOnly = try user([(.write, "Subject:.*")])
        #expect(!subjectsOnly.may(.read, .config))
        let configReader = try user([(.read, "Config:")])
        #expect(configReader.may(.read, .config))
        #expect(!configReader.may(.write, .config))
        #expect(!configReader.may(.read, .subject("x")))
        let admin = try user([(.write, ".*")])
        #expect(admin.may(.write, .config) && admin.may(.write, .subject("anything")))
    }

    @Test func anyMatchingRuleGrants() throws {
        let mixed = try user([(.read, "Subject:a"), (.write, "Subject:b"), (.read, "Config:")])
        #expect(mixed.may(.read, .subject("a1")) && mixed.may(.write, .subject("b1")) && !mixed.may(.write, .subject("a1")))
        #expect(try !user([]).may(.read, .subject("a")))
    }

    @Test func pythonSyntaxWorks() throws {
        let named = try user([(.read, #"Subject:(?P<team>payments|billing)\.[a-z]+(-key|-value)?$"#)])
        #expect(named.may(.read, .subject("payments.invoice-value")))
        #expect(named.may(.read, .subject("billing.x")))
        #expect(!named.may(.read, .subject("payments.Invoice")))
        #expect(!named.may(.read, .subject("other.x")))
        // Python matches code points: one `.` is one scalar even inside a combined character.
        let oneScalar = try user([(.read, "Subject:e.$")])
        #expect(oneScalar.may(.read, .subject("e\u{301}")))
    }

    @Test func invalidPatternIsRejected() {
        #expect(AccessRule(operation: .read, pattern: "Subject:(") == nil)
        #expect(AccessRule(operation: .read, pattern: "[") == nil)
    }
}
