"""Exact-match lookups of identity numbers go through a keyed HMAC, never the number (DESIGN §5)."""

import hashlib
import hmac
import re

import pytest

from cases.models import Party
from cases.selectors import case_by_identity_number
from privacy import crypto
from tests.privacy.helpers import new_key, raw_values, use_keys, valid_iin, victim

pytestmark = pytest.mark.django_db


def test_a_case_is_found_by_identity_number_whatever_the_spacing_around_it(persona, file_case):
    iin = valid_iin()
    coordinator = persona("kz-coordinator")
    case = file_case(coordinator, "kz-school-1", parties=[victim(identity_number=f" {iin}  ")])
    file_case(coordinator, "kz-school-1", parties=[victim(identity_number=valid_iin("13040250013"))])

    grouped = f"{iin[:6]} {iin[6:9]} {iin[9:]}"
    for typed in (iin, f"  {iin}", f"{iin}\t", f"\n{iin} ", grouped):
        assert list(case_by_identity_number(coordinator, typed)) == [case]
    assert list(case_by_identity_number(coordinator, valid_iin("05010150012"))) == []
    assert Party.objects.get(case=case).identity_number == iin


def test_the_index_column_holds_a_keyed_hmac_not_the_number(settings, persona, file_case):
    blind_key = new_key()
    use_keys(settings, f"k1:{new_key()}", blind_index_key=blind_key)
    iin = valid_iin()
    file_case(persona("kz-coordinator"), "kz-school-1", parties=[victim(identity_number=iin)])

    [digest] = raw_values("cases_party", "identity_number_index")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert iin not in digest and digest != hashlib.sha256(iin.encode()).hexdigest()
    import base64
    expected = hmac.new(base64.b64decode(blind_key), f"identity_number\x00{iin}".encode(), hashlib.sha256)
    assert digest == expected.hexdigest()

    use_keys(settings, f"k1:{new_key()}", blind_index_key=new_key())
    assert crypto.blind_index(iin, "identity_number") != digest  # keyed: another key, another index


def test_the_index_is_bound_to_its_purpose():
    assert crypto.blind_index("123", "identity_number") != crypto.blind_index("123", "family_name")

