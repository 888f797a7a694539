/*
 * bench/net's RAM count: compiled (never linked) for each arch with the
 * kernel's flags, so `llvm-nm -S` reads the sizes of the network's static
 * structures and buffer constants off these arrays' sizes.
 */
#include <net/netif.h>

char sz_struct_netif[sizeof(struct netif)];
char sz_struct_net_stack[sizeof(struct net_stack)];
char sz_struct_tcp_stack[sizeof(struct tcp_stack)];
char sz_struct_tcp_pcb[sizeof(struct tcp_pcb)];
char sz_struct_virtio_net[sizeof(struct virtio_net)];
char sz_vnet_buf[VNET_BUF];
char sz_vnet_rx_bufs[VNET_RX_BUFS];
char sz_vnet_tx_bufs[VNET_TX_BUFS];
char sz_netif_stack[NETIF_STACK];
char sz_tcp_max_pcbs[TCP_MAX_PCBS];
char sz_tcp_nbufs[TCP_DEFAULT_NBUFS];
char sz_tcp_sndbuf[TCP_DEFAULT_SNDBUF];
char sz_tcp_rcvbuf[TCP_DEFAULT_RCVBUF];
