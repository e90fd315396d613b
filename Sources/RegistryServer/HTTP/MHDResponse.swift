import CMicroHTTPD

/// The libmicrohttpd response that sends `response`; nil only when memory runs out.
///
/// A shared body is read in place, without a copy: the libmicrohttpd response holds a reference to it until
/// libmicrohttpd destroys the response, which may be long after the caller let go, while a connection still sends.
/// Any other body is copied into the response.
func makeMHDResponse(_ response: HTTPResponse, closesConnection: Bool) -> OpaquePointer? {
    let handle: OpaquePointer?
    switch response.body {
    case .shared(let shared):
        let reference = Unmanaged.passRetained(shared).toOpaque()
        handle = MHD_create_response_from_buffer_with_free_callback_cls(shared.count, shared.start, releaseSharedBytes, reference)
        // On failure libmicrohttpd never calls the callback.
        if handle == nil { Unmanaged<SharedBytes>.fromOpaque(reference).release() }
    case .owned(var bytes):
        handle = bytes.withUnsafeMutableBytes { buffer in
            MHD_create_response_from_buffer(buffer.count, buffer.baseAddress, .RESPMEM_MUST_COPY)
        }
    }
    guard let handle else { return nil }
    MHD_add_response_header(handle, MHD_HTTP_HEADER_CONTENT_TYPE, response.contentType)
    for header in response.headers { MHD_add_response_header(handle, header.name, header.value) }
    if closesConnection { MHD_add_response_header(handle, MHD_HTTP_HEADER_CONNECTION, "close") }
    return handle
}

private let releaseSharedBytes: MHD_ContentReaderFreeCallback = { reference in
    guard let reference else { return }
    Unmanaged<SharedBytes>.fromOpaque(reference).release()
}
