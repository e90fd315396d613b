#ifndef CAVRO_SHIM_H
#define CAVRO_SHIM_H
#include <avro.h>

// avro-c's value accessors are function-like macros over an interface table;
// Swift cannot import them, so each gets a one-line inline twin.
static inline int cavro_get_type(const avro_value_t *v) { return avro_value_get_type(v); }
static inline int cavro_get_size(const avro_value_t *v, size_t *n) { return avro_value_get_size(v, n); }
static inline int cavro_reset(avro_value_t *v) { return avro_value_reset(v); }
static inline int cavro_get_boolean(const avro_value_t *v, int *x) { return avro_value_get_boolean(v, x); }
static inline int cavro_get_int(const avro_value_t *v, int32_t *x) { return avro_value_get_int(v, x); }
static inline int cavro_get_long(const avro_value_t *v, int64_t *x) { return avro_value_get_long(v, x); }
static inline int cavro_get_float(const avro_value_t *v, float *x) { return avro_value_get_float(v, x); }
static inline int cavro_get_double(const avro_value_t *v, double *x) { return avro_value_get_double(v, x); }
static inline int cavro_get_bytes(const avro_value_t *v, const void **p, size_t *n) { return avro_value_get_bytes(v, p, n); }
static inline int cavro_get_string(const avro_value_t *v, const char **p, size_t *n) { return avro_value_get_string(v, p, n); }
static inline int cavro_get_enum(const avro_value_t *v, int *x) { return avro_value_get_enum(v, x); }
static inline int cavro_get_fixed(const avro_value_t *v, const void **p, size_t *n) { return avro_value_get_fixed(v, p, n); }
static inline int cavro_get_null(const avro_value_t *v) { return avro_value_get_null(v); }
static inline int cavro_set_null(avro_value_t *v) { return avro_value_set_null(v); }
static inline int cavro_set_boolean(avro_value_t *v, int x) { return avro_value_set_boolean(v, x); }
static inline int cavro_set_int(avro_value_t *v, int32_t x) { return avro_value_set_int(v, x); }
static inline int cavro_set_long(avro_value_t *v, int64_t x) { return avro_value_set_long(v, x); }
static inline int cavro_set_float(avro_value_t *v, float x) { return avro_value_set_float(v, x); }
static inline int cavro_set_double(avro_value_t *v, double x) { return avro_value_set_double(v, x); }
static inline int cavro_set_bytes(avro_value_t *v, void *p, size_t n) { return avro_value_set_bytes(v, p, n); }
static inline int cavro_set_string_len(avro_value_t *v, const char *p, size_t n) { return avro_value_set_string_len(v, p, n); }
static inline int cavro_set_enum(avro_value_t *v, int x) { return avro_value_set_enum(v, x); }
static inline int cavro_set_fixed(avro_value_t *v, void *p, size_t n) { return avro_value_set_fixed(v, p, n); }
static inline int cavro_get_by_index(const avro_value_t *v, size_t i, avro_value_t *child, const char **name) { return avro_value_get_by_index(v, i, child, name); }
static inline int cavro_get_by_name(const avro_value_t *v, const char *name, avro_value_t *child, size_t *index) { return avro_value_get_by_name(v, name, child, index); }
static inline int cavro_get_discriminant(const avro_value_t *v, int *out) { return avro_value_get_discriminant(v, out); }
static inline int cavro_get_current_branch(const avro_value_t *v, avro_value_t *branch) { return avro_value_get_current_branch(v, branch); }
static inline int cavro_set_branch(avro_value_t *v, int d, avro_value_t *branch) { return avro_value_set_branch(v, d, branch); }
static inline int cavro_append(avro_value_t *v, avro_value_t *child, size_t *index) { return avro_value_append(v, child, index); }
static inline int cavro_add(avro_value_t *v, const char *key, avro_value_t *child, size_t *index, int *is_new) { return avro_value_add(v, key, child, index, is_new); }
static inline avro_schema_t cavro_get_schema(const avro_value_t *v) { return avro_value_get_schema(v); }
static inline void cavro_iface_decref(avro_value_iface_t *iface) { avro_value_iface_decref(iface); }
static inline int cavro_generic_value_new(avro_value_iface_t *iface, avro_value_t *v) { return avro_generic_value_new(iface, v); }


// A value interface with a pointer beside it: libavro passes the interface to every callback, so callbacks
// implemented in Swift (which cannot capture) find the state of the value they serve through it.
typedef struct { avro_value_iface_t iface; void *state; } cavro_iface_with_state;

// avro-c's binary encoding (encoding_binary.c) is exported as the table `avro_binary_encoding`, but its type is
// declared in the private header encoding.h, which libavro-dev does not install; this is that declaration as
// avro-c 1.11 has it, and one-line wrappers for the entries the typed codec calls.
typedef struct {
    const char *description;
    int (*read_string)(avro_reader_t reader, char **s, int64_t *len);
    int (*skip_string)(avro_reader_t reader);
    int (*write_string)(avro_writer_t writer, const char *s);
    int64_t (*size_string)(avro_writer_t writer, const char *s);
    int (*read_bytes)(avro_reader_t reader, char **bytes, int64_t *len);
    int (*skip_bytes)(avro_reader_t reader);
    int (*write_bytes)(avro_writer_t writer, const char *bytes, const int64_t len);
    int64_t (*size_bytes)(avro_writer_t writer, const char *bytes, const int64_t len);
    int (*read_int)(avro_reader_t reader, int32_t *i);
    int (*skip_int)(avro_reader_t reader);
    int (*write_int)(avro_writer_t writer, const int32_t i);
    int64_t (*size_int)(avro_writer_t writer, const int32_t i);
    int (*read_long)(avro_reader_t reader, int64_t *l);
    int (*skip_long)(avro_reader_t reader);
    int (*write_long)(avro_writer_t writer, const int64_t l);
    int64_t (*size_long)(avro_writer_t writer, const int64_t l);
    int (*read_float)(avro_reader_t reader, float *f);
    int (*skip_float)(avro_reader_t reader);
    int (*write_float)(avro_writer_t writer, const float f);
    int64_t (*size_float)(avro_writer_t writer, const float f);
    int (*read_double)(avro_reader_t reader, double *d);
    int (*skip_double)(avro_reader_t reader);
    int (*write_double)(avro_writer_t writer, const double d);
    int64_t (*size_double)(avro_writer_t writer, const double d);
    int (*read_boolean)(avro_reader_t reader, int8_t *b);
    int (*skip_boolean)(avro_reader_t reader);
    int (*write_boolean)(avro_writer_t writer, const int8_t b);
    int64_t (*size_boolean)(avro_writer_t writer, const int8_t b);
    int (*read_null)(avro_reader_t reader);
    int (*skip_null)(avro_reader_t reader);
    int (*write_null)(avro_writer_t writer);
    int64_t (*size_null)(avro_writer_t writer);
} cavro_encoding_t;
extern const cavro_encoding_t avro_binary_encoding;

static inline int cavro_write_long(avro_writer_t w, int64_t x) { return avro_binary_encoding.write_long(w, x); }
static inline int cavro_write_float(avro_writer_t w, float x) { return avro_binary_encoding.write_float(w, x); }
static inline int cavro_write_double(avro_writer_t w, double x) { return avro_binary_encoding.write_double(w, x); }
static inline int cavro_write_boolean(avro_writer_t w, int8_t x) { return avro_binary_encoding.write_boolean(w, x); }
static inline int cavro_write_bytes(avro_writer_t w, const char *p, int64_t n) { return avro_binary_encoding.write_bytes(w, p, n); }
static inline int cavro_read_long(avro_reader_t r, int64_t *x) { return avro_binary_encoding.read_long(r, x); }
static inline int cavro_read_float(avro_reader_t r, float *x) { return avro_binary_encoding.read_float(r, x); }
static inline int cavro_read_double(avro_reader_t r, double *x) { return avro_binary_encoding.read_double(r, x); }
static inline int cavro_read_boolean(avro_reader_t r, int8_t *x) { return avro_binary_encoding.read_boolean(r, x); }

#endif
