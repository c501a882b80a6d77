"""`make lab` serves the notebooks through JupyterLab with the project's kernel.

The server is started exactly as a user starts it, through ``make lab`` (the venv stamp
is taken as up to date, ``-o``), headless on 127.0.0.1 on a free port with a random
token; JupyterLab's config, data and runtime folders are temporary. A stale user-level
kernelspec named ``python3`` is planted in that data folder (as ``ipykernel install
--user`` from another Python leaves one) and ``JUPYTER_PREFER_ENV_PATH=0`` is set, so
the tests prove that ``make lab`` itself picks the venv's kernel.

Through the server's REST API and kernel websocket only (no nbclient), the tests list
the notebooks, run one notebook cell by cell in a kernel started by the server, compare
its outputs with the committed ones, and finally shut the server down and check that no
process of it is left and its port is free. About 10 s in all.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
import websocket
from nbformat.v4 import output_from_msg

from analysis import report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
VENV = ROOT / ".venv"
# One real notebook, run cell by cell through the server (the first one: the overview).
NOTEBOOK = "01_overview.ipynb"
# A number it shows: MOJ foreign entrants in 2011, the report's 約714万人 (table, cell 5).
KNOWN_NUMBER = "7,135,407"
# What `ipykernel install --user` leaves behind once that other environment is deleted.
STALE_PYTHON = "/nonexistent/old-env/bin/python"
STARTUP_TIMEOUT = 90  # s; JupyterLab answers in about 4 s here
CELL_TIMEOUT = 300  # s per cell


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nothing_listens_on(port: int) -> bool:
    """True if no server accepts connections on the port and a new one could bind it.

    SO_REUSEADDR as servers use it: connections of the stopped server that linger in
    TIME_WAIT do not count as the port being taken.
    """
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Lab:
    """A JupyterLab started by ``make lab``, and a tiny REST client for it."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.token = uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        config, data, runtime = (tmp / name for name in ("config", "data", "runtime"))
        stale = data / "kernels" / "python3"
        stale.mkdir(parents=True)
        (stale / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [STALE_PYTHON, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "stale user kernel",
                    "language": "python",
                }
            )
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_DATA_DIR=str(data),
            JUPYTER_RUNTIME_DIR=str(runtime),
            JUPYTER_PREFER_ENV_PATH="0",  # a user setting that `make lab` must override
            IPYTHONDIR=str(tmp / "ipython"),
        )
        args = (
            f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={self.port} "
            f"--ServerApp.port_retries=0 --IdentityProvider.token={self.token}"
        )
        self.log = tmp / "lab.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    "make",
                    "--no-print-directory",
                    "-s",
                    "-o",
                    ".venv/.installed",
                    "lab",
                    f"LAB_ARGS={args}",
                ],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes: list[psutil.Process] = []
        try:
            self._wait_until_up()
        except BaseException:  # pytest.fail too: stop what was started, then report
            self.kill()
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"`make lab` exited {self.proc.returncode}:\n{self.tail()}")
            try:
                self.request("GET", "/api/status")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        pytest.fail(f"JupyterLab did not answer within {STARTUP_TIMEOUT} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def request(self, method: str, path: str, body: dict | None = None, token: bool = True):
        """Send a request; return the decoded JSON answer (None when empty)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"token {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        if method == "POST" and data is None:
            data = b""
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(req, timeout=30) as answer:
            text = answer.read().decode()
        return json.loads(text) if text.strip().startswith(("{", "[")) else text or None

    def record_processes(self) -> None:
        """Remember every process of the server (make, jupyter, kernels) to check later."""
        root = psutil.Process(self.proc.pid)
        for proc in [root, *root.children(recursive=True)]:
            if proc not in self.processes:
                self.processes.append(proc)

    def kill(self) -> None:
        """Last resort after a failed test: end the processes this test started."""
        if self.proc.poll() is None:
            self.record_processes()
        for proc in self.processes:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        psutil.wait_procs(self.processes, timeout=10)


class KernelChannels:
    """The kernel websocket of a Jupyter server (JSON messages, ``channel`` field)."""

    def __init__(self, lab: Lab, kernel_id: str) -> None:
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {lab.token}"],
            timeout=CELL_TIMEOUT,
        )

    def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": "test",
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self.ws.send(
            json.dumps(
                {
                    "header": header,
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        return msg_id

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> dict:
        """Ask for kernel_info until the kernel answers; return the reply's content."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id = self._send("kernel_info_request", {})
            self.ws.settimeout(2)
            try:
                while True:
                    msg = json.loads(self.ws.recv())
                    if (
                        msg["parent_header"].get("msg_id") == msg_id
                        and msg["header"]["msg_type"] == "kernel_info_reply"
                    ):
                        return msg["content"]
            except websocket.WebSocketTimeoutException:
                continue
            finally:
                self.ws.settimeout(CELL_TIMEOUT)
        pytest.fail(f"the kernel did not answer kernel_info within {timeout} s")

    def execute(self, code: str) -> tuple[dict, list]:
        """Run ``code``; return the execute_reply content and the outputs as nbformat.

        Waits for both the shell ``execute_reply`` and the iopub ``idle`` status of
        this request: either may arrive first.
        """
        msg_id = self._send(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        reply, idle, outputs = None, False, []
        deadline = time.monotonic() + CELL_TIMEOUT
        while reply is None or not idle:
            if time.monotonic() > deadline:
                pytest.fail(f"no execute_reply and idle within {CELL_TIMEOUT} s for:\n{code}")
            msg = json.loads(self.ws.recv())
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(output_from_msg(msg))
            elif kind == "clear_output":
                outputs.clear()
        return reply, outputs

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def lab():
    if not list(NOTEBOOK_DIR.glob(report.NOTEBOOK_GLOB)):
        pytest.fail("no notebooks in notebooks/ to serve")
    with tempfile.TemporaryDirectory(prefix="test-lab-") as tmp:
        server = Lab(Path(tmp))
        try:
            yield server
        finally:
            if server.proc.poll() is None or any(p.is_running() for p in server.processes):
                server.kill()


@pytest.fixture
def kernel(lab):
    """A kernel started by the server for the notebook (cwd = its folder), then deleted."""
    model = lab.request("POST", "/api/kernels", {"name": "python3", "path": NOTEBOOK})
    lab.record_processes()
    channels = KernelChannels(lab, model["id"])
    try:
        channels.wait_ready()
        yield channels
    finally:
        channels.close()
        if lab.proc.poll() is None:
            lab.request("DELETE", f"/api/kernels/{model['id']}")


def test_the_api_lists_the_project_notebooks(lab):
    listing = lab.request("GET", "/api/contents")
    served = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
    on_disk = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert served == on_disk
    assert NOTEBOOK in served
    model = lab.request("GET", f"/api/contents/{NOTEBOOK}")
    assert model["type"] == "notebook"
    assert model["content"]["cells"], "the notebook is served with its cells"


def test_it_is_jupyterlab_and_needs_the_token(lab):
    page = lab.request("GET", "/lab")
    assert "JupyterLab" in page
    with pytest.raises(urllib.error.HTTPError) as denied:
        lab.request("GET", "/api/contents", token=False)
    assert denied.value.code == 403


def test_the_default_kernelspec_is_the_venvs_not_a_stale_user_one(lab):
    specs = lab.request("GET", "/api/kernelspecs")
    assert specs["default"] == "python3"
    spec = specs["kernelspecs"]["python3"]["spec"]
    assert spec["argv"][0] != STALE_PYTHON, "a user-level kernelspec shadows the venv's"


def test_the_kernel_runs_the_venv_python_in_the_notebook_folder(lab, kernel):
    reply, outputs = kernel.execute("import os, sys\nprint(sys.prefix)\nprint(os.getcwd())")
    assert reply["status"] == "ok", reply
    prefix, cwd = "".join(out.text for out in outputs).split()
    assert Path(prefix).resolve() == VENV.resolve()
    assert Path(cwd).resolve() == NOTEBOOK_DIR.resolve()


def test_a_notebook_runs_through_the_server_with_its_committed_outputs(lab, kernel):
    committed = nbformat.read(NOTEBOOK_DIR / NOTEBOOK, as_version=4)
    fresh = copy.deepcopy(committed)
    for index, cell in enumerate(fresh.cells, start=1):
        if cell.cell_type != "code":
            continue
        reply, cell.outputs = kernel.execute(cell.source)
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert reply["status"] == "ok" and not errors, (
            f"{NOTEBOOK} cell {index}: {reply.get('ename')}: {reply.get('evalue')}"
        )
    # Every printed number, table and chart as committed (report.diff_outputs: stdout,
    # rich text and errors exactly, images by presence, stderr not at all).
    assert report.diff_outputs(committed, fresh) == []
    outputs = [out for cell in fresh.cells for out in cell.get("outputs", [])]
    shown = "".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "") for out in outputs
    )
    assert KNOWN_NUMBER in shown, f"{NOTEBOOK} no longer shows {KNOWN_NUMBER}"
    assert any("image/png" in out.get("data", {}) for out in outputs), "no chart drawn"


def test_shutdown_stops_every_process_and_frees_the_port(lab):
    lab.record_processes()
    assert len(lab.processes) >= 2, "make and jupyter are running"
    assert lab.request("GET", "/api/kernels") == [], "kernels were deleted by the tests"
    lab.request("POST", "/api/shutdown")
    assert lab.proc.wait(30) == 0, lab.tail()
    _gone, alive = psutil.wait_procs(lab.processes, timeout=15)
    assert not alive, f"still running after shutdown: {alive}"
    assert nothing_listens_on(lab.port)
    assert "Shutting down" in lab.log.read_text(errors="replace")

