from tests.workflow.conftest import _fresh_rules, issued, scene  # noqa: F401  (the same scenes)
