#ifndef CASEBOOK_CPCAP_SHIM_H
#define CASEBOOK_CPCAP_SHIM_H
#if __has_include(<pcap/pcap.h>)
#include <pcap/pcap.h>
#else
#include <pcap.h>
#endif
#endif
