"""AI bills of materials and the openness report: the mapping from facts to documents.

``inventory`` condenses a target's facts into the small record an export needs (the model card's
fields, the weight, code and data files, the base models), kept on ``TargetInfo.inventory`` so that
it travels with a report through audits and worker processes. ``licenses`` turns the license
picture into license ids that validate (an SPDX id where one exists, else a ``LicenseRef-``).
``cyclonedx`` and ``spdx3`` build the documents; the reporters only serialize them.

Nothing here is imported by a local scan but ``inventory``, which imports nothing heavy: the
serialization libraries (cyclonedx-python-lib, spdx-python-model) load only when a BOM is written.
"""
