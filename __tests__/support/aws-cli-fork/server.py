"""
The AWS CLI v2 of the machine, started once for the whole test run and forked for each call.

Each `aws` call of the suite costs about a CPU-second on its own, most of it Python importing the
CLI and botocore; the suite makes about a thousand. This server imports them once, then for each
call of the client (./client.py, installed as `aws` by ./global-setup.js) forks a child that takes
the client's stdin, stdout, stderr, arguments, environment, working directory and umask, and runs
the CLI's own entry point (`awscli.clidriver.main`, what /usr/bin/aws runs) in it. The child is the
same CLI, version and data files as /usr/bin/aws; only the import is shared. Its exit code, or the
signal it died of, goes back to the client, which exits the same way.

A signal the client gets (SIGTERM, SIGINT, SIGHUP, SIGQUIT) is passed to the child; a client that
dies without a word (SIGKILL) closes the connection and the child kills itself. The server ends
when its stdin closes (the test run ended), and prints the CPU its children used.

Usage: python3 server.py <socket path>
"""
import importlib
import io
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import threading
import traceback

# What /usr/bin/aws does before its import.
if os.environ.get('LC_CTYPE', '') == 'UTF-8':
    os.environ['LC_CTYPE'] = 'en_US.UTF-8'

# The server starts without AWS_DATA_PATH, so importing awscli sets it to the CLI's own data
# folder alone; each child redoes that step with the client's environment (awscli/__init__.py).
os.environ.pop('AWS_DATA_PATH', None)
import awscli  # noqa: E402
import awscli.clidriver  # noqa: E402

AWSCLI_DATA = os.environ['AWS_DATA_PATH']

# Modules a call imports on its way (measured: with these loaded, a call imports nothing more).
for name in (
    'awscli.handlers', 'awscli.plugin', 'awscli.formatter', 'awscli.table', 'awscli.paramfile',
    'awscli.argprocess', 'awscli.shorthand', 'awscli.customizations.commands', 'botocore.session',
    'botocore.client', 'botocore.endpoint', 'botocore.httpsession', 'botocore.parsers',
    'botocore.serialize', 'botocore.auth', 'botocore.retries.standard', 'botocore.credentials',
    'botocore.regions', 'encodings.ascii', 'encodings.idna',
):
    try:
        importlib.import_module(name)
    except ImportError:
        pass

FORWARDED = b'S'


def read_request(conn):
    """The client's request: a 4-byte length, that many bytes of JSON, and its fds 0, 1 and 2."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    if len(data) < 4 or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError('a request needs a length, a body and three file descriptors')
    size = struct.unpack('!I', data[:4])[0]
    body = data[4:]
    while len(body) < size:
        more = conn.recv(size - len(body))
        if not more:
            raise ValueError('the request ended early')
        body += more
    return json.loads(body), fds


def text_stream(fd, mode, template, line_buffering):
    """A stdio stream on fd, encoded as the server's own (the CLI's startup made them)."""
    return io.open(fd, mode, buffering=1 if line_buffering else -1, encoding=template.encoding,
                   errors=template.errors, closefd=False)


def run_cli(conn, request, fds):
    """In the forked child: become the client's `aws` and run the CLI; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        conn.settimeout(None)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
            os.close(fd)
        sys.stdin = sys.__stdin__ = text_stream(0, 'r', sys.__stdin__ or sys.stdout, False)
        sys.stdout = sys.__stdout__ = text_stream(1, 'w', sys.stdout, os.isatty(1))
        sys.stderr = sys.__stderr__ = text_stream(2, 'w', sys.stderr, True)
        os.chdir(request['cwd'])
        os.umask(request['umask'])
        os.environ.clear()
        os.environ.update(request['env'])
        if os.environ.get('LC_CTYPE', '') == 'UTF-8':
            os.environ['LC_CTYPE'] = 'en_US.UTF-8'
        given = os.environ.get('AWS_DATA_PATH')
        paths = [] if given is None else [os.path.expanduser(os.path.expandvars(p)) for p in given.split(os.pathsep)]
        os.environ['AWS_DATA_PATH'] = os.pathsep.join(paths + [AWSCLI_DATA])
        sys.argv = [request['argv0']] + request['args']
        threading.Thread(target=watch_client, args=(conn,), daemon=True).start()
        try:
            code = awscli.clidriver.main()
        except SystemExit as e:
            code = e.code
        except BaseException:  # what the interpreter prints for an uncaught exception, and its exit code
            traceback.print_exc()
            code = 1
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        os.write(2, f'aws (test fork server): {traceback.format_exc()}'.encode())
        code = 255
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code & 0xFF)


def watch_client(conn):
    """In the child: a signal the client forwards is raised here; the client gone is SIGKILL."""
    while True:
        try:
            message = conn.recv(2)
        except OSError:
            message = b''
        if len(message) == 2 and message[:1] == FORWARDED:
            os.kill(os.getpid(), message[1])
            continue
        os.kill(os.getpid(), signal.SIGKILL)


def main(path):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(128)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ, 'accept')
    selector.register(sys.stdin, selectors.EVENT_READ, 'stdin')
    selector.register(wake_r, selectors.EVENT_READ, 'child')
    calls = {}
    served = 0
    print('ready', flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == 'stdin':
                if not os.read(sys.stdin.fileno(), 4096):
                    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                    print(json.dumps({'calls': served, 'childrenS': usage.ru_utime + usage.ru_stime}), flush=True)
                    return
            elif key.data == 'accept':
                conn, _ = server.accept()
                conn.settimeout(10)
                try:
                    request, fds = read_request(conn)
                except (OSError, ValueError) as e:
                    print(f'aws-cli fork server: bad request: {e}', file=sys.stderr, flush=True)
                    conn.close()
                    continue
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    server.close()
                    os.close(wake_r)
                    os.close(wake_w)
                    run_cli(conn, request, fds)
                for fd in fds:
                    os.close(fd)
                calls[pid] = conn
                served += 1
            else:
                os.read(wake_r, 4096)
                while calls:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                    if pid == 0:
                        break
                    conn = calls.pop(pid, None)
                    if conn is None:
                        continue
                    if os.WIFSIGNALED(status):
                        reply = struct.pack('!ii', 1, os.WTERMSIG(status))
                    else:
                        reply = struct.pack('!ii', 0, os.WEXITSTATUS(status))
                    try:
                        conn.sendall(reply)
                    except OSError:
                        pass
                    conn.close()


if __name__ == '__main__':
    main(sys.argv[1])
