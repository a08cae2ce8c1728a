"""Drives `customs registry login` at a terminal (a pty), as a user would:
answers the prompts, checks the password is not echoed and, when told to
interrupt, that Ctrl-C at the password prompt leaves the terminal echoing.
usage: pty_login.py CUSTOMS CA_FILE REGISTRY USER PASSWORD [interrupt]"""
import os
import pty
import select
import sys
import termios
import time

customs, ca, registry, user, password = sys.argv[1:6]
interrupt = len(sys.argv) > 6 and sys.argv[6] == "interrupt"
pid, fd = pty.fork()
if pid == 0:
    os.execv(customs, [customs, "registry", "login", "--ca-file", ca, registry])
seen = b""


def expect(text, timeout=30):
    global seen
    end = time.time() + timeout
    while text not in seen:
        left = end - time.time()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            sys.exit("timed out waiting for %r; got %r" % (text, seen))
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            chunk = b""
        if not chunk:
            sys.exit("the program ended before %r; got %r" % (text, seen))
        seen += chunk


expect(b"Username: ")
os.write(fd, user.encode() + b"\n")
expect(b"Password: ")
if interrupt:
    os.write(fd, b"\x03")
    _, status = os.waitpid(pid, 0)
    if not os.WIFSIGNALED(status):
        sys.exit("expected death by SIGINT, got status %d" % status)
    if not termios.tcgetattr(fd)[3] & termios.ECHO:
        sys.exit("echo left off after Ctrl-C")
    sys.exit(0)
os.write(fd, password.encode() + b"\n")
expect(b"Login Succeeded")
_, status = os.waitpid(pid, 0)
if password.encode() in seen:
    sys.exit("the password was echoed: %r" % seen)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit("exit %d; output %r" % (os.waitstatus_to_exitcode(status), seen))
