"""Hybrid Korean search over the catalog: BM25 over Kiwi morphemes + dense sentence vectors."""
