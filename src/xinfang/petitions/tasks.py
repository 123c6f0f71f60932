"""The worker's part of registration (huey finds tasks in each app's ``tasks`` module): see ``deferral``."""

from .deferral import run_deferred, sweep_deferred

__all__ = ["run_deferred", "sweep_deferred"]
