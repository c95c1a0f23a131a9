"""The one number formatter: 四舍五入 on the value as delivered, a value beside its
requirement under a yellow or red light printed so that the two differ, components that
add up to their total as printed (or say they do not)."""

from __future__ import annotations

import pytest

from carbonpeak.numtext import adding, apart, exact_digits, num, signed, whole


@pytest.mark.parametrize(("v", "nd", "want"), [
    (7726.45, 1, "7726.5"),  # the float is 7726.4499…: half-even on it printed 7726.4
    (332.45, 1, "332.5"),
    (327.46, 1, "327.5"),
    (-1.25, 1, "−1.3"),
    (2.5, 0, "3"),
    (0.125, 2, "0.13"),
    (-0.04, 1, "0.0"),  # no sign on what rounds to zero
])
def test_half_up_on_the_decimal_value(v, nd, want):
    assert num(v, nd) == want


def test_grouped_signed_and_whole():
    assert num(7726.45, 1, grouped=True) == "7,726.5"
    assert signed(0.05, 1) == "+0.1" and signed(-0.04, 1) == "0.0"
    assert whole(3.0) == "3" and whole(None) == "—"


def test_a_value_beside_a_different_requirement_shows_the_difference():
    # 湖州 2026 1—10月: −3.56 % against a target of −3.6 % under a yellow light
    assert apart(-3.5598719547065616, -3.6, 1, differ=True) == 2
    assert num(-3.5598719547065616, 2) == "−3.56"
    assert exact_digits(-3.6, 1, 2) == 1  # the target prints as it was set: 3.6
    assert exact_digits(-3.6049, 1, 2) == 2  # one that is not exact at 0.1 follows the value
    assert apart(-3.5598, -3.6, 1, differ=False) == 1  # a green light: no more digits
    assert apart(-3.9, -3.0, 1, differ=True) == 1  # already different
    assert apart(16.04, 16.0, 1, differ=True) == 2


def test_components_add_up_as_printed_or_say_so():
    # LMDI: 0.1154 + 0.0044 = 0.1198, printed 0.115 + 0.004 against 0.120
    assert adding([0.1154, 0.0044], 0.1198, 3, most=0) == (3, False)
    assert adding([0.1154, 0.0044], 0.1198, 3) == (4, True)
    assert adding([0.1, 0.2], 0.3, 1) == (1, True)
