"""`python -m yichun` runs the command-line interface."""

from yichun.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
