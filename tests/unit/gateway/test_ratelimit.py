from __future__ import annotations

import pytest

from common.errors import TooManyRequests
from gateway.ratelimit import RateLimiter


def test_a_bucket_refuses_past_capacity_then_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        limiter.hit("alice")
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("alice")
    assert refused.value.headers == {"Retry-After": "20"}
    limiter.hit("bob")  # others are not affected
    now[0] = 20.0
    limiter.hit("alice")
