"""The API scenes (clients, the clock at the API's NOW) and the portal scene for the input-handling tests."""

from tests.api.conftest import _fresh_throttles, client_for, now  # noqa: F401
from tests.portal.conftest import portal  # noqa: F401
