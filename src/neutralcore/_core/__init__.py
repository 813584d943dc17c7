"""Private machinery with no domain knowledge.

Categorical codes (:mod:`.categorical`), identity coding of label lists
(:mod:`.identity`), splitting plain CSV bytes (:mod:`.csvsplit`), converters
and validators (:mod:`.validators`) and the one :class:`~.table.Table` with its
renderer (:mod:`.table`).  Nothing here imports a step package
(``measure``, ``reduce``, ``offsets``, ``claim``) or an extension point.
"""
