#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

// MHD_start_daemon is variadic; pass every option through one MHD_OPTION_ARRAY.
static inline struct MHD_Daemon *cmhd_start_daemon(unsigned int flags, uint16_t port, MHD_AccessHandlerCallback handler, void *handler_cls, struct MHD_OptionItem *options) { return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls, MHD_OPTION_ARRAY, options, MHD_OPTION_END); }

// MHD_get_daemon_info is variadic.
static inline const union MHD_DaemonInfo *cmhd_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType type) { return MHD_get_daemon_info(daemon, type); }

// MHD_get_connection_info is variadic.
static inline const union MHD_ConnectionInfo *cmhd_connection_info(struct MHD_Connection *connection, enum MHD_ConnectionInfoType type) { return MHD_get_connection_info(connection, type); }

#endif
