"""How often do simultaneous ticket requests for one conversation get the same ticket?

`python -m bench.lock_race` against the local Redis, for Rasa's RedisLockStore and ours: each
round, 4 store instances (4 connections, as 4 Rasa instances) each ask for one ticket at the same
moment. A round with a duplicate ticket means two instances would process one conversation at once.
"""

from __future__ import annotations

import argparse
import threading
import uuid
from typing import Callable, List

from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from stores.redis_lock_store import AtomicRedisLockStore


def issue_at_once(stores: List[LockStore], conversation: str) -> List[int]:
    """Each store asks for a ticket on its own thread, all released at the same moment."""
    issued: List[int] = []
    barrier = threading.Barrier(len(stores))

    def ask(store: LockStore) -> None:
        barrier.wait()
        issued.append(store.issue_ticket(conversation))

    threads = [threading.Thread(target=ask, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return issued


def rounds_with_duplicates(make_store: Callable[[], LockStore], rounds: int, instances: int) -> int:
    duplicates = 0
    for round_number in range(rounds):
        stores = [make_store() for _ in range(instances)]
        issued = issue_at_once(stores, f"race-{round_number}")
        duplicates += len(set(issued)) != len(issued)
        stores[0].delete_lock(f"race-{round_number}")
    return duplicates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--instances", type=int, default=4)
    args = parser.parse_args()
    prefix = f"race{uuid.uuid4().hex[:8]}"
    candidates = {
        "rasa RedisLockStore": lambda: RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix),
        "AtomicRedisLockStore": lambda: AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=0, key_prefix=prefix)),
    }
    for name, make_store in candidates.items():
        found = rounds_with_duplicates(make_store, args.rounds, args.instances)
        print(f"{name}: {found}/{args.rounds} rounds with a duplicate ticket ({args.instances} instances)")


if __name__ == "__main__":
    main()
