"""
`aws` for the test run: asks the fork server (./server.py) to run the AWS CLI v2 with this
process's arguments, environment, working directory, umask, stdin, stdout and stderr, and exits as
the CLI did (its exit code, or the signal it died of). Signals this process gets are passed on.
When the server cannot be reached, or answers that it does not fork this call (a home directory
other than its own), it runs the real CLI itself (exec), so a call never fails for the server's sake.

./global-setup.js writes a copy with SOCKET and REAL filled in.
"""
import json
import os
import signal
import socket
import struct
import sys

SOCKET = '@SOCKET@'
REAL = '@REAL@'


def run_real():
    os.execv(REAL, [REAL] + sys.argv[1:])


def main():
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(SOCKET)
        umask = os.umask(0)
        os.umask(umask)
        body = json.dumps({
            'argv0': REAL,
            'args': sys.argv[1:],
            'env': dict(os.environ),
            'cwd': os.getcwd(),
            'umask': umask,
        }).encode()
        socket.send_fds(conn, [struct.pack('!I', len(body)) + body], [0, 1, 2])
    except OSError:
        run_real()

    def forward(signum, _frame):
        try:
            conn.send(b'S' + bytes([signum]))
        except OSError:
            pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, forward)
    reply = b''
    while len(reply) < 8:
        try:
            more = conn.recv(8 - len(reply))
        except InterruptedError:
            continue
        if not more:
            sys.stderr.write('aws (test fork client): the fork server closed the connection without an exit status\n')
            sys.exit(255)
        reply += more
    kind, value = struct.unpack('!ii', reply)
    if kind == 0:
        sys.exit(value)
    if kind == 2:  # not forked (the server's docstring says when): the real CLI, as without a server
        conn.close()
        run_real()
    signal.signal(value, signal.SIG_DFL)
    os.kill(os.getpid(), value)
    sys.exit(128 + value)


main()
