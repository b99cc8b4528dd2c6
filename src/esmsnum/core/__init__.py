"""Cross-cutting pieces with no business rule of their own: the platform clock (``clock``)."""
