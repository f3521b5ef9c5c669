"""How long one PIN check takes at the default scrypt cost (issue #20 asks ≥ 100 ms on the
counter PC, so a stolen database cannot be searched for 4–8 digit PINs in seconds), and how
long an offline search of every PIN would then take.

    python benchmarks/pin_hash.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from station.domain.pins import DEFAULT_COST, PinCost, check_pin, hash_pin


def timed(cost: PinCost, rounds: int) -> float:
    """Median CPU seconds of one check (CPU time, so other load on the machine does not count)."""
    stored = hash_pin("123456", cost)
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        check_pin("123456", stored)
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    old = timed(PinCost(n_log2=14, r=8), rounds)
    new = timed(DEFAULT_COST, rounds)
    print(f"old cost N=2**14 r=8: {old * 1000:.0f} ms per PIN")
    print(f"default N=2**{DEFAULT_COST.n_log2} r={DEFAULT_COST.r}: {new * 1000:.0f} ms per PIN (goal ≥ 100 ms)")
    print(
        f"every 4-digit PIN: {10_000 * new / 60:.0f} min on one core; every 6-digit: {1_000_000 * new / 86400:.1f} days"
    )


if __name__ == "__main__":
    main()
