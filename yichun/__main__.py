"""`python -m yichun` runs the command-line interface."""

from yichun.cli import main

raise SystemExit(main())
