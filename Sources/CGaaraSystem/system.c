#define _GNU_SOURCE
#include "CGaaraSystem.h"
#include <fcntl.h>
#include <unistd.h>
#include <spawn.h>
#ifdef __linux__
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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
