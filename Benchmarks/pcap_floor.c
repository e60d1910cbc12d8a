/*
 * The floor for "casebook analyze": a plain libpcap read loop over every packet
 * of a trace, doing nothing but summing the captured lengths (so the loop is not
 * optimised away).  No program that reads the trace through libpcap can be faster.
 *
 *   cc -O2 -o .build/bench/pcap_floor Benchmarks/pcap_floor.c -lpcap
 *   .build/bench/pcap_floor TRACE        ->  "packets N bytes B check C"
 *   .build/bench/pcap_floor --version    ->  libpcap's version string
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t packets = 0, bytes = 0, check = 0;
    int rc;

    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", pcap_lib_version());
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s TRACE\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (p == NULL) {
        fprintf(stderr, "pcap_floor: %s\n", err);
        return 1;
    }
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->caplen;
        if (h->caplen > 0)
            check += data[h->caplen - 1];   /* touch the packet bytes too */
    }
    if (rc == -1) {
        fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    pcap_close(p);
    printf("packets %llu bytes %llu check %llu\n",
           (unsigned long long)packets, (unsigned long long)bytes, (unsigned long long)check);
    return 0;
}
