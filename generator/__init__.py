"""eventsite: turn an event's schedule data into a fast, offline-capable website."""

__version__ = "0.1.0"
