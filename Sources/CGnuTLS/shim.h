#ifndef CGNUTLS_SHIM_H
#define CGNUTLS_SHIM_H
// Only what the server needs: libmicrohttpd asks TLS clients for a certificate but never verifies one,
// and it cannot say why a key and certificate were refused.
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#endif
