"""newsmon's scheduler: re-crawls the configured sites on their schedules until SIGTERM/SIGINT.

    python scheduler.py [--config FILE] [--db URL] [--list | --once] [--distributed] [-v]

The same as ``newsmon schedule``; the scheduler itself is ``newsmon.scheduling.service``.
"""

import sys

from newsmon.scheduling.service import main

if __name__ == "__main__":
    sys.exit(main())
