"""The course on JupyterHub: students log in with a nickname and the class code, each gets
their own Voilà (the course index first), idle servers are culled, and the class shares one
lab J-LIS and one RSA key pool run as hub services (``make hub``; deploy/ for Kubernetes).

Needs the ``hub`` extra (``pip install -e '.[hub]'``: jupyterhub, jhsingle-native-proxy,
jupyterhub-idle-culler) and ``configurable-http-proxy`` from npm. Nothing else in labkit
imports this module.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Unicode

NICKNAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,19}$")
ROOT = Path(__file__).resolve().parents[1]

LOGIN_NOTE = ("ニックネーム (半角英数字 2〜20 文字) と、講師から聞いたクラスコードを入力してください。"
              "講師はクラスコードの代わりに講師用トークンを入力します。<br>"
              "<span lang=\"en\">Type a nickname (2-20 letters, digits, - or _) and the class code your "
              "lecturer gave you. Lecturers type the lecturer token instead of the class code.</span>")


def normalise_nickname(raw: str) -> str:
    """Full-width letters and digits folded (ＡＢＣ１ → abc1), lower case, spaces trimmed."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


class ClassCodeAuthenticator(Authenticator):
    """Nickname + class code for students; nickname + lecturer token for the lecturer (admin).
    The same nickname and code later lead back to the same server: that is how a student who
    closed the page returns. Codes come from the environment, never from the repository."""

    class_code = Unicode(os.environ.get("LABKIT_CLASS_CODE", ""), config=True,
                         help="the code students type (env LABKIT_CLASS_CODE)")
    lecturer_token = Unicode(os.environ.get("LABKIT_LECTURER_TOKEN", ""), config=True,
                             help="the lecturer's token (env LABKIT_LECTURER_TOKEN)")

    def check_allowed(self, username: str, authentication: Any = None) -> bool:
        return True  # whoever knows the class code is in the class

    async def authenticate(self, handler: Any, data: dict[str, str]) -> dict[str, Any] | None:
        name = normalise_nickname(data.get("username", ""))
        code = (data.get("password") or "").strip()
        if not NICKNAME.fullmatch(name):
            raise web.HTTPError(400, "ニックネームは半角英数字と - _ で 2〜20 文字にしてください "
                                     f"(入力: {name[:40]!r}) / A nickname is 2-20 letters, digits, - or _ "
                                     f"(got {name[:40]!r})")
        if self.lecturer_token and code == self.lecturer_token:
            return {"name": name, "admin": True}
        if self.class_code and code == self.class_code:
            return {"name": name, "admin": False}
        self.log.warning("class code refused for %s", name)
        return None  # JupyterHub's own "invalid" message; the page shows LOGIN_NOTE


PROXY_PACKAGE = "configurable-http-proxy@5"


def proxy_bin(prefix: Path | None = None) -> Path:
    """``configurable-http-proxy`` from npm, installed once into ``build/hub-npm``."""
    prefix = prefix or ROOT / "build" / "hub-npm"
    exe = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not exe.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        PROXY_PACKAGE], check=True, stdout=subprocess.DEVNULL)
    return exe


def voila_app_cmd(notebooks: Path, max_kernels: int = 4, key_pool: Path | None = None) -> list[str]:
    """The student's server: jhsingle-native-proxy (JupyterHub's login) in front of the
    course's own Voilà (labkit.serve: template, culling, a kernel cap per student), whose
    ``/`` is the course index. Only Voilà's comm messages reach the kernels."""
    return ["jhsingle-native-proxy", "--destport", "0", "--no-force-alive", "--last-activity-interval", "60",
            "--ready-check-path", "/voila/static/voila.js", "--ready-timeout", "120", "--",
            sys.executable, "-m", "labkit.serve", str(notebooks), "{--}no-browser", "{--}port={port}",
            "{--}Voila.ip=127.0.0.1", "{--}Voila.base_url={base_url}/", "{--}Voila.server_url=/",
            "{--}no-preheat", "{--}max-kernels", str(max_kernels),
            *(["{--}key-pool", str(key_pool), "{--}keys", "24"] if key_pool else [])]


def configure(c: Any, *, port: int = 8000, jlis_port: int = 8470, state: Path | None = None,
              mem_limit: str = "400M", cull_timeout: int = 900, hub_port: int = 8081,
              proxy_api_port: int = 8001) -> None:
    """Fill a ``jupyterhub_config.py``'s ``c`` for one machine (LocalProcess spawner)."""
    state = (state or ROOT / "build" / "hub").resolve()
    state.mkdir(parents=True, exist_ok=True)
    notebooks = Path(os.environ.get("LABKIT_NOTEBOOKS", ROOT / "notebooks")).resolve()
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.ConfigurableHTTPProxy.command = [str(proxy_bin())]
    c.JupyterHub.authenticator_class = ClassCodeAuthenticator
    c.JupyterHub.template_vars = {"announcement_login": LOGIN_NOTE}
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
    c.Spawner.cmd = voila_app_cmd(notebooks)
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
    # Measured per student (tests/bench/bench_class.py): see deploy/GUIDE.md. Enforced by
    # Kubernetes; a local process spawner only reports it to the server as MEM_LIMIT.
    c.Spawner.mem_limit = mem_limit
    # The class J-LIS runs in class mode (issue 12): students' pages join it with the class
    # code; the lecturer token stays with the hub and the J-LIS, never in a student's server.
    code, lecturer = os.environ.get("LABKIT_CLASS_CODE", ""), os.environ.get("LABKIT_LECTURER_TOKEN", "")
    c.Spawner.environment = {
        "LABKIT_CLASS_CODE": code,
        "JUPYTER_PATH": str(ROOT / "share" / "jupyter"),
        "LABKIT_JLIS": f"http://127.0.0.1:{jlis_port}",
        "LABKIT_KEY_POOL": str(state / "keys.sqlite"),
        "LABKIT_NOTEBOOK_DIR": str(notebooks),
    }
    c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers",
                                           "delete:servers"]}]
    c.JupyterHub.services = [
        {"name": "idle-culler",
         "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_timeout}"]},
        {"name": "jlis",
         "command": [sys.executable, "-m", "labkit", "jlis", "serve", "--class", "--port", str(jlis_port),
                     "--db", str(state / "jlis.sqlite")],
         "environment": {"LABKIT_CLASS_CODE": code, "LABKIT_LECTURER_TOKEN": lecturer}},
        {"name": "keys",
         "command": [sys.executable, "-m", "labkit.keypool", "keep", str(state / "keys.sqlite"),
                     "--count", "400", "--parent", str(os.getpid())]},
    ]


def main(argv: list[str] | None = None) -> int:
    """``python -m labkit.hub singleuser``: the student's server in the Kubernetes image
    (deploy/Dockerfile), the same command ``make hub`` spawns, with a key pool of its own."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m labkit.hub")
    parser.add_argument("command", choices=["singleuser"])
    parser.add_argument("--notebooks", type=Path, default=Path(os.environ.get("LABKIT_NOTEBOOK_DIR",
                                                                              ROOT / "notebooks")))
    parser.add_argument("--max-kernels", type=int, default=4)
    parser.add_argument("--key-pool", type=Path, default=Path("/tmp/labkit-keys.sqlite"))
    args = parser.parse_args(argv)
    cmd = voila_app_cmd(args.notebooks, args.max_kernels, args.key_pool)
    os.execvp(cmd[0], cmd)
    return 1  # pragma: no cover - exec does not return


if __name__ == "__main__":
    sys.exit(main())
