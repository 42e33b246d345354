"""Shared fixtures: seeded scenarios, a temporary output folder, no network, a hypothesis profile."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import settings

from labkit import scenarios

# hypothesis's deadline is a wall-clock assertion; the kit never asserts timings.
settings.register_profile("labkit", deadline=None, max_examples=60, derandomize=True)
settings.load_profile("labkit")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline by default: a test that tries to reach a non-loopback address fails loudly."""
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address, *args, **kwargs):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not _is_loopback(host):
            raise RuntimeError(f"tests run offline; refused a connection to {address!r}")
        return real_connect(sock, address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def _is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session")
def credit() -> scenarios.Scenario:
    return scenarios.load_scenario("credit", seed=0)


@pytest.fixture(scope="session")
def housing() -> scenarios.Scenario:
    return scenarios.load_scenario("housing", seed=0)


@pytest.fixture(scope="session")
def sensor() -> scenarios.Scenario:
    return scenarios.load_scenario("sensor", seed=0)
