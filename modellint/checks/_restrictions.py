"""Are a license's use restrictions passed on? Shared by both halves of ML403 (own and inherited).

Restrictions are passed on when users of the repository meet them: a policy file travels with the
model; a license file in the repository holds them (RAIL's Attachment A, ChatGLM's "Restriction"
section) or incorporates the policy by reference (the Llama agreements name the Acceptable Use
Policy and its address); the card names or links the policy; the card links the license text that
carries them (`license_link`, or a link in its prose); or the card says that the base model's terms
apply ("all the original license terms still apply"), which carries the base's restrictions.
"""

import re
from typing import Any

from modellint.checks._text import card_text, links_license, policy_addresses, references_use_policy
from modellint.facts import Facts
from modellint.facts.picture import same_license

# The restrictions written out in a license text: an attachment, a section, a heading of its own.
_RESTRICTIONS_IN_TEXT = re.compile(
    r"\battachment\s+a\b|\buse\s+restrictions\b|\bprohibited\s+uses?\b"
    r"|^[ \t]{0,8}(?:#{1,6}[ \t]{0,4})?(?:\d{1,2}[.)]?[ \t]{0,4})?"
    r"(?:(?:use[ \t]+)?restrictions?|(?:使用)?限制)[ \t]{0,8}[:：]?[ \t]{0,8}$",
    re.I | re.M)


def restrictions_passed_on(facts: Facts, lic: Any, inherited: bool = False) -> bool:
    """Does the repository pass ``lic``'s use restrictions on (see the module docstring)?
    ``inherited``: the restrictions come from a base model's license."""
    # Any one of them will do: the tests that read the whole prose come last.
    if facts.policy_files or _in_license_files(facts, lic) or _defers_to_base(facts, lic, inherited):
        return True
    return references_use_policy(card_text(facts), lic.use_policy) or links_license(facts, lic)


def _in_license_files(facts: Facts, lic: Any) -> bool:
    """A root license file identified as ``lic`` writes the restrictions out, or any license or
    notice file gives the policy's address (as the Llama agreements incorporate it by URL).
    Looser wording in a license file ("follow the policy on acceptable uses") tells a user
    neither what the restrictions are nor where to read them."""
    texts = {lf.path: lf.text for lf in facts.license_files}
    for e in facts.licenses.of_kind("license-file"):
        if e.license is None or not same_license(e.license, lic):
            continue
        text = texts.get(e.path or "")
        if text and _RESTRICTIONS_IN_TEXT.search(text):
            return True
    addresses = policy_addresses(lic.use_policy)
    return bool(addresses) and any(
        tf.text and any(a in tf.text.lower() for a in addresses)
        for tf in (*facts.license_files, *facts.notice_files))


def _defers_to_base(facts: Facts, lic: Any, inherited: bool) -> bool:
    """The card says the base's terms apply: that carries restrictions the base's license holds
    (the inherited ones, and the card's own license where it is the base's, or where the base's
    license is not known: a quantization declaring its base's terms)."""
    picture = facts.licenses
    if not any(e.method == "defers-to-base" for e in picture.of_kind("card-text")):
        return False
    if inherited:
        return True
    known = [e.license for e in picture.inherited if e.license is not None]
    return not known or any(same_license(base, lic) for base in known)
