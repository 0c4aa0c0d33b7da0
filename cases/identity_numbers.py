"""Check digits of national identity numbers: KZ IIN (12 digits), UA RNOKPP (10 digits)."""

_IIN_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_RNOKPP_WEIGHTS = (-1, 5, 7, 9, 4, 6, 10, 5, 7)


def iin_check_digit(first11: str) -> int | None:
    """The IIN's 12th digit, or None if no valid IIN starts with these 11 digits."""
    digits = [int(c) for c in first11]
    check = sum(d * w for d, w in zip(digits, _IIN_WEIGHTS_1)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _IIN_WEIGHTS_2)) % 11
    return None if check == 10 else check


def rnokpp_check_digit(first9: str) -> int:
    digits = [int(c) for c in first9]
    return sum(d * w for d, w in zip(digits, _RNOKPP_WEIGHTS)) % 11 % 10


def is_valid_iin(value: str) -> bool:
    return len(value) == 12 and value.isdigit() and iin_check_digit(value[:11]) == int(value[11])


def is_valid_rnokpp(value: str) -> bool:
    return len(value) == 10 and value.isdigit() and rnokpp_check_digit(value[:9]) == int(value[9])


VALIDATORS = {"KZ": is_valid_iin, "UA": is_valid_rnokpp}


def is_valid_identity_number(jurisdiction_code: str, value: str) -> bool:
    """True if the number is valid for the jurisdiction (any other country: digits only)."""
    check = VALIDATORS.get(jurisdiction_code)
    return check(value) if check else value.isdigit()
