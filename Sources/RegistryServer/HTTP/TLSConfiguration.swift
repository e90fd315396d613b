import CGnuTLS
import CMicroHTTPD

/// HTTPS: the server's certificate chain and key, and optionally the CA that client certificates must be signed by.
public struct TLSConfiguration: Sendable {
    /// PEM text of the server certificate (followed by any intermediates).
    public var certificatePEM: String
    /// PEM text of the certificate's private key.
    public var keyPEM: String
    /// PEM text of the CA that must have signed every client's certificate; nil accepts clients without one.
    public var clientCAPEM: String?

    public init(certificatePEM: String, keyPEM: String, clientCAPEM: String? = nil) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.clientCAPEM = clientCAPEM
    }

    /// Loads the files the way the TLS library will, so that a bad file or a key that does not belong to the
    /// certificate is reported by name instead of as a daemon that fails to start.
    func validate() throws(HTTPServerError) {
        var allocated: gnutls_certificate_credentials_t?
        guard gnutls_certificate_allocate_credentials(&allocated) == 0, let credentials = allocated else {
            throw .invalidTLS("cannot allocate TLS credentials")
        }
        defer { gnutls_certificate_free_credentials(credentials) }
        let loaded = Self.withDatum(certificatePEM) { certificate in
            Self.withDatum(keyPEM) { key in gnutls_certificate_set_x509_key_mem(credentials, certificate, key, GNUTLS_X509_FMT_PEM) }
        }
        if loaded < 0 {
            throw .invalidTLS("the TLS certificate and key cannot be used together: \(String(cString: gnutls_strerror(loaded)))")
        }
        if let clientCAPEM {
            let count = Self.withDatum(clientCAPEM) { gnutls_certificate_set_x509_trust_mem(credentials, $0, GNUTLS_X509_FMT_PEM) }
            if count <= 0 {
                let reason = count < 0 ? String(cString: gnutls_strerror(count)) : "no certificate found"
                throw .invalidTLS("the client CA file holds no usable PEM certificate: \(reason)")
            }
        }
    }

    private static func withDatum<Result>(_ text: String, _ body: (UnsafePointer<gnutls_datum_t>) -> Result) -> Result {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
            return body(&datum)
        }
    }
}

/// Whether the TLS client on `connection` presented a certificate that verifies against the trusted client CA.
///
/// libmicrohttpd only asks for a certificate when given a trust list; it neither requires nor checks one.
func hasVerifiedClientCertificate(_ connection: OpaquePointer) -> Bool {
    guard let info = cmhd_connection_info(connection, .CONNECTION_INFO_GNUTLS_SESSION),
          let session = info.pointee.tls_session else { return false }
    var status: UInt32 = 0
    return gnutls_certificate_verify_peers2(OpaquePointer(session), &status) == 0 && status == 0
}
