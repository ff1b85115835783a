/* Runs the device-tree compiler; a warning from dtc is an error here, because a tree dtc
 * complains about is one Linux may read differently from what we meant. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "mkimage.h"

extern char **environ;

int dtc_compile(const char *what, const char *in, const char *in_format, const char *out)
{
    char errpath[] = "/tmp/mkimage-dtc-XXXXXX";
    int errfd = mkstemp(errpath);
    if (errfd < 0)
        return mk_error("%s: cannot create a temporary file: %s", what, strerror(errno));
    unlink(errpath);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    posix_spawn_file_actions_adddup2(&fa, errfd, 1);
    char *argv[] = {"dtc", "-I", (char *)in_format, "-O", "dtb", "-o", (char *)out,
                    (char *)in, NULL};
    pid_t pid;
    int r = posix_spawnp(&pid, "dtc", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r) {
        close(errfd);
        return mk_error("%s: cannot run dtc: %s (scripts/hv setup installs "
                        "device-tree-compiler)", what, strerror(r));
    }
    int status = 0;
    waitpid(pid, &status, 0);

    char msg[1024] = "";
    ssize_t n = pread(errfd, msg, sizeof(msg) - 1, 0);
    close(errfd);
    if (n > 0) {
        msg[n] = '\0';
        msg[strcspn(msg, "\n")] = '\0';  /* the first diagnostic names the problem */
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n > 0) {
        unlink(out);
        return mk_error("%s: dtc refused it: %s", what, n > 0 ? msg : "(no message)");
    }
    return 0;
}
