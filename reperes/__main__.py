import sys

from reperes.cli import main

sys.exit(main())
