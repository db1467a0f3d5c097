"""Subcommands of the `yichun` CLI, one module each (see yichun.cli)."""
