/*
 * LD_PRELOAD shim for the benchmark: binds every outgoing IPv4 TCP socket to the address in
 * BENCH_BIND_IPV4 before connect().
 *
 * Why: webtorrent-cli and peerflix have no option to choose their source address, so on
 * loopback all their runs would come from 127.0.0.1. Transmission refuses an IP it has seen
 * finish as a seed, so later rounds would lose the Transmission seeder. With this shim each run
 * gets its own 127.0.0.x, like flux (--bind) and the libtorrent script.
 *
 * Build: cc -shared -fPIC -O2 -o bindshim.so bindshim.c -ldl
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real_connect)(int, const struct sockaddr *, socklen_t);
    if (!real_connect) {
        real_connect = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    }
    const char *ip = getenv("BENCH_BIND_IPV4");
    if (ip && addr && addr->sa_family == AF_INET) {
        int type = 0;
        socklen_t tl = sizeof type;
        struct sockaddr_in cur;
        socklen_t cl = sizeof cur;
        memset(&cur, 0, sizeof cur);
        /* only unbound stream sockets: a socket the program bound itself is left alone */
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM
                && getsockname(fd, (struct sockaddr *)&cur, &cl) == 0 && cur.sin_port == 0) {
            struct sockaddr_in local;
            memset(&local, 0, sizeof local);
            local.sin_family = AF_INET;
            if (inet_pton(AF_INET, ip, &local.sin_addr) == 1) {
                int saved = errno;
                (void)bind(fd, (struct sockaddr *)&local, sizeof local);
                errno = saved;
            }
        }
    }
    return real_connect(fd, addr, len);
}
