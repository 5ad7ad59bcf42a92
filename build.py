"""Entry point: `python build.py [build|serve|deploy|check] ...`."""

from generator.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
