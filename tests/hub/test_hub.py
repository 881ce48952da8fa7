"""The course on JupyterHub (`make hub`, deploy/jupyterhub_config.py): students log in with a
nickname and the class code, each gets their own Voilà, and ten at once each open an app.

The authenticator's rules are checked in process; the whole hub (configurable-http-proxy from
npm, installed on first use like the slides' reveal.js) runs once for the slow test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from async_support import run_async
from tornado import web

from labkit import hub

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

CODE = "kiyose-42"
TOKEN = "lecturer-token-7f3a"


def _auth() -> hub.ClassCodeAuthenticator:
    return hub.ClassCodeAuthenticator(class_code=CODE, lecturer_token=TOKEN)


def test_students_need_the_class_code_and_the_lecturer_the_token() -> None:
    auth = _auth()
    run = run_async
    assert run(auth.authenticate(None, {"username": "Hanako", "password": CODE})) == {"name": "hanako",
                                                                                     "admin": False}
    assert run(auth.authenticate(None, {"username": "ＴＡＲＯ１", "password": CODE}))["name"] == "taro1"
    assert run(auth.authenticate(None, {"username": "sensei", "password": TOKEN})) == {"name": "sensei",
                                                                                      "admin": True}
    assert run(auth.authenticate(None, {"username": "hanako", "password": "wrong"})) is None
    assert run(auth.authenticate(None, {"username": "hanako", "password": ""})) is None


def test_no_code_configured_lets_nobody_in() -> None:
    auth = hub.ClassCodeAuthenticator(class_code="", lecturer_token="")
    assert run_async(auth.authenticate(None, {"username": "hanako", "password": ""})) is None


@pytest.mark.parametrize("nickname", ["a", "花子", "has space", "x" * 21, "../etc", "-dash"])
def test_a_bad_nickname_gets_a_bilingual_error(nickname: str) -> None:
    with pytest.raises(web.HTTPError) as err:
        run_async(_auth().authenticate(None, {"username": nickname, "password": CODE}))
    assert err.value.status_code == 400
    assert "ニックネーム" in err.value.log_message and "nickname" in err.value.log_message


def test_the_student_server_is_the_course_voila_behind_the_hub_login() -> None:
    cmd = hub.voila_app_cmd(ROOT / "notebooks")
    assert cmd[0] == "jhsingle-native-proxy" and "--no-force-alive" in cmd  # idle culling sees idleness
    assert cmd[cmd.index("-m") + 1] == "labkit.serve" and "{--}no-preheat" in cmd


# --------------------------------------------------------------------------- the real hub

def _free_port() -> int:
    from voila_server import free_port

    return free_port()


@pytest.fixture(scope="module")
def running_hub(tmp_path_factory):
    from voila_server import voila_env, wait_ready

    hub.proxy_bin()  # npm install on first use
    state = tmp_path_factory.mktemp("hub")
    port, jlis_port = _free_port(), _free_port()
    env = {**voila_env(), "LABKIT_HUB_PORT": str(port), "LABKIT_JLIS_PORT": str(jlis_port),
           "LABKIT_HUB_API_PORT": str(_free_port()), "LABKIT_PROXY_API_PORT": str(_free_port()),
           "LABKIT_HUB_STATE": str(state), "LABKIT_CLASS_CODE": CODE, "LABKIT_LECTURER_TOKEN": TOKEN,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    log = (state / "hub.log").open("w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f",
                             str(ROOT / "deploy" / "jupyterhub_config.py")],
                            cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/hub/login", proc, timeout=180)
        yield url, state
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        _reap(state)
        log.close()


def _reap(state: Path) -> None:
    """JupyterHub starts its services and the students' servers in sessions of their own, so
    stopping the hub's group leaves them running: stop every process working under ``state``
    (its cwd, or a path in its command line: the J-LIS and key-pool services, the servers and
    their kernels)."""
    import psutil

    left = []
    for p in psutil.process_iter(["cwd", "cmdline"]):
        try:
            cwd, cmd = p.info["cwd"] or "", " ".join(p.info["cmdline"] or [])
        except (psutil.Error, TypeError):
            continue
        if p.pid != os.getpid() and (cwd.startswith(str(state)) or str(state) in cmd):
            left.append(p)
    for p in left:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(left, timeout=15)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()


def _log_in(url: str, name: str, code: str, deadline: float):
    """Log in through the hub's form, then wait until the student's own Voilà answers."""
    import requests

    s = requests.Session()
    s.get(f"{url}/hub/login", timeout=60)
    r = s.post(f"{url}/hub/login", data={"username": name, "password": code, "_xsrf": s.cookies.get("_xsrf", "")},
               timeout=300)
    if r.status_code >= 400:
        return s, r.status_code
    while time.monotonic() < deadline:
        r = s.get(f"{url}/user/{name}/voila/static/voila.js", timeout=300)
        if r.status_code == 200 and r.url.startswith(f"{url}/user/{name}/"):
            return s, 200
        time.sleep(3)
    return s, 504


@pytest.mark.slow
def test_ten_students_log_in_at_once_and_each_opens_an_app(running_hub) -> None:
    from student import APPLY_2_3, run_student

    url, state = running_hub
    names = [f"student{i:02d}" for i in range(10)]
    deadline = time.monotonic() + 900
    with ThreadPoolExecutor(len(names)) as pool:
        sessions = list(pool.map(lambda n: _log_in(url, n, CODE, deadline), names))
    assert [code for _, code in sessions] == [200] * len(names), (state / "hub.log").read_text()[-3000:]

    async def open_apps():
        jobs = []
        for name, (s, _) in zip(names, sessions, strict=True):
            cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
            jobs.append(run_student(f"{url}/user/{name}", APPLY_2_3, timeout=600, headers={"Cookie": cookie}))
        return await asyncio.gather(*jobs)

    outcomes = run_async(open_apps())
    assert [o.error for o in outcomes] == [""] * len(names)
    assert all(o.widgets_s == o.widgets_s for o in outcomes)  # every student got the widgets
    # each student has their own server: kernels are separate processes
    assert all(o.action_s > 0 for o in outcomes)


@pytest.mark.slow
def test_a_wrong_class_code_is_refused_by_the_running_hub(running_hub) -> None:
    url, _ = running_hub
    s, code = _log_in(url, "intruder", "not-the-code", time.monotonic() + 60)
    assert code == 403
    r = s.get(f"{url}/user/intruder/voila/static/voila.js", timeout=60, allow_redirects=True)
    assert "/hub/login" in r.url  # not logged in: back to the login page
