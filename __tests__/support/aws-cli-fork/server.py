"""
The AWS CLI v2 of the machine, started once for the whole test run and forked for each call.

Each `aws` call of the suite costs about a CPU-second on its own, most of it Python importing the
CLI and botocore; the suite makes about a thousand. This server imports them once, then for each
call of the client (./client.py, installed as `aws` by ./global-setup.js) forks a child that takes
the client's stdin, stdout, stderr, arguments, environment, working directory and umask, and runs
the CLI's own entry point (`awscli.clidriver.main`, what /usr/bin/aws runs) in it. The child is the
same CLI, version and data files as /usr/bin/aws; only the import, and the work below, is shared.
Its exit code, or the signal it died of, goes back to the client, which exits the same way.

Before forking, the server also does, once, the part of a call's work whose result cannot depend
on the caller (see "What the server does once for every call" below): it reads the CLI's
installed data files (the list of services, the models of the services the suite calls, the
endpoint and partition data) and looks up the OS release the CLI puts in its User-Agent. Anything
a caller can change (environment, config and credentials files, profile, region, endpoint URLs,
output format, pager, credentials, arguments, working directory) is still read by each child, in
the CLI's own code.

A caller whose home directory (`~`: $HOME, else the passwd entry) is not the server's is not
forked: the client runs /usr/bin/aws itself. The CLI's modules fix paths under `~` when they are
imported (the alias file, ~/.aws/models, the credential caches: awscli/alias.py,
botocore/loaders.py, botocore/utils.py, awscli/customizations/assumerole.py, sso/utils.py,
history/constants.py, ...), and the server imported them with its own home.

A signal the client gets (SIGTERM, SIGINT, SIGHUP, SIGQUIT) is passed to the child; a client that
dies without a word (SIGKILL) closes the connection and the child kills itself. The server ends
when its stdin closes (the test run ended), and prints the CPU its children used and its own.

For the CPU ledger, each forked call is counted for the test file that made it: the test
environment (__tests__/support/environment.js) writes, in the folder given as the second
argument, a file named by its process id that holds the path of the test file it runs; the
server finds the client's process (SO_PEERCRED), then the first of its ancestors that has such a
file. Its final line gives the calls and their CPU by test file ("" for a caller outside a test's
process tree).

Usage: python3 server.py <socket path> [<folder of test files by process id>]
"""
import gc
import importlib
import io
import json
import os
import pwd
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

# ---------------------------------------------------------------------------------------------
# What the server does once for every call.
#
# 1. The CLI's installed data files. The CLI reads them through a botocore Loader
#    (awscli/botocore/loaders.py), the session's `data_loader` (botocore/session.py). Four of its
#    methods, list_available_services, list_api_versions, determine_latest_version and
#    load_data_with_path, answer from the files in the directories of the Loader's search path
#    that exist (`_potential_locations` skips the others) and from nothing else: no environment
#    variable, config file or argument but the name asked for. Each answer is kept in the
#    Loader's own cache, `Loader._cache`, under the method's name and arguments
#    (`instance_cache`), and later calls are answered from it. Listing the services alone walks
#    the ~400 service folders once per model type (~2,500 stat calls), and the models and the
#    endpoint and partition data are JSON parsed on each call.
#
#    The server fills a reference Loader's cache with what every call reads and with the models
#    of the services the suite calls; each child copies it into the first Loader it creates, if
#    and only if that Loader would search exactly the same directories: the CLI's data folder
#    (awscli/data, which awscli/__init__.py puts on AWS_DATA_PATH) and botocore's
#    (awscli/botocore/data), both installed with the package and not written at run time. A
#    Loader whose search path has one more directory that exists (a caller's AWS_DATA_PATH, the
#    caller's ~/.aws/models, or a config file's data_path) gets nothing, and reads all from disk
#    as /usr/bin/aws does. The cache then holds what that Loader would have computed itself,
#    from the same files, so every answer of it is the same; asking for something else (another
#    service, another file) is computed as usual.
#
#    A call that may log at debug level gets nothing either: its log would lack the lines the
#    Loader writes as it parses each file (asks_for_debug).
#
#    Only answers of those four methods are copied. load_service_model is not among them: it
#    merges the `sdk-extras` files into the object load_data_with_path gave it, so it runs in
#    the child, on the child's copy (the server never calls it, so its objects are as parsed).
#    Only the first Loader of a call gets them: a second one (auto-prompt's rerun makes a second
#    session, clidriver.py AWSCLIEntryPoint._do_main) starts empty, so two Loaders of one call
#    never share an object one of them changes, as they never do in /usr/bin/aws.
#
# 2. The OS release the CLI puts in its User-Agent (`aws --version` prints it): "debian.12",
#    from distro.id() and distro.major_version() (clidriver.py _get_linux_distribution). The
#    `distro` package caches what it reads on its module's instance, and reads /etc/os-release,
#    and also runs `lsb_release -a` and `uname -rs`, found on the caller's PATH. Both values
#    come from /etc/os-release alone when it has an ID and a VERSION_ID: id() returns the
#    os-release ID when there is one, and version() the first non-empty of a list that starts
#    with VERSION_ID (distro/distro.py LinuxDistribution.id, .version). Only then does the
#    server ask once, and a child gets the same two strings without running the two commands,
#    whose output would not be used. Otherwise each child asks, as /usr/bin/aws does.
#
# 3. gc.freeze() before each fork: the objects the server made are left out of the child's
#    garbage collections, which would otherwise walk them all (and copy the pages they are on).
#    This changes only when a child frees cyclic garbage made before the fork, never what it
#    computes.
#
# Everything else is done by each child, in the CLI's own code: the session, its config and
# credential chains, the plugins of the config file, the command tables and argument parsers,
# the client and its endpoint, the call and the output.
# ---------------------------------------------------------------------------------------------
import botocore.loaders  # noqa: E402
import distro  # noqa: E402
from botocore.exceptions import DataNotFoundError  # noqa: E402

# The directories the session's Loader searches when the caller adds none (checked below).
PACKAGE_DATA = [AWSCLI_DATA, botocore.loaders.Loader.BUILTIN_DATA_PATH]
# The services the suite calls, by botocore name (the CLI's s3api and s3 are both s3). A call of
# another service loads its model from disk, as /usr/bin/aws does.
PRELOADED_SERVICES = (
    'apprunner', 'cloudfront', 'cloudwatch', 'ec2', 'ecs', 'elbv2', 'events', 'iam', 'kms', 'logs',
    'resourcegroupstaggingapi', 'route53', 's3', 'sns', 'sts',
)
# A service's model files: its API, its paginators (--max-items, --starting-token), its waiters
# (`aws <service> wait`), its endpoint rules.
MODEL_TYPES = ('service-2', 'paginators-1', 'waiters-2', 'endpoint-rule-set-1')
# What every call loads besides: the CLI's global options (awscli/data/cli.json), the endpoints
# and the partitions.
COMMON_DATA = ('cli', 'endpoints', 'partitions')
LOADER_METHODS = ('list_available_services', 'list_api_versions', 'determine_latest_version', 'load_data_with_path')


def searched_directories(loader):
    """The directories a Loader reads: those of its search path that exist (Loader._potential_locations)."""
    return [path for path in loader.search_paths if os.path.isdir(path)]


def read_package_data():
    """The cache of a Loader that has read what every call reads and the suite's services' models."""
    loader = botocore.loaders.create_loader(AWSCLI_DATA)
    if searched_directories(loader) != PACKAGE_DATA:
        # The server's own ~/.aws/models exists: not package data, so nothing is read ahead.
        print(f'aws-cli fork server: the CLI would search {searched_directories(loader)}, not only its package '
              f'data {PACKAGE_DATA}: the data files are read by each call', file=sys.stderr, flush=True)
        return {}
    # Both forms of the call are cached apart: session.get_available_services passes
    # type_name by keyword, load_service_model by position.
    loader.list_available_services(type_name='service-2')
    for type_name in MODEL_TYPES:
        loader.list_available_services(type_name)
    for name in COMMON_DATA:
        loader.load_data_with_path(name)
    for service in PRELOADED_SERVICES:
        for type_name in MODEL_TYPES:
            try:
                # As load_service_model does: the latest version, then that file.
                version = loader.determine_latest_version(service, type_name)
            except DataNotFoundError:
                continue  # this service has no such file (no waiters, say)
            loader.load_data_with_path(os.path.join(service, version, type_name))
    cache = dict(loader._cache)
    assert {key[0] for key in cache} <= set(LOADER_METHODS), sorted({key[0] for key in cache})
    return cache


def give_first_loader(cache):
    """In the child: the first Loader made gets `cache`, if it searches only the package data."""
    Loader = botocore.loaders.Loader
    original = Loader.__init__

    def first_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        Loader.__init__ = original  # the first Loader only
        if (
            type(self) is Loader
            and type(self.file_loader) is botocore.loaders.JSONFileLoader
            and searched_directories(self) == PACKAGE_DATA
        ):
            self._cache.update(cache)

    Loader.__init__ = first_init


def asks_for_debug(args):
    """Whether the call may log at debug level: an argument is --debug, or an abbreviation argparse takes for it.

    The Loader logs each file it parses ("Loading JSON file: ...", loaders.py JSONFileLoader.load_file);
    a debug log of a call served from the cache would lack those lines, so such a call gets no cache.
    """
    return any(len(arg) > 2 and '--debug'.startswith(arg.split('=', 1)[0]) for arg in args)


def read_os_release():
    """Asks `distro` what the CLI will ask, if /etc/os-release alone answers it (see 2. above)."""
    if distro.os_release_attr('id') and distro.os_release_attr('version_id'):
        distro.id()
        distro.major_version()


PACKAGE_DATA_CACHE = read_package_data()
read_os_release()

# `~` as the server's modules saw it when they were imported (see the docstring).
SERVER_HOME = os.path.expanduser('~')


def home_of(env):
    """os.path.expanduser('~') in a process of this environment and the server's uid (posixpath.expanduser)."""
    if 'HOME' in env:
        home = env['HOME']
    else:
        try:
            home = pwd.getpwuid(os.getuid()).pw_dir
        except KeyError:
            return '~'
    return home.rstrip('/') or '/'


FORWARDED = b'S'
# The server's answers: the call ended with an exit code, or of a signal; or it was not forked
# (the client runs /usr/bin/aws itself).
EXITED, SIGNALLED, NOT_FORKED = 0, 1, 2


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
        if not asks_for_debug(request['args']):
            give_first_loader(PACKAGE_DATA_CACHE)
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


def parent_of(pid):
    """The parent process id of pid, from /proc/<pid>/stat (0 when pid is gone)."""
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            stat = f.read()
    except OSError:
        return 0
    # After "pid (comm) ": the state, then the parent's id; comm may hold spaces and parentheses.
    return int(stat[stat.rindex(b')') + 2:].split()[1])


def test_file_of(conn, callers):
    """The test file whose process (or an ancestor of it) made this connection, or ''."""
    if not callers:
        return ''
    try:
        pid = struct.unpack('3i', conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i')))[0]
        while pid > 1:
            try:
                with open(os.path.join(callers, str(pid)), encoding='utf-8') as f:
                    return f.read()
            except FileNotFoundError:
                pid = parent_of(pid)
    except (OSError, ValueError):  # only the ledger's attribution is lost
        pass
    return ''


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


def main(path, callers=None):
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
    declined = 0
    by_file = {}  # test file: {'calls': n, 'cpuS': s}, from each child's own rusage (wait4)
    print('ready', flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == 'stdin':
                if not os.read(sys.stdin.fileno(), 4096):
                    children = resource.getrusage(resource.RUSAGE_CHILDREN)
                    own = resource.getrusage(resource.RUSAGE_SELF)
                    print(json.dumps({
                        'calls': served,
                        'notForked': declined,
                        'childrenS': children.ru_utime + children.ru_stime,
                        'selfS': own.ru_utime + own.ru_stime,  # the import, the data read ahead, the forks
                        'byFile': by_file,
                    }), flush=True)
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
                if home_of(request['env']) != SERVER_HOME:
                    for fd in fds:
                        os.close(fd)
                    try:
                        conn.sendall(struct.pack('!ii', NOT_FORKED, 0))
                    except OSError:
                        pass
                    conn.close()
                    declined += 1
                    continue
                sys.stdout.flush()
                sys.stderr.flush()
                gc.freeze()
                pid = os.fork()
                if pid == 0:
                    server.close()
                    os.close(wake_r)
                    os.close(wake_w)
                    run_cli(conn, request, fds)
                for fd in fds:
                    os.close(fd)
                calls[pid] = (conn, test_file_of(conn, callers))
                served += 1
            else:
                os.read(wake_r, 4096)
                while calls:
                    pid, status, usage = os.wait4(-1, os.WNOHANG)
                    if pid == 0:
                        break
                    conn, test_file = calls.pop(pid, (None, None))
                    if conn is None:
                        continue
                    tally = by_file.setdefault(test_file, {'calls': 0, 'cpuS': 0.0})
                    tally['calls'] += 1
                    tally['cpuS'] += usage.ru_utime + usage.ru_stime
                    if os.WIFSIGNALED(status):
                        reply = struct.pack('!ii', SIGNALLED, os.WTERMSIG(status))
                    else:
                        reply = struct.pack('!ii', EXITED, os.WEXITSTATUS(status))
                    try:
                        conn.sendall(reply)
                    except OSError:
                        pass
                    conn.close()


if __name__ == '__main__':
    main(*sys.argv[1:3])
