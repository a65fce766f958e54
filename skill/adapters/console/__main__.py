"""`make console`: the web service with the console on, on this machine only, and its address.

HOST (default 127.0.0.1) and CONSOLE_PORT (default 5050) choose where it listens. Flask's own
server is enough for one reviewer at a time; production runs gunicorn without the console.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import sys


def main() -> int:
    os.environ["HAMSTRING_CONSOLE"] = "1"
    host = os.environ.get("HOST") or "127.0.0.1"
    port = int(os.environ.get("CONSOLE_PORT") or "5050")
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    from skill.adapters.web import create_app
    app = create_app()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)     # no line per request in the terminal
    shown = f"[{host}]" if ":" in host else host
    print(f"\nDe console staat klaar: http://{shown}:{port}/console\n"
          "Open dit adres in je browser. Stoppen: Ctrl-C.", flush=True)
    if not local:
        print(f"Let op: HOST={host} is niet alleen deze computer. De console antwoordt toch alleen aan "
              "deze computer, tenzij HAMSTRING_CONSOLE_REMOTE=1.", file=sys.stderr, flush=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
