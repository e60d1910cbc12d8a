#ifndef CASEBOOK_CPCAP_SHIM_H
#define CASEBOOK_CPCAP_SHIM_H
#if __has_include(<pcap/pcap.h>)
#include <pcap/pcap.h>
#else
#include <pcap.h>
#endif
/* Prefetch hint for the trace reader (no libpcap involvement). */
static inline void casebook_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
