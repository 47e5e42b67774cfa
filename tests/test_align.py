"""Figures paired and judged one to one (service.relate.align), on figures as the facts
stage writes them."""

import pytest

from service.models import QuantityInterval
from service.relate.align import same_figure


def figure(text, low, high=None, value=None, counts="people injured", approximate=False):
    return QuantityInterval(low=low, high=high, counts=counts, text=text, value=value if value is not None else low,
                            approximate=approximate)


EXACT_946 = figure("946", 946, 946)


@pytest.mark.parametrize(
    "bound, exact, same",
    [
        (figure("more than 900", 900), EXACT_946, True),  # a round figure below an exact one
        (figure("at least 133", 133), figure("137", 137, 137), False),  # two figures, not one rounded
        (figure("more than 900", 900), figure("1,046", 1046, 1046), False),  # past the round digit
        (figure("under 100", None, 100, value=100), figure("96", 96, 96), True),
        (figure("over 50 km", 50, counts="km"), figure("56 km", 56, 56, counts="km"), True),
    ],
)
def test_a_round_bound_is_the_exact_figure_it_rounds(bound, exact, same):
    assert same_figure(bound, exact) is same
    assert same_figure(exact, bound) is same
