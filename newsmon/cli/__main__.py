"""``python -m newsmon.cli``: the same as the ``newsmon`` command."""

import sys

from newsmon.cli import main

sys.exit(main())
