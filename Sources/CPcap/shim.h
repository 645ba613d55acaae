#ifndef TCPWAVE_CPCAP_SHIM_H
#define TCPWAVE_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
