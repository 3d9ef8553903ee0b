"""Web application tests: shared fixtures (``support``) and the browser tests."""

import pytest

pytest.register_assert_rewrite("e2e.support")
