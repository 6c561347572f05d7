"""Quality of the layers: the validator (``audit``), gold claims from coding sheets (``gold``),
the comparison of two claim layers (``compare``, on the library scores of ``scoring``) that
``evaluate`` and ``audit --report`` render, and entity-layer agreement between engines
(``engine_agreement``)."""
