#ifndef CGAARA_SYSTEM_H
#define CGAARA_SYSTEM_H

#include <spawn.h>

/// Creates a close-on-exec pipe; returns 0 or -1 with errno set.
int gaara_pipe_cloexec(int fds[2]);

/// Creates a close-on-exec eventfd; returns the fd or -1.
int gaara_eventfd(void);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29+).
int gaara_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Makes this process a child subreaper (Linux); returns 0 or -1.
int gaara_set_child_subreaper(void);

/// The POSIX_SPAWN_USEVFORK flag where it exists, else 0.
short gaara_spawn_usevfork_flag(void);

/// pidfd_open(2): a file descriptor that becomes readable when the process exits; -1 if unsupported.
int gaara_pidfd_open(int pid);

#endif
