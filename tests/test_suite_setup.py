"""The suite's own set-up holds: under xdist every test belongs to its module's group (tests/conftest.py), so
module-scoped fixtures are built once and transactional tests run after the rest on each worker."""

import pytest


def test_under_xdist_each_test_runs_in_its_modules_group(request):
    config = request.config
    if not hasattr(config, "workerinput"):
        pytest.skip("not under xdist (-n 0): there are no groups to check")
    assert config.option.loadgroup
    # xdist writes the group into the node id; pytest 9.2 stopped honouring that (pytest-xdist issue 1386).
    assert request.node.nodeid.endswith("@tests/test_suite_setup.py")
