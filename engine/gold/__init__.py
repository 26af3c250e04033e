"""Gold pack and the compiler round-trip gate (`ck gold gate`, `ck gold add`)."""
