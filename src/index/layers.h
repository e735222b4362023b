/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layer of the network stack a source file belongs to, from its path in
 * the tree: net/ipv4/tcp_input.c is TCP, net/core/dev.c the device layer.
 */
#ifndef NS_INDEX_LAYERS_H
#define NS_INDEX_LAYERS_H

/* "TCP", "IPv4", "device", ...; NULL for a path the table does not know */
const char *ix_layer(const char *path);

#endif
