# JupyterHub on one machine for the course (`make hub`): nickname + class code, one Voilà per
# student on the course index, idle culling, the class J-LIS and the RSA key pool as services.
# Codes come from the environment: LABKIT_CLASS_CODE (students), LABKIT_LECTURER_TOKEN (admin).
import os
from pathlib import Path

from labkit.hub import configure

c = get_config()  # noqa: F821 (JupyterHub provides it)
configure(c, port=int(os.environ.get("LABKIT_HUB_PORT", "8000")),
          jlis_port=int(os.environ.get("LABKIT_JLIS_PORT", "8470")),
          hub_port=int(os.environ.get("LABKIT_HUB_API_PORT", "8081")),
          proxy_api_port=int(os.environ.get("LABKIT_PROXY_API_PORT", "8001")),
          state=Path(os.environ["LABKIT_HUB_STATE"]) if os.environ.get("LABKIT_HUB_STATE") else None)
