import sys

from caretag.cli import main

sys.exit(main())
