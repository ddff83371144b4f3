#ifndef CGAARA_SYSTEM_H
#define CGAARA_SYSTEM_H

#include <spawn.h>
#include <stdint.h>

/// Creates a close-on-exec pipe; returns 0 or -1 with errno set.
int gaara_pipe_cloexec(int fds[2]);

/// Creates a close-on-exec eventfd; returns the fd or -1.
int gaara_eventfd(void);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29+).
int gaara_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Makes this process a child subreaper (Linux); returns 0 or -1.
int gaara_set_child_subreaper(void);

/// prctl(PR_SET_DUMPABLE): 0 keeps processes of the same user (without CAP_SYS_PTRACE) out of
/// this one's /proc files (mem, environ, root, fd) and from attaching to it; returns 0 or -1.
int gaara_set_dumpable(int dumpable);

/// Changes the owner of `path` and everything under it without following symbolic links (the walk
/// goes through directory file descriptors opened with O_NOFOLLOW); entries that vanish during the
/// walk are skipped. Returns 0, or -1 with errno set when an entry could not be changed.
int gaara_chown_tree(const char *path, unsigned int uid, unsigned int gid);

/// The POSIX_SPAWN_USEVFORK flag where it exists, else 0.
short gaara_spawn_usevfork_flag(void);

/// pidfd_open(2): a file descriptor that becomes readable when the process exits; -1 if unsupported.
int gaara_pidfd_open(int pid);

/// One readiness event of gaara_epoll_wait (struct epoll_event is packed on x86-64; this is not).
typedef struct {
    uint32_t events;
    uint64_t data;
} gaara_poll_event;

/// epoll_create1(EPOLL_CLOEXEC); -1 where epoll does not exist.
int gaara_epoll_create(void);

/// epoll_ctl with EPOLL_CTL_ADD (op 1), EPOLL_CTL_DEL (2) or EPOLL_CTL_MOD (3).
int gaara_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t data);

/// epoll_wait into an array of gaara_poll_event.
int gaara_epoll_wait(int epoll, gaara_poll_event *events, int count, int timeout_ms);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int gaara_accept(int fd, void *address, unsigned int *length);

/// Names the calling thread (at most 15 bytes show).
void gaara_set_thread_name(const char *name);

/// A non-blocking close-on-exec TCP socket of the family, with TCP_NODELAY.
int gaara_tcp_socket(int family);

/// Sets O_NONBLOCK and TCP_NODELAY on an accepted socket; returns 0 or -1.
int gaara_tcp_nodelay(int fd);

#endif
