#define _GNU_SOURCE
#include "CGaaraSystem.h"
#include <fcntl.h>
#include <unistd.h>
#include <spawn.h>
#ifdef __linux__
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

int gaara_pipe_cloexec(int fds[2]) {
#ifdef __linux__
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    // A 1 MiB pipe (the unprivileged maximum) instead of 64 KiB: a chatty step and its reader
    // switch places 16 times less often. Best effort: the default size works too.
    (void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
    return 0;
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int gaara_eventfd(void) {
#ifdef __linux__
    return eventfd(0, EFD_CLOEXEC);
#else
    return -1;
#endif
}

int gaara_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#ifdef __linux__
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    return -1;
#endif
}

int gaara_set_child_subreaper(void) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return -1;
#endif
}

short gaara_spawn_usevfork_flag(void) {
#ifdef POSIX_SPAWN_USEVFORK
    return POSIX_SPAWN_USEVFORK;
#else
    return 0;
#endif
}

int gaara_pidfd_open(int pid) {
#if defined(__linux__) && defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    return -1;
#endif
}

#ifdef __linux__
int gaara_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int gaara_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event = {.events = events, .data.u64 = data};
    return epoll_ctl(epoll, op, fd, &event);
}

int gaara_epoll_wait(int epoll, gaara_poll_event *events, int count, int timeout_ms) {
    struct epoll_event raw[256];
    if (count > 256) count = 256;
    int ready = epoll_wait(epoll, raw, count, timeout_ms);
    for (int i = 0; i < ready; i++) {
        events[i].events = raw[i].events;
        events[i].data = raw[i].data.u64;
    }
    return ready;
}

int gaara_accept(int fd, void *address, unsigned int *length) {
    int client = accept4(fd, (struct sockaddr *)address, (socklen_t *)length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
        int one = 1;
        (void)setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return client;
}

void gaara_set_thread_name(const char *name) { (void)prctl(PR_SET_NAME, name, 0, 0, 0); }

int gaara_tcp_socket(int family) {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

int gaara_tcp_nodelay(int fd) {
    int one = 1;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) return -1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}
#else
int gaara_epoll_create(void) { return -1; }
int gaara_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t data) { return -1; }
int gaara_epoll_wait(int epoll, gaara_poll_event *events, int count, int timeout_ms) { return -1; }
int gaara_accept(int fd, void *address, unsigned int *length) { return -1; }
void gaara_set_thread_name(const char *name) {}
int gaara_tcp_socket(int family) { return -1; }
int gaara_tcp_nodelay(int fd) { return -1; }
#endif

int gaara_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0); }

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* Walks a directory through file descriptors (openat with O_NOFOLLOW), so a symbolic link or a
 * directory swapped for one during the walk is never followed; entries that vanish meanwhile are
 * skipped. Depth is bounded to keep the stack small. */
static int chown_at(int parent, const char *name, uid_t uid, gid_t gid, int depth) {
    if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOENT) return -1;
    if (depth > 256) return 0;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return (errno == ENOTDIR || errno == ELOOP || errno == ENOENT) ? 0 : -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        if (chown_at(dirfd(dir), entry->d_name, uid, gid, depth + 1) != 0) result = -1;
    }
    closedir(dir);
    return result;
}

int gaara_chown_tree(const char *path, unsigned int uid, unsigned int gid) {
    return chown_at(AT_FDCWD, path, (uid_t)uid, (gid_t)gid, 0);
}
