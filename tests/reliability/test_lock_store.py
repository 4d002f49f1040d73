"""The atomic Redis lock store against the real Redis: one holder per conversation, across processes.

Each store instance has its own Redis connection, as separate Rasa instances would.
"""

from __future__ import annotations

import asyncio
import re
import threading
from functools import partial
from pathlib import Path
from typing import Awaitable, Callable, List

import pytest
import yaml
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from stores.redis_lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


def new_store(prefix: str) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=0, key_prefix=prefix))


def run_at_once(workers: List[Callable[[], None]]) -> None:
    """Start every worker on its own thread at the same moment and wait for all."""
    barrier = threading.Barrier(len(workers))
    errors: List[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as error:  # surfaced below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def run_in_own_loop(work: Callable[[AtomicRedisLockStore], Awaitable[None]], store: AtomicRedisLockStore) -> None:
    """One event loop per thread, as one per Rasa instance."""

    async def main() -> None:
        await work(store)

    asyncio.run(main())


def issue_into(issued: List[int], store: AtomicRedisLockStore, conversation: str) -> None:
    issued.append(store.issue_ticket(conversation))


def test_simultaneous_tickets_are_all_different(redis_prefix: str) -> None:
    stores = [new_store(redis_prefix) for _ in range(4)]
    for round_number in range(50):
        conversation = f"c{round_number}"
        issued: List[int] = []
        run_at_once([partial(issue_into, issued, store, conversation) for store in stores])
        assert sorted(issued) == [0, 1, 2, 3], issued
        lock = stores[0].get_lock(conversation)
        assert lock is not None and [t.number for t in lock.tickets] == [0, 1, 2, 3]


def test_only_one_holder_at_a_time_across_instances(redis_prefix: str) -> None:
    """A read-pause-write counter loses updates as soon as two holders overlap."""
    counter = {"value": 0, "holders": 0, "max_holders": 0}
    rounds = 5

    async def hold_repeatedly(store: AtomicRedisLockStore) -> None:
        for _ in range(rounds):
            async with store.lock("shared", wait_time_in_seconds=0.005):
                counter["holders"] += 1
                counter["max_holders"] = max(counter["max_holders"], counter["holders"])
                seen = counter["value"]
                await asyncio.to_thread(store.get_lock, "shared")  # a real Redis round trip inside the critical section
                counter["value"] = seen + 1
                counter["holders"] -= 1

    stores = [new_store(redis_prefix) for _ in range(4)]
    run_at_once([partial(run_in_own_loop, hold_repeatedly, store) for store in stores])
    assert counter["max_holders"] == 1
    assert counter["value"] == 4 * rounds
    assert stores[0].get_lock("shared") is None, "the last holder deletes the lock"


def test_release_keeps_the_lock_for_a_waiting_ticket(redis_prefix: str) -> None:
    first, second = new_store(redis_prefix), new_store(redis_prefix)
    mine = first.issue_ticket("c")
    theirs = second.issue_ticket("c")
    first.cleanup("c", mine)
    lock = second.get_lock("c")
    assert lock is not None and not lock.is_locked(theirs)
    second.cleanup("c", theirs)
    assert second.get_lock("c") is None


def test_an_expired_ticket_stops_blocking_the_queue(redis_prefix: str) -> None:
    store = new_store(redis_prefix)
    store.issue_ticket("c", lock_lifetime=-1)  # a holder that crashed: its ticket has already expired
    waiting = store.issue_ticket("c")
    store.update_lock("c")
    lock = store.get_lock("c")
    assert lock is not None and not lock.is_locked(waiting)


def test_finish_serving_removes_only_that_ticket(redis_prefix: str) -> None:
    store = new_store(redis_prefix)
    first, second = store.issue_ticket("c"), store.issue_ticket("c")
    store.finish_serving("c", first)
    lock = store.get_lock("c")
    assert lock is not None and [t.number for t in lock.tickets] == [second]


def test_production_endpoints_select_it(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoints = ROOT / "endpoints.production.yml"
    for name in re.findall(r"\$\{(\w+)\}", endpoints.read_text()):
        monkeypatch.setenv(name, "unused")
    for name, value in {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_PASSWORD": "", "REDIS_DB": "0"}.items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(endpoints), "lock_store")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "tpc:lock:"
    ticket = store.issue_ticket(f"{redis_prefix}-probe")
    store.cleanup(f"{redis_prefix}-probe", ticket)


def test_every_deployment_uses_it() -> None:
    """The compose file and the Kubernetes manifests run endpoints.production.yml, which names the class."""
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    assert "endpoints.production.yml" in compose["services"]["rasa"]["command"]
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "rasa.yaml").read_text()))
    rasa = next(d for d in docs if d["kind"] == "Deployment")
    assert "endpoints.production.yml" in rasa["spec"]["template"]["spec"]["containers"][0]["args"]
    endpoints = yaml.safe_load((ROOT / "endpoints.production.yml").read_text())
    assert endpoints["lock_store"]["type"] == f"{AtomicRedisLockStore.__module__}.{AtomicRedisLockStore.__name__}"
