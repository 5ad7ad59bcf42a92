"""Entry point: `python build.py [build|serve|deploy|check] ...`."""

from generator.cli import run

if __name__ == "__main__":
    run()
