"""The warm parent: a fork server that runs inside the interpreter PTC code runs with.

``aster_ref.warm`` starts it as ``PYTHON -c BOOTSTRAP FD HOST_PID`` and sends this module's source over the
control socket FD, so it needs nothing from aster_ref and keeps to the standard library (and to Python 3.7
syntax, so an old interpreter still gets as far as the prelude's "Python 3.10+ is required" message).

It imports the SDK prelude once (asyncio, aiohttp, the AsterBridge client), then serves runs:

* each run has a *supervisor*, a child subreaper: every process the run starts stays its descendant, even
  one that calls setsid(), so the supervisor can kill them all (Linux; elsewhere only the run's process group);
* the supervisor's child, the *code process*, gets its own session and process group, stdin /dev/null,
  stdout/stderr the host's pipes, the run's environment and working directory, no other file descriptors;
* warm runs: the code process runs the program in this already initialised interpreter (the prelude part of
  the program is not run again); cold runs: it execs the interpreter on the program file;
* both are forked before their run arrives (a *spare*), so a run costs no fork on its way.

Host and supervisor talk over a per-run socket: the supervisor sends ``{"pid": N}`` once it has the run and
``{"exit": status}`` once the code and every descendant are gone; the host sends ``kill`` (timeout) or
closes the socket (cancelled, or the host died): either kills the whole tree.
"""

from __future__ import annotations

import array
import gc
import io
import json
import os
import select
import signal
import socket
import sys
import traceback
import types

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
# One control message: a JSON header and up to this many file descriptors.
MAX_MESSAGE = 1 << 22
MAX_FDS = 8
EXIT_SETUP_FAILED = 1
# What aiohttp imports on its first request to a host name (the resolver's thread pool, IDNA): once here,
# instead of in every run.
FIRST_REQUEST_IMPORTS = ("concurrent.futures.thread", "encodings.idna")


def _prctl(option: int, value: int) -> bool:
    """prctl(2) through ctypes; False where there is none (not Linux) or it fails."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(expected_parent: int) -> None:
    """Get SIGKILL when the parent (thread) ends; if it already has, end now."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != expected_parent:
        os._exit(EXIT_SETUP_FAILED)


def _recv_message(sock: socket.socket) -> tuple[bytes, list[int]]:
    fds = array.array("i")
    data, ancdata, _flags, _addr = sock.recvmsg(MAX_MESSAGE, socket.CMSG_LEN(MAX_FDS * fds.itemsize))
    for level, kind, payload in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    return data, list(fds)


def _send_line(sock: socket.socket, value: object) -> None:
    try:
        sock.sendall(json.dumps(value).encode() + b"\n")
    except OSError:
        pass  # the host is gone: nothing to tell


def _parent_of(pid: str) -> int:
    with open("/proc/" + pid + "/stat", "rb") as stat:
        return int(stat.read().rsplit(b")", 1)[1].split()[1])


def children() -> list[int]:
    """Living children of this process (a subreaper adopts every orphaned descendant): a /proc scan."""
    me = os.getpid()
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if entry.isdigit():
            try:
                if _parent_of(entry) == me:
                    found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue  # it ended while we looked
    return found


def _recv_or_eof(sock: socket.socket) -> bytes:
    try:
        return sock.recv(64)
    except OSError:
        return b""


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _status_code(status: int) -> int:
    """A wait status as asyncio reports it: the exit code, or minus the signal number."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def reap_all(code_pid: int) -> int | None:
    """Kill and reap every remaining descendant; return the code process's status if seen."""
    code_status = None
    try:
        os.killpg(code_pid, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return code_status  # no children left at all
        if pid == code_pid:
            code_status = _status_code(status)
        if pid:
            continue
        # Children remain: the killed ones still dying, or ones that left the group (setsid). Kill what lives,
        # then wait for one to end (each reparented grandchild shows up in the next scan).
        for child in children():
            _kill(child)
        pid, status = os.waitpid(-1, 0)
        if pid == code_pid:
            code_status = _status_code(status)


class Supervisor:
    """One run: owns the code process and, as a subreaper, everything it starts.

    Forked ahead of its run (a *spare*), with its code process forked too and waiting, so a run costs no
    fork: the parent sends the job and the output pipes straight to the code process, and the run's socket
    to the supervisor.
    """

    def __init__(self, from_parent: socket.socket, code_end: socket.socket, messages: dict) -> None:
        self.from_parent = from_parent
        self.code_end = code_end  # the code process's end of the parent's job socket
        self.messages = messages

    def wait_for_run(self) -> dict | None:
        """Returns the job in the (warm) code process; never returns in the supervisor."""
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        me = os.getpid()
        pid = os.fork()
        if pid == 0:
            self.from_parent.close()
            return CodeProcess(me, self.messages).wait_for_run(self.code_end)
        self.code_end.close()
        _data, fds = _recv_message(self.from_parent)
        if not fds:  # the parent is gone: no run will come
            _kill(pid)
            os._exit(0)
        run_sock = socket.socket(fileno=fds[0])
        _send_line(run_sock, {"pid": pid})
        self.watch(run_sock, pid, wake_r)
        os._exit(0)

    def watch(self, run_sock: socket.socket, code_pid: int, wake_r: int) -> None:
        poller = select.poll()
        poller.register(run_sock, select.POLLIN)
        poller.register(wake_r, select.POLLIN)
        while True:
            for fd, _event in poller.poll():
                if fd == wake_r:
                    os.read(wake_r, 512)
                    # Peek (WNOWAIT): the zombie keeps its process group id reserved until the group is killed.
                    if os.waitid(os.P_PID, code_pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
                        continue
                elif not _recv_or_eof(run_sock):  # the host closed the socket: cancelled, or it died
                    reap_all(code_pid)
                    return
                # The code ended, or the host said "kill" (its timeout).
                _send_line(run_sock, {"exit": reap_all(code_pid)})
                return


class CodeProcess:
    """The process that runs the code, set up as a fresh interpreter would find itself."""

    def __init__(self, supervisor: int, messages: dict) -> None:
        self.supervisor = supervisor
        self.messages = messages
        self.job: dict = {}

    def wait_for_run(self, from_supervisor: socket.socket) -> dict | None:
        die_with_parent(self.supervisor)
        data, fds = _recv_message(from_supervisor)
        if not data:
            os._exit(0)
        # Closed with every other descriptor in enter(); detached first, so the object never closes a number
        # the code has opened since.
        from_supervisor.detach()
        self.job = json.loads(data.decode())
        return self.enter(fds[0], fds[1])

    def enter(self, stdout_fd: int, stderr_fd: int) -> dict | None:
        try:
            os.setsid()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            devnull = os.open(os.devnull, os.O_RDONLY)
            for fd, target in ((devnull, 0), (stdout_fd, 1), (stderr_fd, 2)):
                os.dup2(fd, target)
            os.closerange(3, _max_fd())
            if self.job.get("cwd"):
                os.chdir(self.job["cwd"])
        except OSError as exc:
            os.write(2, (str(exc) + "\n").encode())
            os._exit(EXIT_SETUP_FAILED)
        if self.job.get("exec"):
            self.exec_interpreter()
        os.environ.clear()
        os.environ.update(self.job["env"])
        _reopen_stdio()
        return self.job

    def exec_interpreter(self) -> None:
        python = self.job["exec"]
        # Python ignores SIGPIPE and SIGXFSZ; a new program must not inherit that (subprocess restores them too).
        for name in ("SIGPIPE", "SIGXFSZ"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        try:
            os.execve(python, [python, self.job["path"]], self.job["env"])
        except OSError as exc:
            messages = self.messages
            template = messages["not_found"] if isinstance(exc, FileNotFoundError) else messages["cannot_run"]
            os.write(2, (template.format(python=python, reason=exc.strerror) + "\n").encode())
            os._exit(EXIT_SETUP_FAILED)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 65536


def _reopen_stdio() -> None:
    """New stdio objects on fds 0-2 with the parent's settings (the parent's were made for /dev/null)."""
    for name, fd in (("stdin", 0), ("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        if fd == 0:
            buffer = io.BufferedReader(io.FileIO(fd, "r", closefd=False))
        else:
            buffer = io.BufferedWriter(io.FileIO(fd, "w", closefd=False))
        stream = io.TextIOWrapper(
            buffer,
            encoding=old.encoding,
            errors=old.errors,
            line_buffering=old.line_buffering,
            write_through=old.write_through,
        )
        setattr(sys, name, stream)
        setattr(sys, "__" + name + "__", stream)


class Spare:
    """The parent's ends of a waiting supervisor's socket and of its code process's socket."""

    def __init__(self, to_supervisor: socket.socket, to_code: socket.socket) -> None:
        self.to_supervisor = to_supervisor
        self.to_code = to_code


def _hand_over(spare: Spare, job: bytes, fds: list[int]) -> bool:
    """Give the run to the spare: job and output pipes to its code process first, the run's socket to its
    supervisor. False if the spare is gone."""
    try:
        spare.to_code.sendmsg([job], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds[1:]))])
        spare.to_supervisor.sendmsg([b"run"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds[:1]))])
        return True
    except OSError:
        return False
    finally:
        spare.to_code.close()
        spare.to_supervisor.close()


class WarmParent:
    def __init__(self, control: socket.socket, messages: dict) -> None:
        self.control = control
        self.messages = messages
        self.prelude = ""
        self.prelude_module: types.ModuleType | None = None
        self.supervisors: set[int] = set()

    def preload(self, prelude: str) -> bool:
        """Run the SDK prelude once; False if this interpreter cannot (too old, no aiohttp)."""
        module = types.ModuleType("__main__")
        saved = sys.stderr
        sys.stderr = io.StringIO()  # its own error message is for the cold run to print
        try:
            exec(compile(prelude, "<aster-prelude>", "exec"), module.__dict__)  # noqa: S102 - the SDK prelude
        except BaseException:  # noqa: BLE001 - SystemExit from the version/aiohttp check, or anything else
            return False
        finally:
            sys.stderr = saved
        for name in FIRST_REQUEST_IMPORTS:
            __import__(name)
        # Tracebacks through SDK frames show the prelude's lines, as they would from the program file.
        import linecache

        linecache.cache["<aster-prelude>"] = (len(prelude), None, prelude.splitlines(True), "<aster-prelude>")
        self.prelude, self.prelude_module = prelude, module
        return True

    def serve(self) -> dict | None:
        """Serve runs until the host closes the control socket. Returns only in a warm code process."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        poller = select.poll()
        poller.register(self.control, select.POLLIN)
        poller.register(wake_r, select.POLLIN)
        own_fds = [wake_r, wake_w]
        spare = self.fork_spare(own_fds)
        if isinstance(spare, dict):
            return spare
        while True:
            for fd, _event in poller.poll():
                if fd == wake_r:
                    os.read(wake_r, 512)
                    self.reap()
                    continue
                data, fds = _recv_message(self.control)
                if not data:
                    return None  # the host closed the runtime
                # fds: the run's socket, stdout, stderr. A spare that died while it waited gets one successor.
                if not _hand_over(spare, data, fds):
                    spare = self.fork_spare(own_fds + fds)
                    if isinstance(spare, dict):
                        return spare
                    _hand_over(spare, data, fds)
                for received in fds:
                    os.close(received)
                spare = self.fork_spare(own_fds)  # for the next run, while this one runs
                if isinstance(spare, dict):
                    return spare

    def fork_spare(self, own_fds: list[int]) -> Spare | dict:
        """Fork a supervisor and its code process to wait for the next run. In that code process: the job.

        ``own_fds``: this process's descriptors that the spare must not keep.
        """
        to_supervisor, supervisor_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        to_code, code_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            self.control.close()
            to_supervisor.close()
            to_code.close()
            for fd in own_fds:
                os.close(fd)
            try:
                return Supervisor(supervisor_end, code_end, self.messages).wait_for_run()
            except BaseException:  # noqa: BLE001 - a supervisor must never fall back into the server loop
                traceback.print_exc()
                os._exit(EXIT_SETUP_FAILED)
        self.supervisors.add(pid)
        supervisor_end.close()
        code_end.close()
        return Spare(to_supervisor, to_code)

    def reap(self) -> None:
        """Reap finished supervisors. One that did not end cleanly may have left its run's processes here
        (this parent is their subreaper then): kill everything that is not a supervisor."""
        orphans = False
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                break
            if pid not in self.supervisors or status != 0:
                orphans = True
            self.supervisors.discard(pid)
        if orphans:
            for child in children():
                if child not in self.supervisors:
                    _kill(child)

    def run_program(self, job: dict) -> None:
        """In the code process: run the program file as ``python FILE`` would, as __main__, then exit."""
        path = job["path"]
        with open(path, encoding="utf-8") as file:
            source = file.read()
        sys.argv = [path]
        sys.path[0] = os.path.dirname(os.path.abspath(path))
        if self.prelude_module is not None and source.startswith(self.prelude):
            # The prelude already ran here: run the rest, at its own line numbers.
            module = self.prelude_module
            source = "\n" * self.prelude.count("\n") + source[len(self.prelude) :]
        else:
            module = types.ModuleType("__main__")
        module.__file__ = path
        sys.modules["__main__"] = module
        status = 0
        try:
            exec(compile(source, path, "exec"), module.__dict__)  # noqa: S102 - the program to run
        except SystemExit as exc:
            status = _exit_status(exc)
        except SyntaxError as exc:  # in the program itself: no traceback, as the interpreter prints it
            traceback.print_exception(type(exc), exc, None)
            status = 1
        except BaseException as exc:  # noqa: BLE001 - printed as the interpreter would, without this frame
            traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
            status = -signal.SIGINT if isinstance(exc, KeyboardInterrupt) else 1
        exit_fast(status)


def _exit_status(exc: SystemExit) -> int:
    """What the interpreter makes of sys.exit(code): None is 0, an int is itself, anything else is printed, 1."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def exit_fast(status: int) -> None:
    """End like the interpreter (threads joined, atexit run, stdio flushed) but without tearing down every
    module, which costs a warm run more than the run itself. Objects alive at exit are not finalized."""
    threading = sys.modules.get("threading")
    if threading is not None:
        threading._shutdown()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = 120  # as the interpreter does when it cannot flush stdout
    if status < 0:  # an uncaught KeyboardInterrupt: end by that signal, as the interpreter does
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


def main(control: socket.socket, host_pid: int) -> None:
    die_with_parent(host_pid)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # catches what a killed supervisor's run leaves behind
    config = json.loads(_recv_message(control)[0].decode())
    parent = WarmParent(control, config["messages"])
    warm = config["preload"] and parent.preload(config["prelude"])
    gc.freeze()  # children share these pages instead of copying them when the collector touches them
    control.sendall(json.dumps({"warm": warm, "pid": os.getpid()}).encode())
    job = parent.serve()
    if job is not None:
        parent.run_program(job)


if __name__ == "__main__":
    main(_control, int(sys.argv[2]))  # noqa: F821 - set by the bootstrap that exec'd this source
