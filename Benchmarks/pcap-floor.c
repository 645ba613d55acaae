/* The floor: libpcap reading a file and touching each packet, nothing else. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) { fprintf(stderr, "usage: pcap-floor FILE\n"); return 2; }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) { fprintf(stderr, "pcap-floor: %s\n", err); return 1; }
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long packets = 0, sum = 0;
    while (pcap_next_ex(p, &h, &data) == 1) { packets++; sum += data[h->caplen > 20 ? 20 : 0]; }
    printf("%lu packets (%lu)\n", packets, sum);
    pcap_close(p);
    return 0;
}
