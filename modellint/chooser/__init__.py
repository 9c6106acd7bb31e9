"""`modellint init`: choose a license for a model, then write what releasing under it takes.

``questions`` holds what is asked and how answers are read (a terminal, flags, an answers file);
``recommend`` weighs the candidate licenses against the answers and the base models' terms, from
the knowledge-base records alone (pure, no I/O); ``texts`` finds the license text where it
legitimately lives; ``plan`` turns a choice into edits (card, LICENSE, NOTICE, sections).
"""
