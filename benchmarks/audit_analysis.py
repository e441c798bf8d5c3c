"""Access-log analysis figures (printed, never asserted): precision and recall per detector on a generated
log with planted misuse, and how many records a second `analyse` gets through.

    .venv/bin/python benchmarks/audit_analysis.py [--records 200000] [--seed 20261102]

No database: the log is generated in memory (`nara.audit.planted`) and turned into entries before the clock
starts, so the timed part is the analysis alone. Precision and recall compare (code, actor) pairs with the
plants. Machine noise: ±10-20 % between runs on the speed; the scores are exact for a seed.
"""

from __future__ import annotations

import argparse
import resource
import time

from nara.audit import analysis, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261102)
    args = parser.parse_args()
    started = time.perf_counter()
    log = planted.generate(args.records, seed=args.seed)
    entries = list(log.entries())
    generated = time.perf_counter() - started
    started = time.perf_counter()
    findings = analysis.analyse(entries, consented_facts=log.consented_facts)
    analysed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"generated {len(entries):,} records with {len(log.expected)} planted (code, actor) pairs "
          f"in {generated:.1f} s")  # fmt: skip
    print(f"{'detector':<24} {'precision':>9} {'recall':>7} {'findings':>8}")
    scores = planted.score(findings, log)
    for code, (precision, recall) in scores.items():
        count = sum(1 for finding in findings if code in (finding.code, "overall"))
        print(f"{code:<24} {precision:>9.2f} {recall:>7.2f} {count:>8}")
    print(f"analysed {len(entries):,} records in {analysed:.2f} s ({len(entries) / analysed:,.0f} records/s); "
          f"peak memory {peak_mb:,.0f} MB (generated log included)")  # fmt: skip


if __name__ == "__main__":
    main()
