"""Built-in checks: pure functions ``check(facts, **params) -> Iterable[Violation]``.

Checks read only the Facts they are given: no I/O, no network. The engine stamps code, name
and severity from the rule's spec.
"""
