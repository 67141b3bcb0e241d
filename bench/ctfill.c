// SPDX-License-Identifier: GPL-2.0
/*
 * ctfill ADDR COUNT: one UDP datagram to each of COUNT destinations
 * (ADDR, ADDR+1, ... each on ports 1 to 50000), so that a node forwarding
 * them holds COUNT conntrack entries.  For bench/ct-cleanup.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long count, i, sent = 0;
	uint32_t base;
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: ctfill ADDR COUNT\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 0);
	base = ntohl(to.sin_addr.s_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return perror("socket"), 1;
	for (i = 0; i < count; i++) {
		to.sin_addr.s_addr = htonl(base + (uint32_t)(i / 50000));
		to.sin_port = htons((uint16_t)(i % 50000 + 1));
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1)
			sent++;
	}
	printf("%lu sent\n", sent);
	return 0;
}
